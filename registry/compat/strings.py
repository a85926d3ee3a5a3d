"""The string family: length bounds, `pattern` and `format`.

Two different patterns are not compared (regular-expression inclusion is not decided here):
such a change is reported as undecided, which counts as breaking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compat.catalogue import bound_change
from registry.compat.counts import CountGap, count_gaps
from registry.compat.nodes import Node, Subs
from registry.compat.samples import MAX_MADE_LENGTH
from registry.core.model import JSON

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

HANDLED = frozenset({"minLength", "maxLength", "pattern", "format"})
_UNIVERSAL_PATTERNS = frozenset({"", ".*", "^.*$", "^.*", ".*$", "(.*)", "^(.*)$", "[\\s\\S]*"})


def strings(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    ok = True
    for gap in count_gaps(subs, sup, "minLength", "maxLength"):
        shorter_or_longer = "shorter than" if gap.lower else "longer than"
        example = f"holding a string {shorter_or_longer} {gap.wanted} characters there"
        ok = gap.fail(ch, subs, sup, example, _around(gap, subs)) and ok
    pattern = sup.get("pattern")
    if isinstance(pattern, str) and pattern not in _UNIVERSAL_PATTERNS:
        mine = [n.get("pattern") for n in subs if isinstance(n.get("pattern"), str)]
        if pattern not in mine:
            old, new = ch.as_old_new(mine[0] if mine else None, pattern)
            if mine:
                ok = (
                    ch.undecided(
                        "PATTERN_CHANGED",
                        f"`pattern` at {sup.pointer or '/'} changed from {old!r} to {new!r}",
                        subs,
                        sup,
                        "pattern",
                    )
                    and ok
                )
            else:
                ok = (
                    ch.fail(
                        bound_change("PATTERN", old, new),
                        f"`pattern` {pattern!r} "
                        + ("added" if ch.backward else "removed")
                        + f" at {sup.pointer or '/'}",
                        "holding a string that does not match it there",
                        subs,
                        sup,
                        keyword="pattern",
                        sup_value=pattern,
                        candidates=["", "a", " ", "0", "A-1"],
                    )
                    and ok
                )
    fmt = sup.get("format")
    if isinstance(fmt, str):
        mine_formats = [n.get("format") for n in subs if isinstance(n.get("format"), str)]
        if fmt not in mine_formats:
            old, new = ch.as_old_new(mine_formats[0] if mine_formats else None, fmt)
            ok = (
                ch.fail(
                    bound_change("FORMAT", old, new)
                    if old is None or new is None
                    else "FORMAT_CHANGED",
                    f"`format` at {sup.pointer or '/'} changed from {old!r} to {new!r}",
                    f"holding a string that is not a valid {fmt} there",
                    subs,
                    sup,
                    keyword="format",
                    sub_value=mine_formats[0] if mine_formats else None,
                    sup_value=fmt,
                )
                and ok
            )
    return ok


def _around(gap: CountGap, subs: Subs) -> list[JSON]:
    """Strings just outside the reader's length bound, and at the writer's own bounds."""
    length = gap.wanted - 1 if gap.lower else gap.wanted + 1
    lengths = [gap.best] if gap.best is not None else []
    lengths.append(length)
    least = [c for n in subs if (c := n.count("minLength")) is not None]
    if least and not gap.lower:
        lengths.append(max(least))
    return ["a" * n for n in lengths if 0 <= n <= MAX_MADE_LENGTH]
