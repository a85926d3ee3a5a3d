"""`schema-unsatisfiable`: a schema, or a property's subschema, that accepts no value at all.

Such a schema is always a slip (a misspelt name in `required` beside `additionalProperties:
false`, bounds written the wrong way round), and every event recorded against it is rejected.
Whether values of conflicting `type`, `enum`, `const` and `allOf` can exist is the
compatibility engine's judgement: a schema included in both `{type: null}` and
`{type: boolean}` holds no value. What the engine does not weigh (a required property that is
not allowed, bounds that cross) is read here from the keywords. Each finding points at the
smallest subschema responsible: an event that cannot exist because one of its required
properties cannot is reported at that property.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from registry import compat
from registry.checks.lint.checks import Context, Problem
from registry.checks.lint.keywords import closest
from registry.core.model import JSON, EventSchema, Mode, pointer_join

_ENGINE_KEYWORDS = ("enum", "const", "allOf")
"""A subschema is put to the engine only when one of these could contradict its `type`."""


@dataclass(frozen=True)
class Empty:
    """Why a subschema accepts nothing, and where the cause is."""

    pointer: str
    reason: str
    hint: str
    deeper: bool = False
    """The cause is a smaller subschema, reported on its own."""


def check_satisfiable(schema: EventSchema, context: Context) -> Iterator[Problem]:
    judge = _Judge(schema.body, context)
    for pointer, node in context.subschemas(schema):
        if pointer and not _is_property(pointer):
            continue
        empty = judge.why_empty(node, pointer)
        if empty is None or empty.deeper:
            continue
        what = "the schema accepts no event" if not pointer else f"{pointer} accepts no value"
        yield Problem("schema-unsatisfiable", f"{what}: {empty.reason}", empty.pointer, empty.hint)


class _Judge:
    def __init__(self, root: Mapping[str, JSON], context: Context) -> None:
        self.dialect = root.get("$schema")
        self.context = context
        self.memo: dict[int, Empty | None] = {}

    def why_empty(self, node: JSON, pointer: str) -> Empty | None:
        if not isinstance(node, Mapping):
            return None
        key = id(node)
        if key not in self.memo:
            self.memo[key] = None  # a recursive question is assumed satisfiable
            self.memo[key] = self._why_empty(node, pointer)
        return self.memo[key]

    def _why_empty(self, node: Mapping[str, JSON], pointer: str) -> Empty | None:
        if any(keyword in node for keyword in _ENGINE_KEYWORDS) and self._engine_proves(node):
            present = ", ".join(f"`{k}`" for k in ("type", *_ENGINE_KEYWORDS) if k in node)
            return Empty(
                pointer,
                f"no value meets all of its {present} at once",
                "make the keywords agree on at least one value",
            )
        declared = node.get("type")
        types = [declared] if isinstance(declared, str) else declared
        if not isinstance(types, list) or not types:
            return None  # any type may do, and some type always has a value
        causes: list[Empty] = []
        for kind in dict.fromkeys(types):
            cause = self._type_empty(str(kind), node, pointer)
            if cause is None:
                return None
            causes.append(cause)
        deeper = [cause for cause in causes if cause.deeper]
        if deeper:
            return deeper[0]
        return Empty(
            causes[0].pointer,
            "; ".join(cause.reason for cause in causes),
            causes[0].hint,
        )

    def _engine_proves(self, node: Mapping[str, JSON]) -> bool:
        """Included in two schemas that share no value: then it holds none."""
        body: dict[str, JSON] = dict(node)
        if isinstance(self.dialect, str):
            body.setdefault("$schema", self.dialect)
        references = self.context.references
        for kind in ("null", "boolean"):
            other: dict[str, JSON] = {"type": kind}
            if isinstance(self.dialect, str):
                other["$schema"] = self.dialect
            try:
                changes = compat.diff(body, other, old_registry=references, new_registry=references)
            except (compat.InvalidSchema, ValueError, LookupError, RecursionError):
                return False
            if not compat.is_compatible(changes, Mode.BACKWARD):
                return False
        return True

    def _type_empty(self, kind: str, node: Mapping[str, JSON], pointer: str) -> Empty | None:
        if kind == "string":
            return _crossed(node, pointer, "minLength", "maxLength", "characters")
        if kind == "array":
            return _crossed(node, pointer, "minItems", "maxItems", "items")
        if kind in ("number", "integer"):
            return _no_number(node, pointer, integer=kind == "integer")
        if kind == "object":
            return self._object_empty(node, pointer)
        return None

    def _object_empty(self, node: Mapping[str, JSON], pointer: str) -> Empty | None:
        required = node.get("required")
        properties = node.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        if isinstance(required, list):
            deeper: Empty | None = None
            for index, name in enumerate(required):
                if not isinstance(name, str):
                    continue
                cause = self._required_empty(node, properties, name, index, pointer)
                if cause is not None and not cause.deeper:
                    return cause  # a cause at this level is reported here
                deeper = deeper or cause
            if deeper is not None:
                return deeper
            maximum = node.get("maxProperties")
            names = {name for name in required if isinstance(name, str)}
            if _is_count(maximum) and len(names) > maximum:
                return Empty(
                    pointer_join(pointer, "maxProperties"),
                    f"it requires {len(names)} properties but `maxProperties` is {maximum}",
                    "raise `maxProperties`, or require fewer properties",
                )
        return _crossed(node, pointer, "minProperties", "maxProperties", "properties")

    def _required_empty(
        self,
        node: Mapping[str, JSON],
        properties: Mapping[str, Any],
        name: str,
        index: int,
        pointer: str,
    ) -> Empty | None:
        where = pointer_join(pointer, "required", index)
        if name in properties:
            subschema = properties[name]
            if subschema is False:
                return Empty(
                    where,
                    f"`required` property `{name}` is not allowed by `properties/{name}: false`",
                    f"remove `{name}` from `required`, or give it a schema",
                )
            inner = self.why_empty(subschema, pointer_join(pointer, "properties", name))
            return None if inner is None else Empty(inner.pointer, inner.reason, inner.hint, True)
        if node.get("patternProperties"):
            return None  # a pattern may name it
        if node.get("additionalProperties") is False:
            guess = closest(name, [key for key in properties if isinstance(key, str)])
            return Empty(
                where,
                f"`required` property `{name}` is not allowed by `additionalProperties: false`",
                (
                    f"did you mean `{guess}`? Correct the name in `required`"
                    if guess
                    else f"add `{name}` under `properties`, or remove it from `required`"
                ),
            )
        return None


def _crossed(
    node: Mapping[str, JSON], pointer: str, low_key: str, high_key: str, unit: str
) -> Empty | None:
    low, high = node.get(low_key), node.get(high_key)
    if _is_count(low) and _is_count(high) and low > high:
        return Empty(
            pointer_join(pointer, low_key),
            f"`{low_key}` {low} is above `{high_key}` {high}: no value has that many {unit}",
            f"swap or correct `{low_key}` and `{high_key}`",
        )
    return None


def _no_number(node: Mapping[str, JSON], pointer: str, *, integer: bool) -> Empty | None:
    low, low_open = _bound(node, "minimum", "exclusiveMinimum")
    high, high_open = _bound(node, "maximum", "exclusiveMaximum")
    if low is None or high is None:
        return None
    if integer:
        first = math.floor(low) + 1 if low_open else math.ceil(low)
        last = math.ceil(high) - 1 if high_open else math.floor(high)
        empty = first > last
    else:
        empty = low > high or (low == high and (low_open or high_open))
    if not empty:
        return None
    kind = "integer" if integer else "number"
    return Empty(
        pointer,
        f"no {kind} lies between the lower bound {low:g} and the upper bound {high:g}",
        "swap or correct the bounds",
    )


def _bound(node: Mapping[str, JSON], inclusive: str, exclusive: str) -> tuple[float | None, bool]:
    """The tightest bound of one side, and whether it is open (draft 4's booleans too)."""
    plain, strict = node.get(inclusive), node.get(exclusive)
    candidates: list[tuple[float, bool]] = []
    if _is_number(plain):
        candidates.append((float(plain), strict is True))
    if _is_number(strict):
        candidates.append((float(strict), True))
    if not candidates:
        return None, False
    lower = inclusive == "minimum"
    value, is_open = (max if lower else min)(candidates, key=lambda c: (c[0], c[1] == lower))
    return value, is_open


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_property(pointer: str) -> bool:
    parts = pointer.rsplit("/", 2)
    return len(parts) == 3 and parts[1] == "properties"
