"""Calls that must end: run in a thread, and the test fails if one is still running after its
bound. Stalls are failures here; speed is measured in tools/bench, never asserted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def _run(call: Callable[[], Any], seconds: float) -> tuple[Any, BaseException | None]:
    """`call`'s result and what it raised, once it has ended within `seconds`."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return outcome.get("value"), outcome.get("error")


def finishes(call: Callable[[], Any], seconds: float = 30.0) -> Any:
    """`call()`'s result (what it raises is raised again); fails the test past `seconds`."""
    value, error = _run(call, seconds)
    if error is not None:
        raise error
    return value


def raises_within(seconds: float, call: Callable[[], Any]) -> BaseException:
    """What `call()`, which must raise, raised; fails the test past `seconds` or on a return."""
    _, error = _run(call, seconds)
    assert error is not None, "it returned instead of raising"
    return error
