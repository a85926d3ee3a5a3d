"""A Snapshot: every schema version of a tree at one moment, plus the files that could not be
read or are not valid schemas. A baseline (a git revision) and a head (the working tree) are just
two snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath

from registry.core.model import EventSchema, SchemaRef
from registry.sources.files import SchemaLoadError
from registry.sources.validity import invalidity


@dataclass(frozen=True)
class LoadFailure:
    """A file under the schema root that is not a usable schema: why (`error`), and any further
    problems of the same file (`others`: an invalid schema may break its metaschema in several
    places). `ref` is the version the file declares, when it was read but is not a valid
    schema: rules about versions can then name it, though its body goes no further."""

    rel_path: PurePosixPath
    error: SchemaLoadError
    others: tuple[SchemaLoadError, ...] = ()
    ref: SchemaRef | None = None

    @property
    def errors(self) -> tuple[SchemaLoadError, ...]:
        return (self.error, *self.others)


@dataclass(frozen=True)
class Snapshot:
    """Every schema version in a tree, grouped by `$id` and ordered by version.

    `root` is how paths are shown to people (a folder, or `REV:folder` for git). Validity is
    decided here, once: a body that is not a valid schema of its dialect is moved from
    `schemas` to `failures` with its metaschema findings, so every stage that reads `schemas`
    (references, lint's rules, compat, governance, publish, docs) holds valid schemas only.
    """

    root: str
    schemas: tuple[EventSchema, ...]
    failures: tuple[LoadFailure, ...] = ()

    def __post_init__(self) -> None:
        valid: list[EventSchema] = []
        invalid: list[LoadFailure] = []
        for schema in self.schemas:
            problems = invalidity(schema)
            if problems:
                failure = LoadFailure(schema.rel_path, problems[0], problems[1:], schema.ref)
                invalid.append(failure)
            else:
                valid.append(schema)
        if invalid:  # frozen: the fields are set once, here, before anyone reads them
            object.__setattr__(self, "schemas", tuple(valid))
            object.__setattr__(self, "failures", (*self.failures, *invalid))

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
    def unusable(self) -> dict[SchemaRef, LoadFailure]:
        """The versions declared by files that were read but are not valid schemas."""
        return {f.ref: f for f in self.failures if f.ref is not None}

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
