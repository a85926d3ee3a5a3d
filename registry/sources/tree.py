"""Loading a Snapshot from a folder on disk (no git involved)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from registry.core.model import EventSchema
from registry.sources.files import (
    SCHEMA_SUFFIXES,
    SchemaLoadError,
    read_schema,
    symlink_error,
    too_large,
)
from registry.sources.snapshot import LoadFailure, Snapshot


def iter_schema_files(root: Path) -> Iterator[Path]:
    """Schema files below `root` in a stable order, skipping hidden folders and files.

    Symbolic links (to files or folders) are yielded but never followed: `load_file` reports
    them, so a tree read from disk holds what the same tree read from git holds.
    """
    for folder, subfolders, files in os.walk(root):
        shown = sorted(d for d in subfolders if not d.startswith("."))
        subfolders[:] = [d for d in shown if not os.path.islink(os.path.join(folder, d))]
        links = [d for d in shown if d not in subfolders]
        for name in sorted([*files, *links]):
            path = Path(folder, name)
            if not name.startswith(".") and (name.endswith(SCHEMA_SUFFIXES) or path.is_symlink()):
                yield path


def load_file(
    path: Path, rel_path: PurePosixPath, max_bytes: int, known: EventSchema | None = None
) -> EventSchema | LoadFailure:
    """Load one file; a file that cannot be read or parsed becomes a LoadFailure.

    `known` is this path as loaded before (from a git revision, say): when the bytes are the
    same it is returned as it is, without parsing again.
    """
    if path.is_symlink():
        return LoadFailure(rel_path, symlink_error())
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return LoadFailure(rel_path, too_large(size, max_bytes))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        return LoadFailure(
            rel_path,
            SchemaLoadError(
                "parse-error",
                f"the file cannot be read ({error.strerror})",
                "check the file's permissions",
            ),
        )
    if known is not None and known.rel_path == rel_path and data == known.source.encode():
        return known
    try:
        return read_schema(rel_path, data, max_bytes=max_bytes)
    except SchemaLoadError as error:
        return LoadFailure(rel_path, error)


def load_folder(
    root: Path,
    *,
    max_bytes: int = 1_000_000,
    display: str | None = None,
    reuse: Snapshot | None = None,
) -> Snapshot:
    """Load every schema file below `root`; files unchanged since `reuse` are not parsed again."""
    return snapshot_of(
        (
            (path, PurePosixPath(path.relative_to(root).as_posix()))
            for path in iter_schema_files(root)
        ),
        root=display if display is not None else str(root),
        max_bytes=max_bytes,
        reuse=reuse,
    )


def snapshot_of(
    files: Iterable[tuple[Path, PurePosixPath]],
    *,
    root: str,
    max_bytes: int,
    reuse: Snapshot | None = None,
) -> Snapshot:
    """Load the given files (path on disk, path below the root) into one Snapshot."""
    schemas: list[EventSchema] = []
    failures: list[LoadFailure] = []
    known = {schema.rel_path: schema for schema in reuse.schemas} if reuse else {}
    for path, rel_path in files:
        loaded = load_file(path, rel_path, max_bytes, known.get(rel_path))
        if isinstance(loaded, LoadFailure):
            failures.append(loaded)
        else:
            schemas.append(loaded)
    return Snapshot(root=root, schemas=tuple(schemas), failures=tuple(failures))
