"""The conditional family: `if`/`then`/`else`.

The same condition on both sides compares the branches; otherwise the reader's branches must
hold for every writer instance, or the change is undecided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compat.nodes import Node, Subs
from registry.compat.values import json_equal

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

HANDLED = frozenset({"if", "then", "else"})


def conditional(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    condition = sup.keyword_child("if")
    then, otherwise = sup.keyword_child("then"), sup.keyword_child("else")
    if condition is None or (then is None and otherwise is None):
        return True
    for node in subs:
        mine = node.keyword_child("if")
        if (
            mine is not None
            and node.side.ref_free(mine.schema)
            and sup.side.ref_free(condition.schema)
            and json_equal(mine.schema, condition.schema)
        ):
            ok = True
            if then is not None:
                extra = node.keyword_child("then")
                parts = (*subs, mine) + ((extra,) if extra is not None else ())
                ok = ch.check(parts, then, types) and ok
            if otherwise is not None:
                extra = node.keyword_child("else")
                parts = subs + ((extra,) if extra is not None else ())
                ok = ch.check(parts, otherwise, types) and ok
            return ok
    if (then is None or ch.probe((*subs, condition), then, types)) and (
        otherwise is None or ch.probe(subs, otherwise, types)
    ):
        return True
    return ch.undecided(
        "CONDITIONAL_CHANGED",
        f"`if`/`then`/`else` at {sup.pointer or '/'} changed",
        subs,
        sup,
        "if",
    )
