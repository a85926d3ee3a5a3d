"""The jupyter_telemetry EventLog API, end to end: what its users do, with one import changed.

Schemas use jupyter_telemetry's short `$id`s (`test.event`), events are read back from the
lines a real handler wrote, and the personal-data cases are those of its later releases.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import pytest
from traitlets.config import Config

from registry import EventLog
from registry.sources.files import read_schema
from tests.paths import EVENTLOG_FIXTURES

EVENTLOG = EVENTLOG_FIXTURES
SCHEMA_ID = "test.event"
VERSION = 1
ENVELOPE = ("__timestamp__", "__schema__", "__schema_version__", "__metadata_version__")


def fixture_as(name: str, schema_id: str = SCHEMA_ID) -> dict[str, Any]:
    body = dict(read_schema(PurePosixPath(name), (EVENTLOG / name).read_bytes()).body)
    return {**body, "$id": schema_id, "version": VERSION}


def record_and_read_back(
    event: dict[str, Any], schema: dict[str, Any], allowed_schemas: Any
) -> dict[str, Any]:
    """Record `event` and return what the handler wrote, without the envelope."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    eventlog = EventLog(handlers=[handler], allowed_schemas=allowed_schemas)
    eventlog.register_schema(schema)
    eventlog.record_event(SCHEMA_ID, VERSION, event)
    handler.flush()
    (line,) = sink.getvalue().splitlines()
    written = json.loads(line)
    assert written["__schema__"] == SCHEMA_ID
    assert written["__schema_version__"] == VERSION
    return {key: value for key, value in written.items() if key not in ENVELOPE}


SIMPLE_SCHEMA = {
    "$id": SCHEMA_ID,
    "title": "Test Event",
    "version": VERSION,
    "description": "Test Event.",
    "type": "object",
    "properties": {
        "something": {"type": "string", "description": "Something happened."},
        "something_else": {"type": "string"},
    },
}


def test_the_010_api_records_allowed_events_and_returns_the_capsule(tmp_path: Path) -> None:
    path = tmp_path / "events.log"
    handler = logging.FileHandler(path)
    eventlog = EventLog(handlers=[handler], allowed_schemas=[SCHEMA_ID])
    eventlog.register_schema(SIMPLE_SCHEMA)
    capsule = eventlog.record_event(SCHEMA_ID, VERSION, {"something": "blah"})
    handler.close()
    (line,) = path.read_text().splitlines()
    assert json.loads(line) == capsule
    assert capsule is not None and capsule["something"] == "blah"
    assert capsule["__timestamp__"].endswith("Z")
    assert eventlog.schemas[(SCHEMA_ID, VERSION)] == SIMPLE_SCHEMA


def test_events_of_schemas_not_allowed_are_dropped() -> None:
    sink = io.StringIO()
    eventlog = EventLog(handlers=[logging.StreamHandler(sink)], allowed_schemas=["other.event"])
    eventlog.register_schema(SIMPLE_SCHEMA)
    assert eventlog.record_event(SCHEMA_ID, VERSION, {"something": "blah"}) is None
    assert sink.getvalue() == ""


def test_invalid_events_raise_validation_error() -> None:
    eventlog = EventLog(handlers=[logging.NullHandler()], allowed_schemas=[SCHEMA_ID])
    eventlog.register_schema(SIMPLE_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        eventlog.record_event(SCHEMA_ID, VERSION, {"something": 12})


def test_handlers_configured_through_a_config_object_are_used() -> None:
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    config = Config({"EventLog": {"handlers": [handler], "allowed_schemas": [SCHEMA_ID]}})
    eventlog = EventLog(config=config)
    eventlog.register_schema(SIMPLE_SCHEMA)
    eventlog.record_event(SCHEMA_ID, VERSION, {"something": "configured"})
    handler.flush()
    assert json.loads(sink.getvalue())["something"] == "configured"


def test_schema_files_in_yaml_and_json_register(tmp_path: Path) -> None:
    eventlog = EventLog()
    (tmp_path / "schema.json").write_text(json.dumps(SIMPLE_SCHEMA))
    (tmp_path / "schema.yaml").write_text(
        "$id: test.other\nversion: 1\ntype: object\nproperties:\n  a:\n    type: string\n"
    )
    eventlog.register_schema_file(str(tmp_path / "schema.json"))
    eventlog.register_schema_file(tmp_path / "schema.yaml")
    assert set(eventlog.schemas) == {(SCHEMA_ID, 1), ("test.other", 1)}


USER = {"id": "test id", "email": "test@testemail.com"}
NESTED_EVENT = {"nothing-exciting": "hello, world", "user": USER}
NESTED_CASES = [
    ({SCHEMA_ID: {"allowed_categories": []}}, {"nothing-exciting": "hello, world", "user": None}),
    (
        {SCHEMA_ID: {"allowed_categories": ["unrestricted"]}},
        {"nothing-exciting": "hello, world", "user": None},
    ),
    (
        {SCHEMA_ID: {"allowed_categories": ["user-identifier"]}},
        {"nothing-exciting": "hello, world", "user": {"id": "test id", "email": None}},
    ),
    (
        {SCHEMA_ID: {"allowed_categories": ["user-identifiable-information"]}},
        {"nothing-exciting": "hello, world", "user": None},
    ),
    (
        {SCHEMA_ID: {"allowed_categories": ["user-identifier", "user-identifiable-information"]}},
        {"nothing-exciting": "hello, world", "user": USER},
    ),
    (
        {SCHEMA_ID: {"allowed_properties": ["user"]}},
        {"nothing-exciting": "hello, world", "user": USER},
    ),
]


@pytest.mark.parametrize(
    "fixture", ["categories.yaml", "categories-ref.json", "categories-allof.yaml"]
)
@pytest.mark.parametrize(("allowed_schemas", "expected"), NESTED_CASES)
def test_category_filtering(fixture: str, allowed_schemas: Any, expected: Any) -> None:
    assert record_and_read_back(NESTED_EVENT, fixture_as(fixture), allowed_schemas) == expected


ARRAY_EVENT = {
    "nothing-exciting": "hello, world",
    "users": [
        {"id": "test id 0", "email": "test0@testemail.com"},
        {"id": "test id 1", "email": "test1@testemail.com"},
    ],
}


@pytest.mark.parametrize(
    ("allowed_schemas", "expected_users"),
    [
        ({SCHEMA_ID: {"allowed_categories": []}}, None),
        ({SCHEMA_ID: {"allowed_categories": ["unrestricted"]}}, None),
        (
            {SCHEMA_ID: {"allowed_categories": ["user-identifier"]}},
            [{"id": "test id 0", "email": None}, {"id": "test id 1", "email": None}],
        ),
        ({SCHEMA_ID: {"allowed_categories": ["user-identifiable-information"]}}, None),
        (
            {
                SCHEMA_ID: {
                    "allowed_categories": ["user-identifier", "user-identifiable-information"]
                }
            },
            ARRAY_EVENT["users"],
        ),
        ({SCHEMA_ID: {"allowed_properties": ["users"]}}, ARRAY_EVENT["users"]),
    ],
)
def test_array_category_filtering(allowed_schemas: Any, expected_users: Any) -> None:
    written = record_and_read_back(ARRAY_EVENT, fixture_as("categories.yaml"), allowed_schemas)
    assert written == {"nothing-exciting": "hello, world", "users": expected_users}


@pytest.mark.parametrize(("allowed_schemas", "expected"), NESTED_CASES)
def test_properties_the_schema_does_not_declare_are_null(
    allowed_schemas: Any, expected: Any
) -> None:
    event = {**NESTED_EVENT, "extra": 1234}
    written = record_and_read_back(event, fixture_as("categories.yaml"), allowed_schemas)
    assert written == {**expected, "extra": None}


def test_schemas_without_categories_record_everything_whatever_is_allowed() -> None:
    event = {"something": "blah", "something_else": "more"}
    allowed: dict[str, dict[str, list[str]]] = {
        SCHEMA_ID: {"allowed_categories": [], "allowed_properties": []}
    }
    assert record_and_read_back(event, SIMPLE_SCHEMA, allowed) == event
    assert record_and_read_back(event, SIMPLE_SCHEMA, [SCHEMA_ID]) == event
