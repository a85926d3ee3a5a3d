"""Keyword families for the reader side: type, enum, numbers, strings, combinators, conditionals.

Each family proves that the writer conjuncts meet the reader's keywords of that family, for the
type atoms still in play, or records why not. Objects and arrays live in their own modules.
Any validating keyword no family handles is reported as undecided, never ignored.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

from registry.compat import arrays, objects
from registry.compat.catalogue import bound_change
from registry.compat.nodes import (
    ALL_TYPES,
    BOOLEAN,
    FRACTION,
    INTEGER,
    NULL,
    NUMBERS,
    STRING,
    Node,
    exact,
    json_equal,
    type_atoms,
    value_key,
)
from registry.core.model import JSON

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

Subs = tuple[Node, ...]

_UNIVERSAL_PATTERNS = frozenset({"", ".*", "^.*$", "^.*", ".*$", "(.*)", "^(.*)$", "[\\s\\S]*"})
_NUMERIC = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
_STRINGS = frozenset({"minLength", "maxLength", "pattern", "format"})
_TYPES = frozenset({"type", "enum", "const"})
_COMBINATORS = frozenset({"allOf", "anyOf", "oneOf", "not"})
_CONDITIONAL = frozenset({"if", "then", "else"})
HANDLED = (
    _NUMERIC
    | _STRINGS
    | _TYPES
    | _COMBINATORS
    | _CONDITIONAL
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
        ok = enum_added(ch, subs, sup, types) and ok
    if types & NUMBERS and sup.assertions & _NUMERIC:
        ok = numbers(ch, subs, sup, types) and ok
    if STRING in types and sup.assertions & _STRINGS:
        ok = strings(ch, subs, sup) and ok
    ok = arrays.check(ch, subs, sup, types) and ok
    ok = objects.check(ch, subs, sup, types) and ok
    if sup.assertions & _COMBINATORS:
        ok = combinators(ch, subs, sup, types) and ok
    if sup.has("if"):
        ok = conditional(ch, subs, sup, types) and ok
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


def type_names(atoms: frozenset[str]) -> str:
    names = set(atoms)
    if names >= NUMBERS:
        names -= NUMBERS
        names.add("number")
    names = {("number (non-integer)" if n == FRACTION else n) for n in names}
    return ", ".join(sorted(names)) or "nothing"


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
    import json

    shown = ", ".join(json.dumps(v) for v in values[:5])
    return shown + (f" and {len(values) - 5} more" if len(values) > 5 else "")


# -- numbers ------------------------------------------------------------------------------


def numbers(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    integral = (types & NUMBERS) == {INTEGER}
    ok = True
    for lower in (True, False):
        wanted = sup.lower_bound() if lower else sup.upper_bound()
        if wanted is None:
            continue
        have = _tightest(subs, lower)
        if have is not None and _within(have, wanted, lower=lower, integral=integral):
            continue
        ok = _bound_fail(ch, subs, sup, wanted, have, lower=lower, integral=integral) and ok
    divisor = sup.number_keyword("multipleOf")
    if divisor is not None and divisor > 0:
        step = exact(divisor)
        mine = [exact(m) for n in subs if (m := n.number_keyword("multipleOf")) and m > 0]
        if not any((m / step).denominator == 1 for m in mine) and not (
            integral and (1 / step).denominator == 1
        ):
            old, new = ch.as_old_new(
                next((n.number_keyword("multipleOf") for n in subs if n.has("multipleOf")), None),
                divisor,
            )
            if old is None or new is None:
                name = bound_change("MULTIPLE_OF", old, new)
            elif (exact(new) / exact(old)).denominator == 1:
                name = "MULTIPLE_OF_EXPANDED"
            elif (exact(old) / exact(new)).denominator == 1:
                name = "MULTIPLE_OF_REDUCED"
            else:
                name = "MULTIPLE_OF_CHANGED"
            base = mine[0] if mine else Fraction(1)
            ok = (
                ch.fail(
                    name,
                    f"`multipleOf` at {sup.pointer or '/'} changed from {old} to {new}",
                    f"holding a number that is not a multiple of {divisor} there",
                    subs,
                    sup,
                    keyword="multipleOf",
                    sub_value=old if ch.backward else new,
                    sup_value=divisor,
                    candidates=[_number(base * k, integral) for k in (1, 3, 7)] + [1, 0.5],
                )
                and ok
            )
    return ok


def _tightest(subs: Subs, lower: bool) -> tuple[Fraction, bool] | None:
    bounds = [b for n in subs if (b := (n.lower_bound() if lower else n.upper_bound()))]
    if not bounds:
        return None
    if lower:
        return max(bounds, key=lambda b: (b[0], b[1]))
    return min(bounds, key=lambda b: (b[0], not b[1]))


def _within(
    have: tuple[Fraction, bool], wanted: tuple[Fraction, bool], *, lower: bool, integral: bool
) -> bool:
    value, strict = have
    if integral:
        if lower:
            value = Fraction(math.floor(value) + 1 if strict else math.ceil(value))
        else:
            value = Fraction(math.ceil(value) - 1 if strict else math.floor(value))
        strict = False
    bound, bound_strict = wanted
    if lower:
        return value > bound or (value == bound and (strict or not bound_strict))
    return value < bound or (value == bound and (strict or not bound_strict))


def _bound_fail(
    ch: Inclusion,
    subs: Subs,
    sup: Node,
    wanted: tuple[Fraction, bool],
    have: tuple[Fraction, bool] | None,
    *,
    lower: bool,
    integral: bool,
) -> bool:
    base = "MINIMUM" if lower else "MAXIMUM"
    exclusive_keyword = sup.has("exclusiveMinimum" if lower else "exclusiveMaximum")
    prefix = f"EXCLUSIVE_{base}" if wanted[1] and exclusive_keyword else base
    keyword = (
        "exclusiveMinimum"
        if prefix == "EXCLUSIVE_MINIMUM"
        else ("exclusiveMaximum" if prefix == "EXCLUSIVE_MAXIMUM" else base.lower())
    )
    old_bound, new_bound = ch.as_old_new(have, wanted)
    old = None if old_bound is None else _plain(old_bound[0])
    new = None if new_bound is None else _plain(new_bound[0])
    name = bound_change(prefix, old, new)
    if name.endswith("_CHANGED") and old_bound and new_bound:
        name = f"{prefix}_{'INCREASED' if new_bound[1] == lower else 'DECREASED'}"
    bound = wanted[0]
    step = Fraction(1) if integral else Fraction(1, 2)
    candidates: list[JSON] = [_number(bound - step if lower else bound + step, integral)]
    if have is not None:
        candidates.insert(
            0, _number(have[0] + (step if have[1] == lower else 0) * (1 if lower else -1), integral)
        )
    if not wanted[1] or True:
        candidates.append(_number(bound, integral))
    side = "below" if lower else "above"
    return ch.fail(
        name,
        f"the {'lower' if lower else 'upper'} bound at {sup.pointer or '/'} changed "
        f"from {_show_bound(old_bound)} to {_show_bound(new_bound)}",
        f"holding a number {side} {_plain(bound)} there",
        subs,
        sup,
        keyword=keyword,
        sub_value=old if ch.backward else new,
        sup_value=_plain(bound),
        candidates=candidates,
    )


def _show_bound(bound: tuple[Fraction, bool] | None) -> str:
    if bound is None:
        return "none"
    return f"{_plain(bound[0])}{' (exclusive)' if bound[1] else ''}"


def _plain(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _number(value: Fraction, integral: bool) -> int | float:
    if integral:
        return math.floor(value)
    return _plain(value)


# -- strings ------------------------------------------------------------------------------


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


# -- combinators --------------------------------------------------------------------------


def combinators(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    ok = True
    branches = sup.get("allOf")
    if isinstance(branches, list):
        for index, branch in enumerate(branches):
            ok = ch.check(subs, sup.child(branch, "allOf", index), types) and ok
    for keyword in ("anyOf", "oneOf"):
        branches = sup.get(keyword)
        if isinstance(branches, list):
            ok = _alternatives(ch, subs, sup, keyword, branches, types) and ok
    negated = sup.keyword_child("not")
    if negated is not None:
        ok = _negation(ch, subs, sup, negated, types) and ok
    return ok


def _branch_types(ch: Inclusion, node: Node) -> frozenset[str]:
    try:
        parts = ch.expand((node,))
    except Exception:
        return ALL_TYPES
    if parts is None:
        return frozenset()
    atoms = ALL_TYPES
    for part in parts:
        atoms &= part.types
    return atoms


def _alternatives(
    ch: Inclusion, subs: Subs, sup: Node, keyword: str, branches: list[JSON], types: frozenset[str]
) -> bool:
    nodes = [sup.child(b, keyword, i) for i, b in enumerate(branches)]
    atoms = [_branch_types(ch, n) for n in nodes]
    ok = True
    for atom in sorted(types):
        domain = frozenset({atom})
        chosen = next(
            (
                i
                for i, node in enumerate(nodes)
                if atom in atoms[i] and ch.probe(subs, node, domain)
            ),
            None,
        )
        if chosen is None:
            ok = (
                ch.fail(
                    "SUM_TYPE_NARROWED" if ch.backward else "SUM_TYPE_EXTENDED",
                    f"no alternative of `{keyword}` at {sup.pointer or '/'} in {ch.reader} accepts "
                    f"every {type_names(domain)} value {ch.writer} allows",
                    f"holding such a {type_names(domain)} value there",
                    subs,
                    sup,
                    keyword=keyword,
                )
                and ok
            )
            continue
        if keyword == "oneOf":
            overlapping = [i for i in range(len(nodes)) if i != chosen and atom in atoms[i]]
            if overlapping:
                ok = (
                    ch.undecided(
                        "ONE_OF_OVERLAP_UNDECIDED",
                        f"a {type_names(domain)} value may match several alternatives of `oneOf` "
                        f"at {sup.pointer or '/'} (alternatives {chosen} and {overlapping[0]})",
                        subs,
                        sup,
                        keyword,
                    )
                    and ok
                )
    return ok


def _negation(ch: Inclusion, subs: Subs, sup: Node, negated: Node, types: frozenset[str]) -> bool:
    if not (_branch_types(ch, negated) & types):
        return True
    for node in subs:
        mine = node.keyword_child("not")
        if mine is not None and ch.probe((negated,), mine, ALL_TYPES):
            return True
    has_not = any(n.has("not") for n in subs)
    if has_not:
        name = "NOT_TYPE_EXTENDED" if ch.backward else "NOT_TYPE_NARROWED"
    else:
        name = "NOT_TYPE_EXTENDED" if ch.backward else "NOT_TYPE_NARROWED"
    return ch.fail(
        name,
        f"`not` at {sup.pointer or '/'} in {ch.reader} excludes values {ch.writer} allows",
        "holding such a value there",
        subs,
        sup,
        keyword="not",
    )


# -- conditionals -------------------------------------------------------------------------


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
