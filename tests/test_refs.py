from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import ValidationError, best_match

from registry.model import EventSchema, Version
from registry.refs import (
    UnresolvableReference,
    check_schema,
    event_validator_for,
    validator_for,
)
from registry.schemafile import read_schema

EVENTLOG = Path(__file__).parent / "fixtures" / "eventlog"


def fixture(name: str) -> EventSchema:
    return read_schema(PurePosixPath(name), (EVENTLOG / name).read_bytes())


def schema_of(body: dict[str, Any]) -> EventSchema:
    return EventSchema(PurePosixPath(), body, body.get("$id"), Version.parse(body["version"]))


VALIDATION = fixture("validation.yaml")
VALIDATOR = event_validator_for(VALIDATION)
REFERENCE = validator_for(VALIDATION.body)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-5, 1005)
    | st.floats(-2, 2, allow_nan=False)
    | st.sampled_from(["open", "save", "close", "a-b", "x1", "Abc", "", "abc\n", "é", "a" * 17])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(["x", "y", "z"]), inner, max_size=3)
    ),
    max_leaves=8,
)
keys = st.sampled_from(["kind", "size", "ratio", "label", "flag", "tags", "where", "other"])
events = st.dictionaries(keys, values, max_size=8) | st.fixed_dictionaries(
    {"kind": st.sampled_from(["open", "save"]), "size": st.integers(0, 1000)},
    optional={
        "ratio": st.floats(0, 1, allow_nan=False),
        "label": st.from_regex(r"[a-z][a-z0-9-]{0,16}", fullmatch=True),
        "flag": st.none() | st.booleans(),
        "tags": st.lists(st.text("abcdefghij", max_size=9), max_size=5),
        "where": st.fixed_dictionaries({"x": st.integers()}, optional={"y": st.integers()}),
    },
)


@settings(max_examples=400)
@given(events)
def test_the_fast_path_accepts_and_rejects_what_jsonschema_does_with_its_error(
    event: dict[str, Any],
) -> None:
    expected = best_match(REFERENCE.iter_errors(event))
    assert VALIDATOR.is_valid(event) is (expected is None)
    if expected is not None:
        with pytest.raises(ValidationError) as raised:
            VALIDATOR.validate(event)
        assert raised.value.message == expected.message
        assert raised.value.validator == expected.validator
        assert list(raised.value.absolute_path) == list(expected.absolute_path)
        assert list(raised.value.absolute_schema_path) == list(expected.absolute_schema_path)


def ends_in_newline(value: Any) -> bool:
    if isinstance(value, str):
        return value.endswith("\n")
    if isinstance(value, dict):
        return any(map(ends_in_newline, value.values()))
    if isinstance(value, list):
        return any(map(ends_in_newline, value))
    return False


@settings(max_examples=400)
@given(events.filter(lambda event: not ends_in_newline(event)))
def test_the_compiled_validator_alone_agrees_with_jsonschema_but_for_regex_edges(
    event: dict[str, Any],
) -> None:
    assert VALIDATOR.compiled is not None
    assert VALIDATOR.compiled.is_valid(event) is REFERENCE.is_valid(event)


def test_the_error_is_the_one_jsonschema_validate_raises() -> None:
    event = {"kind": "open", "size": -1, "tags": ["way too long"]}
    with pytest.raises(ValidationError) as ours:
        VALIDATOR.validate(event)
    with pytest.raises(ValidationError) as theirs:
        jsonschema.validate(event, VALIDATION.body, cls=jsonschema.Draft7Validator)
    assert str(ours.value) == str(theirs.value)


def test_schemas_are_compiled_and_the_reference_only_serves_what_cannot_be() -> None:
    assert VALIDATOR.compiled is not None
    python_only = {
        "$id": "https://e.example/p",
        "version": 1,
        "properties": {"a": {"pattern": r"^a+\Z"}},
    }
    validator = event_validator_for(schema_of(python_only))
    assert validator.compiled is None
    assert validator.is_valid({"a": "aaa"})
    assert not validator.is_valid({"a": "aab"})


def test_where_the_regex_engines_differ_jsonschema_decides() -> None:
    # Python's `$` also matches before a final newline; jsonschema-rs's does not
    assert REFERENCE.is_valid({"kind": "open", "size": 1, "label": "abc\n"})
    assert VALIDATOR.is_valid({"kind": "open", "size": 1, "label": "abc\n"})


def test_values_json_cannot_hold_are_judged_by_jsonschema() -> None:
    open_schema = event_validator_for(fixture("no-properties.yaml"))
    open_schema.validate({"when": datetime(2024, 1, 1)})
    with pytest.raises(ValidationError, match="is not of type 'integer'"):
        VALIDATOR.validate({"kind": "open", "size": datetime(2024, 1, 1)})


def test_references_may_name_other_schemas_by_version_or_latest() -> None:
    first, second = fixture("basic-1.yaml"), fixture("basic-2.json")
    body = {
        "$id": "https://events.example.org/schemas/test/wrapper",
        "version": 1,
        "type": "object",
        "properties": {"pinned": {"$ref": "basic/1.json"}, "latest": {"$ref": "basic"}},
    }
    validator = event_validator_for(schema_of(body), [first, second])
    assert validator.compiled is not None
    assert validator.is_valid({"pinned": {"name": "n", "count": 1}})
    assert not validator.is_valid({"pinned": {"name": "n", "count": "one"}})
    assert validator.is_valid({"latest": {"name": "n", "count": "one"}})
    assert not validator.is_valid({"latest": {"name": "n", "count": 1}})


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        CountingHandler.requests.append(self.path)
        body = b'{"type": "string"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def schema_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    CountingHandler.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_reference_outside_the_known_schemas_fails_and_nothing_is_fetched(
    schema_server: str,
) -> None:
    body = {
        "$id": "https://events.example.org/schemas/test/remote",
        "version": 1,
        "type": "object",
        "properties": {"a": {"$ref": schema_server + "string.json"}},
    }
    with pytest.raises(UnresolvableReference, match="outside this registry") as raised:
        event_validator_for(schema_of(body))
    assert raised.value.ref == schema_server + "string.json"
    assert CountingHandler.requests == []


def test_a_reference_to_a_missing_definition_fails_when_built() -> None:
    body = {"$id": "https://e.example/m", "version": 1, "properties": {"a": {"$ref": "#/nowhere"}}}
    with pytest.raises(UnresolvableReference, match="#/nowhere"):
        event_validator_for(schema_of(body))


def test_check_schema_raises_jsonschemas_schema_error() -> None:
    with pytest.raises(jsonschema.SchemaError):
        check_schema(fixture("invalid-schema.yaml").body)
    check_schema(VALIDATION.body)
