"""The string family: length bounds, `pattern` and `format`.

Two different patterns are not compared (regular-expression inclusion is not decided here):
such a change is reported as undecided, which counts as breaking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compat.catalogue import bound_change
from registry.compat.nodes import Node, Subs
from registry.core.model import JSON

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

HANDLED = frozenset({"minLength", "maxLength", "pattern", "format"})
_UNIVERSAL_PATTERNS = frozenset({"", ".*", "^.*$", "^.*", ".*$", "(.*)", "^(.*)$", "[\\s\\S]*"})


def strings(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    ok = True
    for keyword, prefix, lower in (
        ("minLength", "MIN_LENGTH", True),
        ("maxLength", "MAX_LENGTH", False),
    ):
        wanted = sup.count(keyword)
        if wanted is None or (lower and wanted <= 0):
            continue
        have = [c for n in subs if (c := n.count(keyword)) is not None]
        best = (max(have) if lower else min(have)) if have else None
        if best is not None and (best >= wanted if lower else best <= wanted):
            continue
        old, new = ch.as_old_new(best, wanted)
        length = wanted - 1 if lower else wanted + 1
        other = [
            c for n in subs if (c := n.count("maxLength" if lower else "minLength")) is not None
        ]
        candidates: list[JSON] = ["a" * length] if length >= 0 else []
        if best is not None:
            candidates.insert(0, "a" * best)
        if other and not lower:
            candidates.append("a" * max(other))
        ok = (
            ch.fail(
                bound_change(prefix, old, new),
                f"`{keyword}` at {sup.pointer or '/'} changed from {old} to {new}",
                f"holding a string {'shorter than' if lower else 'longer than'} {wanted} "
                "characters there",
                subs,
                sup,
                keyword=keyword,
                sub_value=best,
                sup_value=wanted,
                candidates=candidates,
            )
            and ok
        )
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
