"""The changelog the docs site shows: each version against the one before, in the compatibility
engine's words, with the bump it needs and its verdict under the event's configured mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from registry.compat import Budget, InvalidSchema, diff, is_compatible, required_bump
from registry.compat.catalogue import ANNOTATION_TYPES
from registry.core.config import Settings
from registry.core.model import Change, Mode, SchemaRef, Version
from registry.core.refs import build_registry
from registry.sources.snapshot import Snapshot


@dataclass(frozen=True)
class VersionChanges:
    """What changed from the previous version, and what that means for its readers."""

    previous: Version
    changes: tuple[Change, ...]
    bump: str
    """The smallest version bump the changes need: none, patch, minor or major."""
    mode: Mode
    compatible: bool
    """Whether the pair passes the event's configured compatibility mode (checked pairwise)."""

    @property
    def breaking(self) -> bool:
        """An event the previous version accepted may be rejected (or may be, as far as the
        engine can prove)."""
        return self.bump == "major"

    @property
    def annotations(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if is_annotation(change))

    @property
    def substantive(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if not is_annotation(change))


def is_annotation(change: Change) -> bool:
    """A change to documentation only (titles, descriptions, examples, comments)."""
    return change.type in ANNOTATION_TYPES and not change.breaks


def changelog(snapshot: Snapshot, settings: Settings) -> dict[SchemaRef, VersionChanges]:
    """Every version that has a valid predecessor, keyed by its own ref."""
    references = build_registry(snapshot.schemas, base_url=settings.base_url)
    budget = Budget(steps=settings.compat_budget)
    found: dict[SchemaRef, VersionChanges] = {}
    for schema_id, versions in snapshot.by_id.items():
        event = settings.for_event(schema_id)
        for old, new in pairwise(versions):
            assert old.version is not None and new.ref is not None
            try:
                changes = diff(
                    old.body,
                    new.body,
                    policy=event.policy,
                    old_registry=references,
                    new_registry=references,
                    budget=budget,
                )
            except InvalidSchema:
                continue  # lint reports the invalid schema; its page shows no changelog
            found[new.ref] = VersionChanges(
                previous=old.version,
                changes=tuple(changes),
                bump=required_bump(changes),
                mode=event.compatibility,
                compatible=is_compatible(changes, event.compatibility),
            )
    return found
