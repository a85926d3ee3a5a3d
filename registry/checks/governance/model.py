"""What governance found about each touched version, as plain data for the reporters."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from registry.checks.governance.rules import BREAKING_KEY
from registry.core.model import Change, EventSchema, Finding, Mode, SchemaRef

PAIRWISE_MODES = (Mode.BACKWARD, Mode.FORWARD, Mode.FULL)


class Status(str, enum.Enum):
    """What happened to one schema version between the base and the head."""

    ADDED = "added"
    ANNOTATED = "annotated"
    """Changed in place in annotations only: allowed."""
    MODIFIED = "modified"
    """Changed in place in what it accepts: a violation."""
    DELETED = "deleted"


@dataclass(frozen=True)
class PairVerdict:
    """What the compatibility engine says of a new version against one earlier version.

    Only the outcome (changes and a verdict per pairwise mode) is kept; the engine's working
    state for one pair is `registry.compat.Comparison`.
    """

    against: SchemaRef
    changes: tuple[Change, ...]
    verdicts: Mapping[Mode, bool]
    """Compatible or not under each pairwise mode (backward, forward, full)."""


@dataclass(frozen=True)
class Assessment:
    """One version that the change touches, what was compared and what was found."""

    ref: SchemaRef
    status: Status
    path: str
    schema: EventSchema | None
    """The version at the head (None when deleted)."""
    before: EventSchema | None
    """What it is compared with: the base version for in-place edits, else its predecessor."""
    mode: Mode
    comparisons: tuple[PairVerdict, ...] = ()
    """The predecessor first, then (transitive modes) every earlier version in its line."""
    bump: str = ""
    required_bump: str = ""
    findings: tuple[Finding, ...] = ()
    new_event: bool = False
    new_namespace: bool = False
    renamed_to: str = ""

    @property
    def changes(self) -> tuple[Change, ...]:
        return self.comparisons[0].changes if self.comparisons else ()

    @property
    def declared_break(self) -> str:
        value = self.schema.body.get(BREAKING_KEY) if self.schema else None
        return value.strip() if isinstance(value, str) else ""

    @property
    def owner(self) -> str:
        """Who answers for the event (`x-owner`), as the version (or the deleted one) says."""
        schema = self.schema or self.before
        value = schema.body.get("x-owner") if schema else None
        return value.strip() if isinstance(value, str) else ""

    @property
    def compatible(self) -> bool:
        """Compatible under the event's mode with everything it was compared with."""
        mode = self.mode.pairwise
        return mode is Mode.NONE or all(c.verdicts[mode] for c in self.comparisons)

    @property
    def deprecates(self) -> bool:
        """Newly marks the event deprecated."""
        now = self.schema is not None and self.schema.body.get("deprecated") is True
        was = self.before is not None and self.before.body.get("deprecated") is True
        return now and not was


@dataclass(frozen=True)
class Governance:
    """Every touched version and every finding, ordered by `$id` then version."""

    assessments: tuple[Assessment, ...]
    findings: tuple[Finding, ...] = field(default=())


def breaking_changes(comparison: PairVerdict, mode: Mode) -> tuple[Change, ...]:
    """The changes of a comparison that break `mode` (full: either direction)."""
    pairwise = mode.pairwise
    directions = {Mode.BACKWARD, Mode.FORWARD, Mode.FULL} if pairwise is Mode.FULL else {pairwise}
    return tuple(change for change in comparison.changes if change.breaks & directions)


def broken_against(assessment: Assessment) -> PairVerdict | None:
    mode = assessment.mode.pairwise
    if mode is Mode.NONE:
        return None
    return next((c for c in assessment.comparisons if not c.verdicts[mode]), None)
