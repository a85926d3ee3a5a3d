"""Schema nodes as the engine sees them: a subschema, where it sits, and what its keywords say.

A `Node` is one subschema of a `Side` (one of the two documents being compared), with the
resolver that applies where it sits. Everything that depends on the draft (which keywords
validate, how tuples and exclusive bounds are spelled) is read here, so the rest of the engine
speaks one vocabulary. References are followed in `resolution`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from jsonschema.protocols import Validator

from registry.compat.keywords import IN_PLACE_APPLICATORS
from registry.compat.values import (
    ALL_TYPES,
    exact,
    is_number,
    json_equal,
    type_atoms,
    value_atom,
    value_key,
)
from registry.core.dialects import DRAFT4
from registry.core.model import JSON, pointer_join

if TYPE_CHECKING:
    from registry.compat.side import Side

_SCALAR_ONLY = frozenset({"type", "enum", "const"})
_T = TypeVar("_T")


class cached_property(Generic[_T]):
    """functools.cached_property without its lock (Python 3.11 takes one on each first read)."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> cached_property[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type) -> _T: ...
    def __get__(self, instance: object, owner: type) -> _T | cached_property[_T]:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value
        return value


class Node:
    """One subschema (an object or a boolean) of a side, with its pointer for messages.

    The pointer is built only when a message needs it: most nodes are compared and dropped.
    Subschemas are made once per place (`child`), and a node cut down from another (`cut`)
    shares them, so what they compute is computed once.
    """

    __slots__ = (
        "__dict__",
        "_children",
        "_parts",
        "_pointer",
        "branch_atoms",
        "dereferenced",
        "resolver",
        "schema",
        "side",
    )

    def __init__(
        self,
        schema: JSON,
        pointer: str | None,
        resolver: Any,
        side: Side,
        parts: tuple[Node, tuple[str | int, ...]] | None = None,
        children: dict[tuple[str | int, ...], Node] | None = None,
    ) -> None:
        self.schema = schema
        self._pointer = pointer
        self._parts = parts
        self.resolver = resolver
        self.side = side
        self._children = {} if children is None else children
        self.dereferenced: tuple[Node, ...] | None = None
        """Its `$ref`s followed, once (see `resolution.deref`)."""
        self.branch_atoms: frozenset[str] | None = None
        """The type atoms it allows as an alternative, once (see `combinators`)."""

    @property
    def pointer(self) -> str:
        """Made from the nearest ancestor that knows its own, by a loop: a node may sit
        deeper than Python's stack would let a recursion go."""
        if self._pointer is None:
            pending: list[Node] = []
            node: Node = self
            while node._pointer is None:
                pending.append(node)
                assert node._parts is not None
                node = node._parts[0]
            for each in reversed(pending):
                assert each._parts is not None
                parent, parts = each._parts
                each._pointer = pointer_join(parent._pointer or "", *parts)
        assert self._pointer is not None
        return self._pointer

    @property
    def is_true(self) -> bool:
        return self.schema is True or (isinstance(self.schema, dict) and not self.assertions)

    @property
    def is_false(self) -> bool:
        return self.schema is False

    @cached_property
    def assertions(self) -> frozenset[str]:
        """The keywords here that constrain instances."""
        if not isinstance(self.schema, dict):
            return frozenset()
        return self.side.keywords.intersection(self.schema)

    @cached_property
    def validator(self) -> Validator:
        """jsonschema's validator for this subschema, resolving as the document does (made
        once: the witness search validates many candidate values against the same node)."""
        return self.side.validator.evolve(schema=self.schema, _resolver=self.resolver)

    def get(self, keyword: str, default: JSON = None) -> JSON:
        """The value of a keyword that validates here (`default` when absent or inert)."""
        if keyword in self.assertions and isinstance(self.schema, dict):
            return self.schema[keyword]
        return default

    def has(self, keyword: str) -> bool:
        return keyword in self.assertions

    def child(self, schema: JSON, *parts: str | int) -> Node:
        """The subschema `schema` at `parts` below this one, made once per place; a nested
        `$id` moves the base URI."""
        known = self._children.get(parts)
        if known is not None and known.schema is schema:
            return known
        resolver = self.resolver
        if isinstance(schema, dict):
            id_keyword = "id" if self.side.dialect is DRAFT4 else "$id"
            if isinstance(schema.get(id_keyword), str):
                resource = self.side.dialect.specification.create_resource(schema)
                resolver = resolver.in_subresource(resource)
        node = self._children[parts] = Node(schema, None, resolver, self.side, (self, parts))
        return node

    def cut(self, schema: dict[str, JSON]) -> Node:
        """A node for `schema`, this node's schema with some keywords left out.

        It sits at the same place, so the subschemas under the keywords it keeps are this
        node's own: they are shared, not made again.
        """
        return Node(schema, None, self.resolver, self.side, (self, ()), self._children)

    def keyword_child(self, keyword: str, *parts: str | int) -> Node | None:
        value = self.get(keyword)
        for part in parts:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        if value is None:
            return None
        return self.child(value, keyword, *parts)

    # -- what the keywords say, in one vocabulary ---------------------------------------

    @cached_property
    def types(self) -> frozenset[str]:
        """Atoms this node alone allows, from `type`, `enum` and `const`."""
        if self.schema is False:
            return frozenset()
        if not isinstance(self.schema, dict):
            return ALL_TYPES
        atoms = type_atoms(self.get("type")) if self.has("type") else ALL_TYPES
        values = self.values
        if values is not None:
            atoms &= frozenset(value_atom(v, self.side.dialect) for v in values)
        return atoms

    @cached_property
    def values(self) -> list[JSON] | None:
        """The values `enum`/`const` allow here, or None when neither is present."""
        values: list[JSON] | None = None
        if self.has("enum") and isinstance(self.get("enum"), list):
            values = list(self.get("enum"))
        if self.has("const"):
            const = self.get("const")
            values = [const] if values is None else [v for v in values if json_equal(v, const)]
        return values

    @cached_property
    def value_keys(self) -> frozenset[object] | None:
        values = self.values
        return None if values is None else frozenset(value_key(v) for v in values)

    def accepts(self, value: JSON) -> bool:
        """Whether this subschema accepts `value`: directly for type/enum/const, else jsonschema."""
        if isinstance(self.schema, dict) and self.assertions <= _SCALAR_ONLY:
            if value_atom(value, self.side.dialect) not in self.types:
                return False
            keys = self.value_keys
            if keys is None or isinstance(value, (dict, list)):
                return keys is None or self.side.is_valid(self, value)
            return value_key(value) in keys
        return self.side.is_valid(self, value)

    def lower_bound(self) -> tuple[Fraction, bool] | None:
        """The numeric lower bound and whether it is exclusive."""
        return self._bound("minimum", "exclusiveMinimum", lower=True)

    def upper_bound(self) -> tuple[Fraction, bool] | None:
        return self._bound("maximum", "exclusiveMaximum", lower=False)

    def _bound(
        self, inclusive: str, exclusive: str, *, lower: bool
    ) -> tuple[Fraction, bool] | None:
        found: list[tuple[Fraction, bool]] = []
        value = self.get(inclusive)
        flag = self.get(exclusive)
        if is_number(value):
            found.append((exact(value), flag is True))
        if is_number(flag):
            found.append((exact(flag), True))
        if not found:
            return None
        return (
            max(found, key=lambda b: (b[0], b[1]))
            if lower
            else min(found, key=lambda b: (b[0], not b[1]))
        )

    def number_keyword(self, name: str) -> float | None:
        value = self.get(name)
        return value if is_number(value) else None

    def count(self, name: str) -> int | None:
        """A non-negative count keyword (minLength, maxItems, ...), or None."""
        value = self.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return math.floor(value) if name.startswith("max") else math.ceil(value)
        return None

    # -- arrays -------------------------------------------------------------------------

    @cached_property
    def tuple_items(self) -> tuple[list[Node], Node | None]:
        """Positional item schemas and the schema for the items after them (None: any)."""
        if self.side.dialect.name == "2020-12":
            prefix = self.get("prefixItems")
            rest = self.keyword_child("items") if self.has("items") else None
            positions = (
                [self.child(s, "prefixItems", i) for i, s in enumerate(prefix)]
                if isinstance(prefix, list)
                else []
            )
            return positions, rest
        items = self.get("items")
        if isinstance(items, list):
            positions = [self.child(s, "items", i) for i, s in enumerate(items)]
            rest = self.keyword_child("additionalItems") if self.has("additionalItems") else None
            return positions, rest
        return [], (self.keyword_child("items") if self.has("items") else None)

    @cached_property
    def rest_items_keyword(self) -> str:
        """Which keyword governs the items after the positional ones here."""
        if self.side.dialect.name == "2020-12" or not isinstance(self.get("items"), list):
            return "items"
        return "additionalItems"

    # -- objects ------------------------------------------------------------------------

    def property(self, name: str) -> Node | None:
        """The subschema `properties` gives `name`, or None."""
        value = self.get("properties")
        if not isinstance(value, dict) or name not in value:
            return None
        return self.child(value[name], "properties", name)

    @cached_property
    def property_names(self) -> frozenset[str]:
        return frozenset(self.listed_properties)

    @cached_property
    def listed_properties(self) -> tuple[str, ...]:
        """The names `properties` lists here, in its order (without making their nodes)."""
        value = self.get("properties")
        return tuple(value) if isinstance(value, dict) else ()

    @cached_property
    def properties(self) -> dict[str, Node]:
        value = self.get("properties")
        if not isinstance(value, dict):
            return {}
        return {name: self.child(s, "properties", name) for name, s in value.items()}

    @cached_property
    def pattern_properties(self) -> dict[str, Node]:
        value = self.get("patternProperties")
        if not isinstance(value, dict):
            return {}
        return {p: self.child(s, "patternProperties", p) for p, s in value.items()}

    @cached_property
    def additional(self) -> Node | None:
        """What governs properties neither named nor matched by a pattern (None: anything).

        `unevaluatedProperties` stands in when no in-place applicator could evaluate more.
        """
        if self.has("additionalProperties"):
            return self.keyword_child("additionalProperties")
        if self.has("unevaluatedProperties") and not (self.assertions & IN_PLACE_APPLICATORS):
            return self.keyword_child("unevaluatedProperties")
        return None

    @cached_property
    def required(self) -> frozenset[str]:
        value = self.get("required")
        if not isinstance(value, list):
            return frozenset()
        return frozenset(v for v in value if isinstance(v, str))

    @cached_property
    def dependent_required(self) -> dict[str, frozenset[str]]:
        found: dict[str, frozenset[str]] = {}
        for keyword in ("dependencies", "dependentRequired"):
            value = self.get(keyword)
            if isinstance(value, dict):
                for name, names in value.items():
                    if isinstance(names, list):
                        found[name] = found.get(name, frozenset()) | frozenset(
                            n for n in names if isinstance(n, str)
                        )
        return found

    @cached_property
    def dependent_schemas(self) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for keyword in ("dependencies", "dependentSchemas"):
            value = self.get(keyword)
            if isinstance(value, dict):
                for name, schema in value.items():
                    if isinstance(schema, (Mapping, bool)):
                        found[name] = self.child(schema, keyword, name)
        return found


Subs = tuple[Node, ...]
"""A conjunction of subschemas: the writer side of a comparison."""
