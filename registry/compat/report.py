"""The result of one `compat` run, as data: verdicts, changes and a witness of the break.

`registry.report.compat` renders it as text and JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import referencing

from registry.compat.budget import DEFAULT_BUDGET, Budget
from registry.compat.differ import compare
from registry.compat.verdict import broken_by, is_compatible, required_bump
from registry.compat.witness import search
from registry.core.model import JSON, Change, Mode


@dataclass(frozen=True)
class Witness:
    """An event the writer version accepts and the reader version rejects: proof of a break.

    `direction` is the mode it breaks (backward: written under the old version, rejected by
    the new one). `valid_under` and `invalid_under` name the two versions as people read them
    ("version 2", or a file name); the instance has been checked against both with jsonschema.
    """

    direction: Mode
    instance: JSON
    valid_under: str
    invalid_under: str


@dataclass(frozen=True)
class CompatReport:
    """Everything `compat` says about one pair: verdicts per mode, changes, a witness."""

    mode: Mode
    policy: str
    changes: tuple[Change, ...]
    verdicts: Mapping[str, bool]
    required_bump: str
    witness: Witness | None
    open_content_only: bool
    old_label: str = "old"
    new_label: str = "new"

    @property
    def compatible(self) -> bool:
        return is_compatible(self.changes, self.mode)


def check(
    old: Mapping[str, JSON] | bool,
    new: Mapping[str, JSON] | bool,
    *,
    mode: Mode = Mode.BACKWARD,
    policy: str = "strict",
    old_registry: referencing.Registry[Any] | None = None,
    new_registry: referencing.Registry[Any] | None = None,
    witness: bool = True,
    budget: Budget = DEFAULT_BUDGET,
) -> CompatReport:
    """Compare two versions under `mode` and `policy`; find a witness when incompatible.

    Either version may be any JSON Schema, a bare boolean included (read as 2020-12). Each
    direction may take `budget`; what is left undecided past it is a `BUDGET_EXHAUSTED` change.
    """
    comparison = compare(
        old,
        new,
        policy=policy,
        old_registry=old_registry,
        new_registry=new_registry,
        budget=budget,
    )
    changes = tuple(comparison.changes)
    verdicts = {
        m.value: is_compatible(changes, m) for m in (Mode.BACKWARD, Mode.FORWARD, Mode.FULL)
    }
    found: Witness | None = None
    directions = broken_by(mode)
    if witness:
        for direction in (Mode.BACKWARD, Mode.FORWARD):
            if direction not in directions or verdicts[direction.value]:
                continue
            instance = search(comparison, direction)
            if instance is not None or _is_null_witness(comparison, direction, instance):
                writer, reader = (
                    (comparison.old.label, comparison.new.label)
                    if direction is Mode.BACKWARD
                    else (comparison.new.label, comparison.old.label)
                )
                found = Witness(direction, instance, writer, reader)
                break
    failures = [f for direction in directions for f in comparison.found(direction)]
    return CompatReport(
        mode=mode,
        policy=policy,
        changes=changes,
        verdicts=verdicts,
        required_bump=required_bump(changes),
        witness=found,
        open_content_only=policy == "strict"
        and bool(failures)
        and all(f.open_content for f in failures),
        old_label=comparison.old.label,
        new_label=comparison.new.label,
    )


def _is_null_witness(comparison: Any, direction: Mode, instance: JSON) -> bool:
    """`null` can itself be the counterexample; `search` returns it like any other value."""
    if instance is not None:
        return False
    writer, reader = (
        (comparison.old, comparison.new)
        if direction is Mode.BACKWARD
        else (comparison.new, comparison.old)
    )
    if writer.loop is not None or reader.loop is not None:
        return False
    try:
        return bool(writer.validator.is_valid(None)) and not reader.validator.is_valid(None)
    except Exception:
        return False
