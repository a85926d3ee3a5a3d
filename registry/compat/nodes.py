"""Schema nodes as the engine sees them: a subschema, where it sits, and how to resolve from it.

A `Side` is one of the two documents being compared (its dialect, its reference registry and a
validator); a `Node` is one subschema of it. Everything that depends on the draft (which keywords
validate, how tuples and exclusive bounds are spelled) is read here, so the rest of the engine
speaks one vocabulary.
"""

from __future__ import annotations

import json
import marshal
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any, Generic, TypeVar, overload

import referencing
import referencing.exceptions
from jsonschema.protocols import Validator

from registry.core.model import JSON, pointer_join
from registry.core.refs import DRAFT4, DRAFT6, DRAFT7, Dialect, dialect_or_default, validator_for

NULL, BOOLEAN, INTEGER, FRACTION = "null", "boolean", "integer", "fraction"
STRING, ARRAY, OBJECT = "string", "array", "object"
ALL_TYPES = frozenset({NULL, BOOLEAN, INTEGER, FRACTION, STRING, ARRAY, OBJECT})
"""Disjoint type atoms: `number` is integer plus fraction (a number that is not an integer)."""
NUMBERS = frozenset({INTEGER, FRACTION})

_TYPE_ATOMS: dict[str, frozenset[str]] = {
    "null": frozenset({NULL}),
    "boolean": frozenset({BOOLEAN}),
    "integer": frozenset({INTEGER}),
    "number": NUMBERS,
    "string": frozenset({STRING}),
    "array": frozenset({ARRAY}),
    "object": frozenset({OBJECT}),
}
_REF_SIBLINGS_IGNORED = (DRAFT4, DRAFT6, DRAFT7)
IN_PLACE_APPLICATORS = frozenset(
    {
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "$ref",
        "$dynamicRef",
        "$recursiveRef",
        "dependentSchemas",
        "dependencies",
    }
)


class Unresolvable(Exception):
    """A `$ref` that does not resolve inside the given registries."""

    def __init__(self, ref: str, reason: str) -> None:
        super().__init__(f"`$ref` {ref!r} does not resolve: {reason}")
        self.ref = ref


def type_atoms(names: JSON) -> frozenset[str]:
    """The atoms a `type` value allows; unknown names allow nothing of their own."""
    if isinstance(names, str):
        return _TYPE_ATOMS.get(names, frozenset())
    if isinstance(names, list):
        atoms: frozenset[str] = frozenset()
        for name in names:
            if isinstance(name, str):
                atoms |= _TYPE_ATOMS.get(name, frozenset())
        return atoms
    return ALL_TYPES


def value_atom(value: JSON, dialect: Dialect) -> str:
    """The atom of one JSON value under a dialect (draft 4 counts 1.0 as not an integer)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        if dialect is not DRAFT4 and value.is_integer():
            return INTEGER
        return FRACTION
    if isinstance(value, str):
        return STRING
    if isinstance(value, list):
        return ARRAY
    return OBJECT


def json_equal(left: JSON, right: JSON) -> bool:
    """JSON equality: 1 equals 1.0, but true is not 1."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    return type(left) is type(right) and left == right


def value_key(value: JSON) -> object:
    """A hashable key that JSON-equal scalars share (true and 1 differ; 1 and 1.0 do not).

    Objects and arrays are keyed by their text, so JSON-equal ones written in another key
    order get different keys: callers use keys to find equal values, never to prove two differ.
    """
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, (dict, list)):
        return ("text", json.dumps(value, sort_keys=True))
    return (type(value).__name__, value)


_SCALAR_ONLY = frozenset({"type", "enum", "const"})


def exact(number: float) -> Fraction:
    """A JSON number as an exact fraction of its decimal spelling (0.1 is 1/10)."""
    return Fraction(repr(number)) if isinstance(number, float) else Fraction(number)


_REFERENCE = re.compile(r"'\$(?:ref|dynamicRef|recursiveRef)'")
"""A reference keyword as `repr` writes a key."""
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


class Interner:
    """Decides cheaply whether two subtrees are the same JSON with no reference inside.

    `==` (C speed) rules out most pairs at the first difference. Equal ones are confirmed on
    an exact encoding, which tells `true` from `1` (Python's `==` does not), `1` from `1.0`
    and sees key order (which JSON does not: such pairs are merely compared the long way).
    The encoding is `marshal`'s in format 2: for JSON data it tells apart exactly what `repr`
    does (format 2 writes interned and other strings alike, and has no back-references) at
    about a third of the cost; values marshal cannot encode are compared on their `repr`.
    Two equal subtrees with a reference inside may mean different things in two documents,
    so a reference keyword in the `repr` makes them not the same; it needs a `$`, which most
    subtrees lack, so the `repr` is made only when the encoding holds one. Everything is
    cached per object for one comparison.
    """

    def __init__(self) -> None:
        self._texts: dict[int, tuple[object, str]] = {}
        self._codes: dict[int, tuple[object, bytes | None, bool]] = {}

    def text(self, value: JSON) -> str:
        """A text that equal values share when built alike (used for identity and dedup)."""
        if type(value) is not dict and type(value) is not list:
            return repr(value)
        known = self._texts.get(id(value))
        if known is None:
            known = self._texts[id(value)] = (value, repr(value))
        return known[1]

    def _coded(self, value: dict[str, JSON] | list[JSON]) -> tuple[object, bytes | None, bool]:
        """The value (kept alive), its encoding (None: not plain JSON data) and whether it is
        free of references."""
        known = self._codes.get(id(value))
        if known is None:
            try:
                code: bytes | None = marshal.dumps(value, 2)
            except ValueError:
                code = None
            free = (code is not None and b"$" not in code) or (
                _REFERENCE.search(self.text(value)) is None
            )
            known = self._codes[id(value)] = (value, code, free)
        return known

    def ref_free(self, value: JSON) -> bool:
        if type(value) is not dict and type(value) is not list:
            return True
        return self._coded(value)[2]

    def same(self, left: JSON, right: JSON) -> bool:
        """JSON-equal and free of references (so equal in meaning in any two documents)."""
        if left is not right and left != right:
            return False
        kind = type(left)
        if kind is not dict and kind is not list:
            return kind is type(right)
        _, mine, free = self._coded(left)
        _, theirs, _ = self._coded(right)
        if mine is None or theirs is None:
            return self.text(left) == self.text(right) and free
        return mine == theirs and free


@cache
def validating_keywords(dialect: Dialect) -> frozenset[str]:
    """The keywords a dialect validates (plus `format`, which the engine treats so).

    Keywords that jsonschema reads inside another's validator (draft 4's boolean exclusive
    bounds, `minContains`, `then`/`else`) count too, so that a change to them is never
    mistaken for an annotation. Made once per dialect.
    """
    known = set(dialect.validator.VALIDATORS) | {"format"}
    if dialect is DRAFT4:
        known |= {"exclusiveMinimum", "exclusiveMaximum"}
    if "unevaluatedItems" in known:
        known |= {"minContains", "maxContains"}
    if "if" in known:
        known |= {"then", "else"}
    return frozenset(known)


@dataclass(eq=False)
class Side:
    """One of the two schema documents: its dialect, references and a validator for it."""

    body: Mapping[str, JSON]
    registry: referencing.Registry[Any]
    label: str
    interner: Interner = field(default_factory=Interner)
    _without: dict[tuple[int, str], tuple[object, dict[str, JSON]]] = field(
        default_factory=dict, init=False, repr=False
    )
    dialect: Dialect = field(init=False)
    validator: Validator = field(init=False)

    def __post_init__(self) -> None:
        self.dialect = dialect_or_default(self.body)
        self.validator = validator_for(self.body, self.registry)

    @cached_property
    def keywords(self) -> frozenset[str]:
        """The keywords this dialect validates (see `validating_keywords`)."""
        return validating_keywords(self.dialect)

    def root(self) -> Node:
        """The document's root node, made once: both directions of a comparison (and the
        witness search) walk the same nodes, so what a node computes is computed once."""
        return self._root

    @cached_property
    def _root(self) -> Node:
        resolver = self.validator._resolver  # type: ignore[attr-defined]
        return Node(self.body, "", resolver, self)

    def ref_free(self, schema: JSON) -> bool:
        return self.interner.ref_free(schema)

    def without(self, schema: dict[str, JSON], keyword: str) -> dict[str, JSON]:
        """`schema` minus one keyword, made once and kept for the side's life.

        Kept so that its identity is stable: the engine caches answers by object identity.
        """
        key = (id(schema), keyword)
        known = self._without.get(key)
        if known is None:
            rest = {k: v for k, v in schema.items() if k != keyword}
            known = self._without[key] = (schema, rest)
        return known[1]

    def is_valid(self, node: Node, instance: JSON) -> bool:
        """Validate with jsonschema against one of this side's subschemas."""
        return bool(node.validator.is_valid(instance))


class Node:
    """One subschema (an object or a boolean) of a side, with its pointer for messages.

    The pointer is built only when a message needs it: most nodes are compared and dropped.
    Subschemas are made once per place (`child`), and a node cut down from another (`cut`)
    shares them, so what they compute is computed once.
    """

    __slots__ = ("__dict__", "_children", "_parts", "_pointer", "resolver", "schema", "side")

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

    @property
    def pointer(self) -> str:
        if self._pointer is None:
            assert self._parts is not None
            parent, parts = self._parts
            self._pointer = pointer_join(parent.pointer, *parts)
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

    def deref(self) -> tuple[Node, ...]:
        """This node as conjuncts with its `$ref` followed (drafts 4-7 ignore the siblings)."""
        ref = self.get("$ref")
        if not isinstance(ref, str):
            return (self,)
        try:
            resolved = self.resolver.lookup(ref)
        except referencing.exceptions.Unresolvable as error:
            raise Unresolvable(ref, str(error.__cause__ or error)) from None
        pointer = ref[1:] if ref.startswith("#") else ref
        if ref.startswith("#") and "#" in self.pointer:
            pointer = self.pointer.split("#", 1)[0] + ref
        target = Node(resolved.contents, pointer, resolved.resolver, self.side)
        if self.side.dialect in _REF_SIBLINGS_IGNORED:
            return (target,)
        assert isinstance(self.schema, dict)
        rest = {k: v for k, v in self.schema.items() if k != "$ref"}
        sibling = Node(rest, self.pointer, self.resolver, self.side)
        return (target, sibling) if sibling.assertions else (target,)

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
        if _is_number(value):
            found.append((exact(value), flag is True))
        if _is_number(flag):
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
        return value if _is_number(value) else None

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


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def expand_all(nodes: Iterable[Node]) -> tuple[Node, ...] | None:
    """Conjuncts with `$ref`s followed and `allOf` flattened; None when one is `false`.

    Schemas without assertions drop out; a reference already followed is not followed again.
    A flattened node is kept without its `allOf`, so expanding a result again changes nothing.
    """
    result: list[Node] = []
    stack = list(nodes)[::-1]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node.is_false:
            return None
        if not isinstance(node.schema, dict) or not node.assertions:
            continue
        if node.has("$ref"):
            if id(node.schema) in seen:
                continue
            seen.add(id(node.schema))
            stack.extend(reversed(node.deref()))
            continue
        branches = node.get("allOf")
        if not isinstance(branches, list):
            result.append(node)
            continue
        assert isinstance(node.schema, dict)
        rest = node.cut(node.side.without(node.schema, "allOf"))
        stack.extend(
            node.child(branch, "allOf", i) for i, branch in reversed(list(enumerate(branches)))
        )
        if rest.assertions:
            result.append(rest)
    return tuple(result)
