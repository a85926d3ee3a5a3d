"""Property rows for the docs: types, constraints, nesting, and text that is safe in a cell."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from registry.docs.properties import constraints_text, inline, property_rows, type_text

DEFS: dict[str, Mapping[str, Any]] = {"#/$defs/id": {"type": "string", "description": "An id."}}


def target(ref: str) -> Mapping[str, Any] | None:
    return DEFS.get(ref)


def link(ref: str) -> str | None:
    return f"[{ref.rsplit('/', 1)[1]}](defs.md#{ref.rsplit('/', 1)[1]})" if ref in DEFS else None


def test_types_read_as_words_with_refs_linked() -> None:
    assert type_text({"type": ["string", "null"]}, target=target, link=link) == "string or null"
    assert type_text({"enum": [1, 2.5]}, target=target, link=link) == "integer or number"
    array = {"type": "array", "items": {"type": "integer"}}
    assert type_text(array, target=target, link=link) == "array of integer"
    ref = {"$ref": "#/$defs/id"}
    assert type_text(ref, target=target, link=link) == "string ([id](defs.md#id))"
    nowhere = type_text({"$ref": "#/nowhere"}, target=target, link=link)
    assert nowhere == "? (<code>&#35;/nowhere</code>)"
    union = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    assert type_text(union, target=target, link=link) == "one of: string, integer"
    assert type_text({}, target=target, link=link) == "any"


def test_constraints_list_enums_bounds_patterns_formats_and_defaults() -> None:
    node = {
        "enum": ["a", "b"],
        "minimum": 0,
        "exclusiveMaximum": 10,
        "maxLength": 5,
        "pattern": "^a|b$",
        "format": "email",
        "default": "a",
        "additionalProperties": False,
    }
    assert constraints_text(node) == (
        "one of <code>&#34;a&#34;</code>, <code>&#34;b&#34;</code>; ≥ 0; < 10; length ≤ 5; "
        "format <code>email</code>; pattern <code>&#94;a&#124;b&#36;</code>; "
        "no other properties; default <code>&#34;a&#34;</code>"
    )


def test_nested_objects_and_array_items_become_indented_rows() -> None:
    schema = {
        "type": "object",
        "required": ["user"],
        "properties": {
            "user": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"$ref": "#/$defs/id"}, "tags": {"type": "array"}},
            },
            "lines": {
                "type": "array",
                "items": {"type": "object", "properties": {"sku": {"type": "string"}}},
            },
        },
    }
    rows = list(property_rows(schema, target=target, link=link))
    assert [(row.depth, row.name, row.required) for row in rows] == [
        (0, "<code>user</code>", True),
        (1, "<code>id</code>", True),
        (1, "<code>tags</code>", False),
        (0, "<code>lines</code>", False),
        (1, "<code>sku</code>", False),
    ]
    assert rows[1].description == "An id."  # from the `$ref` target


@given(st.text())
def test_inline_text_is_one_line_of_its_own_tags_and_never_ends_a_cell(text: str) -> None:
    cell = inline(text)
    assert "\n" not in cell and "\r" not in cell and "|" not in cell
    tags = re.findall(r"</?([a-z]+)", cell)
    assert set(tags) <= {"a", "code", "em", "strong", "del", "br"}
