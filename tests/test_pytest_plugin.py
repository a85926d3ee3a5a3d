"""The pytest plugin: fixtures that give an application's tests an EventLog writing to memory."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from registry.eventlog.event_log import EventLog
from registry.pytest_plugin import EventCapture
from tests.loopback import Loopback

BASE = "https://events.example.org/schemas/"
CHECKOUT = BASE + "shop/checkout"
ORDER = {"total": 12.5, "address": {"city": "Lyon", "country": "FR"}}

PLUGIN = ("-p", "registry.pytest_plugin", "-W", "error", "-p", "no:cacheprovider")

APP_TEST = f"""
    CHECKOUT = {CHECKOUT!r}

    def test_checkout_is_recorded(event_log, recorded_events, event_capture):
        event_log.emit(schema_id=CHECKOUT, data={ORDER!r})
        (event,) = recorded_events
        assert event["__schema_version__"] == 2 and event["total"] == 12.5
        assert event_capture.of(CHECKOUT) == recorded_events
        assert event_capture.of("other") == []

    def test_each_test_starts_with_no_events(recorded_events):
        assert recorded_events == []
"""


@pytest.fixture
def event_registry_url(site: Path) -> str:
    """This module's own use of the plugin: the published fixture registry."""
    return str(site / "schemas")


def test_the_fixtures_record_to_memory_from_the_chosen_registry(
    event_log: EventLog, recorded_events: list[dict[str, Any]], event_capture: EventCapture
) -> None:
    assert CHECKOUT in event_log.allowed_schemas  # every event the registry lists
    event_log.record_event(CHECKOUT, 1, {"total": 3})
    assert [event["total"] for event in recorded_events] == [3]
    event_capture.clear()
    assert recorded_events == []


def test_a_registry_folder_named_in_the_pytest_configuration(
    pytester: pytest.Pytester, site: Path
) -> None:
    (pytester.path / "registry-snapshot").symlink_to(site / "schemas")
    pytester.makeini("[pytest]\ntelemetry_registry = registry-snapshot\n")
    pytester.makepyfile(test_app=textwrap.dedent(APP_TEST))
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=2)


def test_a_served_registry_chosen_by_overriding_a_fixture(
    pytester: pytest.Pytester, served: Loopback
) -> None:
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture
        def event_registry_url():
            return {served.url + "schemas/"!r}

        @pytest.fixture
        def event_allowed_schemas():
            return {{{CHECKOUT!r}: {{"allowed_categories": []}}}}
        """
    )
    pytester.makepyfile(test_app=textwrap.dedent(APP_TEST))
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=2)
    assert served.behaviour.count("/schemas/shop/checkout/2.json") == 1


def test_without_a_registry_the_app_registers_its_schemas(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_app=textwrap.dedent(
            """
            import pytest

            @pytest.fixture
            def event_allowed_schemas():
                return ["urn:app:ping"]

            def test_ping(event_log, recorded_events):
                event_log.register_schema({"$id": "urn:app:ping", "version": 1})
                event_log.record_event("urn:app:ping", 1, {"n": 1})
                assert [event["n"] for event in recorded_events] == [1]
            """
        ),
        test_defaults=textwrap.dedent(
            """
            def test_no_registry_and_nothing_allowed(event_registry_url, event_allowed_schemas):
                assert event_registry_url is None and event_allowed_schemas == []
            """
        ),
    )
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=2)


def test_naming_the_plugin_again_in_a_conftest_does_not_register_it_twice(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest('pytest_plugins = ["registry.pytest_plugin"]\n')
    pytester.makepyfile(test_app="def test_fixture(event_capture):\n    assert event_capture\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1)


def test_without_a_registry_setting_the_failure_says_which_option_or_fixture_to_set(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_app=textwrap.dedent(APP_TEST))
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1, passed=1)
    output = result.stdout.str()
    assert "the event_log fixture has no registry and no allowed schemas" in output
    assert 'telemetry_registry = "public/schemas"' in output
    assert "def event_registry_url()" in output and "event_allowed_schemas" in output
    assert "not enough values to unpack" not in output


def test_a_registry_setting_that_names_no_registry_is_explained(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntelemetry_registry = no-such-folder\n")
    pytester.makepyfile(test_app=textwrap.dedent(APP_TEST))
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1, passed=1)
    output = result.stdout.str()
    assert "the event_log fixture cannot read the registry" in output
    assert "no-such-folder" in output and "telemetry_registry option" in output
