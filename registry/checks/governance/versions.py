"""Version arithmetic for the bump rules: which bump a pair is, and which bump suffices."""

from __future__ import annotations

from collections.abc import Sequence

from registry.checks.governance.rules import BREAKING_KEY
from registry.core.model import EventSchema, Version, VersionStyle

BUMPS = ("none", "patch", "minor", "major")


def line_since_break(earlier: Sequence[EventSchema], version: Version) -> list[EventSchema]:
    """The earlier versions a transitive mode compares with: those since the last break."""
    if version.style is VersionStyle.SEMVER:
        return [s for s in earlier if s.version and s.version.major == version.major]
    start = 0
    for index, schema in enumerate(earlier):
        if isinstance(schema.body.get(BREAKING_KEY), str):
            start = index
    return list(earlier[start:])


def bump_between(before: EventSchema, after: EventSchema) -> str:
    old, new = before.version, after.version
    assert old is not None and new is not None
    if new.major != old.major:
        return "major"
    if new.minor != old.minor:
        return "minor"
    return "patch"


def satisfies(bump: str, required: str, before: Version) -> bool:
    """Whether a bump is enough; while MAJOR is 0, a minor bump may break (as Cargo reads it)."""
    if before.major == 0 and bump == "minor":
        bump = "major"
    return BUMPS.index(bump) >= BUMPS.index(required)


def next_version(before: Version, required: str) -> str:
    if required == "major":
        return f"0.{before.minor + 1}.0" if before.major == 0 else f"{before.major + 1}.0.0"
    if required == "minor":
        return f"{before.major}.{before.minor + 1}.0"
    return f"{before.major}.{before.minor}.{before.patch + 1}"
