"""Pytest fixtures for applications that record events with `registry.EventLog`.

Installing telemetry-registry registers this plugin (the `pytest11` entry point), so a team
tests its instrumentation in one line: take `event_log`, run the code under test with it, and
read `recorded_events`. Point the fixtures at a registry in the pytest configuration:

    [tool.pytest.ini_options]
    telemetry_registry = "public/schemas"   # a folder, a file:// or an http(s) URL

or override the `event_registry_url` fixture (and `event_allowed_schemas`, to test with the
operator's personal-data options) in a `conftest.py`. Relative folders are read from the
folder holding the pytest configuration file.

The runtime is imported when a fixture is first used, not when pytest loads the plugin: a test
session that never takes `event_log` pays nothing for it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from registry.eventlog import EventLog

INI_REGISTRY = "telemetry_registry"

NO_REGISTRY = f"""\
the event_log fixture has no registry and no allowed schemas, so it can record no event.
Name the registry your tests read, in one of these ways:
  - in pyproject.toml:  [tool.pytest.ini_options]
                        {INI_REGISTRY} = "public/schemas"   # a folder, file:// or http(s) URL
  - in pytest.ini:      [pytest]
                        {INI_REGISTRY} = public/schemas
  - in a conftest.py:   @pytest.fixture
                        def event_registry_url(): return "public/schemas"
Or register the schemas in the test (event_log.register_schema(...)) and override the
event_allowed_schemas fixture to return their $ids."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI_REGISTRY,
        help="the registry the event_log fixture reads schemas from: a folder (relative to "
        "the configuration file), a file:// or an http(s) URL",
        default="",
    )


class EventCapture(logging.Handler):
    """A logging handler that keeps every event written to it, parsed, in `events`."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(json.loads(self.format(record)))

    def of(self, schema_id: str) -> list[dict[str, Any]]:
        """The events recorded with schema `schema_id`, oldest first."""
        return [event for event in self.events if event.get("__schema__") == schema_id]

    def clear(self) -> None:
        self.events.clear()


@pytest.fixture
def event_registry_url(request: pytest.FixtureRequest) -> str | None:
    """The registry `event_log` reads from: the `telemetry_registry` ini option, else None."""
    value = str(request.config.getini(INI_REGISTRY)).strip()
    if not value:
        return None
    if urlsplit(value).scheme in ("http", "https", "file"):
        return value
    base = request.config.inipath.parent if request.config.inipath else request.config.rootpath
    return str((base / value).resolve())


@pytest.fixture
def event_registry_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where schemas read over http(s) are cached: a temporary folder, not the user's cache."""
    return tmp_path_factory.mktemp("event-registry-cache")


@pytest.fixture
def event_allowed_schemas(
    event_registry_url: str | None, event_registry_cache: Path
) -> list[str] | dict[str, Any]:
    """The `allowed_schemas` of `event_log`: by default every event the registry lists."""
    if event_registry_url is None:
        return []
    from registry.client import ClientError, RegistryClient

    try:
        client = RegistryClient(event_registry_url, cache_dir=event_registry_cache)
        return sorted(client.index().events)
    except ClientError as error:
        pytest.fail(
            f"the event_log fixture cannot read the registry {event_registry_url} (from the "
            f"{INI_REGISTRY} option or the event_registry_url fixture): {error}",
            pytrace=False,
        )


@pytest.fixture
def event_capture() -> EventCapture:
    """The handler `event_log` writes to; `event_capture.of(schema_id)` filters by schema."""
    return EventCapture()


@pytest.fixture
def recorded_events(event_capture: EventCapture) -> list[dict[str, Any]]:
    """Every event `event_log` wrote so far, parsed, envelope included (a live list)."""
    return event_capture.events


@pytest.fixture
def event_log(
    event_capture: EventCapture,
    event_registry_url: str | None,
    event_allowed_schemas: list[str] | dict[str, Any],
    event_registry_cache: Path,
) -> Iterator[EventLog]:
    """An EventLog writing to memory, reading schemas from `event_registry_url`.

    The EventLog is closed (its async listeners awaited) after the test. Without a registry
    and with nothing allowed it could record nothing: the test fails at once, saying which
    option or fixture to set.
    """
    from registry.eventlog import EventLog

    if event_registry_url is None and not event_allowed_schemas:
        pytest.fail(NO_REGISTRY, pytrace=False)
    log = EventLog(
        handlers=[event_capture],
        allowed_schemas=event_allowed_schemas,
        registry_url=event_registry_url,
        registry_cache_dir=str(event_registry_cache),
    )
    yield log
    log.close()
