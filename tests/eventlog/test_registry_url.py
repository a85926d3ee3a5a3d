"""EventLog(registry_url=...) against a real published registry served on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from traitlets import TraitError
from traitlets.config import Config

from registry.core.index import canonical_json, sha256_hex
from registry.eventlog import EventLog, PreloadFailed, SchemaNotRegistered, SchemaUnavailable
from tests.eventlog.test_event_log import Lines
from tests.loopback import Loopback, start

BASE = "https://events.example.org/schemas/"
CHECKOUT = BASE + "shop/checkout"
ADDRESS = BASE + "shop/address"
OPENED = BASE + "app/opened"
ORDER = {"total": 12.5, "address": {"city": "Lyon", "country": "FR"}}


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches the user's cache: the default folder points into tmp_path."""
    folder = tmp_path / "default-cache"
    monkeypatch.setenv("TELEMETRY_REGISTRY_CACHE", str(folder))
    return folder


@pytest.fixture
def lines() -> Lines:
    return Lines()


def eventlog_for(url: str, lines: Lines, cache: Path, **options: Any) -> EventLog:
    options.setdefault("allowed_schemas", [CHECKOUT, ADDRESS, OPENED])
    options.setdefault("registry_timeout", 5.0)
    return EventLog(handlers=[lines], registry_url=url, registry_cache_dir=str(cache), **options)


@pytest.fixture
def remote_log(served: Loopback, lines: Lines, tmp_path: Path) -> Iterator[EventLog]:
    log = eventlog_for(served.url + "schemas/", lines, tmp_path / "cache")
    yield log
    log.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_events_are_recorded_by_id_and_version_from_the_served_registry(
    remote_log: EventLog, lines: Lines, served: Loopback
) -> None:
    assert served.behaviour.requests == []  # nothing is fetched at start
    remote_log.record_event(CHECKOUT, 1, {"total": 3})
    remote_log.record_event(CHECKOUT, "2", ORDER)
    assert [(e["__schema_version__"], e["total"]) for e in lines.events] == [(1, 3), (2, 12.5)]
    with pytest.raises(jsonschema.ValidationError, match="'country' is a required property"):
        remote_log.record_event(CHECKOUT, 2, {"total": 1, "address": {"city": "Lyon"}})
    assert len(lines.written) == 2
    assert (CHECKOUT, 2) in remote_log.schemas
    assert served.behaviour.count("/schemas/shop/address/1.json") == 1  # the `$ref`'s target


def test_a_version_the_registry_does_not_list_is_a_clear_error(
    remote_log: EventLog, served: Loopback
) -> None:
    with pytest.raises(SchemaUnavailable) as raised:
        remote_log.record_event(CHECKOUT, 7, {"total": 1})
    assert raised.value.schema_id == CHECKOUT
    assert raised.value.version == "7"
    assert raised.value.url == served.url + "schemas/"
    assert raised.value.reason == "it lists versions 1, 2 of this event"
    assert raised.value.hint.startswith("Record one of those versions (emit() records the latest)")
    assert str(raised.value).endswith(raised.value.hint)


def test_emit_records_the_latest_version_of_the_registry(
    remote_log: EventLog, lines: Lines
) -> None:
    written = remote_log.emit(schema_id=CHECKOUT, data=ORDER)
    assert written is not None and written["__schema_version__"] == 2
    remote_log.emit(schema_id=OPENED, data={"cold": True, "source": "icon"})
    assert [e["__schema_version__"] for e in lines.events] == [2, "1.1.0-rc.1"]


def test_emit_prefers_the_highest_locally_registered_version(
    remote_log: EventLog, lines: Lines, served: Loopback
) -> None:
    local = json.loads((served.root / "schemas/shop/checkout/1.json").read_text())
    remote_log.register_schema(local)
    remote_log.emit(schema_id=CHECKOUT, data={"total": 2})
    assert lines.events[0]["__schema_version__"] == 1
    assert served.behaviour.requests == []


def test_events_of_schemas_not_allowed_are_never_fetched(
    served: Loopback, lines: Lines, tmp_path: Path
) -> None:
    log = eventlog_for(served.url + "schemas/", lines, tmp_path / "c", allowed_schemas=[OPENED])
    assert log.record_event(CHECKOUT, 1, {"total": 1}) is None
    assert served.behaviour.requests == []


def test_a_registry_down_at_start_is_recovered_from_once_it_is_up(
    site: Path, lines: Lines, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/schemas/"
    log = eventlog_for(url, lines, tmp_path / "cache", registry_backoff=0)
    with pytest.raises(SchemaUnavailable, match="cannot connect") as raised:
        log.record_event(CHECKOUT, 1, {"total": 1})
    assert raised.value.hint.startswith("Check registry_url and the network")
    server = start(site, port)
    try:
        log.record_event(CHECKOUT, 1, {"total": 1})
    finally:
        server.stop()
    assert len(lines.events) == 1


def test_a_registry_down_with_a_warm_disk_cache_still_records(
    served: Loopback, lines: Lines, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = served.url + "schemas/"
    warm = eventlog_for(url, lines, tmp_path / "cache")
    warm.record_event(CHECKOUT, 2, ORDER)
    served.stop()
    later = eventlog_for(url, lines, tmp_path / "cache", registry_ttl=0)
    with caplog.at_level(logging.WARNING, logger="registry.client"):
        later.record_event(CHECKOUT, 2, ORDER)
    assert len(lines.events) == 2
    assert "using the cached copy" in caplog.text


def test_offline_mode_reads_the_cache_and_never_the_network(
    served: Loopback, lines: Lines, tmp_path: Path
) -> None:
    url = served.url + "schemas/"
    eventlog_for(url, lines, tmp_path / "cache").record_event(CHECKOUT, 1, {"total": 1})
    before = len(served.behaviour.requests)
    offline = eventlog_for(url, lines, tmp_path / "cache", registry_offline=True)
    offline.record_event(CHECKOUT, 1, {"total": 2})
    with pytest.raises(SchemaUnavailable, match="offline") as raised:
        offline.record_event(CHECKOUT, 2, ORDER)
    assert "with registry_offline off" in raised.value.hint
    assert len(served.behaviour.requests) == before
    assert len(lines.events) == 2


def test_a_registry_down_with_a_cold_cache_fails_at_record_event_not_at_start(
    site: Path, lines: Lines, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}/schemas/"
    log = eventlog_for(url, lines, tmp_path / "cold", allowed_schemas=[CHECKOUT, BASE + "local"])
    log.register_schema({"$id": BASE + "local", "version": 1, "type": "object"})
    with pytest.raises(SchemaUnavailable) as raised:
        log.record_event(CHECKOUT, 2, ORDER)
    message = str(raised.value)
    assert CHECKOUT in message and "version 2" in message and url in message
    assert "holds no copy" in message
    log.record_event(BASE + "local", 1, {})  # the application carries on
    assert [e["__schema__"] for e in lines.events] == [BASE + "local"]


def test_a_hanging_registry_delays_start_up_and_recording_by_the_timeout_only(
    served: Loopback, lines: Lines, tmp_path: Path
) -> None:
    served.behaviour.modes["/schemas/index.json"] = "hang"
    began = time.monotonic()
    log = eventlog_for(served.url + "schemas/", lines, tmp_path / "c", registry_timeout=0.5)
    with pytest.raises(PreloadFailed) as raised:
        log.preload()
    waited = time.monotonic() - began
    assert {error.schema_id for error in raised.value.errors} == {CHECKOUT, ADDRESS, OPENED}
    assert "did not answer within registry_timeout (0.5 s)" in str(raised.value)
    assert waited < 5, f"preload waited {waited:.1f} s for a registry that hangs"
    began = time.monotonic()
    # the wait gives up, or the request reaches its own deadline first on a busy machine
    with pytest.raises(SchemaUnavailable, match=r"did not answer|timed out after") as unanswered:
        log.record_event(CHECKOUT, 1, {"total": 1})
    assert unanswered.value.hint.startswith("Raise registry_timeout")
    assert time.monotonic() - began < 5
    assert lines.written == []


def test_preload_resolves_every_allowed_schema_up_front(
    remote_log: EventLog, lines: Lines, served: Loopback
) -> None:
    remote_log.preload()
    assert {(CHECKOUT, 2), (ADDRESS, 1), (OPENED, "1.1.0-rc.1")} <= set(remote_log.schemas)
    served.stop()
    remote_log.emit(schema_id=CHECKOUT, data=ORDER)  # no request needed any more
    remote_log.preload([(CHECKOUT, 2)])
    assert len(lines.events) == 1


def test_a_tampered_schema_is_refused(remote_log: EventLog, lines: Lines, served: Loopback) -> None:
    published = served.root / "schemas/shop/checkout/1.json"
    body = json.loads(published.read_text())
    body["required"] = []
    published.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    with pytest.raises(SchemaUnavailable, match="sha256") as raised:
        remote_log.record_event(CHECKOUT, 1, {"total": 1})
    assert "the file was changed after publishing" in str(raised.value)
    assert raised.value.hint.startswith("Republish the registry")
    assert lines.written == []


def test_eight_threads_asking_for_one_schema_share_one_fetch(
    remote_log: EventLog, lines: Lines, served: Loopback
) -> None:
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def record() -> None:
        barrier.wait()
        try:
            remote_log.record_event(CHECKOUT, 2, ORDER)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=record) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert len(lines.events) == 8
    assert served.behaviour.count("/schemas/index.json") == 1
    assert served.behaviour.count("/schemas/shop/checkout/2.json") == 1
    assert served.behaviour.count("/schemas/shop/address/1.json") == 1


def test_a_local_registration_takes_precedence_and_differences_are_reported(
    remote_log: EventLog, lines: Lines, served: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    local = json.loads((served.root / "schemas/shop/checkout/1.json").read_text())
    local["required"] = ["total", "currency"]
    remote_log.register_schema(local)
    with pytest.raises(jsonschema.ValidationError, match="currency"):
        remote_log.record_event(CHECKOUT, 1, {"total": 1})
    with caplog.at_level(logging.WARNING, logger="registry.eventlog"):
        remote_log.preload()
    assert "registered locally and differs from the registry's copy" in caplog.text
    assert served.behaviour.count("/schemas/shop/checkout/1.json") == 1  # compared, not used


def test_registering_after_the_registry_copy_was_used_replaces_it_with_a_warning(
    remote_log: EventLog, lines: Lines, served: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    remote_log.record_event(CHECKOUT, 1, {"total": 1})
    same = json.loads((served.root / "schemas/shop/checkout/1.json").read_text())
    with caplog.at_level(logging.WARNING, logger="registry.eventlog"):
        remote_log.register_schema(same)  # identical: no warning, no DuplicateSchema
        assert caplog.text == ""
        changed = {**same, "version": 1, "required": ["total", "note"]}
        with pytest.raises(ValueError, match="already registered"):
            remote_log.register_schema(changed)
    fresh = eventlog_for(served.url + "schemas/", lines, served.root.parent / "c2")
    fresh.record_event(CHECKOUT, 1, {"total": 1})
    with caplog.at_level(logging.WARNING, logger="registry.eventlog"):
        fresh.register_schema(changed)
    assert "differs from the registry's copy" in caplog.text
    with pytest.raises(jsonschema.ValidationError, match="note"):
        fresh.record_event(CHECKOUT, 1, {"total": 1})


@pytest.mark.parametrize("form", ["path", "file-url"])
def test_registry_url_may_be_a_folder_or_a_file_url(
    site: Path, lines: Lines, tmp_path: Path, form: str
) -> None:
    folder = site / "schemas"
    url = str(folder) if form == "path" else folder.as_uri()
    log = eventlog_for(url, lines, tmp_path / "unused")
    log.record_event(CHECKOUT, 2, ORDER)
    assert lines.events[0]["address"] == {"city": "Lyon", "country": "FR"}
    assert not (tmp_path / "unused").exists()  # folders are read directly, not cached


def test_the_registry_options_are_configurable_with_traitlets(
    served: Loopback, lines: Lines, tmp_path: Path
) -> None:
    config = Config()
    config.EventLog.registry_url = served.url + "schemas/"
    config.EventLog.registry_cache_dir = str(tmp_path / "configured")
    config.EventLog.registry_timeout = 2.5
    config.EventLog.registry_ttl = 60.0
    config.EventLog.allowed_schemas = [CHECKOUT]
    config.EventLog.handlers = [lines]
    log = EventLog(config=config)
    assert log.registry_timeout == 2.5
    log.record_event(CHECKOUT, 1, {"total": 1})
    assert any((tmp_path / "configured").rglob("*.json"))
    log.registry_url = None
    with pytest.raises(SchemaNotRegistered):
        log.record_event(CHECKOUT, 2, ORDER)
    log.record_event(CHECKOUT, 1, {"total": 2})  # what was read stays in use


@pytest.mark.parametrize(
    ("trait", "value", "message"),
    [
        ("registry_url", "ftp://example.org/schemas/", "http"),
        ("registry_timeout", 0, "positive"),
        ("registry_ttl", -1, "zero or more"),
    ],
)
def test_bad_registry_options_are_refused_at_construction(
    trait: str, value: object, message: str
) -> None:
    with pytest.raises(TraitError, match=message):
        EventLog(**{trait: value})


def test_emit_of_an_event_the_registry_does_not_list_names_it(
    remote_log: EventLog, served: Loopback
) -> None:
    unknown = BASE + "shop/refund"
    remote_log.allowed_schemas = [unknown]
    with pytest.raises(SchemaUnavailable, match="version latest") as raised:
        remote_log.emit(schema_id=unknown, data={})
    assert "its index lists no event with this `$id`" in str(raised.value)
    without_registry = EventLog(handlers=[Lines()], allowed_schemas=[unknown])
    with pytest.raises(SchemaNotRegistered):
        without_registry.emit(schema_id=unknown, data={})


def republish(registry: Path, path: str, body: dict[str, Any]) -> None:
    """Replace one published schema and list its new digest, as a careless publisher might."""
    data = canonical_json(body)
    (registry / path).write_bytes(data)
    index = json.loads((registry / "index.json").read_text())
    for event in index["events"]:
        for version in event["versions"]:
            if version["path"] == path:
                version["sha256"] = sha256_hex(data)
    if path in index["files"]:
        index["files"][path] = {"sha256": sha256_hex(data), "size": len(data)}
    (registry / "index.json").write_bytes(canonical_json(index))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"properties": {"__secret": {"type": "string"}}}, "which the envelope reserves"),
        ({"type": "no such type"}, "is not valid under any of the given schemas"),
        ({"$id": BASE + "shop/other"}, "the registry's file says `$id`"),
        ({"version": 3}, "the registry's file says"),
    ],
)
def test_a_registry_schema_the_eventlog_cannot_use_is_refused_with_the_reason(
    remote_log: EventLog, lines: Lines, served: Loopback, change: dict[str, Any], reason: str
) -> None:
    registry = served.root / "schemas"
    body = json.loads((registry / "shop/checkout/1.json").read_text())
    republish(registry, "shop/checkout/1.json", {**body, **change})
    with pytest.raises(SchemaUnavailable, match="version 1") as raised:
        remote_log.record_event(CHECKOUT, 1, {"total": 1})
    assert reason in raised.value.reason
    damaged = "$id" in change or "version" in change  # the file is not what the index says
    assert raised.value.hint.startswith("Republish" if damaged else "Fix the schema")
    assert lines.written == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"properties": {"note": "string"}}, "(at /properties/note)"),
        ({"additionalProperties": "no"}, "(at /additionalProperties)"),
        ({"properties": {"total": {"$ref": 5}}}, "(at /properties/total/$ref)"),
    ],
)
def test_a_registry_schema_that_is_no_schema_is_unavailable_with_its_pointer(
    remote_log: EventLog, served: Loopback, change: dict[str, Any], reason: str
) -> None:
    registry = served.root / "schemas"
    body = json.loads((registry / "shop/checkout/1.json").read_text())
    republish(registry, "shop/checkout/1.json", {**body, **change})
    with pytest.raises(SchemaUnavailable) as raised:
        remote_log.record_event(CHECKOUT, 1, {"total": 1})
    assert raised.value.reason.startswith("it is not a valid JSON Schema: ")
    assert raised.value.reason.endswith(reason)


def test_a_referenced_registry_schema_that_is_no_schema_is_named_in_the_reason(
    remote_log: EventLog, served: Loopback
) -> None:
    registry = served.root / "schemas"
    body = json.loads((registry / "shop/address/1.json").read_text())
    republish(registry, "shop/address/1.json", {**body, "properties": {"city": "string"}})
    with pytest.raises(SchemaUnavailable) as raised:
        remote_log.record_event(CHECKOUT, 2, ORDER)
    assert f"{ADDRESS}, which it references: 'string' is not of type" in raised.value.reason
    assert raised.value.reason.endswith("(at /properties/city)")
