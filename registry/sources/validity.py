"""Whether a loaded body is a schema: valid against its dialect's metaschema, or why not.

A Snapshot asks once per file; a body that is not a schema becomes a LoadFailure carrying these
findings, so no later stage (references, lint's rules, compat, governance, publish, docs) ever
sees it. Each finding has the pointer and line of the offending value, the metaschema's words,
and a hint naming the likely fix, since most invalid schemas are a YAML slip
(`note: string` for `note: {type: string}`, `additionalProperties: no`, an empty value).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from registry.core.dialects import (
    DRAFT4,
    Dialect,
    UnknownDialect,
    dialect_of,
    metaschema_errors,
)
from registry.core.model import JSON, EventSchema, pointer_join
from registry.core.walk import (
    SCHEMA_KEYWORDS,
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
)
from registry.sources.files import SchemaLoadError

INVALID_RULES = ("dialect-known", "metaschema")
"""The rules of a file that was read but is not a schema."""

TYPE_NAMES = ("array", "boolean", "integer", "null", "number", "object", "string")
_YAML_BOOLEANS = {
    "no": "false",
    "off": "false",
    "n": "false",
    "yes": "true",
    "on": "true",
    "y": "true",
}
_GENERIC_HINT = "correct the keyword's value as the JSON Schema specification defines it"
_SCHEMA_MAPS = frozenset(SCHEMA_MAP_KEYWORDS) - {"dependencies"}  # its values may be name lists
_SCHEMA_LISTS = frozenset(SCHEMA_LIST_KEYWORDS)
_SCHEMA_VALUES = frozenset(SCHEMA_KEYWORDS)


def invalidity(schema: EventSchema) -> tuple[SchemaLoadError, ...]:
    """Why `schema`'s body is not a valid schema of its dialect; empty when it is one."""
    body = schema.body
    try:
        dialect = dialect_of(body)
    except UnknownDialect as error:
        return (
            SchemaLoadError(
                "dialect-known",
                error.message,
                error.hint,
                schema.line_of("/$schema"),
                pointer="/$schema",
            ),
        )
    try:
        found = _dedupe(_explain(dialect, error) for error in metaschema_errors(dialect, body))
    except RecursionError:
        return (
            SchemaLoadError(
                "metaschema",
                "the schema is nested too deeply to be checked against its metaschema",
                "flatten it: move repeated parts into `$defs` and `$ref` them",
                schema.line_of(""),
            ),
        )
    return tuple(
        SchemaLoadError("metaschema", message, hint, schema.line_of(pointer), pointer=pointer)
        for pointer, message, hint in found
    )


def _dedupe(found: Iterator[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """One finding per place and message (2020-12's metaschema repeats each per vocabulary)."""
    return list(dict.fromkeys(found))


def _explain(dialect: Dialect, error: ValidationError) -> tuple[str, str, str]:
    """The pointer, message and hint of one metaschema error, in the words of its likely cause.

    An `anyOf` of the metaschema ("not valid under any of the given schemas") is explained by
    the deepest of its branches' errors, as jsonschema's `best_match` picks it.
    """
    error = best_match([error]) or error
    path = list(error.absolute_path)
    pointer = "".join(pointer_join("", part) for part in path)
    value: Any = error.instance
    where = f"`{pointer[1:]}`" if pointer else "the schema"
    words = f"{dialect.name} metaschema: {error.message}"
    if path and _is_schema_position(path) and not isinstance(value, (Mapping, bool)):
        message = f"{where} must be a schema (a mapping), not {_describe(value)} ({words})"
        return pointer, message, _schema_hint(dialect, path, value)
    return (
        pointer,
        f"{where}: {error.message} ({dialect.name} metaschema)",
        _keyword_hint(error, path, value),
    )


def _is_schema_position(path: Sequence[str | int]) -> bool:
    """Whether the value at `path` (from the root schema) is meant to be a schema."""
    expecting = "schema"
    for part in path:
        if expecting == "name" or (expecting != "schema" and isinstance(part, int)):
            expecting = "schema"  # a name below `properties` & co, or an item of a schema list
            continue
        if expecting == "list" or isinstance(part, int):
            return False
        if part in _SCHEMA_MAPS:
            expecting = "name"
        elif part == "items":
            expecting = "schema or list"
        elif part in _SCHEMA_LISTS:
            expecting = "list"
        elif part not in _SCHEMA_VALUES:
            return False
        else:
            expecting = "schema"
    return expecting in ("schema", "schema or list")


def _schema_hint(dialect: Dialect, path: Sequence[str | int], value: JSON) -> str:
    name = path[-1]
    lead = "- " if isinstance(name, int) else f"{name}: "
    if (
        isinstance(value, str)
        and value.lower() in _YAML_BOOLEANS
        and _takes_booleans(dialect, path)
    ):
        return _yaml_boolean_hint(value)
    if isinstance(value, str) and value in TYPE_NAMES:
        return f"did you mean `{lead}{{type: {value}}}`?"
    if value is None:
        return (
            "YAML reads an empty value as null: give it a schema, e.g. "
            f"`{lead}{{type: string}}`, or `{lead}{{}}` to allow any value"
        )
    if isinstance(value, list):
        return (
            "a list where a mapping is expected: write the schema's keywords as `key: value` "
            f"lines, e.g. `{lead}{{type: string}}`, not `- item`s"
        )
    return f"write a schema (a mapping of keywords), e.g. `{lead}{{type: string}}`"


def _takes_booleans(dialect: Dialect, path: Sequence[str | int]) -> bool:
    """Draft 4 allows `true`/`false` only as `additionalProperties` and `additionalItems`."""
    return dialect is not DRAFT4 or path[-1] in ("additionalProperties", "additionalItems")


def _yaml_boolean_hint(value: str) -> str:
    boolean = _YAML_BOOLEANS[value.lower()]
    return f"YAML 1.2 reads `{value}` as a string: write `{boolean}`"


def _keyword_hint(error: ValidationError, path: Sequence[str | int], value: JSON) -> str:
    keyword = next((part for part in reversed(path) if isinstance(part, str)), "")
    expected = error.validator_value if error.validator == "type" else None
    if keyword == "$ref":
        return "write the reference as a string, e.g. `$ref: '#/definitions/user'`"
    if keyword == "type" and isinstance(value, str):
        close = difflib.get_close_matches(value, TYPE_NAMES, n=1)
        also = f"did you mean `{close[0]}`? " if close else ""
        return f"{also}`type` names one of: {', '.join(TYPE_NAMES)} (or a list of them)"
    if isinstance(value, str) and value.lower() in _YAML_BOOLEANS and _expects(expected, "boolean"):
        return _yaml_boolean_hint(value)
    if isinstance(value, list) and _expects(expected, "object"):
        return (
            f"a list where a mapping is expected: `{keyword}` holds `name: value` entries, "
            "not `- item`s"
        )
    if _expects(expected, "array") and not isinstance(value, (list, Mapping)):
        return f"write a list: `{keyword}: [{_inline(value)}]`"
    numeric = _expects(expected, "number") or _expects(expected, "integer")
    if numeric and isinstance(value, str) and _is_number(value):
        return f"write the number without quotes: `{keyword}: {value.strip()}`"
    return _GENERIC_HINT


def _expects(expected: Any, name: str) -> bool:
    return expected == name or (isinstance(expected, list) and name in expected)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _inline(value: JSON) -> str:
    if isinstance(value, str) and value and value.replace("_", "").isalnum():
        return value
    return json.dumps(value)


def _describe(value: JSON) -> str:
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return f"the boolean {json.dumps(value)}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"
