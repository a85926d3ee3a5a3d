"""One registry outage costs one timeout: after a failure, other schemas fail fast, warn once."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest

from registry.eventlog import PreloadFailed, SchemaUnavailable
from tests.eventlog.test_event_log import Lines
from tests.eventlog.test_registry_url import (
    ADDRESS,
    CHECKOUT,
    OPENED,
    ORDER,
    eventlog_for,
    free_port,
    private_cache,
)
from tests.loopback import Loopback, start

__all__ = ["private_cache"]  # every test here keeps away from the user's cache

TIMEOUT = 1.0


def hang_everything(served: Loopback) -> None:
    for path in ("/schemas/index.json", "/schemas/shop/checkout/1.json"):
        served.behaviour.modes[path] = "hang"


def attempt(record: Any) -> tuple[SchemaUnavailable, float]:
    began = time.monotonic()
    with pytest.raises(SchemaUnavailable) as raised:
        record()
    return raised.value, time.monotonic() - began


def test_a_hanging_registry_costs_one_timeout_for_every_schema_of_the_period(
    served: Loopback, tmp_path: Path
) -> None:
    hang_everything(served)
    log = eventlog_for(served.url + "schemas/", Lines(), tmp_path / "c", registry_timeout=TIMEOUT)
    began = time.monotonic()
    first, waited = attempt(lambda: log.record_event(CHECKOUT, 1, {"total": 1}))
    second, fast = attempt(lambda: log.emit(schema_id=OPENED, data={}))
    third, _ = attempt(lambda: log.record_event(ADDRESS, 1, {}))
    total = time.monotonic() - began
    assert waited >= TIMEOUT * 0.9
    assert fast < TIMEOUT / 2, f"the second schema waited {fast:.2f} s"
    assert total < 2 * TIMEOUT, f"three schemas took {total:.2f} s with a {TIMEOUT} s timeout"
    assert served.behaviour.count("/schemas/index.json") == 1
    assert "did not answer within registry_timeout (1 s)" in first.reason
    for error in (second, third):
        assert "did not answer within registry_timeout (1 s)" in error.reason
        assert "the registry is not asked again for 30 s" in error.reason
        assert error.hint.startswith("Raise registry_timeout")


def test_after_the_back_off_the_registry_is_asked_again(site: Path, tmp_path: Path) -> None:
    port = free_port()
    lines = Lines()
    url = f"http://127.0.0.1:{port}/schemas/"
    log = eventlog_for(url, lines, tmp_path / "c", registry_backoff=0.5)
    refused, _ = attempt(lambda: log.record_event(CHECKOUT, 1, {"total": 1}))
    assert "cannot connect" in refused.reason
    server = start(site, port)
    try:
        during, _ = attempt(lambda: log.record_event(CHECKOUT, 2, ORDER))
        assert "cannot connect" in during.reason and "not asked again" in during.reason
        assert server.behaviour.requests == []  # failed fast, with the first failure's reason
        time.sleep(0.6)
        log.record_event(CHECKOUT, 2, ORDER)
    finally:
        server.stop()
    assert [event["total"] for event in lines.events] == [12.5]
    assert server.behaviour.count("/schemas/index.json") == 1


def test_cached_schemas_are_still_recorded_during_the_back_off_with_one_warning(
    served: Loopback, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lines = Lines()
    url = served.url + "schemas/"
    warm = eventlog_for(url, lines, tmp_path / "cache")
    warm.record_event(CHECKOUT, 2, ORDER)
    warm.emit(schema_id=OPENED, data={"cold": True, "source": "icon"})
    served.stop()
    later = eventlog_for(url, lines, tmp_path / "cache", registry_ttl=0)
    with caplog.at_level(logging.WARNING, logger="registry.client"):
        for _ in range(3):
            later.record_event(CHECKOUT, 2, ORDER)
            later.record_event(OPENED, "1.1.0-rc.1", {"cold": False, "source": "link"})
    assert len(lines.events) == 8
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1, warnings
    assert "using the cached copy" in warnings[0]


def test_preload_against_a_hanging_registry_waits_once_and_does_not_advise_preload(
    served: Loopback, tmp_path: Path
) -> None:
    hang_everything(served)
    log = eventlog_for(served.url + "schemas/", Lines(), tmp_path / "c", registry_timeout=TIMEOUT)
    began = time.monotonic()
    with pytest.raises(PreloadFailed) as raised:
        log.preload()
    assert time.monotonic() - began < 2 * TIMEOUT
    assert len(raised.value.errors) == 3
    assert "preload()" not in str(raised.value)
    _, fast = attempt(lambda: log.record_event(CHECKOUT, 1, {"total": 1}))
    assert fast < TIMEOUT / 2


def test_a_registry_answering_errors_is_in_back_off_too(served: Loopback, tmp_path: Path) -> None:
    log = eventlog_for(served.url + "schemas/", Lines(), tmp_path / "c")
    served.behaviour.modes["/schemas/index.json"] = "fail-always"
    first, _ = attempt(lambda: log.record_event(CHECKOUT, 1, {"total": 1}))
    asked = len(served.behaviour.requests)
    second, _ = attempt(lambda: log.record_event(ADDRESS, 1, {}))
    assert "HTTP 503" in first.reason and "HTTP 503" in second.reason
    assert len(served.behaviour.requests) == asked
