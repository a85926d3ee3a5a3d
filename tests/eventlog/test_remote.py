"""SingleFlight and RemoteSchemas: one load per key at a time, waited for within a deadline."""

from __future__ import annotations

import threading
import time

import pytest

from registry.eventlog.remote import SingleFlight


def test_callers_of_one_key_share_one_load_and_its_result() -> None:
    flights: SingleFlight[int] = SingleFlight()
    release = threading.Event()
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        release.wait(10)
        return 42

    first = flights.start("k", load)
    second = flights.start("k", load)
    other = flights.start("other", lambda: 7)
    assert first is second and other is not first
    release.set()
    assert first.wait(10) == second.wait(10) == 42
    assert other.wait(10) == 7
    assert loads == [1]


def test_a_late_caller_fails_at_once_and_a_new_load_starts_after_the_slow_one_ends() -> None:
    flights: SingleFlight[str] = SingleFlight()
    release = threading.Event()
    loads: list[str] = []

    def slow() -> str:
        loads.append("slow")
        release.wait(10)
        return "late"

    flight = flights.start("k", slow)
    with pytest.raises(TimeoutError):
        flight.wait(0.2)
    began = time.monotonic()
    with pytest.raises(TimeoutError):
        flights.start("k", slow).wait(0.2)  # the same load, whose deadline has passed
    assert time.monotonic() - began < 0.15
    release.set()
    assert flight.future.result(10) == "late"  # it finished anyway
    deadline = time.monotonic() + 10
    while flights.start("k", lambda: "fresh").wait(5) != "fresh":
        assert time.monotonic() < deadline
    assert loads == ["slow"]


def test_a_failed_load_raises_for_every_waiter_and_is_tried_again_next_time() -> None:
    flights: SingleFlight[int] = SingleFlight()
    attempts: list[int] = []

    def flaky() -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("down")
        return 1

    with pytest.raises(ConnectionError):
        flights.start("k", flaky).wait(5)
    deadline = time.monotonic() + 10
    while True:  # the failed flight leaves the table as its thread ends
        try:
            assert flights.start("k", flaky).wait(5) == 1
            break
        except ConnectionError:
            assert time.monotonic() < deadline
    assert len(attempts) == 2
