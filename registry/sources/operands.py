"""What `compat` compares: a file, a file at a git revision (`REV:PATH`), or a version of an
event in the schema tree (`ID VERSION`), each turned into a file on disk and a label."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from registry.core import ids
from registry.core.config import Settings
from registry.core.model import SchemaRef, Version, VersionError
from registry.errors import UsageError
from registry.sources.tree import load_folder


@dataclass(frozen=True)
class Operand:
    """A schema file to read, and how to name it to people."""

    path: Path
    label: str


def file_or_revision(text: str, scratch: Path) -> Operand:
    """`text` as a file on disk when one exists there, else as `REV:PATH` read from git (the
    blob written into `scratch`); a UsageError when it is neither."""
    path = Path(text)
    if path.exists() or ":" not in text:
        return Operand(path, text)
    rev, _, inner = text.partition(":")
    from registry.sources.git import GitSourceError, open_repo, resolve_commit

    with open_repo(Path.cwd()) as repo:
        commit = resolve_commit(repo, rev)
        try:
            blob = commit.tree / _in_repo(repo.working_tree_dir, inner)
            data = blob.data_stream.read()
        except (KeyError, TypeError, AttributeError):
            raise UsageError(
                f"{text}: no file {inner} at {rev}",
                "name a path as git does: from the repository's root, or `./` from here",
            ) from None
        except GitSourceError:
            raise
    copy = scratch / f"{len(list(scratch.iterdir()))}{PurePosixPath(inner).suffix or '.json'}"
    copy.write_bytes(data)
    return Operand(copy, text)


def _in_repo(root: str | os.PathLike[str] | None, inner: str) -> str:
    """A `REV:PATH` path as git reads it: from the root, or from here when it starts `./`."""
    if not inner.startswith(("./", "../")) or root is None:
        return inner.lstrip("/")
    return (Path.cwd() / inner).resolve().relative_to(Path(root).resolve()).as_posix()


def versions_of(schema_id: str, old: str, new: str, settings: Settings) -> tuple[Operand, Operand]:
    """Two versions of one event in the schema tree; `schema_id` may be the whole `$id` or the
    part below the base URL. A UsageError names the versions that exist when one does not."""
    full = schema_id if "://" in schema_id else settings.base_url.rstrip("/") + "/" + schema_id
    snapshot = load_folder(settings.schema_root, max_bytes=settings.max_file_bytes)
    listed = snapshot.versions(full)
    if not listed:
        raise UsageError(
            f"no event {full} in {settings.schema_root}",
            "give an event's `$id` (or its path below the base URL): `telemetry-registry list` "
            "shows them",
        )
    found = []
    for text in (old, new):
        try:
            version = Version.parse(text)
        except VersionError:
            version = None
        schema = snapshot.get(SchemaRef(full, version)) if version is not None else None
        if schema is None:
            have = ", ".join(str(s.version) for s in listed)
            raise UsageError(f"{full} has no version {text}", f"its versions: {have}")
        below = ids.below(full, settings.base_url) or full
        found.append(Operand(settings.schema_root / schema.rel_path, f"{below} {text}"))
    return found[0], found[1]


def scratch_folder() -> tempfile.TemporaryDirectory[str]:
    """Where blobs read from git are written while they are compared."""
    return tempfile.TemporaryDirectory(prefix="telemetry-registry-compat-")
