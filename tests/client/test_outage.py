"""The client's back-off after a registry failed to answer."""

from __future__ import annotations

import pytest

from registry.client.outage import Outage


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_failure_starts_a_back_off_that_keeps_the_first_reason_until_it_ends() -> None:
    clock = Clock()
    outage = Outage(30, clock)
    assert outage.reason() is None
    assert outage.declare("cannot connect", slow=False)
    clock.now += 10
    assert not outage.declare("timed out", slow=True)  # the running back-off stands
    reason = outage.reason()
    assert reason is not None and reason.startswith("cannot connect (a request failed so 10 s ago")
    assert "not asked again for 20 s" in reason and not outage.slow
    clock.now += 20
    assert outage.reason() is None
    assert outage.declare("timed out", slow=True) and outage.slow


def test_no_back_off_with_a_zero_period_and_none_negative() -> None:
    outage = Outage(0)
    outage.declare("cannot connect")
    assert outage.reason() is None
    with pytest.raises(ValueError, match="negative"):
        Outage(-1)
