"""JSON Schema dialects: which draft a schema is written in, and its metaschema's verdict.

A schema's `$schema` names its draft; without one it is read as draft 7. The metaschema check
is answered by a compiled validator for the common case (a valid schema) and explained by
jsonschema for an invalid one, so messages read the same whichever path ran.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
import jsonschema_rs
import referencing
import referencing.jsonschema
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from jsonschema.protocols import Validator

from registry.core import patterns
from registry.core.model import JSON
from registry.errors import RegistryError

IGLU_SELF_DESCRIBING = (
    "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0"
)


@dataclass(frozen=True)
class Dialect:
    """A JSON Schema draft: the validator class and the `referencing` specification for it."""

    name: str
    validator: type[Validator]
    specification: referencing.Specification[Any]


def _ecma(validator: type[Validator]) -> type[Validator]:
    """jsonschema's validator for a draft, reading patterns as JSON Schema does (ECMA-262)."""
    extended: type[Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        validator,
        patterns.KEYWORDS,
        format_checker=patterns.format_checker(validator.FORMAT_CHECKER),
    )
    return extended


DRAFT4 = Dialect("draft-04", _ecma(jsonschema.Draft4Validator), referencing.jsonschema.DRAFT4)
DRAFT6 = Dialect("draft-06", _ecma(jsonschema.Draft6Validator), referencing.jsonschema.DRAFT6)
DRAFT7 = Dialect("draft-07", _ecma(jsonschema.Draft7Validator), referencing.jsonschema.DRAFT7)
DRAFT201909 = Dialect(
    "2019-09", _ecma(jsonschema.Draft201909Validator), referencing.jsonschema.DRAFT201909
)
DRAFT202012 = Dialect(
    "2020-12", _ecma(jsonschema.Draft202012Validator), referencing.jsonschema.DRAFT202012
)
DEFAULT_DIALECT = DRAFT7
"""Schemas without `$schema` are read as draft 7, as jupyter_telemetry and Confluent do."""

_DIALECTS: dict[str, Dialect] = {
    "http://json-schema.org/draft-04/schema": DRAFT4,
    "http://json-schema.org/draft-06/schema": DRAFT6,
    "http://json-schema.org/draft-07/schema": DRAFT7,
    "https://json-schema.org/draft/2019-09/schema": DRAFT201909,
    "https://json-schema.org/draft/2020-12/schema": DRAFT202012,
    # Iglu's self-describing meta-schema extends draft 4 with a `self` block.
    IGLU_SELF_DESCRIBING: DRAFT4,
}


class UnknownDialect(RegistryError, ValueError):
    """A `$schema` this registry does not know."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        known = ", ".join(sorted(_DIALECTS))
        super().__init__(f"unknown `$schema` {uri!r}", f"use one of: {known}")


def dialect_of(body: Mapping[str, JSON]) -> Dialect:
    """The draft a schema is written in, from its `$schema`; raise UnknownDialect."""
    uri = body.get("$schema")
    if uri is None:
        return DEFAULT_DIALECT
    if not isinstance(uri, str):
        raise UnknownDialect(repr(uri))
    dialect = _DIALECTS.get(uri.rstrip("#"))
    if dialect is None:
        raise UnknownDialect(uri)
    return dialect


def dialect_or_default(body: Mapping[str, JSON]) -> Dialect:
    try:
        return dialect_of(body)
    except UnknownDialect:
        return DEFAULT_DIALECT


def metaschema_errors(dialect: Dialect, body: Mapping[str, JSON]) -> Iterator[ValidationError]:
    """The ways `body` breaks its draft's metaschema (none for a valid schema).

    A compiled validator answers the common case, a valid schema, quickly; jsonschema then
    explains an invalid one, so messages read the same whichever path ran.
    """
    fast, reference = _metaschema_validators(dialect.name)
    if fast.is_valid(body):
        return iter(())
    errors: Iterator[ValidationError] = reference.iter_errors(body)
    return errors


@cache
def _metaschema_validators(name: str) -> tuple[Any, Validator]:
    dialect = _BY_NAME[name]
    metaschema = metaschema_of(dialect)
    compiled = _COMPILED[name](metaschema)
    return compiled, dialect.validator(metaschema)


@cache
def _metaschema(name: str) -> Mapping[str, JSON]:
    dialect = _BY_NAME[name]
    if dialect is not DRAFT4:
        return dialect.validator.META_SCHEMA
    # Draft 4's metaschema leaves `$ref` to JSON Reference; every reader of one needs a string,
    # and later drafts' metaschemas say so. Its own `id` is dropped, so that its `#` is this copy.
    extended = {key: value for key, value in DRAFT4.validator.META_SCHEMA.items() if key != "id"}
    extended["properties"] = {**extended["properties"], "$ref": {"type": "string"}}
    return extended


def metaschema_of(dialect: Dialect) -> Mapping[str, JSON]:
    """The metaschema a body of `dialect` is checked against: the draft's own, and for draft 4
    also that a `$ref` is a string."""
    return _metaschema(dialect.name)


_BY_NAME = {d.name: d for d in (DRAFT4, DRAFT6, DRAFT7, DRAFT201909, DRAFT202012)}
_COMPILED: dict[str, Any] = {
    "draft-04": jsonschema_rs.Draft4Validator,
    "draft-06": jsonschema_rs.Draft6Validator,
    "draft-07": jsonschema_rs.Draft7Validator,
    "2019-09": jsonschema_rs.Draft201909Validator,
    "2020-12": jsonschema_rs.Draft202012Validator,
}


def check_schema(body: Mapping[str, JSON]) -> None:
    """Raise `jsonschema.SchemaError` when `body` breaks its draft's metaschema.

    jsonschema's own check (formats included, e.g. that a `pattern` is a regex) is the one
    users of jsonschema know, against `metaschema_of` the draft; the error is jsonschema's best
    match, so its `path` is the deepest offending place. An unknown `$schema` raises
    UnknownDialect.
    """
    validator = dialect_of(body).validator
    checker = validator(metaschema_of(dialect_of(body)), format_checker=validator.FORMAT_CHECKER)
    error = best_match(checker.iter_errors(dict(body)))
    if error is not None:
        raised = SchemaError.create_from(error)
        raised.parent = None  # its path is from the root, however deep the best match was
        raised.path = raised.relative_path = deque(error.absolute_path)
        raised.schema_path = raised.relative_schema_path = deque(error.absolute_schema_path)
        raise raised


def compiled_class(dialect: Dialect) -> Any:
    """jsonschema-rs's validator class for `dialect`: the fast path for valid instances."""
    return _COMPILED[dialect.name]
