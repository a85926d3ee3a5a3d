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
        if not isinstance(node, Mapping):
            continue
        yield where, node
        children: list[tuple[str, JSON]] = []
        for keyword in SCHEMA_MAP_KEYWORDS:
            value = node.get(keyword)
            if isinstance(value, Mapping):
                for name, child in value.items():
                    children.append((pointer_join(where, keyword, name), child))
        for keyword in SCHEMA_KEYWORDS:
            value = node.get(keyword)
            if isinstance(value, Mapping):
                children.append((pointer_join(where, keyword), value))
        for keyword in SCHEMA_LIST_KEYWORDS:
            value = node.get(keyword)
            if isinstance(value, list):
                for index, child in enumerate(value):
                    children.append((pointer_join(where, keyword, index), child))
        stack.extend(reversed(children))
