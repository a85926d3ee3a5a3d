"""Modifiers, listeners and handlers on EventLog: the jupyter_events extras."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.eventlog.event_log import EventLog
from registry.eventlog.hooks import Hooks, ListenerEntry
from tests.eventlog.test_event_log import EVENTLOG, Lines

BASIC = "https://events.example.org/schemas/test/basic"
CATEGORIES = "https://events.example.org/schemas/test/categories"

Seen = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def lines() -> Lines:
    return Lines()


@pytest.fixture
def eventlog(lines: Lines) -> Iterator[EventLog]:
    log = EventLog(handlers=[lines], allowed_schemas=[BASIC, CATEGORIES])
    log.register_schema_file(EVENTLOG / "basic-1.yaml")
    log.register_schema_file(EVENTLOG / "basic-2.json")
    log.register_schema_file(EVENTLOG / "categories.yaml")
    yield log
    log.close()


def recording(seen: Seen) -> Any:
    def listener(*, logger: EventLog, schema_id: str, data: dict[str, Any]) -> None:
        assert isinstance(logger, EventLog)
        seen.append((schema_id, data))

    return listener


def async_recording(seen: Seen, threads: list[str] | None = None) -> Any:
    async def listener(*, logger: EventLog, schema_id: str, data: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        if threads is not None:
            threads.append(threading.current_thread().name)
        seen.append((schema_id, data))

    return listener


def test_emit_records_the_highest_registered_version(eventlog: EventLog, lines: Lines) -> None:
    written = eventlog.emit(schema_id=BASIC, data={"name": "n", "count": "two"})
    assert written is not None and written["__schema_version__"] == 2
    assert lines.events == [written]


def test_emit_follows_the_allow_list_and_needs_handlers_or_listeners(lines: Lines) -> None:
    log = EventLog(allowed_schemas=[BASIC])
    log.register_schema_file(EVENTLOG / "basic-1.yaml")
    assert log.emit(schema_id=BASIC, data={"name": "n"}) is None
    log.register_handler(lines)
    log.register_handler(lines)  # once is enough
    assert log.emit(schema_id=CATEGORIES, data={}) is None  # not allowed
    assert log.emit(schema_id=BASIC, data={"name": "n"}) is not None
    log.remove_handler(lines)
    assert log.emit(schema_id=BASIC, data={"name": "n"}) is None
    assert len(lines.written) == 1


def test_a_sync_listener_gets_the_event_as_recorded(eventlog: EventLog) -> None:
    seen: Seen = []
    eventlog.add_listener(schema_id=CATEGORIES, listener=recording(seen))
    event = {"nothing-exciting": "ok", "user": {"id": "u1", "email": "a@b.c"}}
    eventlog.emit(schema_id=CATEGORIES, data=event)
    eventlog.record_event(BASIC, 1, {"name": "other schema"})
    assert seen == [(CATEGORIES, {"nothing-exciting": "ok", "user": None})]


def test_an_unmodified_listener_gets_the_event_as_given(eventlog: EventLog) -> None:
    seen: Seen = []
    eventlog.add_listener(modified=False, listener=recording(seen))
    eventlog.add_modifier(schema_id=BASIC, modifier=lambda schema_id, data: {**data, "count": 9})
    eventlog.record_event(BASIC, 1, {"name": "n"})
    assert seen == [(BASIC, {"name": "n"})]


def test_listeners_run_without_handlers(lines: Lines) -> None:
    log = EventLog(allowed_schemas=[BASIC])
    log.register_schema_file(EVENTLOG / "basic-1.yaml")
    seen: Seen = []
    log.add_listener(listener=recording(seen))
    assert log.record_event(BASIC, 1, {"name": "n"}) is not None
    assert seen == [(BASIC, {"name": "n"})]


def test_async_listeners_run_when_emit_is_called_without_an_event_loop(
    eventlog: EventLog,
) -> None:
    seen: Seen = []
    threads: list[str] = []
    eventlog.add_listener(schema_id=BASIC, listener=async_recording(seen, threads))
    for count in range(5):
        eventlog.record_event(BASIC, 1, {"name": "n", "count": count})
    assert eventlog.flush_listeners(timeout=10)
    assert sorted(data["count"] for _, data in seen) == [0, 1, 2, 3, 4]
    assert set(threads) == {"eventlog-listeners"}


def test_async_listeners_run_on_the_callers_loop_when_there_is_one(eventlog: EventLog) -> None:
    seen: Seen = []
    threads: list[str] = []
    sync_seen: Seen = []
    eventlog.add_listener(listener=async_recording(seen, threads))
    eventlog.add_listener(listener=recording(sync_seen))

    async def app() -> None:
        eventlog.emit(schema_id=BASIC, data={"name": "from async code", "count": "1"})
        assert seen == []  # scheduled, not yet run
        await eventlog.gather_listeners()

    asyncio.run(app())
    assert seen == sync_seen == [(BASIC, {"name": "from async code", "count": "1"})]
    assert threads == [threading.current_thread().name]


def test_a_listener_that_raises_is_logged_and_the_others_still_run(
    eventlog: EventLog, lines: Lines, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("listener bug")

    async def broken_async(**_: Any) -> None:
        raise RuntimeError("async listener bug")

    seen: Seen = []
    async_seen: Seen = []
    eventlog.add_listener(listener=broken)
    eventlog.add_listener(listener=broken_async)
    eventlog.add_listener(listener=recording(seen))
    eventlog.add_listener(listener=async_recording(async_seen))
    with caplog.at_level(logging.ERROR, logger="registry.eventlog"):
        written = eventlog.record_event(BASIC, 1, {"name": "n"})
        assert eventlog.flush_listeners(timeout=10)
    assert written is not None and len(lines.events) == 1
    assert len(seen) == len(async_seen) == 1
    assert "listener bug" in caplog.text and "async listener bug" in caplog.text


def test_each_listener_gets_its_own_copy(eventlog: EventLog) -> None:
    def vandal(*, logger: EventLog, schema_id: str, data: dict[str, Any]) -> None:
        data["name"] = "changed"

    seen: Seen = []
    eventlog.add_listener(listener=vandal)
    eventlog.add_listener(listener=recording(seen))
    written = eventlog.record_event(BASIC, 1, {"name": "n"})
    assert written is not None and written["name"] == "n"
    assert seen == [(BASIC, {"name": "n"})]


def test_removed_listeners_are_not_called(eventlog: EventLog) -> None:
    seen: Seen = []
    listener = recording(seen)
    eventlog.add_listener(schema_id=BASIC, listener=listener)
    eventlog.add_listener(schema_id=CATEGORIES, listener=listener)
    eventlog.remove_listener(schema_id=BASIC, listener=listener)
    eventlog.record_event(BASIC, 1, {"name": "n"})
    eventlog.record_event(CATEGORIES, 1, {})
    eventlog.remove_listener(listener=listener)
    eventlog.record_event(CATEGORIES, 1, {})
    assert [schema_id for schema_id, _ in seen] == [CATEGORIES]


def test_a_modifier_rewrites_the_event_before_validation(eventlog: EventLog, lines: Lines) -> None:
    def mask(*, schema_id: str, data: dict[str, Any]) -> dict[str, Any]:
        data["name"] = "*" * len(data["name"])
        data["count"] = int(data["count"])  # makes a string count valid for version 1
        return data

    eventlog.add_modifier(schema_id=BASIC, modifier=mask)
    given = {"name": "ada", "count": "3"}
    eventlog.record_event(BASIC, 1, given)
    assert given == {"name": "ada", "count": "3"}  # the caller's event is not changed
    assert lines.events[0]["name"] == "***" and lines.events[0]["count"] == 3
    eventlog.remove_modifier(schema_id=BASIC, modifier=mask)
    with pytest.raises(jsonschema.ValidationError):
        eventlog.record_event(BASIC, 1, given)


def test_a_modifier_that_raises_drops_the_event_and_nothing_else(
    eventlog: EventLog, lines: Lines, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*, schema_id: str, data: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("user")

    seen: Seen = []
    eventlog.add_listener(listener=recording(seen))
    eventlog.add_modifier(schema_id=CATEGORIES, modifier=broken)
    with caplog.at_level(logging.ERROR, logger="registry.eventlog"):
        assert eventlog.record_event(CATEGORIES, 1, {"user": {"id": "u"}}) is None
    assert "was not recorded" in caplog.text and "KeyError" in caplog.text
    assert lines.written == [] and seen == []
    eventlog.record_event(BASIC, 1, {"name": "still recording"})
    assert len(lines.events) == len(seen) == 1


def test_a_modifier_that_returns_no_event_drops_it(
    eventlog: EventLog, lines: Lines, caplog: pytest.LogCaptureFixture
) -> None:
    def forgetful(*, schema_id: str, data: dict[str, Any]) -> None:
        data["name"] = "changed in place, but not returned"

    eventlog.add_modifier(modifier=forgetful)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="registry.eventlog"):
        assert eventlog.emit(schema_id=BASIC, data={"name": "n"}) is None
    assert "returned NoneType" in caplog.text and lines.written == []


def test_modifiers_and_listeners_must_be_callable(eventlog: EventLog) -> None:
    with pytest.raises(TypeError, match="modifier must be callable"):
        eventlog.add_modifier(modifier="mask")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="listener must be callable"):
        eventlog.add_listener(listener=42)  # type: ignore[arg-type]


def test_listeners_started_from_threads_all_run(eventlog: EventLog) -> None:
    seen: Seen = []
    eventlog.add_listener(listener=async_recording(seen))

    def record(worker: int) -> None:
        for count in range(20):
            eventlog.record_event(BASIC, 1, {"name": f"w{worker}", "count": count})

    threads = [threading.Thread(target=record, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert eventlog.flush_listeners(timeout=10)
    assert len(seen) == 80


def test_close_stops_the_listener_thread_and_a_later_listener_starts_it_again(
    eventlog: EventLog,
) -> None:
    seen: Seen = []
    eventlog.add_listener(listener=async_recording(seen))
    eventlog.record_event(BASIC, 1, {"name": "a"})
    eventlog.close()
    assert len(seen) == 1
    assert not any(t.name == "eventlog-listeners" and t.is_alive() for t in threading.enumerate())
    eventlog.record_event(BASIC, 1, {"name": "b"})
    assert eventlog.flush_listeners(timeout=10)
    assert len(seen) == 2


def test_hooks_are_replaced_whole_and_adding_twice_adds_once() -> None:
    def listener(**_: Any) -> None:
        return None

    def modifier(**kwargs: Any) -> Mapping[str, Any]:
        data: Mapping[str, Any] = kwargs["data"]
        return data

    hooks = Hooks().with_listener(None, ListenerEntry(listener, True))
    again = hooks.with_listener(None, ListenerEntry(listener, True))
    assert again is hooks and hooks.listeners_for("x") == (ListenerEntry(listener, True),)
    with_modifier = hooks.with_modifier("x", modifier).with_modifier("x", modifier)
    assert with_modifier.modifiers_for("x") == (modifier,)
    assert with_modifier.modifiers_for("y") == ()
    assert hooks.modifiers == {}
    assert with_modifier.without_modifier(None, modifier).without_listener(None, listener).empty


MODIFIERS = [lambda **kwargs: kwargs["data"] for _ in range(3)]
Operation = tuple[bool, str | None, int]


@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from([None, "a", "b"]), st.integers(0, 2)),
        max_size=30,
    )
)
def test_modifiers_for_a_schema_are_the_global_then_its_own_in_order_added(
    operations: list[Operation],
) -> None:
    hooks = Hooks()
    model: dict[str | None, list[int]] = {None: [], "a": [], "b": []}
    for adding, schema_id, index in operations:
        if adding:
            hooks = hooks.with_modifier(schema_id, MODIFIERS[index])
            if index not in model[schema_id]:
                model[schema_id].append(index)
        else:
            hooks = hooks.without_modifier(schema_id, MODIFIERS[index])
            for key in model if schema_id is None else [schema_id]:
                model[key] = [kept for kept in model[key] if kept != index]
    for schema_id in ("a", "b"):
        expected = [MODIFIERS[i] for i in model[None] + model[schema_id]]
        assert list(hooks.modifiers_for(schema_id)) == expected
    assert hooks.empty == (not any(model.values()))
