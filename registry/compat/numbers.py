"""The number family: lower and upper bounds (inclusive or exclusive) and `multipleOf`.

Bounds are compared exactly (as fractions of their decimal spelling), and on integers only the
integers they admit count: `minimum: 0.5` and `minimum: 1` say the same of an integer.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

from registry.compat.catalogue import bound_change
from registry.compat.nodes import Node, Subs
from registry.compat.values import INTEGER, NUMBERS, exact
from registry.core.model import JSON

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

HANDLED = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})


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
