"""Personal-data categories: which values of an event an operator allows to be recorded.

A schema's properties may declare `categories`, labels such as `user-identifier` from the
registry's vocabulary. An operator allows, per schema, some categories and some top-level
property names. Recording then keeps every key of the event but writes `null` for each value
that is not allowed:

- a property whose declared categories are all allowed is kept (`unrestricted` is always
  allowed); its nested values without categories of their own go with it, nested values that
  declare categories are judged on their own;
- a value with no categories on its path is `null`, unless it is an object or array whose
  schema declares categories further down, in which case its parts are judged one by one;
- a top-level property named in the allowed properties is kept whole.

This module reads what a schema says (`Shape`, built lazily per place); `plans` compiles that,
once per schema version and policy, into what recording does at each place.

Declarations are found through `$ref`, `allOf`, `anyOf`, `oneOf`, nested `properties`,
`patternProperties`, `additionalProperties` and array items. A schema that declares no
categories at all records events unchanged, as before categories existed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import referencing

from registry.core.dialects import dialect_or_default
from registry.core.matching import search
from registry.core.model import JSON
from registry.core.refs import build_registry, resource_of
from registry.core.walk import below, in_place, subschemas
from registry.eventlog.errors import EventLogError
from registry.eventlog.plans import Plan, Planner

UNRESTRICTED = "unrestricted"
"""The category of values that identify nobody; always allowed."""


class CategoryError(ValueError, EventLogError):
    """A `categories` keyword that is not a list of labels."""

    def __init__(self, pointer: str, value: object) -> None:
        self.pointer = pointer
        self.value = value
        EventLogError.__init__(
            self,
            f"`categories` at {pointer or '/'} must be a list of labels (strings), not {value!r}",
            f"write it as a list of labels, such as [user-identifier] or [{UNRESTRICTED}]",
        )


def check_categories(body: Mapping[str, JSON]) -> None:
    """Raise CategoryError for any `categories` keyword that is not a list of strings."""
    for pointer, node in subschemas(body):
        if "categories" in node:
            value = node["categories"]
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise CategoryError(pointer + "/categories", value)


@dataclass(frozen=True)
class Policy:
    """What an operator allows for one schema: category labels and top-level property names."""

    categories: frozenset[str] = frozenset({UNRESTRICTED})
    properties: frozenset[str] = frozenset()

    @classmethod
    def of(cls, categories: Iterable[str] = (), properties: Iterable[str] = ()) -> Policy:
        return cls(frozenset(categories) | {UNRESTRICTED}, frozenset(properties))


_Located = tuple[Mapping[str, Any], Any]
"""A subschema and the `referencing` resolver for the references inside it."""


class Shape:
    """What a schema says about one place in an event: its categories and its parts' shapes.

    Built lazily from the subschemas that apply at that place and shared through the
    Redactor's memo, so recursive schemas and unbounded keys stay within a fixed set of shapes.
    """

    __slots__ = (
        "_items",
        "_named",
        "_other",
        "_patterned",
        "_rest",
        "categories",
        "categories_below",
        "located",
        "property_names",
        "redactor",
    )

    def __init__(self, redactor: Redactor, located: list[_Located]) -> None:
        self.redactor = redactor
        self.located = located
        labels: set[str] = set()
        for node, _ in located:
            declared = node.get("categories")
            if isinstance(declared, list):
                labels.update(declared)
        self.categories = frozenset(labels)
        self.property_names = frozenset(
            name
            for node, _ in located
            if isinstance(node.get("properties"), Mapping)
            for name in node["properties"]
        )
        self._patterned = any(
            isinstance(node.get("patternProperties"), Mapping) for node, _ in located
        )
        self._named: dict[str, Shape] = {}
        self._items: dict[int, Shape] = {}
        self._rest: tuple[int, Shape] | None = None
        self._other: Shape | None = None
        self.categories_below = redactor.categories_below(located)
        """The categories any value inside this one (not this one itself) may declare."""

    def child(self, key: str) -> Shape:
        """The shape of the value under `key` of an object here."""
        shape = self._named.get(key)
        if shape is not None:
            return shape
        known = key in self.property_names
        if not known and self._other is not None:
            return self._other
        parts: list[_Located] = []
        for node, resolver in self.located:
            properties = node.get("properties")
            named = isinstance(properties, Mapping) and key in properties
            if named:
                parts.append((properties[key], resolver))  # type: ignore[index]
            matched = False
            patterns = node.get("patternProperties")
            if isinstance(patterns, Mapping):
                for pattern, schema in patterns.items():
                    if search(pattern, key):
                        matched = True
                        parts.append((schema, resolver))
            additional = node.get("additionalProperties")
            if not named and not matched and isinstance(additional, Mapping):
                parts.append((additional, resolver))
        shape = self.redactor.shape(parts)
        if known:
            self._named[key] = shape
        elif not self._patterned:  # every key the schema does not name shares this shape
            self._other = shape
        return shape

    def item(self, index: int) -> Shape:
        """The shape of the item at `index` of an array here."""
        rest = self._rest
        if rest is not None and index >= rest[0]:
            return rest[1]
        shape = self._items.get(index)
        if shape is not None:
            return shape
        parts: list[_Located] = []
        positions = 0  # items before this count have a schema of their own
        for node, resolver in self.located:
            prefix = node.get("prefixItems")
            items = node.get("items")
            if isinstance(prefix, list):
                positions = max(positions, len(prefix))
                others = items
                if index < len(prefix):
                    parts.append((prefix[index], resolver))
                    continue
            elif isinstance(items, list):
                positions = max(positions, len(items))
                others = node.get("additionalItems")
                if index < len(items):
                    parts.append((items[index], resolver))
                    continue
            else:
                others = items
            if isinstance(others, Mapping):
                parts.append((others, resolver))
        shape = self.redactor.shape(parts)
        if index >= positions:  # every index from `positions` on shares this shape
            self._rest = (positions, shape)
        else:
            self._items[index] = shape
        return shape


class Redactor:
    """Filters events of one schema version by a Policy; see the module docstring.

    Each policy's plan is compiled on first use and kept (`plans.Plan`), so an event pays only
    for the places where its schema may hold values the policy does not allow. `name` (the
    schema's `$id` and version) labels what is logged about values written as null.
    """

    def __init__(
        self,
        body: Mapping[str, JSON],
        registry: referencing.Registry[Any] | None = None,
        name: str = "",
        *,
        closed: bool = False,
    ) -> None:
        self.name = name or str(body.get("$id", "a schema"))
        self._specification = dialect_or_default(body).specification
        resolver = (registry or build_registry(())).resolver_with_root(resource_of(body))
        self._shapes: dict[frozenset[int], Shape] = {}
        self.root = self.shape([(body, resolver)])
        self.uses_categories = bool(self.root.categories_below)
        self.closed = closed
        """Whether a valid event has only the properties the schema names (events are
        validated before they are filtered)."""
        self.reported: set[str] = set()
        """The places whose values were written as null, and logged, already."""
        self._plans: dict[Policy, Plan] = {}
        self._last: tuple[Policy, Plan] | None = None
        self._lock = threading.Lock()

    def redact(self, event: Mapping[str, Any], policy: Policy) -> Mapping[str, Any]:
        """`event` with every value `policy` does not allow set to None (a copy if any is)."""
        last = self._last
        plan = last[1] if last is not None and last[0] is policy else self.plan(policy)
        return plan.walk_object(event)

    def plan(self, policy: Policy) -> Plan:
        """The compiled plan of `policy` for this schema version."""
        plan = self._plans.get(policy)
        if plan is None:
            with self._lock:
                plan = self._plans.get(policy)
                if plan is None:
                    plan = self._plans[policy] = Planner(self, policy).root
        self._last = (policy, plan)
        return plan

    def shape(self, parts: list[_Located]) -> Shape:
        located = self._expand(parts)
        key = frozenset(id(node) for node, _ in located)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shapes.setdefault(key, Shape(self, located))
        return shape

    def _expand(self, parts: list[_Located]) -> list[_Located]:
        """The subschemas that apply together: each part, its `$ref` targets and combinators."""
        return list(self._reachable(parts, set(), inside=False))

    def categories_below(self, located: list[_Located]) -> frozenset[str]:
        """The categories declared by schemas reachable below `located` (not `located` itself)."""
        start = [(child, resolver) for node, resolver in located for child in below(node)]
        seen = {id(node) for node, _ in located}
        labels: set[str] = set()
        for node, _ in self._reachable(start, seen, inside=True):
            declared = node.get("categories")
            if isinstance(declared, list):
                labels.update(declared)
        return frozenset(labels)

    def _reachable(
        self, start: list[_Located], seen: set[int], *, inside: bool
    ) -> Iterator[_Located]:
        """Every schema reachable from `start` through `$ref` and combinators, each once, in
        order (depth first), with the resolver for the references inside it; with `inside`,
        also through the schemas of the values inside an instance (properties, items).

        `seen` holds the nodes not to visit (again); it grows as the walk goes.
        """
        stack = list(reversed(start))
        while stack:
            node, resolver = stack.pop()
            if not isinstance(node, Mapping) or id(node) in seen:
                continue
            seen.add(id(node))
            resolver = resolver.in_subresource(self._specification.create_resource(node))
            yield node, resolver
            if inside:
                stack.extend((child, resolver) for child in reversed(list(below(node))))
            ref = node.get("$ref")
            if isinstance(ref, str):
                resolved = resolver.lookup(ref)
                stack.append((resolved.contents, resolved.resolver))
            stack.extend((branch, resolver) for branch in reversed(list(in_place(node))))
