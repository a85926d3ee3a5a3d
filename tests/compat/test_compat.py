"""The compatibility engine: typed changes, what each breaks, verdicts and version bumps."""

from __future__ import annotations

from typing import Any

import pytest
import referencing

from registry.compat import (
    ANNOTATION_KEYWORDS,
    CHANGE_TYPES,
    check,
    diff,
    find_witness,
    is_compatible,
    required_bump,
)
from registry.core.model import Change, EventSchema, Mode, SchemaRef, Version
from registry.core.refs import build_registry, validator_for
from registry.errors import EXIT_PROBLEMS, EXIT_USAGE, RegistryError, UsageError

B, F = Mode.BACKWARD, Mode.FORWARD
D4 = "http://json-schema.org/draft-04/schema#"
D7 = "http://json-schema.org/draft-07/schema#"
D2020 = "https://json-schema.org/draft/2020-12/schema"


def _breaks(old: Any, new: Any, policy: str = "strict") -> dict[str, frozenset[Mode]]:
    return {c.type: c.breaks for c in diff(old, new, policy=policy)}


def _in(schema: dict[str, Any], dialect: str = D2020) -> dict[str, Any]:
    return {"$schema": dialect, **schema}


CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, frozenset[Mode]]] = [
    (
        "integer widened to number",
        {"type": "integer"},
        {"type": "number"},
        "TYPE_EXTENDED",
        frozenset({F}),
    ),
    (
        "number narrowed to integer",
        {"type": "number"},
        {"type": "integer"},
        "TYPE_NARROWED",
        frozenset({B}),
    ),
    (
        "type list grows",
        {"type": ["string"]},
        {"type": ["string", "null"]},
        "TYPE_EXTENDED",
        frozenset({F}),
    ),
    ("type changes", {"type": "string"}, {"type": "boolean"}, "TYPE_CHANGED", frozenset({B, F})),
    ("enum narrowed", {"enum": ["a", "b"]}, {"enum": ["a"]}, "ENUM_ARRAY_NARROWED", frozenset({B})),
    ("enum extended", {"enum": ["a"]}, {"enum": ["a", "b"]}, "ENUM_ARRAY_EXTENDED", frozenset({F})),
    ("const changed", {"const": 1}, {"const": 2}, "ENUM_ARRAY_CHANGED", frozenset({B, F})),
    (
        "enum added",
        {"type": "string"},
        {"type": "string", "enum": ["a"]},
        "ENUM_ADDED",
        frozenset({B}),
    ),
    (
        "minimum raised",
        {"type": "number", "minimum": 1},
        {"type": "number", "minimum": 2},
        "MINIMUM_INCREASED",
        frozenset({B}),
    ),
    (
        "maximum added",
        {"type": "number"},
        {"type": "number", "maximum": 5},
        "MAXIMUM_ADDED",
        frozenset({B}),
    ),
    (
        "exclusive minimum in the later spelling",
        {"type": "number", "minimum": 0},
        {"type": "number", "exclusiveMinimum": 0},
        "EXCLUSIVE_MINIMUM_INCREASED",
        frozenset({B}),
    ),
    (
        "multipleOf expanded",
        {"type": "number", "multipleOf": 2},
        {"type": "number", "multipleOf": 4},
        "MULTIPLE_OF_EXPANDED",
        frozenset({B}),
    ),
    (
        "multipleOf reduced",
        {"type": "number", "multipleOf": 0.5},
        {"type": "number", "multipleOf": 0.25},
        "MULTIPLE_OF_REDUCED",
        frozenset({F}),
    ),
    (
        "maxLength decreased",
        {"type": "string", "maxLength": 12},
        {"type": "string", "maxLength": 10},
        "MAX_LENGTH_DECREASED",
        frozenset({B}),
    ),
    (
        "minLength removed",
        {"type": "string", "minLength": 2},
        {"type": "string"},
        "MIN_LENGTH_REMOVED",
        frozenset({F}),
    ),
    (
        "pattern added",
        {"type": "string"},
        {"type": "string", "pattern": "^a"},
        "PATTERN_ADDED",
        frozenset({B}),
    ),
    (
        "pattern changed is undecided",
        {"type": "string", "pattern": "^a"},
        {"type": "string", "pattern": "^b"},
        "PATTERN_CHANGED",
        frozenset({B, F}),
    ),
    (
        "format added",
        {"type": "string"},
        {"type": "string", "format": "email"},
        "FORMAT_ADDED",
        frozenset({B}),
    ),
    (
        "items narrowed",
        {"type": "array"},
        {"type": "array", "items": {"type": "string"}},
        "ADDITIONAL_ITEMS_NARROWED",
        frozenset({B}),
    ),
    (
        "minItems added",
        {"type": "array"},
        {"type": "array", "minItems": 1},
        "MIN_ITEMS_ADDED",
        frozenset({B}),
    ),
    (
        "uniqueItems added",
        {"type": "array"},
        {"type": "array", "uniqueItems": True},
        "UNIQUE_ITEMS_ADDED",
        frozenset({B}),
    ),
    (
        "contains added",
        {"type": "array"},
        {"type": "array", "contains": {"type": "null"}},
        "CONTAINS_ADDED",
        frozenset({B}),
    ),
    (
        "prefixItems position changed",
        {"type": "array", "prefixItems": [{"type": "string"}]},
        {"type": "array", "prefixItems": [{"type": "integer"}]},
        "TYPE_CHANGED",
        frozenset({B, F}),
    ),
    (
        "minProperties increased",
        {"minProperties": 1},
        {"minProperties": 2},
        "MIN_PROPERTIES_INCREASED",
        frozenset({B}),
    ),
    (
        "dependentRequired added",
        {"type": "object"},
        {"type": "object", "dependentRequired": {"a": ["b"]}},
        "DEPENDENCY_ARRAY_ADDED",
        frozenset({B}),
    ),
    (
        "propertyNames added",
        {"type": "object"},
        {"type": "object", "propertyNames": {"maxLength": 3}},
        "PROPERTY_NAMES_ADDED",
        frozenset({B}),
    ),
    (
        "alternative added to anyOf",
        {"anyOf": [{"type": "string"}]},
        {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "SUM_TYPE_EXTENDED",
        frozenset({F}),
    ),
    (
        "alternative removed from oneOf",
        {"oneOf": [{"type": "string"}, {"type": "null"}]},
        {"oneOf": [{"type": "string"}]},
        "SUM_TYPE_NARROWED",
        frozenset({B}),
    ),
    (
        "overlapping oneOf alternatives are undecided",
        {"type": "integer"},
        {"oneOf": [{"type": "integer"}, {"type": "number"}]},
        "ONE_OF_OVERLAP_UNDECIDED",
        frozenset({B}),
    ),
    (
        "not widened",
        {"not": {"type": "integer"}},
        {"not": {"type": "number"}},
        "NOT_TYPE_EXTENDED",
        frozenset({B}),
    ),
    (
        "boolean schema closed",
        {"properties": {"a": True}},
        {"properties": {"a": False}},
        "FALSE_SCHEMA_ADDED",
        frozenset({B}),
    ),
    (
        "additionalProperties closed",
        {"type": "object"},
        {"type": "object", "additionalProperties": False},
        "ADDITIONAL_PROPERTIES_REMOVED",
        frozenset({B}),
    ),
    (
        "property removed from a closed model",
        {"properties": {"a": {}}, "additionalProperties": False},
        {"additionalProperties": False},
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        frozenset({B}),
    ),
    (
        "optional property added to a closed model",
        {"properties": {"a": {}}, "additionalProperties": False},
        {"properties": {"a": {}, "b": {}}, "additionalProperties": False},
        "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
        frozenset({F}),
    ),
    (
        "conditional changed is undecided",
        {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
        {"if": {"required": ["c"]}, "then": {"required": ["b"]}},
        "CONDITIONAL_CHANGED",
        frozenset({B, F}),
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "change_type", "breaks"),
    [pytest.param(o, n, t, b, id=name) for name, o, n, t, b in CASES],
)
def test_each_keyword_change_is_typed_and_breaks_the_right_modes(
    old: dict[str, Any], new: dict[str, Any], change_type: str, breaks: frozenset[Mode]
) -> None:
    found = _breaks(_in(old), _in(new))
    assert found.get(change_type) == breaks, found
    assert change_type in CHANGE_TYPES


def test_identical_schemas_have_no_changes_and_need_no_bump() -> None:
    schema = _in({"type": "object", "properties": {"a": {"type": "string"}}})
    assert diff(schema, dict(schema)) == []
    assert required_bump([]) == "none"


def test_annotation_edits_break_nothing_and_need_a_patch() -> None:
    old = _in({"title": "A", "properties": {"a": {"description": "x", "examples": [1]}}})
    new = _in({"title": "B", "properties": {"a": {"description": "y", "examples": [2]}}})
    changes = diff(old, new)
    assert {c.type for c in changes} == {"TITLE_CHANGED", "DESCRIPTION_CHANGED", "EXAMPLES_CHANGED"}
    assert all(not c.breaks for c in changes)
    assert required_bump(changes) == "patch"
    assert {"title", "description", "examples", "$comment", "deprecated"} <= ANNOTATION_KEYWORDS


def test_a_changed_default_breaks_nothing_but_needs_a_minor_bump() -> None:
    changes = diff(_in({"default": 1}), _in({"default": 2}))
    assert [c.type for c in changes] == ["DEFAULT_CHANGED"]
    assert required_bump(changes) == "minor"


def test_an_equivalent_rewrite_is_reported_and_needs_only_a_patch() -> None:
    old = _in({"type": ["string", "null"]})
    new = _in({"anyOf": [{"type": "string"}, {"type": "null"}]})
    changes = diff(old, new)
    assert [c.type for c in changes] == ["EQUIVALENT_REWRITE"]
    assert required_bump(changes) == "patch"


def test_required_bump_is_major_for_breaking_and_minor_for_compatible_changes() -> None:
    narrowed = diff(_in({"type": "number"}), _in({"type": "integer"}))
    widened = diff(_in({"type": "integer"}), _in({"type": "number"}))
    assert required_bump(narrowed) == "major"
    assert required_bump(widened) == "minor"


def test_the_required_property_description_names_the_property_and_the_old_version() -> None:
    old = _in({"version": "1.0.0", "type": "object", "properties": {"session_id": {}}})
    new = _in(
        {
            "version": "2.0.0",
            "type": "object",
            "properties": {"session_id": {}},
            "required": ["session_id"],
        }
    )
    [change] = diff(old, new)
    assert change.type == "REQUIRED_ATTRIBUTE_ADDED"
    assert change.description == (
        "required property `session_id` added: events recorded under version 1.0.0 without it "
        "would now be rejected"
    )


def test_open_content_is_named_as_the_only_reason_under_strict_and_passes_under_lenient() -> None:
    old = _in({"type": "object", "properties": {"a": {"type": "string"}}})
    new = _in({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}})
    report = check(old, new)
    assert not report.compatible and report.open_content_only
    [change] = report.changes
    assert change.type == "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
    assert "additionalProperties: false" in change.description and "lenient" in change.description
    assert check(old, new, policy="lenient").compatible


def test_lenient_still_compares_a_partially_open_model_strictly() -> None:
    old = _in({"properties": {"a": {}}, "additionalProperties": {"type": "string"}})
    new = _in(
        {
            "properties": {"a": {}, "b": {"type": "integer"}},
            "additionalProperties": {"type": "string"},
        }
    )
    assert not check(old, new, policy="lenient").compatible


def test_draft4_boolean_exclusive_bounds_are_understood() -> None:
    old = _in({"type": "number", "minimum": 0}, D4)
    new = _in({"type": "number", "minimum": 0, "exclusiveMinimum": True}, D4)
    assert _breaks(old, new).get("EXCLUSIVE_MINIMUM_INCREASED") == frozenset({B})
    assert is_compatible(diff(new, old), Mode.BACKWARD)


def test_draft7_tuple_items_and_additional_items_are_compared_by_position() -> None:
    old = _in({"type": "array", "items": [{"type": "string"}], "additionalItems": False}, D7)
    new = _in(
        {"type": "array", "items": [{"type": "string"}], "additionalItems": {"type": "integer"}}, D7
    )
    changes = diff(old, new)
    assert is_compatible(changes, Mode.BACKWARD) and not is_compatible(changes, Mode.FORWARD)


def test_reordered_allof_branches_are_no_change() -> None:
    old = _in({"allOf": [{"type": "string"}, {"maxLength": 3}]})
    new = _in({"allOf": [{"maxLength": 3}, {"type": "string"}]})
    assert is_compatible(diff(old, new), Mode.FULL)


def test_local_refs_resolve_in_each_document() -> None:
    old = _in({"$ref": "#/$defs/a", "$defs": {"a": {"type": "string"}}})
    new = _in({"$ref": "#/$defs/a", "$defs": {"a": {"type": "integer"}}})
    assert _breaks(old, new).get("TYPE_CHANGED") == frozenset({B, F})


def test_cyclic_references_terminate_and_a_deep_change_is_found() -> None:
    def tree(leaf: str) -> dict[str, Any]:
        return _in(
            {
                "$ref": "#/$defs/node",
                "$defs": {
                    "node": {
                        "type": "object",
                        "properties": {
                            "value": {"type": leaf},
                            "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                        },
                    }
                },
            }
        )

    assert diff(tree("string"), tree("string")) == []
    changes = diff(tree("integer"), tree("number"))
    assert is_compatible(changes, Mode.BACKWARD) and not is_compatible(changes, Mode.FORWARD)
    witness = find_witness(tree("number"), tree("integer"), Mode.BACKWARD)
    assert witness is not None
    assert validator_for(tree("number")).is_valid(witness)
    assert not validator_for(tree("integer")).is_valid(witness)


def _event(uri: str, version: str, body: dict[str, Any]) -> EventSchema:
    from pathlib import PurePosixPath

    full = {"$schema": D2020, "$id": uri, "version": version, **body}
    return EventSchema(PurePosixPath(f"{version}.json"), full, uri, Version.parse(version))


def test_refs_to_other_schemas_resolve_through_the_registry_and_nothing_is_fetched() -> None:
    base = "https://events.example.org/schemas/"
    money_v1 = _event(base + "money", "1.0.0", {"type": "integer"})
    money_v2 = _event(base + "money", "2.0.0", {"type": "number"})
    registry = build_registry([money_v1, money_v2], base_url=base)
    old = _in({"properties": {"price": {"$ref": base + "money/1.0.0.json"}}})
    new = _in({"properties": {"price": {"$ref": base + "money/2.0.0.json"}}})
    changes = diff(old, new, old_registry=registry, new_registry=registry)
    assert {c.type for c in changes} == {"TYPE_EXTENDED"}
    assert SchemaRef(money_v1.id or "", Version.parse("1.0.0")) == money_v1.ref


def test_an_unresolvable_ref_is_reported_as_breaking_both_ways() -> None:
    old = _in({"properties": {"a": {"type": "string"}}})
    new = _in({"properties": {"a": {"$ref": "https://elsewhere.example/x.json"}}})
    empty: referencing.Registry[Any] = referencing.Registry()
    breaks = _breaks(old, new)
    assert breaks.get("REFERENCE_UNRESOLVED") == frozenset({B, F})
    assert diff(old, new, new_registry=empty)


def test_a_dialect_change_involving_draft4_breaks_both_ways() -> None:
    changes = diff(_in({"type": "integer"}, D7), _in({"type": "integer"}, D4))
    [dialect] = [c for c in changes if c.type == "DIALECT_CHANGED"]
    assert dialect.breaks == frozenset({B, F})


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (Mode.BACKWARD, False),
        (Mode.BACKWARD_TRANSITIVE, False),
        (Mode.FORWARD, True),
        (Mode.FORWARD_TRANSITIVE, True),
        (Mode.FULL, False),
        (Mode.FULL_TRANSITIVE, False),
        (Mode.NONE, True),
    ],
)
def test_is_compatible_reads_the_pairwise_part_of_every_mode(mode: Mode, expected: bool) -> None:
    changes = [Change("MAX_LENGTH_DECREASED", "/maxLength", "/maxLength", "", 2, 1, frozenset({B}))]
    assert is_compatible(changes, mode) is expected


def test_unknown_policies_are_refused() -> None:
    with pytest.raises(ValueError, match="policy"):
        diff({}, {}, policy="sloppy")


def test_an_unknown_policy_is_a_usage_error_that_names_the_policies() -> None:
    with pytest.raises(UsageError) as raised:
        diff({}, {}, policy="sloppy")
    assert raised.value.exit_code == EXIT_USAGE
    assert "'sloppy'" in raised.value.message
    assert "`strict`" in raised.value.hint and "`lenient`" in raised.value.hint


def test_the_engine_refuses_a_schema_that_breaks_its_metaschema() -> None:
    from registry.compat import InvalidSchema, diff

    valid = {"type": "number", "multipleOf": 1}
    with pytest.raises(InvalidSchema) as raised:
        diff(valid, {"type": "number", "multipleOf": 0})
    assert (raised.value.side, raised.value.pointer) == ("the new schema", "/multipleOf")
    with pytest.raises(InvalidSchema, match="unknown `\\$schema`"):
        diff({"$schema": "https://example.com/mine"}, valid)


def test_an_invalid_schema_is_a_registry_error_whose_hint_names_the_side() -> None:
    from registry.compat import InvalidSchema, diff

    with pytest.raises(RegistryError) as raised:
        diff({"type": "number", "multipleOf": -1}, {"type": "number"})
    error = raised.value
    assert isinstance(error, InvalidSchema) and isinstance(error, ValueError)
    assert error.exit_code == EXIT_PROBLEMS
    assert error.message.startswith("the old schema is not a valid JSON Schema")
    assert "(at /multipleOf)" in error.message and str(error) == f"{error.message}; {error.hint}"
    assert error.hint.startswith("fix the old schema first") and "lint" in error.hint
