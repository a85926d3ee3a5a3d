"""Lint's checks across the whole tree: what no single file shows (two files declaring one
version, one event mixing version styles)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from registry.checks.lint.checks import Problem
from registry.core.model import EventSchema, Version, VersionError
from registry.sources.snapshot import Snapshot


def tree_problems(
    snapshot: Snapshot,
) -> Iterator[tuple[PurePosixPath, Problem, Callable[[str], int | None]]]:
    claimed: dict[Any, EventSchema] = {}
    for schema in snapshot.schemas:
        ref = schema.ref
        if ref is None:
            continue
        first = claimed.setdefault(ref, schema)
        if first is not schema:
            yield (
                schema.rel_path,
                Problem(
                    "duplicate-version",
                    f"{ref} is also declared by {snapshot.display_path(first.rel_path)}",
                    "/version",
                    _duplicate_hint(schema, first),
                ),
                schema.line_of,
            )
    for versions in snapshot.by_id.values():
        styles = {schema.version.style for schema in versions if schema.version}
        if len(styles) > 1:
            majority = max(
                styles,
                key=lambda style: sum(
                    1 for s in versions if s.version and s.version.style is style
                ),
            )
            for schema in versions:
                if schema.version and schema.version.style is not majority:
                    yield (
                        schema.rel_path,
                        Problem(
                            "version-style",
                            f"version {schema.version} is a {schema.version.style.value} while "
                            f"other versions of {schema.id} are {majority.value}s",
                            "/version",
                        ),
                        schema.line_of,
                    )


def _duplicate_hint(copy: EventSchema, first: EventSchema) -> str:
    """A copied file whose name already says its new version needs only its `version` set."""
    stem = copy.rel_path.stem
    try:
        named = Version.parse(int(stem) if stem.isdigit() else stem)
    except VersionError:
        return ""
    if copy.version is not None and named != copy.version:
        return (
            f"set `version: {named}` in this file, as its name says "
            f"({first.rel_path.name} keeps {copy.version})"
        )
    return ""
