"""The `enum`/`const` family: values the reader enumerates, against the writer's.

When the writer enumerates too, the engine decides exactly by validating each of its values
(see `Inclusion`); these record what such a decision, or an enumeration the writer lacks, found.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from registry.compat.nodes import Node, Subs
from registry.compat.values import BOOLEAN, NULL, value_key
from registry.core.model import JSON

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

HANDLED = frozenset({"enum", "const"})


def enum_change(ch: Inclusion, subs: Subs, sup: Node, rejected: list[JSON]) -> bool:
    writer = next((n for n in subs if n.values is not None), subs[0])
    old_values, new_values = ch.as_old_new(writer.values or [], sup.values or [])
    old_keys = {value_key(v) for v in old_values}
    new_keys = {value_key(v) for v in new_values}
    if new_keys <= old_keys:
        name = "ENUM_ARRAY_NARROWED"
    elif old_keys <= new_keys:
        name = "ENUM_ARRAY_EXTENDED"
    else:
        name = "ENUM_ARRAY_CHANGED"
    keyword = "enum" if sup.has("enum") else "const"
    return ch.fail(
        name,
        f"`{keyword}` at {sup.pointer or '/'} no longer allows {_values(rejected)}"
        if ch.backward
        else f"`{keyword}` at {sup.pointer or '/'} now allows {_values(rejected)}",
        f"holding {_values(rejected[:1])} there",
        subs,
        sup,
        keyword=keyword,
        sub_value=writer.get(keyword),
        sup_value=sup.get(keyword),
        candidates=rejected,
    )


def enum_added(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    """The reader enumerates values and the writer does not (else values decided already)."""
    possible: list[JSON] = []
    if types <= {NULL, BOOLEAN}:
        possible = ([None] if NULL in types else []) + ([True, False] if BOOLEAN in types else [])
        if all(
            sup.side.is_valid(sup, v) or not all(n.side.is_valid(n, v) for n in subs)
            for v in possible
        ):
            return True
    keyword = "enum" if sup.has("enum") else "const"
    return ch.fail(
        "ENUM_ADDED" if ch.backward else "ENUM_REMOVED",
        f"`{keyword}` at {sup.pointer or '/'} restricts the values"
        if ch.backward
        else f"`{keyword}` at {sup.pointer or '/'} was removed",
        "holding any value outside it there",
        subs,
        sup,
        keyword=keyword,
        sup_value=sup.get(keyword),
    )


def _values(values: list[JSON]) -> str:
    shown = ", ".join(json.dumps(v) for v in values[:5])
    return shown + (f" and {len(values) - 5} more" if len(values) > 5 else "")
