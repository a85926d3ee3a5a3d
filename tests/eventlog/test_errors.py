from __future__ import annotations

import logging
from typing import Any

import pytest

from registry.errors import EXIT_PROBLEMS, RegistryError
from registry.eventlog import (
    DuplicateSchema,
    EventLog,
    PreloadFailed,
    SchemaNotRegistered,
    SchemaUnavailable,
)
from registry.eventlog.categories import CategoryError
from registry.eventlog.envelope import ReservedKeyError

EVENT = "https://events.example.org/schemas/test/errors"
SCHEMA: dict[str, Any] = {"$id": EVENT, "version": 1, "type": "object"}


def recording() -> EventLog:
    log = EventLog(handlers=[logging.NullHandler()], allowed_schemas=[EVENT])
    log.register_schema(SCHEMA)
    return log


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (SchemaNotRegistered, ValueError),
        (DuplicateSchema, ValueError),
        (CategoryError, ValueError),
        (ReservedKeyError, ValueError),
        (SchemaUnavailable, LookupError),
        (PreloadFailed, LookupError),
    ],
)
def test_each_error_is_its_builtin_first_and_a_registry_error(
    error: type[Exception], builtin: type[Exception]
) -> None:
    assert issubclass(error, RegistryError)
    assert error.__mro__.index(builtin) < error.__mro__.index(RegistryError)


def test_an_unregistered_version_is_caught_as_valueerror_and_says_what_to_do() -> None:
    with pytest.raises(ValueError) as raised:  # as applications written for jupyter_telemetry do
        recording().record_event(EVENT, 2, {})
    error = raised.value
    assert isinstance(error, SchemaNotRegistered) and isinstance(error, RegistryError)
    assert error.message == f"schema {EVENT!r} version 2 is not registered"
    assert "register_schema(...)" in error.hint
    assert str(error) == f"{error.message}; {error.hint}"
    assert error.exit_code == EXIT_PROBLEMS


def test_a_second_registration_names_the_version_and_asks_for_a_new_one() -> None:
    with pytest.raises(DuplicateSchema) as raised:
        recording().register_schema(SCHEMA)
    assert raised.value.ref.id == EVENT
    assert "is already registered" in raised.value.message
    assert "give the changed schema a new version" in raised.value.hint


def test_malformed_categories_name_the_place_and_show_a_well_formed_list() -> None:
    body = {**SCHEMA, "properties": {"who": {"categories": "user-identifier"}}}
    with pytest.raises(CategoryError) as raised:
        EventLog().register_schema(body)
    assert raised.value.pointer == "/properties/who/categories"
    assert "[user-identifier]" in raised.value.hint
    assert raised.value.hint in str(raised.value)


@pytest.mark.parametrize(
    ("key", "advice"), [("__secret", "rename the property"), (3, "make the key a string")]
)
def test_a_reserved_or_non_string_key_gets_the_advice_for_its_case(
    key: object, advice: str
) -> None:
    with pytest.raises(ReservedKeyError) as raised:
        recording().record_event(EVENT, 1, {key: 1})  # type: ignore[dict-item]
    assert raised.value.hint.startswith(advice)


def test_a_failed_preload_lists_each_schema_with_its_own_hint() -> None:
    slow = SchemaUnavailable(EVENT, "1", "https://r.example/", "it did not answer", "wait longer")
    gone = SchemaUnavailable(EVENT, None, "https://r.example/", "not listed", "publish it")
    failed = PreloadFailed([slow, gone])
    assert str(failed) == f"{slow}; {gone}"
    assert str(slow).endswith("it did not answer. wait longer")
    assert "version latest" in str(gone)
    with pytest.raises(LookupError):
        raise failed
