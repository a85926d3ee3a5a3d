from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import jsonschema
import pytest
import referencing.exceptions
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.exceptions import ValidationError, best_match

from registry.core.dialects import (
    DRAFT4,
    DRAFT7,
    DRAFT202012,
    IGLU_SELF_DESCRIBING,
    UnknownDialect,
    check_schema,
    dialect_of,
)
from registry.core.model import EventSchema, Version
from registry.core.refs import (
    ReferenceOutsideRegistry,
    UnresolvableReference,
    build_registry,
    compiled_check,
    event_validator_for,
    retrieving_registry,
    validator_for,
)
from registry.sources.files import read_schema
from registry.sources.tree import load_folder
from tests.paths import EVENTLOG_FIXTURES, FIXTURES

BASE = "https://events.example.org/schemas/"


def test_dialects_come_from_schema_and_default_to_draft_7() -> None:
    assert dialect_of({}) is DRAFT7
    assert dialect_of({"$schema": "http://json-schema.org/draft-07/schema#"}) is DRAFT7
    assert dialect_of({"$schema": "https://json-schema.org/draft/2020-12/schema"}) is DRAFT202012
    assert dialect_of({"$schema": IGLU_SELF_DESCRIBING + "#"}) is DRAFT4
    with pytest.raises(UnknownDialect, match="unknown `\\$schema`"):
        dialect_of({"$schema": "https://example.com/mine"})


def test_the_bare_id_names_the_latest_version_and_each_version_its_own() -> None:
    registry = build_registry(load_folder(FIXTURES / "good").schemas)
    latest = registry.contents(BASE + "app/button-click")
    first = registry.contents(BASE + "app/button-click/1.0.0.json")
    assert latest["version"] == "1.1.0" and first["version"] == "1.0.0"


def test_refs_between_registry_schemas_validate_events() -> None:
    tree = load_folder(FIXTURES / "good")
    (schema,) = [s for s in tree.schemas if str(s.rel_path) == "app/button-click/1.0.0.yaml"]
    validator = validator_for(schema.body, build_registry(tree.schemas, base_url=BASE))
    assert validator.is_valid({"button": "save", "user": {"name": "ada"}})
    assert not validator.is_valid({"button": "save", "user": {"name": 7}})


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"type": "string"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def counting_server() -> Iterator[str]:
    _CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_ref_outside_the_registry_fails_without_any_request(counting_server: str) -> None:
    schema = {"$id": BASE + "x", "properties": {"a": {"$ref": counting_server + "a.json"}}}
    validator = validator_for(schema, build_registry([], base_url=BASE))
    with pytest.raises(referencing.exceptions.Unresolvable) as raised:
        validator.is_valid({"a": "text"})
    causes = []
    error: BaseException | None = raised.value
    while error is not None:
        causes.append(error)
        error = error.__cause__
    (ours,) = [cause for cause in causes if isinstance(cause, ReferenceOutsideRegistry)]
    assert "outside this registry" in str(ours)
    assert _CountingHandler.requests == []


def test_the_server_in_that_test_does_answer_when_asked(counting_server: str) -> None:
    import urllib.request

    with urllib.request.urlopen(counting_server + "a.json") as response:  # loopback only
        assert response.read() == b'{"type": "string"}'
    assert _CountingHandler.requests == ["/a.json"]


def test_a_validator_without_a_registry_fetches_nothing_either(tmp_path: Path) -> None:
    validator = validator_for({"$ref": "https://events.example.org/schemas/missing/1.json"})
    with pytest.raises(referencing.exceptions.Unresolvable):
        validator.is_valid(1)


def test_a_validator_is_built_once_per_body_and_registry() -> None:
    body: dict[str, Any] = {"type": "integer"}
    references = build_registry([])
    validator = validator_for(body, references)
    assert validator_for(body, references) is validator
    assert validator_for(body) is validator_for(body)
    assert validator_for(body) is not validator
    assert validator_for({"type": "integer"}, references) is not validator


def test_a_body_whose_schema_or_id_changed_gets_a_new_validator() -> None:
    body: dict[str, Any] = {"$defs": {"n": {"type": "integer"}}, "$ref": "#/$defs/n"}
    draft7 = validator_for(body)
    body["$schema"] = "http://json-schema.org/draft-04/schema#"
    draft4 = validator_for(body)
    assert draft4 is not draft7
    assert isinstance(draft4, DRAFT4.validator)
    body["id"] = "https://events.example.org/schemas/n"
    assert validator_for(body) is not draft4
    assert validator_for(body).is_valid(1) and not validator_for(body).is_valid("1")


ADDRESS = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": BASE + "shop/address",
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


def test_retrieving_registry_fetches_uris_under_the_base_through_fetch() -> None:
    asked: list[str] = []

    def fetch(uri: str) -> Mapping[str, Any]:
        asked.append(uri)
        return ADDRESS

    order = {"$ref": BASE + "shop/address/1.json", "$id": BASE + "shop/order"}
    validator = validator_for(order, retrieving_registry(BASE, fetch))
    validator.validate({"city": "Lyon"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"city": 3})
    assert set(asked) == {BASE + "shop/address/1.json"}


def test_retrieving_registry_refuses_other_hosts_without_calling_fetch() -> None:
    asked: list[str] = []

    def fetch(uri: str) -> Mapping[str, Any]:
        asked.append(uri)
        raise AssertionError("fetch must not be called for another host")

    registry = retrieving_registry(BASE, fetch)
    for uri in ("https://elsewhere.example.com/x.json", "https://events.example.org/other/x"):
        with pytest.raises(referencing.exceptions.Unretrievable) as caught:
            registry.get_or_retrieve(uri)
        assert isinstance(caught.value.__cause__, ReferenceOutsideRegistry)
        assert caught.value.__cause__.uri == uri
    assert asked == []


def test_compiled_check_agrees_with_the_reference_validator_and_never_fetches() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"path": {"$ref": "#/$defs/path"}},
        "$defs": {"path": {"type": "string", "pattern": "^(?!/)(?!.*(^|/)\\.\\.(/|$))"}},
    }
    check = compiled_check(schema)
    reference = validator_for(schema)
    instances: list[Any] = [{"path": "a/b"}, {"path": "../a"}, {"path": "/a"}, {"path": 3}, []]
    for instance in instances:
        assert check(instance) == reference.is_valid(instance), instance
    with pytest.raises(ValueError, match="elsewhere"):
        compiled_check({"$ref": "https://elsewhere.example.com/x.json"})


EVENTLOG = EVENTLOG_FIXTURES


def fixture(name: str) -> EventSchema:
    return read_schema(PurePosixPath(name), (EVENTLOG / name).read_bytes())


def schema_of(body: dict[str, Any]) -> EventSchema:
    return EventSchema(PurePosixPath(), body, body.get("$id"), Version.parse(body["version"]))


VALIDATION = fixture("validation.yaml")
VALIDATOR = event_validator_for(VALIDATION)
REFERENCE = validator_for(VALIDATION.body)
LINEAR_REFERENCE = validator_for(VALIDATION.body, linear_patterns=True)

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
    expected = best_match(LINEAR_REFERENCE.iter_errors(event))
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
    reference_only = {  # jsonschema-rs does not read `\k<name>`; ECMA-262, and so we, do
        "$id": "https://e.example/p",
        "version": 1,
        "properties": {"a": {"pattern": r"^(?<w>a+)-\k<w>$"}},
    }
    validator = event_validator_for(schema_of(reference_only))
    assert validator.compiled is None
    assert validator.is_valid({"a": "aa-aa"})
    assert not validator.is_valid({"a": "aa-a"})


def test_events_patterns_are_read_as_ecma_262_not_as_pythons_re() -> None:
    # Python's `$` also matches before a final newline; ECMA-262's (JSON Schema's), and
    # jsonschema-rs's, do not: the reference validator reads patterns as the compiled one does
    event: dict[str, Any] = {"kind": "open", "size": 1, "label": "abc\n"}
    assert not REFERENCE.is_valid(event)
    assert not VALIDATOR.is_valid(event)
    with pytest.raises(ValidationError, match="does not match"):
        VALIDATOR.validate(event)


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


def test_a_reference_outside_the_known_schemas_fails_and_nothing_is_fetched(
    counting_server: str,
) -> None:
    body = {
        "$id": "https://events.example.org/schemas/test/remote",
        "version": 1,
        "type": "object",
        "properties": {"a": {"$ref": counting_server + "string.json"}},
    }
    with pytest.raises(UnresolvableReference, match="outside this registry") as raised:
        event_validator_for(schema_of(body))
    assert raised.value.ref == counting_server + "string.json"
    assert _CountingHandler.requests == []


def test_a_reference_to_a_missing_definition_fails_when_built() -> None:
    body = {"$id": "https://e.example/m", "version": 1, "properties": {"a": {"$ref": "#/nowhere"}}}
    with pytest.raises(UnresolvableReference, match="#/nowhere"):
        event_validator_for(schema_of(body))


def test_check_schema_raises_jsonschemas_schema_error() -> None:
    with pytest.raises(jsonschema.SchemaError):
        check_schema(fixture("invalid-schema.yaml").body)
    check_schema(VALIDATION.body)
