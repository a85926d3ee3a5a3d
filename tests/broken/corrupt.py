"""Non-schemas put where a schema may stand: the broken inputs of the tests in this folder.

A corruption takes a valid schema body, picks one of its subschemas and one keyword slot there
that holds a schema in the body's draft (a `properties` value, `items`, an `allOf` member, ...),
and puts a value that is no schema in it. Every corrupted body is therefore invalid against its
draft's metaschema. The hypothesis strategy draws all three; `corrupt_by_index` picks them from
a number, for deterministic sweeps over a corpus.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml
from hypothesis import strategies as st

from registry.core.dialects import DRAFT4, DRAFT6, DRAFT7, DRAFT201909, Dialect, dialect_of
from registry.core.walk import subschemas
from registry.sources.files import read_schema

NAME = "name"
"""A slot whose keyword maps names to schemas: a name is chosen (or added) below it."""
INDEX = "index"
"""A slot whose keyword holds a list of schemas: an item is chosen (or the list made)."""

_EVERY_DRAFT: list[tuple[str, str | None]] = [
    ("properties", NAME),
    ("patternProperties", NAME),
    ("additionalProperties", None),
    ("items", None),
    ("allOf", INDEX),
    ("anyOf", INDEX),
    ("oneOf", INDEX),
    ("not", None),
]
_DRAFT6_ON: list[tuple[str, str | None]] = [("contains", None), ("propertyNames", None)]
_DRAFT7_ON: list[tuple[str, str | None]] = [("if", None), ("then", None), ("else", None)]
_UP_TO_2019: list[tuple[str, str | None]] = [("additionalItems", None)]
_UP_TO_DRAFT7: list[tuple[str, str | None]] = [("definitions", NAME)]
_2019_ON: list[tuple[str, str | None]] = [
    ("$defs", NAME),
    ("dependentSchemas", NAME),
    ("unevaluatedProperties", None),
    ("unevaluatedItems", None),
]
_2020: list[tuple[str, str | None]] = [("prefixItems", INDEX)]


def slots(dialect: Dialect) -> list[tuple[str, str | None]]:
    """The keywords that hold a schema (or schemas) in `dialect`."""
    found = list(_EVERY_DRAFT)
    if dialect is not DRAFT4:
        found += _DRAFT6_ON
    if dialect not in (DRAFT4, DRAFT6):
        found += _DRAFT7_ON
    if dialect in (DRAFT4, DRAFT6, DRAFT7):
        found += _UP_TO_DRAFT7 + _UP_TO_2019
    else:
        found += _2019_ON
        found += _UP_TO_2019 if dialect is DRAFT201909 else _2020
    return found


NON_SCHEMAS: tuple[Any, ...] = (
    "string",
    "no",
    "yes",
    "",
    "x",
    0,
    3,
    -1.5,
    None,
    [],
    [1, "a"],
    [None],
    {"required": "x"},
    {"enum": 3},
    {"type": "strnig"},
    {"minimum": "1"},
    {"$ref": 5},
    {"properties": "string"},
    {"items": 3},
    {"type": "object", "properties": {"note": "string"}},
)
"""Values that are a schema in no draft: scalars, lists, and mappings with wrong-typed keywords
(`true`/`false` are schemas since draft 6, so they are left out)."""


@dataclass(frozen=True)
class Corruption:
    """One non-schema put in one place of one schema body."""

    body: dict[str, Any]
    pointer: str
    value: Any

    def text(self, rel_path: PurePosixPath) -> str:
        """The body written as the file's format: JSON for `.json`, else YAML."""
        if rel_path.suffix == ".json":
            text = json.dumps(self.body, indent=2) + "\n"
        else:
            text = yaml.safe_dump(self.body, sort_keys=False, allow_unicode=True)
        reread = read_schema(rel_path, text.encode()).body
        assert reread == self.body, f"{rel_path} does not read back as written"
        return text


def corrupt(body: Mapping[str, Any], where: int, slot: int, value: Any, name: int) -> Corruption:
    """`value` in the `slot`-th schema keyword of the `where`-th subschema (each index wraps)."""
    copied: dict[str, Any] = copy.deepcopy(dict(body))
    places = list(subschemas(copied))
    pointer, node = places[where % len(places)]
    choices = slots(dialect_of(copied))
    keyword, kind = choices[slot % len(choices)]
    assert isinstance(node, dict)
    held = node.get(keyword)
    if kind == NAME:
        names = sorted(held) if isinstance(held, dict) else []
        chosen = [*names, "x_broken"][name % (len(names) + 1)]
        node[keyword] = {**held, chosen: value} if isinstance(held, dict) else {chosen: value}
        where_at = f"{pointer}/{keyword}/{_escape(chosen)}"
    elif kind == INDEX:
        items = list(held) if isinstance(held, list) and held else []
        index = name % len(items) if items else 0
        node[keyword] = [*items[:index], value, *items[index + 1 :]] if items else [value]
        where_at = f"{pointer}/{keyword}/{index}"
    else:
        node[keyword] = value
        where_at = f"{pointer}/{keyword}"
    return Corruption(copied, where_at, value)


def corrupt_by_index(body: Mapping[str, Any], seed: int) -> Corruption:
    """One corruption of `body` chosen by `seed`: the same seed, the same corruption."""
    return corrupt(body, seed * 7, seed * 3, NON_SCHEMAS[seed % len(NON_SCHEMAS)], seed)


def corruptions(body: Mapping[str, Any]) -> st.SearchStrategy[Corruption]:
    """Every corruption of `body`, as hypothesis draws them."""
    index = st.integers(min_value=0, max_value=200)
    return st.builds(corrupt, st.just(body), index, index, st.sampled_from(NON_SCHEMAS), index)


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
