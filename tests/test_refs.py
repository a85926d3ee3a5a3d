from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest
import referencing.exceptions

from registry.model import SchemaRef, Version
from registry.refs import (
    DRAFT4,
    DRAFT7,
    DRAFT202012,
    IGLU_SELF_DESCRIBING,
    ReferenceOutsideRegistry,
    UnknownDialect,
    build_registry,
    compiled_check,
    dialect_of,
    retrieving_registry,
    validator_for,
    version_uri,
)
from registry.sources import load_folder
from tests.conftest import FIXTURES

BASE = "https://events.example.org/schemas/"


def test_a_version_uri_is_the_id_then_the_version_as_a_json_file() -> None:
    ref = SchemaRef(BASE + "app/click", Version.parse("1.2.0"))
    assert version_uri(ref) == BASE + "app/click/1.2.0.json"


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
