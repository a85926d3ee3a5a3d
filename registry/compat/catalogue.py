"""The typed change catalogue: every change type the engine emits, and the annotation keywords.

Names follow Confluent Schema Registry's `Difference.Type` where one exists; the engine's own
names cover what Confluent does not model (formats, conditionals, undecidable comparisons).
A change's `breaks` is decided by the engine per comparison, not by its type: the same type
can break backward in one pair and nothing in another (e.g. a narrowed type that no instance
could have used).
"""

from __future__ import annotations

from collections.abc import Mapping

ANNOTATION_KEYWORDS: frozenset[str] = frozenset(
    {
        "title",
        "description",
        "examples",
        "$comment",
        "deprecated",
        "readOnly",
        "writeOnly",
        "x-owner",
        "x-deprecated-reason",
        "x-replaced-by",
        "x-breaking-change",
    }
)
"""Keywords whose changes never alter which events are valid, nor what they mean to a reader.

Governance lets a published version change these in place. Deliberately left out: `default`
(a reader may fill it in, so changing it changes what an absent value means), `categories`
(the personal-data labels that decide redaction), `$id`/`$schema`/`version` (identity) and
unknown keywords (a tool may read them); changing any of those needs a new version.
"""

ANNOTATION_CHANGE_TYPES: Mapping[str, str] = {
    "title": "TITLE_CHANGED",
    "description": "DESCRIPTION_CHANGED",
    "examples": "EXAMPLES_CHANGED",
    "$comment": "COMMENT_CHANGED",
    "deprecated": "DEPRECATED_CHANGED",
    "readOnly": "READ_ONLY_CHANGED",
    "writeOnly": "WRITE_ONLY_CHANGED",
    "x-owner": "OWNER_CHANGED",
    "x-deprecated-reason": "DEPRECATION_CHANGED",
    "x-replaced-by": "DEPRECATION_CHANGED",
    "x-breaking-change": "BREAKING_CHANGE_DECLARATION_CHANGED",
}

METADATA_CHANGE_TYPES: Mapping[str, str] = {
    "default": "DEFAULT_CHANGED",
    "categories": "CATEGORIES_CHANGED",
    "$id": "ID_CHANGED",
    "id": "ID_CHANGED",
}
"""Changes that alter no instance set but are not annotation-only (see ANNOTATION_KEYWORDS)."""

UNKNOWN_KEYWORD_CHANGED = "UNKNOWN_KEYWORD_CHANGED"
DIALECT_CHANGED = "DIALECT_CHANGED"
EQUIVALENT_REWRITE = "EQUIVALENT_REWRITE"

_BOUND = ("ADDED", "REMOVED", "INCREASED", "DECREASED", "CHANGED")
_STRUCTURAL: dict[str, str] = {
    "TYPE_NARROWED": "the type allows fewer JSON types",
    "TYPE_EXTENDED": "the type allows more JSON types",
    "TYPE_CHANGED": "the type allows different JSON types",
    "FALSE_SCHEMA_ADDED": "a subschema became `false` (rejects everything)",
    "FALSE_SCHEMA_REMOVED": "a subschema that was `false` now accepts values",
    "ENUM_ARRAY_NARROWED": "the enumeration lost values",
    "ENUM_ARRAY_EXTENDED": "the enumeration gained values",
    "ENUM_ARRAY_CHANGED": "the enumeration changed its values",
    "ENUM_ADDED": "an enumeration (or const) now restricts the values",
    "ENUM_REMOVED": "an enumeration (or const) no longer restricts the values",
    "ENUM_VALUE_REJECTED": "a value the enumeration allowed is rejected by other keywords",
    "MULTIPLE_OF_ADDED": "numbers must now be a multiple of a value",
    "MULTIPLE_OF_REMOVED": "numbers no longer need to be a multiple of a value",
    "MULTIPLE_OF_EXPANDED": "numbers must be a multiple of a larger value",
    "MULTIPLE_OF_REDUCED": "numbers must be a multiple of a value that divides the old one",
    "MULTIPLE_OF_CHANGED": "numbers must be a multiple of an unrelated value",
    "PATTERN_ADDED": "strings must now match a pattern",
    "PATTERN_REMOVED": "strings no longer need to match a pattern",
    "PATTERN_CHANGED": "strings must match a different pattern (undecidable in general)",
    "FORMAT_ADDED": "strings must now have a format",
    "FORMAT_REMOVED": "strings no longer need a format",
    "FORMAT_CHANGED": "strings must have a different format",
    "UNIQUE_ITEMS_ADDED": "array items must now be unique",
    "UNIQUE_ITEMS_REMOVED": "array items no longer need to be unique",
    "CONTAINS_ADDED": "arrays must now contain a matching item",
    "CONTAINS_REMOVED": "arrays no longer need to contain a matching item",
    "CONTAINS_CHANGED": "arrays must contain a different kind of item",
    "REQUIRED_ATTRIBUTE_ADDED": "a property became required",
    "REQUIRED_ATTRIBUTE_REMOVED": "a property is no longer required",
    "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": "a new required property",
    "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL": "a new required property (closed model)",
    "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL": "a typed optional property was added",
    "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL": "a property added to a closed model",
    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a property was added",
    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a property was added",
    "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL": "a property was removed from an open model",
    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL": "a property was removed from a closed model",
    "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a property was removed",
    "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a property was removed",
    "ADDITIONAL_PROPERTIES_REMOVED": "unnamed properties are no longer allowed",
    "ADDITIONAL_PROPERTIES_ADDED": "unnamed properties are now allowed",
    "ADDITIONAL_PROPERTIES_NARROWED": "unnamed properties are more restricted",
    "ADDITIONAL_PROPERTIES_EXTENDED": "unnamed properties are less restricted",
    "PATTERN_PROPERTY_CHANGED": "properties matching a name pattern are governed differently",
    "PROPERTY_NAMES_ADDED": "property names must now match a schema",
    "PROPERTY_NAMES_CHANGED": "property names must match a different schema",
    "DEPENDENCY_ARRAY_ADDED": "a property now requires others",
    "DEPENDENCY_ARRAY_EXTENDED": "a property now requires more others",
    "DEPENDENCY_ARRAY_CHANGED": "a property requires different others",
    "DEPENDENCY_ARRAY_NARROWED": "a property requires fewer others",
    "DEPENDENCY_ARRAY_REMOVED": "a property no longer requires others",
    "DEPENDENCY_SCHEMA_ADDED": "a property now brings a schema the object must meet",
    "DEPENDENCY_SCHEMA_REMOVED": "a property no longer brings a schema",
    "ITEM_ADDED_TO_OPEN_CONTENT_MODEL": "a positional item schema was added",
    "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL": "a positional item was added to a closed tuple",
    "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a positional item was added",
    "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a positional item was added",
    "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL": "a positional item schema was removed",
    "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL": "a positional item was removed from a closed tuple",
    "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a positional item was removed",
    "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL": "a positional item was removed",
    "ADDITIONAL_ITEMS_REMOVED": "items after the positional ones are no longer allowed",
    "ADDITIONAL_ITEMS_NARROWED": "items after the positional ones are more restricted",
    "ADDITIONAL_ITEMS_EXTENDED": "items after the positional ones are less restricted",
    "ADDITIONAL_ITEMS_ADDED": "items after the positional ones are now allowed",
    "SUM_TYPE_NARROWED": "the alternatives (anyOf/oneOf) cover less",
    "SUM_TYPE_EXTENDED": "the alternatives (anyOf/oneOf) cover more",
    "ONE_OF_OVERLAP_UNDECIDED": "a value might match several oneOf alternatives",
    "NOT_TYPE_EXTENDED": "the negated schema (`not`) covers more, so less is allowed",
    "NOT_TYPE_NARROWED": "the negated schema (`not`) covers less, so more is allowed",
    "CONDITIONAL_CHANGED": "an if/then/else changed in a way the engine cannot compare",
    "KEYWORD_NOT_MODELLED": "a validation keyword the engine does not model changed",
    "REFERENCE_UNRESOLVED": "a `$ref` does not resolve inside the registry",
    "REFERENCE_CYCLE_UNDECIDED": "references loop without nesting",
    "REFERENCE_NOT_A_SCHEMA": "a `$ref` points at a value that is not a schema",
    "EVALUATION_UNDECIDED": "a subschema could not be evaluated (a `$ref` in it to a non-schema)",
    "PATTERN_UNDECIDED": "a pattern took too long to decide whether it matches a value",
    "NESTING_TOO_DEEP": "the schemas nest too deeply to compare",
    "TOO_MANY_ALTERNATIVES": "too many combinations of alternatives to compare",
    "BUDGET_EXHAUSTED": "the comparison took its whole work budget before deciding",
}
for _prefix in (
    "MINIMUM",
    "MAXIMUM",
    "EXCLUSIVE_MINIMUM",
    "EXCLUSIVE_MAXIMUM",
    "MIN_LENGTH",
    "MAX_LENGTH",
    "MIN_ITEMS",
    "MAX_ITEMS",
    "MIN_PROPERTIES",
    "MAX_PROPERTIES",
    "MIN_CONTAINS",
    "MAX_CONTAINS",
):
    for _suffix in _BOUND:
        _STRUCTURAL[f"{_prefix}_{_suffix}"] = f"`{_prefix.lower()}` {_suffix.lower()}"

CHANGE_TYPES: Mapping[str, str] = {
    **_STRUCTURAL,
    **{name: f"annotation `{kw}` changed" for kw, name in ANNOTATION_CHANGE_TYPES.items()},
    **{name: f"`{kw}` changed" for kw, name in METADATA_CHANGE_TYPES.items()},
    UNKNOWN_KEYWORD_CHANGED: "a keyword no validator reads changed",
    DIALECT_CHANGED: "the JSON Schema draft (`$schema`) changed",
    EQUIVALENT_REWRITE: "the schema was rewritten but accepts exactly the same events",
}
"""Every change type with a one-line summary (the catalogue the docs list)."""

ANNOTATION_TYPES = frozenset(ANNOTATION_CHANGE_TYPES.values()) | {EQUIVALENT_REWRITE}
"""Change types that leave both the instance set and the meaning of events alone."""


def bound_change(prefix: str, old: object, new: object) -> str:
    """`<PREFIX>_ADDED/REMOVED/INCREASED/DECREASED/CHANGED` from old and new values."""
    if old is None:
        return f"{prefix}_ADDED"
    if new is None:
        return f"{prefix}_REMOVED"
    try:
        if new > old:  # type: ignore[operator]
            return f"{prefix}_INCREASED"
        if new < old:  # type: ignore[operator]
            return f"{prefix}_DECREASED"
    except TypeError:
        pass
    return f"{prefix}_CHANGED"
