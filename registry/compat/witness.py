"""Witnesses: a concrete event valid under one version and invalid under the other.

For each change that breaks a direction, the engine remembers the writer and reader subschemas
where it failed and the path from the event's root down to that place. Here a sampler proposes
values for that place (the change's own hints first, then values the writer schema allows),
keeps those the writer accepts and the reader rejects locally, builds a whole event around each
from samples of the enclosing schemas, and returns the first that jsonschema confirms: valid
under the writer's whole schema, invalid under the reader's. Nothing unconfirmed is returned.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache

from registry.compat import arrays
from registry.compat.content_model import writer_for
from registry.compat.differ import Comparison, breaking
from registry.compat.failures import Found, Frame
from registry.compat.interner import Interner
from registry.compat.nodes import Node
from registry.compat.regex_sample import samples
from registry.compat.resolution import expand_all
from registry.compat.samples import FORMATS, MAX_MADE_ITEMS, MAX_MADE_LENGTH
from registry.compat.side import Side
from registry.compat.undecided import Undecided
from registry.compat.values import ARRAY, BOOLEAN, FRACTION, INTEGER, NULL, OBJECT, STRING, exact
from registry.core.model import JSON, Mode

_ORDER = (OBJECT, STRING, INTEGER, FRACTION, BOOLEAN, NULL, ARRAY)
MAX_DEPTH = 8
MAX_VALUES = 12
BUDGET = 60
"""Whole-event validations per direction; a witness is worth a little time, not a hang."""
MAX_SAMPLES = 20_000
"""Sets of values the sampler may make per search, however the schema's alternatives nest."""
MAX_NESTING = 40
"""Alternatives within alternatives the sampler follows (each a few Python frames)."""


class Sampler:
    """Proposes values that a conjunction of subschemas probably accepts."""

    def __init__(self) -> None:
        self._memo: dict[tuple[tuple[int, ...], int, bool], list[JSON]] = {}
        self.numbering = Interner()
        self._made = 0
        self._nesting = 0

    def values(self, subs: tuple[Node, ...], depth: int = 0, rich: bool = True) -> list[JSON]:
        """Candidate values; `rich` adds variants (optional properties, longer arrays)."""
        key = (tuple(id(n.schema) for n in subs), depth, rich)
        known = self._memo.get(key)
        if known is None:
            self._made += 1
            if self._made > MAX_SAMPLES or self._nesting >= MAX_NESTING:
                return []  # no values: the search proposes fewer, and never runs unbounded
            self._nesting += 1
            try:
                known = self._memo[key] = self._values(subs, depth, rich)
            finally:
                self._nesting -= 1
        return known

    def _values(self, subs: tuple[Node, ...], depth: int, rich: bool) -> list[JSON]:
        try:
            expanded = expand_all(subs)
        except Undecided:
            return []
        if expanded is None or depth > MAX_DEPTH:
            return [] if expanded is None else [None, "", 0, {}, []]
        split = next((n for n in expanded if n.has("anyOf") or n.has("oneOf")), None)
        if split is not None:
            keyword = "anyOf" if split.has("anyOf") else "oneOf"
            branches = split.get(keyword)
            found: list[JSON] = []
            if isinstance(branches, list):
                others = tuple(n for n in expanded if n is not split)
                for index, branch in enumerate(branches[:4]):
                    parts = (*others, split.child(branch, keyword, index))
                    found.extend(self.values(parts, depth, rich))
            return _unique(found, self.numbering)
        enumerated = [n.values for n in expanded if n.values is not None]
        if enumerated:
            return _unique(min(enumerated, key=len)[:MAX_VALUES], self.numbering)
        types = frozenset(_ORDER)
        for node in expanded:
            types &= node.types
        found = []
        for atom in _ORDER:
            if atom in types:
                found.extend(self._of(atom, expanded, depth, rich))
        return _unique(found, self.numbering)

    def one(self, subs: tuple[Node, ...], depth: int = 0) -> JSON:
        found = self.values(subs, depth, rich=False)
        return found[0] if found else None

    def _of(self, atom: str, subs: tuple[Node, ...], depth: int, rich: bool) -> list[JSON]:
        if atom == NULL:
            return [None]
        if atom == BOOLEAN:
            return [True, False]
        if atom in (INTEGER, FRACTION):
            return _numbers(subs, integral=atom == INTEGER)
        if atom == STRING:
            return _strings(subs)
        if atom == ARRAY:
            return self._arrays(subs, depth, rich)
        return self._objects(subs, depth, rich)

    def _arrays(self, subs: tuple[Node, ...], depth: int, rich: bool) -> list[JSON]:
        least = max([c for n in subs if (c := n.count("minItems")) is not None] or [0])
        if least > MAX_MADE_ITEMS:
            return []  # a value that long is described by its bound, never built
        prefix = max([len(n.tuple_items[0]) for n in subs] or [0])
        items = [self._item(subs, i, depth) for i in range(least)]
        found: list[JSON] = [items]
        if not rich:
            return found
        longer = [*items, self._item(subs, len(items), depth)]
        found.append(longer)
        found.append([*longer, longer[-1]])
        if prefix > len(items):
            found.append([self._item(subs, i, depth) for i in range(prefix)])
        for node in subs:
            wanted = node.keyword_child("contains")
            if wanted is not None:
                found.append([*items, *[self.one((wanted,), depth + 1)] * max(1, least)])
        return found

    def _item(self, subs: tuple[Node, ...], index: int, depth: int) -> JSON:
        parts = tuple(i for n in subs if (i := arrays.item_at(n, index)) is not None)
        return self.one(parts, depth + 1)

    def _objects(self, subs: tuple[Node, ...], depth: int, rich: bool) -> list[JSON]:
        required = sorted(frozenset().union(*(n.required for n in subs)))
        base: dict[str, JSON] = {}
        for name in required:
            parts, _ = writer_for(subs, name)
            base[name] = self.one(parts, depth + 1)
        found: list[JSON] = [base]
        optional = [name for n in subs for name in n.listed_properties if name not in base]
        least = max([c for n in subs if (c := n.count("minProperties")) is not None] or [0])
        filled = dict(base)
        for name in optional:
            if len(filled) >= least:
                break
            filled[name] = self.one(writer_for(subs, name)[0], depth + 1)
        if filled != base:
            found.insert(0, filled)
        if not rich:
            return found
        for name in optional[:8]:
            parts, _ = writer_for(subs, name)
            for value in self.values(parts, depth + 1, rich=False)[:3]:
                found.append({**filled, name: value})
        return found


Bound = tuple[Fraction, bool]
"""A numeric bound and whether it is exclusive."""


def _numbers(subs: tuple[Node, ...], *, integral: bool) -> list[JSON]:
    lows = [b for n in subs if (b := n.lower_bound())]
    highs = [b for n in subs if (b := n.upper_bound())]
    low = max(lows, key=lambda b: (b[0], b[1])) if lows else None
    high = min(highs, key=lambda b: (b[0], not b[1])) if highs else None
    steps = [exact(m) for n in subs if (m := n.number_keyword("multipleOf")) and m > 0]
    return list(_numbers_within(low, high, steps[0] if steps else None, integral))


@lru_cache(maxsize=1024)
def _numbers_within(
    low: Bound | None, high: Bound | None, step: Fraction | None, integral: bool
) -> tuple[JSON, ...]:
    """Guesses moved onto `step` and kept within the bounds (exact arithmetic, so cached:
    the same few bounds recur in every search)."""
    half = Fraction(1, 2)
    guesses = [Fraction(g) for g in (0, 1, -1, 2, 10, 100, 1000, 10**6, -(10**6))]
    for bound in (low, high):
        if bound is not None:
            guesses += [bound[0], bound[0] + 1, bound[0] - 1, bound[0] + half, bound[0] - half]
    if not integral:
        guesses = [g + half for g in guesses] + [Fraction(1, 4), Fraction(-1, 4)]
    found: list[JSON] = []
    for value in guesses:
        if step is not None:
            value = step * math.ceil(value / step)
        if integral:
            value = Fraction(math.ceil(value))
        elif value.denominator == 1:
            continue
        if low is not None and (value < low[0] or (low[1] and value == low[0])):
            continue
        if high is not None and (value > high[0] or (high[1] and value == high[0])):
            continue
        found.append(int(value) if integral else float(value))
    return tuple(found)


def _strings(subs: tuple[Node, ...]) -> list[JSON]:
    least = max([c for n in subs if (c := n.count("minLength")) is not None] or [0])
    most = min([c for n in subs if (c := n.count("maxLength")) is not None] or [10**6])
    patterns = [p for n in subs if isinstance(p := n.get("pattern"), str)]
    formats = [f for n in subs if isinstance(f := n.get("format"), str)]
    bases: list[str] = []
    for pattern in patterns[:1]:
        bases.extend(samples(pattern))
    for fmt in formats[:1]:
        if fmt in FORMATS:
            bases.append(FORMATS[fmt])
    if not patterns and not formats:
        bases.extend(["a", "", "0", "A-1"])
    found: list[JSON] = []
    for base in bases:
        found.append(base)
        if len(base) < least <= MAX_MADE_LENGTH:
            found.append(base + "a" * (least - len(base)))
            found.append("a" * (least - len(base)) + base)
        if len(base) > most:
            found.append(base[:most])
    if not patterns:
        for length in (least, most, least + 1):
            if length <= 10_000:
                found.append("a" * length)
    return found


def _unique(values: Iterable[JSON], numbering: Interner) -> list[JSON]:
    seen: set[str] = set()
    found: list[JSON] = []
    for value in values:
        key = numbering.text(value)
        if key not in seen:
            seen.add(key)
            found.append(value)
        if len(found) >= MAX_VALUES * 2:
            break
    return found


def _embed(value: JSON, frames: tuple[Frame, ...], sampler: Sampler) -> JSON:
    for frame in reversed(frames):
        containers = sampler.values(frame.parent, rich=False)
        if isinstance(frame.key, str):
            base = next((c for c in containers if isinstance(c, dict)), {})
            value = {**base, frame.key: value}
        else:
            found = next((c for c in containers if isinstance(c, list)), [])
            items = list(found[: frame.key])
            while len(items) < frame.key:
                parts = tuple(
                    i for n in frame.parent if (i := arrays.item_at(n, len(items))) is not None
                )
                items.append(sampler.one(parts))
            value = [*items, value, *found[frame.key + 1 :]]
    return value


def _safe_valid(side: Side, node: Node | None, instance: JSON) -> bool | None:
    if side.loop is not None:
        return None  # jsonschema would recurse without end (see `Side.loop`)
    try:
        if node is None:
            return bool(side.validator.is_valid(instance))
        return side.is_valid(node, instance)
    except Exception:  # a schema jsonschema cannot evaluate proves nothing either way
        return None


def search(comparison: Comparison, direction: Mode, budget: int = BUDGET) -> JSON | None:
    """A confirmed counterexample for `direction` (backward or forward), or None."""
    found = breaking(comparison, direction)
    if not found:
        return None
    writer, reader = (
        (comparison.old, comparison.new)
        if direction is Mode.BACKWARD
        else (comparison.new, comparison.old)
    )
    sampler = Sampler()
    spent = 0
    try:
        for failure in found:
            if len(failure.frames) > MAX_DEPTH:
                continue  # an event that deep costs more to validate than a witness is worth
            for value in _local(failure, sampler):
                instance = _embed(value, failure.frames, sampler)
                spent += 1
                if _confirmed(writer, reader, instance):
                    return instance
                if spent >= budget:
                    return None
        for instance in sampler.values((writer.root(),)):
            if _confirmed(writer, reader, instance):
                return instance
    except Undecided:  # a question the samples depend on cannot be answered: no witness
        return None
    return None


def _confirmed(writer: Side, reader: Side, instance: JSON) -> bool:
    """Whether `instance` is valid under the writer and invalid under the reader."""
    return (
        bool(_safe_valid(writer, None, instance)) and _safe_valid(reader, None, instance) is False
    )


def _local(failure: Found, sampler: Sampler) -> Iterable[JSON]:
    """Values for the failing place: the writer accepts them there, the reader does not."""
    own = sampler.values(failure.subs)
    base = next((v for v in own if isinstance(v, dict)), {})
    merged = [{**base, **c} for c in failure.candidates if isinstance(c, dict)]
    proposals = [*failure.candidates, *merged, *own]
    for value in _unique(proposals, sampler.numbering):
        if not all(_safe_valid(n.side, n, value) for n in failure.subs):
            continue
        if (
            failure.sup is not None
            and _safe_valid(failure.sup.side, failure.sup, value) is not False
        ):
            continue
        yield value
