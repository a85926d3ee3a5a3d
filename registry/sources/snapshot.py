"""A Snapshot: every schema version of a tree at one moment, plus the files that could not be
read. A baseline (a git revision) and a head (the working tree) are just two snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath

from registry.core.model import EventSchema, SchemaRef
from registry.sources.files import SchemaLoadError


@dataclass(frozen=True)
class LoadFailure:
    """A file under the schema root that is not a usable schema."""

    rel_path: PurePosixPath
    error: SchemaLoadError


@dataclass(frozen=True)
class Snapshot:
    """Every schema version in a tree, grouped by `$id` and ordered by version.

    `root` is how paths are shown to people (a folder, or `REV:folder` for git).
    """

    root: str
    schemas: tuple[EventSchema, ...]
    failures: tuple[LoadFailure, ...] = ()

    def display_path(self, rel_path: PurePosixPath) -> str:
        """The path of a file as a person would type it."""
        return f"{self.root.rstrip('/')}/{rel_path}" if self.root else str(rel_path)

    @cached_property
    def by_ref(self) -> dict[SchemaRef, EventSchema]:
        """Each (`$id`, version) to its schema; the first file wins when two claim one."""
        found: dict[SchemaRef, EventSchema] = {}
        for schema in self.schemas:
            ref = schema.ref
            if ref is not None and ref not in found:
                found[ref] = schema
        return found

    @cached_property
    def by_id(self) -> dict[str, tuple[EventSchema, ...]]:
        """Each `$id` to its versions, oldest first."""
        groups: dict[str, list[EventSchema]] = {}
        for ref, schema in self.by_ref.items():
            groups.setdefault(ref.id, []).append(schema)
        return {
            schema_id: tuple(sorted(group, key=lambda s: s.version.key if s.version else ()))
            for schema_id, group in sorted(groups.items())
        }

    def versions(self, schema_id: str) -> tuple[EventSchema, ...]:
        return self.by_id.get(schema_id, ())

    def latest(self, schema_id: str) -> EventSchema | None:
        versions = self.versions(schema_id)
        return versions[-1] if versions else None

    def get(self, ref: SchemaRef) -> EventSchema | None:
        return self.by_ref.get(ref)
