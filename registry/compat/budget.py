"""How much work one comparison may take, so that every comparison answers in bounded time.

The engine counts its steps (each inclusion question it takes up) in each direction of a
comparison. When a direction has spent its steps, the question at hand and every one after it
stay undecided: one `BUDGET_EXHAUSTED` change records it, which breaks that direction, so the
verdict is never a guess. Steps make results reproducible; a wall-clock cap is only a backstop
for machines too slow for the step budget. Recursion is bounded the same way: questions nest
at most `MAX_NESTING` deep (each level takes a few Python frames), after which the question is
undecided (`NESTING_TOO_DEEP`), so no schema can exhaust Python's stack.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from registry.core.config import DEFAULT_COMPAT_BUDGET

DEFAULT_STEPS = DEFAULT_COMPAT_BUDGET
"""Steps per direction (the `compat-budget` setting's default)."""
BACKSTOP_SECONDS = 60.0
"""Wall-clock seconds per direction after which the steps left count as spent."""
MAX_NESTING = 80
"""Questions nested inside one another (each a few Python frames) before one is undecided."""
BUDGET_EXHAUSTED = "BUDGET_EXHAUSTED"

_CLOCK_EVERY = 1024
"""Steps between two readings of the clock (reading it on every step would cost time)."""


@dataclass(frozen=True)
class Budget:
    """The work one comparison may take in each direction: `steps`, and `seconds` as a backstop."""

    steps: int = DEFAULT_STEPS
    seconds: float = BACKSTOP_SECONDS


DEFAULT_BUDGET = Budget()


class Allowance:
    """What is left of a budget for one direction; `spend()` takes one step."""

    __slots__ = ("_deadline", "_left", "budget", "reason")

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self._left = budget.steps
        self._deadline = time.monotonic() + budget.seconds
        self.reason = ""
        """Why the allowance ran out ("" while it has not)."""

    def spend(self) -> bool:
        """Take one step; False once none is left (then always False)."""
        self._left -= 1
        if self._left >= 0 and (self._left % _CLOCK_EVERY or time.monotonic() < self._deadline):
            return True
        if not self.reason:
            self.reason = (
                f"the comparison took its whole budget of {self.budget.steps:,} steps"
                if self._left < 0
                else f"the comparison ran for its whole {self.budget.seconds:g} seconds"
            )
            self._left = -1
        return False
