"""Every refusal says its cause and the fix for that cause, not a generic hint."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.eventlog import EventLog, PreloadFailed, SchemaNotRegistered, SchemaUnavailable
from tests.eventlog.test_event_log import Lines
from tests.eventlog.test_registry_url import (
    BASE,
    CHECKOUT,
    eventlog_for,
    free_port,
    private_cache,
)
from tests.loopback import Loopback

__all__ = ["private_cache"]


def test_a_wrong_id_gets_the_closest_id_the_registry_lists(
    served: Loopback, tmp_path: Path
) -> None:
    typo = CHECKOUT + "/"
    log = eventlog_for(served.url + "schemas/", Lines(), tmp_path / "c", allowed_schemas=[typo])
    with pytest.raises(SchemaUnavailable) as raised:
        log.record_event(typo, 1, {"total": 1})
    assert raised.value.reason.startswith("its index lists no event with this `$id`")
    assert raised.value.hint.startswith(f"Did you mean {CHECKOUT!r}?")


def test_a_wrong_version_lists_the_versions_and_points_to_emit(
    served: Loopback, tmp_path: Path
) -> None:
    log = eventlog_for(served.url + "schemas/", Lines(), tmp_path / "c")
    with pytest.raises(SchemaUnavailable) as raised:
        log.record_event(CHECKOUT, 3, {"total": 1})
    assert raised.value.reason == "it lists versions 1, 2 of this event"
    assert "emit() records the latest" in raised.value.hint
    assert "preload" not in str(raised.value)


def test_an_unreachable_registry_names_url_reason_cache_and_what_to_do(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/schemas/"
    log = eventlog_for(url, Lines(), tmp_path / "cold")
    with pytest.raises(SchemaUnavailable) as raised:
        log.record_event(CHECKOUT, 1, {"total": 1})
    error = raised.value
    assert error.url == url and url in str(error)
    assert error.reason.startswith("cannot connect")
    assert f"the cache at {tmp_path / 'cold'} holds no copy of it" in error.reason
    assert error.hint.startswith("Check registry_url and the network")
    assert str(error).count("holds no copy") == 1
    assert str(error).endswith(
        "or call preload() at start-up so that the wait happens once, before events are recorded"
    )


def test_offline_without_a_cached_copy_says_so_once(served: Loopback, tmp_path: Path) -> None:
    log = eventlog_for(served.url + "schemas/", Lines(), tmp_path / "c", registry_offline=True)
    with pytest.raises(SchemaUnavailable) as raised:
        log.record_event(CHECKOUT, 1, {"total": 1})
    message = str(raised.value)
    assert "the client is offline; the cache at" in message
    assert message.count("holds no copy") == 1 and message.count("is offline") == 1
    assert raised.value.hint.startswith("Read the registry once with registry_offline off")
    assert served.behaviour.requests == []


def test_inside_preload_no_error_advises_calling_preload(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/schemas/"
    log = eventlog_for(url, Lines(), tmp_path / "c")
    with pytest.raises(PreloadFailed) as raised:
        log.preload()
    assert raised.value.errors and "preload()" not in str(raised.value)
    assert all(error.hint.startswith("Check registry_url") for error in raised.value.errors)


LOCAL = BASE + "app/saved"


def local_log() -> EventLog:
    log = EventLog(handlers=[Lines()], allowed_schemas=[LOCAL, LOCAL + "s"])
    log.register_schema({"$id": LOCAL, "version": 1, "type": "object"})
    log.register_schema({"$id": LOCAL, "version": 2, "type": "object"})
    return log


@pytest.mark.parametrize(
    ("schema_id", "version", "hint"),
    [
        (LOCAL, "latest", "record_event needs a schema version; emit(schema_id=..., data=...)"),
        (LOCAL, 3, "the registered versions of it are 1, 2: record one of those"),
        (LOCAL, "9.9", "'9.9' is not a schema version"),
        (LOCAL + "s", 1, f"did you mean {LOCAL!r}?"),
    ],
)
def test_an_unregistered_schema_gets_the_hint_for_its_cause(
    schema_id: str, version: object, hint: str
) -> None:
    with pytest.raises(SchemaNotRegistered) as raised:
        local_log().record_event(schema_id, version, {})  # type: ignore[arg-type]
    assert raised.value.hint.startswith(hint)


def test_emit_of_an_unregistered_id_does_not_point_to_emit() -> None:
    with pytest.raises(SchemaNotRegistered) as raised:
        local_log().emit(schema_id=LOCAL + "s", data={})
    assert "any version" in raised.value.message
    assert raised.value.hint.startswith(f"did you mean {LOCAL!r}?")


def test_a_schema_not_allowed_is_warned_about_once_per_id_with_the_closest_allowed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = local_log()
    with caplog.at_level(logging.WARNING, logger="registry.eventlog"):
        for _ in range(3):
            assert log.record_event(LOCAL + "/", 1, {}) is None
            assert log.emit(schema_id="urn:other", data={}) is None
    first, second = (record.getMessage() for record in caplog.records)
    assert f"events of schema {LOCAL + '/'!r} are not recorded" in first
    assert f"did you mean {LOCAL!r}?" in first
    assert "'urn:other'" in second and "allowed_schemas holds 2" in second


def test_without_handlers_nothing_is_recorded_and_nothing_warned(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="registry.eventlog"):
        assert EventLog().record_event("urn:anything", 1, {}) is None
    assert caplog.records == []


@given(st.text(min_size=1, max_size=30))
def test_the_did_you_mean_is_never_the_name_itself_and_always_a_known_one(name: str) -> None:
    from registry.core.suggest import closest

    known = [LOCAL, CHECKOUT, name]
    suggestion = closest(name, known)
    assert suggestion is None or (suggestion in known and suggestion != name)
