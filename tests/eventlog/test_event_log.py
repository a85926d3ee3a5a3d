from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import pytest
from traitlets.config.loader import PyFileConfigLoader

import registry
from registry.eventlog import DuplicateSchema, EventLog, SchemaNotRegistered, SchemaViolation
from registry.eventlog.envelope import ENVELOPE_KEYS, ReservedKeyError
from registry.sources.files import read_schema
from tests.paths import EVENTLOG_FIXTURES, PROJECT

EVENTLOG = EVENTLOG_FIXTURES
BASIC = "https://events.example.org/schemas/test/basic"
CATEGORIES = "https://events.example.org/schemas/test/categories"


def load(name: str) -> dict[str, Any]:
    return dict(read_schema(PurePosixPath(name), (EVENTLOG / name).read_bytes()).body)


class Lines(logging.Handler):
    """Keeps what a handler is given to write, as parsed JSON lines."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.written.append(self.format(record))

    @property
    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.written]


class Explode(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        raise OSError("no space left on device")


@pytest.fixture
def lines() -> Lines:
    return Lines()


@pytest.fixture
def eventlog(lines: Lines) -> EventLog:
    log = EventLog(handlers=[lines], allowed_schemas=[BASIC, CATEGORIES])
    log.register_schema_file(EVENTLOG / "basic-1.yaml")
    log.register_schema_file(EVENTLOG / "basic-2.json")
    log.register_schema_file(EVENTLOG / "categories.yaml")
    return log


def test_eventlog_is_importable_from_the_package_and_its_module() -> None:
    assert registry.EventLog is EventLog
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = registry.Nothing


def test_importing_the_package_does_not_load_the_runtime() -> None:
    code = (
        "import sys, registry\n"
        "heavy = {'traitlets', 'jsonschema', 'jsonschema_rs', 'registry.eventlog'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_recorded_event_is_one_line_holding_the_envelope_and_the_event(
    eventlog: EventLog, lines: Lines
) -> None:
    returned = eventlog.record_event(BASIC, 1, {"name": "opened", "count": 2})
    assert returned is not None
    (line,) = lines.written
    assert json.loads(line) == returned
    assert list(returned) == [*ENVELOPE_KEYS, "name", "count"]
    assert returned["__schema__"] == BASIC
    assert returned["__schema_version__"] == 1
    assert returned["__metadata_version__"] == 1
    assert returned["__timestamp__"].endswith("Z")


def test_versions_may_be_given_as_int_or_string(eventlog: EventLog, lines: Lines) -> None:
    eventlog.record_event(BASIC, 1, {"name": "a"})
    eventlog.record_event(BASIC, "1", {"name": "b"})
    eventlog.record_event(BASIC, "2", {"name": "c", "count": "two"})
    versions = [event["__schema_version__"] for event in lines.events]
    assert versions == [1, 1, 2]


def test_semver_versions_are_recorded_as_written(lines: Lines) -> None:
    schema_id = "https://events.example.org/schemas/test/semver"
    log = EventLog(handlers=[lines], allowed_schemas=[schema_id])
    log.register_schema_file(EVENTLOG / "semver.yaml")
    log.record_event(schema_id, "1.2.0", {"ok": True})
    assert lines.events[0]["__schema_version__"] == "1.2.0"
    with pytest.raises(SchemaNotRegistered):
        log.record_event(schema_id, "1.2.1", {"ok": True})


def test_several_versions_of_one_schema_coexist_and_each_validates_its_events(
    eventlog: EventLog,
) -> None:
    assert set(eventlog.schemas) == {(BASIC, 1), (BASIC, 2), (CATEGORIES, 1)}
    eventlog.record_event(BASIC, 1, {"name": "n", "count": 1})
    eventlog.record_event(BASIC, 2, {"name": "n", "count": "one"})
    with pytest.raises(jsonschema.ValidationError):
        eventlog.record_event(BASIC, 2, {"name": "n", "count": 1})


def test_schemas_maps_id_and_version_to_a_copy_of_the_schema(eventlog: EventLog) -> None:
    assert (BASIC, 1) in eventlog.schemas
    assert (BASIC, "1") in eventlog.schemas
    assert (BASIC, 3) not in eventlog.schemas
    assert ("nothing", "not a version") not in eventlog.schemas
    schema = eventlog.schemas[(BASIC, 2)]
    assert schema == load("basic-2.json")
    schema["properties"]["count"]["type"] = "integer"
    assert eventlog.schemas[(BASIC, 2)] == load("basic-2.json")
    with pytest.raises(KeyError):
        eventlog.schemas[(BASIC, 9)]


def test_changing_a_schema_after_registering_it_changes_nothing(lines: Lines) -> None:
    schema = load("basic-1.yaml")
    log = EventLog(handlers=[lines], allowed_schemas=[BASIC])
    log.register_schema(schema)
    schema["properties"]["count"]["type"] = "string"
    log.record_event(BASIC, 1, {"name": "n", "count": 3})
    assert lines.events[0]["count"] == 3


def test_events_of_schemas_not_allowed_are_not_recorded(lines: Lines) -> None:
    log = EventLog(handlers=[lines], allowed_schemas=[CATEGORIES])
    log.register_schema_file(EVENTLOG / "basic-1.yaml")
    assert log.record_event(BASIC, 1, {"name": "n"}) is None
    assert lines.written == []


def test_without_handlers_nothing_is_recorded() -> None:
    log = EventLog(allowed_schemas=[BASIC])
    log.register_schema_file(EVENTLOG / "basic-1.yaml")
    assert log.record_event(BASIC, 1, {"name": "n"}) is None


def test_an_allowed_schema_that_was_never_registered_is_an_error(eventlog: EventLog) -> None:
    with pytest.raises(SchemaNotRegistered, match="version 3 is not registered") as raised:
        eventlog.record_event(BASIC, 3, {"name": "n"})
    assert isinstance(raised.value, ValueError)
    with pytest.raises(SchemaNotRegistered):
        eventlog.record_event(BASIC, True, {"name": "n"})


def test_an_invalid_event_raises_jsonschemas_error_in_one_line_and_nothing_is_written(
    eventlog: EventLog, lines: Lines
) -> None:
    event = {"name": 3}
    with pytest.raises(jsonschema.ValidationError) as ours:
        eventlog.record_event(BASIC, 1, event)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate(event, load("basic-1.yaml"), cls=jsonschema.Draft7Validator)
    error, reference = ours.value, theirs.value
    assert isinstance(error, SchemaViolation)
    assert str(error).startswith(
        f"event of schema {BASIC!r} version 1 is invalid at /name: {reference.message} "
        f"(keyword `{reference.validator}`)"
    )
    assert "\n" not in str(error) and "Failed validating" not in str(error)
    for attribute in ("path", "schema_path", "instance", "schema", "validator_value"):
        assert getattr(error, attribute) == getattr(reference, attribute), attribute
    assert error.validator == reference.validator
    assert lines.written == []


@pytest.mark.parametrize("key", ["__timestamp__", "__schema__", "__extra"])
def test_an_event_can_never_overwrite_the_envelope(key: str, lines: Lines) -> None:
    schema_id = "https://events.example.org/schemas/test/no-properties"
    log = EventLog(handlers=[lines], allowed_schemas=[schema_id])
    log.register_schema_file(EVENTLOG / "no-properties.yaml")
    with pytest.raises(ReservedKeyError, match="reserved for the envelope"):
        log.record_event(schema_id, 1, {key: "forged"})
    assert lines.written == []


def test_a_schema_without_properties_records_any_object(lines: Lines) -> None:
    schema_id = "https://events.example.org/schemas/test/no-properties"
    log = EventLog(handlers=[lines], allowed_schemas=[schema_id])
    log.register_schema_file(EVENTLOG / "no-properties.yaml")
    log.record_event(schema_id, 1, {"anything": [1, {"goes": None}]})
    assert lines.events[0]["anything"] == [1, {"goes": None}]


@pytest.mark.parametrize(
    ("fixture", "error", "says"),
    [
        ("invalid-schema.yaml", jsonschema.SchemaError, "is not valid under any of the given"),
        ("missing-id.yaml", ValueError, r"`\$id` is required"),
        ("missing-version.yaml", ValueError, "`version` is required"),
        ("reserved-property.yaml", ValueError, "__timestamp__"),
    ],
)
def test_schemas_that_cannot_be_used_are_refused(
    fixture: str, error: type[Exception], says: str
) -> None:
    log = EventLog()
    with pytest.raises(error, match=says):
        log.register_schema_file(EVENTLOG / fixture)
    assert len(log.schemas) == 0


@pytest.mark.parametrize(
    ("slip", "path"),
    [
        ({"properties": {"note": "string"}}, ["properties", "note"]),
        ({"properties": {"other": None}}, ["properties", "other"]),
        ({"properties": ["note"]}, ["properties"]),
        ({"additionalProperties": "no"}, ["additionalProperties"]),
        ({"properties": {"n": {"type": "array", "items": "string"}}}, ["properties", "n", "items"]),
        ({"$schema": "http://json-schema.org/draft-04/schema#", "items": {"$ref": 5}}, None),
    ],
)
def test_a_body_that_is_no_schema_raises_schema_error_with_its_place(
    slip: dict[str, Any], path: list[str] | None
) -> None:
    body = {"$id": "https://events.example.org/schemas/test/slip", "version": 1, **slip}
    log = EventLog()
    with pytest.raises(jsonschema.SchemaError) as raised:
        log.register_schema(body)
    expected = path if path is not None else ["items", "$ref"]
    assert list(raised.value.path) == expected
    assert len(log.schemas) == 0


def test_registering_a_version_twice_is_an_error_and_the_first_stands(eventlog: EventLog) -> None:
    changed = load("basic-1.yaml")
    changed["required"] = []
    with pytest.raises(DuplicateSchema, match="already registered"):
        eventlog.register_schema(changed)
    assert eventlog.schemas[(BASIC, 1)]["required"] == ["name"]


def test_a_schema_version_that_is_neither_integer_nor_semver_is_refused() -> None:
    with pytest.raises(ValueError, match="neither an integer"):
        EventLog().register_schema({"$id": "x", "version": "1.0", "type": "object"})


def test_schema_files_may_be_given_open_and_bad_files_are_named(tmp_path: Path) -> None:
    log = EventLog()
    with (EVENTLOG / "basic-2.json").open("rb") as handle:
        log.register_schema_file(handle)
    log.register_schema_file(io.StringIO((EVENTLOG / "semver.yaml").read_text()))
    assert len(log.schemas) == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("$id: x\nversion: 1\nproperties: [\n")
    with pytest.raises(ValueError, match=r"broken\.yaml:3:13: invalid YAML: the `\[` opened"):
        log.register_schema_file(broken)


def test_a_reference_to_an_unregistered_schema_is_refused_when_registering() -> None:
    schema = {
        "$id": "https://events.example.org/schemas/test/wrapper",
        "version": 1,
        "properties": {"inner": {"$ref": "basic/1.json"}},
    }
    log = EventLog()
    with pytest.raises(ValueError, match="cannot be resolved"):
        log.register_schema(schema)
    log.register_schema_file(EVENTLOG / "basic-1.yaml")
    log.register_schema(schema)
    assert (schema["$id"], 1) in log.schemas


def test_timestamps_are_utc_with_z_whatever_the_override(eventlog: EventLog) -> None:
    now = datetime.now(timezone.utc)
    recorded = eventlog.record_event(BASIC, 1, {"name": "n"})
    assert recorded is not None
    stamp = datetime.strptime(recorded["__timestamp__"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert abs(stamp.replace(tzinfo=timezone.utc) - now) < timedelta(seconds=5)
    tokyo = timezone(timedelta(hours=9))
    for override, expected in [
        (datetime(2024, 3, 1, 9, 30, tzinfo=tokyo), "2024-03-01T00:30:00.000000Z"),
        (datetime(2024, 3, 1, 0, 30, tzinfo=timezone.utc), "2024-03-01T00:30:00.000000Z"),
        (datetime(2024, 3, 1, 0, 30), "2024-03-01T00:30:00.000000Z"),
    ]:
        recorded = eventlog.record_event(BASIC, 1, {"name": "n"}, timestamp_override=override)
        assert recorded is not None and recorded["__timestamp__"] == expected


def test_values_json_cannot_hold_are_refused_and_nothing_is_written(lines: Lines) -> None:
    schema_id = "https://events.example.org/schemas/test/no-properties"
    log = EventLog(handlers=[lines], allowed_schemas=[schema_id])
    log.register_schema_file(EVENTLOG / "no-properties.yaml")
    with pytest.raises(ValueError):
        log.record_event(schema_id, 1, {"ratio": float("nan")})
    with pytest.raises(TypeError):
        log.record_event(schema_id, 1, {"when": datetime(2024, 1, 1)})
    with pytest.raises(TypeError, match="must be a mapping"):
        log.record_event(schema_id, 1, ["not", "an", "object"])  # type: ignore[arg-type]
    assert lines.written == []


def test_lines_hold_no_logging_fields_and_never_reach_the_root_logger(
    eventlog: EventLog, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    path = tmp_path / "events.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    eventlog.handlers = [handler]
    with caplog.at_level(logging.DEBUG):
        eventlog.record_event(BASIC, 1, {"name": "n"})
    handler.close()
    (line,) = path.read_text().splitlines()
    assert set(json.loads(line)) == {*ENVELOPE_KEYS, "name"}
    assert caplog.records == []


def test_categories_are_filtered_as_allowed_schemas_says(lines: Lines) -> None:
    log = EventLog(
        handlers=[lines], allowed_schemas={CATEGORIES: {"allowed_categories": ["user-identifier"]}}
    )
    log.register_schema_file(EVENTLOG / "categories.yaml")
    event: dict[str, Any] = {"nothing-exciting": "hi", "user": {"id": "u1", "email": "a@b.c"}}
    recorded = log.record_event(CATEGORIES, 1, event)
    assert recorded is not None
    assert recorded["user"] == {"id": "u1", "email": None}
    assert lines.events[0]["user"] == {"id": "u1", "email": None}
    assert event["user"]["email"] == "a@b.c"
    log.allowed_schemas = {CATEGORIES: {"allowed_properties": ["user"]}}
    log.record_event(CATEGORIES, 1, event)
    assert lines.events[1]["user"] == event["user"]
    log.allowed_schemas = []
    assert log.record_event(CATEGORIES, 1, event) is None


def test_handlers_may_change_while_running(eventlog: EventLog, lines: Lines) -> None:
    other = Lines()
    eventlog.handlers = [other]
    eventlog.record_event(BASIC, 1, {"name": "n"})
    assert (len(lines.written), len(other.written)) == (0, 1)
    eventlog.handlers = []
    assert eventlog.record_event(BASIC, 1, {"name": "n"}) is None


def test_a_handler_that_raises_never_breaks_the_caller_or_the_other_handlers(
    eventlog: EventLog, lines: Lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    eventlog.handlers = [Explode(), lines]
    recorded = eventlog.record_event(BASIC, 1, {"name": "n"})
    assert recorded is not None
    assert lines.events == [recorded]
    assert "no space left on device" in stderr.getvalue()


def test_eight_threads_recording_at_once_write_every_line_whole(tmp_path: Path) -> None:
    path = tmp_path / "events.log"
    handler = logging.FileHandler(path)
    log = EventLog(handlers=[handler], allowed_schemas=[BASIC])
    log.register_schema_file(EVENTLOG / "basic-1.yaml")

    def record(thread: int) -> None:
        for count in range(10_000):
            log.record_event(BASIC, 1, {"name": f"thread-{thread}", "count": count})

    threads = [threading.Thread(target=record, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    events = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(events) == 80_000
    for number in range(8):
        counts = [event["count"] for event in events if event["name"] == f"thread-{number}"]
        assert counts == list(range(10_000))


def test_recording_raises_no_warnings(eventlog: EventLog) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = EventLog(handlers=[Lines()], allowed_schemas=[BASIC])
        log.register_schema_file(EVENTLOG / "basic-1.yaml")
        log.record_event(BASIC, 1, {"name": "n"})
        log.record_event(BASIC, 1, {"name": "n"}, timestamp_override=datetime.now(timezone.utc))
    assert [str(warning.message) for warning in caught] == []


@pytest.fixture
def config_file(tmp_path: Path) -> Iterator[Path]:
    events = tmp_path / "events.log"
    (tmp_path / "eventlog_config.py").write_text(
        "import logging\n"
        f"c.EventLog.handlers = [logging.FileHandler({str(events)!r})]\n"
        f"c.EventLog.allowed_schemas = {{{BASIC!r}: {{'allowed_categories': ['action']}}}}\n"
    )
    yield tmp_path


def test_eventlog_is_configured_from_a_traitlets_config_file(config_file: Path) -> None:
    config = PyFileConfigLoader("eventlog_config.py", path=str(config_file)).load_config()
    log = EventLog(config=config)
    assert log.allowed_schemas == {BASIC: {"allowed_categories": ["action"]}}
    assert isinstance(config.EventLog.handlers, list)  # the caller's config is unchanged
    (handler,) = log.handlers
    assert handler is config.EventLog.handlers[0]
    log.register_schema_file(EVENTLOG / "basic-1.yaml")
    log.record_event(BASIC, 1, {"name": "configured"})
    handler.close()
    (line,) = (config_file / "events.log").read_text().splitlines()
    assert json.loads(line)["name"] == "configured"
    assert EventLog(config=config).handlers == [handler]


def test_in_a_schema_closed_to_other_keys_a_reserved_key_fails_validation(lines: Lines) -> None:
    schema_id = "https://events.example.org/schemas/test/validation"
    log = EventLog(handlers=[lines], allowed_schemas=[schema_id])
    log.register_schema_file(EVENTLOG / "validation.yaml")
    keys: tuple[Any, ...] = ("__schema__", 7)
    for key in keys:
        event: dict[Any, Any] = {"kind": "open", "size": 1, key: "forged"}
        with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
            log.record_event(schema_id, 1, event)
    assert lines.written == []
