"""Every keyword family run against one reader node, starting with `type`.

Each family proves that the writer conjuncts meet the reader's keywords of that family, for the
type atoms still in play, or records why not. Any validating keyword no family handles is
reported as undecided, never ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compat import (
    arrays,
    combinators,
    conditionals,
    enums,
    numbers,
    objects,
    strings,
)
from registry.compat.nodes import Node, Subs
from registry.compat.values import ALL_TYPES, NUMBERS, STRING, type_atoms, type_names

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

HANDLED = (
    numbers.HANDLED
    | strings.HANDLED
    | {"type"}
    | enums.HANDLED
    | combinators.HANDLED
    | conditionals.HANDLED
    | objects.HANDLED
    | arrays.HANDLED
    | {"$ref"}
)


def check_all(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    """Run every family against the reader node; all must hold."""
    ok = True
    if sup.has("type"):
        allowed = type_atoms(sup.get("type"))
        if types - allowed:
            ok = type_change(ch, subs, sup, types, allowed)
        types &= allowed
        if not types:
            return ok
    if sup.values is not None:
        ok = enums.enum_added(ch, subs, sup, types) and ok
    if types & NUMBERS and sup.assertions & numbers.HANDLED:
        ok = numbers.numbers(ch, subs, sup, types) and ok
    if STRING in types and sup.assertions & strings.HANDLED:
        ok = strings.strings(ch, subs, sup) and ok
    ok = arrays.check(ch, subs, sup, types) and ok
    ok = objects.check(ch, subs, sup, types) and ok
    if sup.assertions & combinators.HANDLED:
        ok = combinators.combinators(ch, subs, sup, types) and ok
    if sup.has("if"):
        ok = conditionals.conditional(ch, subs, sup, types) and ok
    for keyword in sorted(sup.assertions - HANDLED):
        ok = (
            ch.undecided(
                "KEYWORD_NOT_MODELLED", f"`{keyword}` at {sup.pointer or '/'}", subs, sup, keyword
            )
            and ok
        )
    return ok


def declared_types(subs: Subs) -> frozenset[str]:
    atoms = ALL_TYPES
    for node in subs:
        if node.has("type"):
            atoms &= type_atoms(node.get("type"))
    return atoms


def type_change(
    ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str], allowed: frozenset[str]
) -> bool:
    if ch.probing:
        return False
    old, new = ch.as_old_new(declared_types(subs), allowed)
    if new < old:
        name = "TYPE_NARROWED"
    elif old < new:
        name = "TYPE_EXTENDED"
    else:
        name = "TYPE_CHANGED"
    lost = types - allowed
    return ch.fail(
        name,
        f"`type` at {sup.pointer or '/'} changed from {type_names(old)} to {type_names(new)}",
        f"holding a {type_names(lost)} value there",
        subs,
        sup,
        keyword="type",
        sub_value=next((n.get("type") for n in subs if n.has("type")), None),
        sup_value=sup.get("type"),
    )
