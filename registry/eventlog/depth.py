"""How deeply an event may nest, and which schemas need the depth of their events checked.

Validators, the JSON encoder and copies descend into an event recursively; an event nested
deeply enough exhausts a stack, and jsonschema-rs's is a native one, whose overflow kills the
process. So no event deeper than the EventLog's `max_event_depth` reaches any of them.

Walking every event in Python would cost a sixth of recording it; `too_deep` asks a compiled
validator instead, for a fraction of that. Most schemas bound the depth of the
events they accept (closed objects, typed items, no recursion): validating such an event is as
deep as the schema, never deeper, and an accepted event is as shallow as the schema. Their
events are walked only once validation rejects them, before the rejection is explained. Events
of every other schema (references, open content) are walked before validation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import jsonschema_rs

from registry.core.model import JSON

DEFAULT_MAX_DEPTH = 100
"""Levels of objects and arrays, the event itself being the first: far beyond real events,
far below what exhausts a stack."""

_SCALARS = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = (Mapping, list, tuple)
_SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean", "null"})
_REFERENCES = ("$ref", "$dynamicRef", "$recursiveRef")


def too_deep(event: Any, limit: int) -> bool:
    """Whether `event` nests objects and arrays more than `limit` levels (a cycle always does).

    Asked of a compiled validator whose schema allows `limit` levels and no more: it stops
    descending there, whatever the event's depth, and costs a fraction of a walk in Python.
    Values the compiled validator cannot read (a set, a datetime) are left to `deeper_than`.
    """
    try:
        return not _within_depth(limit)(event)
    except ValueError:
        return deeper_than(event, limit)


@functools.lru_cache(maxsize=8)
def _within_depth(limit: int) -> Callable[[Any], bool]:
    """A compiled check that a value nests at most `limit` levels of objects and arrays."""
    scalar: dict[str, JSON] = {"type": ["string", "number", "boolean", "null"]}
    levels: dict[str, JSON] = {}
    for level in range(1, limit + 1):
        child = {"$ref": f"#/$defs/level{level + 1}"} if level < limit else scalar
        levels[f"level{level}"] = {"additionalProperties": child, "items": child}
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": levels,
        "$ref": "#/$defs/level1",
    }
    check: Callable[[Any], bool] = jsonschema_rs.validator_for(schema).is_valid
    return check


def deeper_than(event: Any, limit: int) -> bool:
    """Whether `event` nests objects and arrays more than `limit` levels (a cycle always does).

    Level by level, each container once per level, so a value shared many times (`[x, x]`
    nested) costs its distinct containers, not its paths. Scalars are passed over by their
    exact type first: most values of most events are scalars.
    """
    level: list[Any] = [event]
    depth = 1
    while True:
        values = [
            value
            for node in level
            for value in (node.values() if isinstance(node, Mapping) else node)
            if type(value) not in _SCALARS
        ]
        if not values:
            return False
        containers = {id(value): value for value in values if isinstance(value, _CONTAINERS)}
        if not containers:
            return False
        depth += 1
        if depth > limit:
            return True
        level = list(containers.values())


def depth_bound(schema: JSON) -> int | None:
    """The deepest nesting an instance valid against `schema` can have; None: no bound known.

    Conservative: every keyword considered only narrows what is valid, so the smallest bound
    any of them gives holds; references, recursion and open content give none.
    """
    try:
        return _bound(schema)
    except RecursionError:  # a schema nested nearly as deeply as JSON parsing allows
        return None


def _bound(schema: JSON) -> int | None:
    if schema is False:
        return 0
    if not isinstance(schema, Mapping) or any(key in schema for key in _REFERENCES):
        return None
    bounds: list[int] = []
    if "const" in schema:
        bounds.append(_value_depth(schema["const"]))
    enum = schema.get("enum")
    if isinstance(enum, list):
        bounds.append(max((_value_depth(value) for value in enum), default=0))
    types = _types(schema.get("type"))
    if types is not None and types <= _SCALAR_TYPES:
        bounds.append(0)
    all_of = schema.get("allOf")
    if isinstance(all_of, list):
        bounds.extend(bound for bound in map(_bound, all_of) if bound is not None)
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list) and branches:
            found = [_bound(branch) for branch in branches]
            if all(bound is not None for bound in found):
                bounds.append(max(bound for bound in found if bound is not None))
    containers = _container_bound(schema, types)
    if containers is not None:
        bounds.append(containers)
    return min(bounds) if bounds else None


def _types(value: JSON) -> frozenset[str] | None:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list) and all(isinstance(each, str) for each in value):
        return frozenset(value)
    return None


def _container_bound(schema: Mapping[str, JSON], types: frozenset[str] | None) -> int | None:
    """The bound from the object and array keywords, for the container types allowed."""
    parts: list[int | None] = [0]
    if types is None or "object" in types:
        parts.append(_object_bound(schema))
    if types is None or "array" in types:
        parts.append(_array_bound(schema))
    if any(part is None for part in parts):
        return None
    return max(part for part in parts if part is not None)


def _object_bound(schema: Mapping[str, JSON]) -> int | None:
    if "additionalProperties" not in schema:
        return None
    children: list[JSON] = [schema["additionalProperties"]]
    for keyword in ("properties", "patternProperties"):
        members = schema.get(keyword, {})
        if not isinstance(members, Mapping):
            return None
        children.extend(members.values())
    return _one_deeper(children)


def _array_bound(schema: Mapping[str, JSON]) -> int | None:
    items = schema.get("items")
    prefix = schema.get("prefixItems", [])
    if isinstance(items, list):  # the tuple form of drafts before 2020-12
        children: list[JSON] = [*items, schema.get("additionalItems", True)]
    elif isinstance(items, (Mapping, bool)) and isinstance(prefix, list):
        children = [items, *prefix]
    else:
        return None
    return _one_deeper(children)


def _one_deeper(children: list[JSON]) -> int | None:
    bounds = [_bound(child) for child in children]
    if any(bound is None for bound in bounds):
        return None
    return 1 + max((bound for bound in bounds if bound is not None), default=0)


def _value_depth(value: JSON) -> int:
    """How deeply a value from the schema itself nests (schemas are parsed JSON, finite)."""
    if isinstance(value, Mapping):
        return 1 + max((_value_depth(child) for child in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_value_depth(child) for child in value), default=0)
    return 0
