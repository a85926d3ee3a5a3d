"""Visit every subschema of a JSON Schema, with its JSON pointer.

Only keywords whose values are schemas are followed, so instance data such as `enum`, `const`,
`default` and `examples` is never mistaken for a schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from registry.core.model import JSON, pointer_join

SCHEMA_MAP_KEYWORDS = (
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
    "dependencies",
)
SCHEMA_KEYWORDS = (
    "additionalProperties",
    "additionalItems",
    "items",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contentSchema",
)
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")


def subschemas(schema: JSON, pointer: str = "") -> Iterator[tuple[str, Mapping[str, JSON]]]:
    """Every object schema inside `schema` (itself first), depth first, with its pointer."""
    stack: list[tuple[str, JSON]] = [(pointer, schema)]
    while stack:
        where, node = stack.pop()
        if not _is_mapping(node):
            continue
        yield where, node
        if not node.keys() & _FOLLOWED:  # a leaf, as most schemas are: nothing to look up
            continue
        children: list[tuple[str, JSON]] = []
        for keyword in SCHEMA_MAP_KEYWORDS:
            value = node.get(keyword)
            if value is not None and _is_mapping(value):
                for name, child in value.items():
                    children.append((pointer_join(where, keyword, name), child))
        for keyword in SCHEMA_KEYWORDS:
            value = node.get(keyword)
            if value is not None and _is_mapping(value):
                children.append((pointer_join(where, keyword), value))
        for keyword in SCHEMA_LIST_KEYWORDS:
            value = node.get(keyword)
            if type(value) is list:
                for index, child in enumerate(value):
                    children.append((pointer_join(where, keyword, index), child))
        stack.extend(reversed(children))


_FOLLOWED = frozenset((*SCHEMA_MAP_KEYWORDS, *SCHEMA_KEYWORDS, *SCHEMA_LIST_KEYWORDS))


def _is_mapping(value: object) -> bool:
    """`isinstance(value, Mapping)`, answered at once for the dicts parsed JSON is made of."""
    return type(value) is dict or isinstance(value, Mapping)


IN_PLACE_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf")
"""Keywords whose schemas apply to the same instance as the schema holding them."""

CHILD_MAP_KEYWORDS = ("properties", "patternProperties")
CHILD_KEYWORDS = ("additionalProperties", "items", "additionalItems")
CHILD_LIST_KEYWORDS = ("items", "prefixItems")


def in_place(node: Mapping[str, JSON]) -> Iterator[JSON]:
    """The schemas that apply to the same instance as `node`: its `allOf`/`anyOf`/`oneOf`."""
    for keyword in IN_PLACE_LIST_KEYWORDS:
        value = node.get(keyword)
        if isinstance(value, list):
            yield from value


def below(node: Mapping[str, JSON]) -> Iterator[JSON]:
    """The schemas of the values inside an instance of `node`: its properties and items.

    A walk over an instance's parts follows these (and `in_place`, and `$ref`), where
    `subschemas` follows every keyword that holds a schema, definitions included.
    """
    for keyword in CHILD_MAP_KEYWORDS:
        value = node.get(keyword)
        if isinstance(value, Mapping):
            yield from value.values()
    for keyword in CHILD_KEYWORDS:
        value = node.get(keyword)
        if isinstance(value, Mapping):
            yield value
    for keyword in CHILD_LIST_KEYWORDS:
        value = node.get(keyword)
        if isinstance(value, list):
            yield from value
