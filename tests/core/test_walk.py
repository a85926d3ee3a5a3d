from __future__ import annotations

from typing import Any

from registry.core.walk import below, in_place, subschemas

SCHEMA: dict[str, Any] = {
    "allOf": [{"required": ["a"]}, {"$ref": "#/$defs/d"}],
    "oneOf": [{"type": "object"}],
    "properties": {"a": {"type": "string"}},
    "patternProperties": {"^x": {"type": "number"}},
    "additionalProperties": {"type": "boolean"},
    "items": [{"type": "null"}],
    "prefixItems": [{"const": 1}],
    "additionalItems": {"enum": [2]},
    "$defs": {"d": {"type": "integer"}},
    "not": {"type": "array"},
}


def test_in_place_yields_the_branches_that_apply_to_the_same_instance() -> None:
    assert list(in_place(SCHEMA)) == [*SCHEMA["allOf"], *SCHEMA["oneOf"]]


def test_below_yields_the_schemas_of_the_values_inside_an_instance_only() -> None:
    assert list(below(SCHEMA)) == [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"enum": [2]},
        {"type": "null"},
        {"const": 1},
    ]


def test_below_and_in_place_skip_keywords_that_hold_no_schema() -> None:
    broken: dict[str, Any] = {"allOf": {"not": "a list"}, "properties": [1], "items": True}
    assert list(in_place(broken)) == []
    assert list(below(broken)) == []


def test_subschemas_follows_every_schema_keyword_but_not_instance_data() -> None:
    pointers = [pointer for pointer, _ in subschemas(SCHEMA)]
    assert "/$defs/d" in pointers and "/not" in pointers and "/allOf/1" in pointers
    assert not any(pointer.startswith("/additionalItems/enum") for pointer in pointers)
