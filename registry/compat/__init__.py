"""Schema compatibility: a sound JSON Schema diff with Confluent-style modes.

`diff(old, new)` lists typed changes, each saying which pairwise modes (backward, forward) it
breaks. The engine proves set inclusion of the instance sets; when it cannot decide (two
unrelated patterns, keywords it does not model), it reports that as a breaking change of its
own and never guesses compatible. `find_witness` gives a concrete event that shows a break,
checked with jsonschema against both versions. Any JSON Schema may be compared, a bare boolean
included (read as 2020-12); every comparison answers within its `Budget`, and what it cannot
decide within it is a `BUDGET_EXHAUSTED` change that breaks, never a hang or a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import referencing

from registry.compat.budget import DEFAULT_BUDGET, Budget
from registry.compat.catalogue import ANNOTATION_KEYWORDS, CHANGE_TYPES
from registry.compat.differ import POLICIES, Comparison, InvalidSchema, compare
from registry.compat.report import CompatReport, Witness, check
from registry.compat.verdict import is_compatible, required_bump
from registry.compat.witness import search
from registry.core.model import JSON, Change, Mode

__all__ = [
    "ANNOTATION_KEYWORDS",
    "CHANGE_TYPES",
    "DEFAULT_BUDGET",
    "POLICIES",
    "Budget",
    "Comparison",
    "CompatReport",
    "InvalidSchema",
    "Witness",
    "check",
    "compare",
    "diff",
    "find_witness",
    "is_compatible",
    "required_bump",
]


def diff(
    old: Mapping[str, JSON] | bool,
    new: Mapping[str, JSON] | bool,
    *,
    policy: str = "strict",
    old_registry: referencing.Registry[Any] | None = None,
    new_registry: referencing.Registry[Any] | None = None,
    budget: Budget = DEFAULT_BUDGET,
) -> list[Change]:
    """Every change from `old` to `new`, each with the pairwise modes it breaks.

    `$ref`s resolve only through the given registries (see `registry.refs.build_registry`);
    nothing is fetched. `policy` is "strict" (set inclusion) or "lenient" (writers are assumed
    never to have sent a property their schema left open and unnamed). Each direction may
    take `budget`.
    """
    return compare(
        old,
        new,
        policy=policy,
        old_registry=old_registry,
        new_registry=new_registry,
        budget=budget,
    ).changes


def find_witness(
    old: Mapping[str, JSON] | bool,
    new: Mapping[str, JSON] | bool,
    direction: Mode,
    *,
    policy: str = "strict",
    old_registry: referencing.Registry[Any] | None = None,
    new_registry: referencing.Registry[Any] | None = None,
) -> JSON | None:
    """An event valid under `old` and invalid under `new` (backward), or the reverse (forward).

    Every returned instance has been validated with jsonschema against both schemas. None when
    the pair is compatible in that direction or no witness was found. `full` tries backward,
    then forward. (An event that is JSON `null` is returned as None too; use `check` to tell.)
    """
    comparison = compare(
        old, new, policy=policy, old_registry=old_registry, new_registry=new_registry
    )
    pairwise = direction.pairwise
    directions = [Mode.BACKWARD, Mode.FORWARD] if pairwise is Mode.FULL else [pairwise]
    for each in directions:
        if each in (Mode.BACKWARD, Mode.FORWARD):
            instance = search(comparison, each)
            if instance is not None:
                return instance
    return None
