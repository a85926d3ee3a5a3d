"""Verdicts from changes: compatibility per mode and the version bump a change set needs."""

from __future__ import annotations

from collections.abc import Iterable

from registry.compat.catalogue import ANNOTATION_TYPES
from registry.core.model import Change, Mode

BUMPS = ("none", "patch", "minor", "major")


def broken_by(mode: Mode) -> frozenset[Mode]:
    """The pairwise directions a mode checks (`*_transitive` checks its base per pair)."""
    pairwise = mode.pairwise
    if pairwise is Mode.NONE:
        return frozenset()
    if pairwise is Mode.FULL:
        return frozenset({Mode.BACKWARD, Mode.FORWARD})
    return frozenset({pairwise})


def is_compatible(changes: Iterable[Change], mode: Mode) -> bool:
    """Whether no change breaks a direction `mode` checks; `none` accepts everything.

    Transitive modes are checked per pair here; callers compare against every earlier version.
    """
    directions = broken_by(mode)
    return not any(change.breaks & directions for change in changes)


def required_bump(changes: Iterable[Change]) -> str:
    """The smallest semantic-version bump the changes need.

    - "major": some change breaks backward compatibility (an event valid under the old version
      is rejected by the new one, or the engine cannot prove it is not);
    - "minor": every change keeps backward compatibility, and at least one changes which events
      are valid (for example a new optional property or a widened type) or what they mean
      (`default`, `categories`, `$id`, the draft, keywords only tools read);
    - "patch": only annotations changed (the change types of ANNOTATION_KEYWORDS), or the
      validation keywords were rewritten into an equivalent form the engine proved both ways;
    - "none": no change at all.
    """
    changes = list(changes)
    if not changes:
        return "none"
    if any(Mode.BACKWARD in change.breaks for change in changes):
        return "major"
    if all(change.type in ANNOTATION_TYPES for change in changes):
        return "patch"
    return "minor"
