"""Snapshots of a schema tree, and loading them from a folder or a git revision.

A Snapshot is every schema version of a registry at one moment, plus the files that could not
be read. A baseline (a git revision) and a head (the working tree) are just two snapshots.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registry.config import Settings

import git
import git.exc

from registry.model import EventSchema, SchemaRef
from registry.schemafile import SCHEMA_SUFFIXES, SchemaLoadError, read_schema, too_large


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


def iter_schema_files(root: Path) -> Iterator[Path]:
    """Schema files below `root` in a stable order, skipping hidden folders and files."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.endswith(SCHEMA_SUFFIXES):
                yield Path(folder, name)


def load_file(
    path: Path, rel_path: PurePosixPath, max_bytes: int, known: EventSchema | None = None
) -> EventSchema | LoadFailure:
    """Load one file; a file that cannot be read or parsed becomes a LoadFailure.

    `known` is this path as loaded before (from a git revision, say): when the bytes are the
    same it is returned as it is, without parsing again.
    """
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


# -- git ----------------------------------------------------------------------------------


class GitSourceError(Exception):
    """A revision or repository that cannot be read; the message says what to do next."""


def open_repo(start: Path) -> git.Repo:
    """The git repository holding `start`; GitSourceError when there is none."""
    try:
        return git.Repo(start, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError):
        raise GitSourceError(
            f"{start} is not inside a git repository; run the command in a clone of the registry"
        ) from None


def resolve_commit(repo: git.Repo, rev: str) -> git.Commit:
    """The commit `rev` names; GitSourceError saying how to fetch it when it is missing."""
    try:
        commit = repo.commit(rev)
        commit.tree  # noqa: B018 - reads the commit: in a shallow clone a parent may be absent
    except (git.exc.BadName, git.exc.BadObject, ValueError, git.exc.GitCommandError):
        shallow = " (this clone is shallow)" if _is_shallow(repo) else ""
        raise GitSourceError(
            f"the git revision {rev!r} does not exist in {repo.working_tree_dir}{shallow}; "
            f"fetch it first (e.g. `git fetch origin {rev}`) or name another with --base"
        ) from None
    return commit


def _is_shallow(repo: git.Repo) -> bool:
    return Path(repo.git_dir, "shallow").exists()


def merge_base(repo: git.Repo, rev: str, branch: str) -> str:
    """The commit where `rev` forked from `branch` (or `origin/<branch>` when only that exists)."""
    candidates = [branch] if "/" in branch else [branch, f"origin/{branch}"]
    target = next((name for name in candidates if _exists(repo, name)), None)
    if target is None:
        raise GitSourceError(
            f"the main branch {branch!r} does not exist in {repo.working_tree_dir} (nor "
            f"origin/{branch}); fetch it, set `main-branch` in the configuration, or pass --base"
        )
    head = resolve_commit(repo, rev)
    try:
        bases = repo.merge_base(head, resolve_commit(repo, target))
    except git.exc.GitCommandError:
        bases = []
    if not bases or bases[0] is None:
        shallow = (
            " The clone is shallow: fetch more history (`git fetch --deepen=50`)."
            if (_is_shallow(repo))
            else ""
        )
        raise GitSourceError(
            f"{rev} and {target} have no common commit.{shallow} Pass --base to name the "
            "revision to compare with"
        )
    return str(bases[0].hexsha)


def _exists(repo: git.Repo, name: str) -> bool:
    try:
        repo.commit(name)
    except (git.exc.BadName, git.exc.BadObject, ValueError, git.exc.GitCommandError):
        return False
    return True


def root_in_repo(repo: git.Repo, schema_root: Path) -> PurePosixPath:
    """The schema root as a path inside the repository (POSIX form, `.` for the top)."""
    top = Path(repo.working_tree_dir or ".").resolve()
    try:
        return PurePosixPath(schema_root.resolve().relative_to(top).as_posix())
    except ValueError:
        raise GitSourceError(
            f"the schema root {schema_root} is outside the git repository at {top}"
        ) from None


def load_git(repo: git.Repo, rev: str, settings: Settings) -> Snapshot:
    """Load the schema tree as it is at `rev`, reading blobs straight from the object store.

    Nothing is checked out, so it works in any clone, shallow ones included, as long as the
    commit itself is present. A revision without the schema root gives an empty snapshot (the
    registry's first schemas); a missing revision raises GitSourceError.
    """
    commit = resolve_commit(repo, rev)
    root = root_in_repo(repo, settings.schema_root)
    display = f"{rev}:{root}" if str(root) != "." else f"{rev}:"
    try:
        tree = commit.tree if str(root) == "." else commit.tree / str(root)
    except KeyError:
        return Snapshot(root=display, schemas=())
    if not isinstance(tree, git.Tree):
        return Snapshot(root=display, schemas=())
    prefix = len(str(tree.path)) + 1 if tree.path else 0
    blobs: list[git.Blob] = list(tree.traverse(prune=_hidden, predicate=_is_schema_blob))  # type: ignore[arg-type]
    schemas: list[EventSchema] = []
    failures: list[LoadFailure] = []
    contents = _read_blobs(repo, [blob.hexsha for blob in blobs])
    for blob, data in zip(blobs, contents, strict=True):
        rel_path = PurePosixPath(str(blob.path)[prefix:])
        try:
            schemas.append(read_schema(rel_path, data, max_bytes=settings.max_file_bytes))
        except SchemaLoadError as error:
            failures.append(LoadFailure(rel_path, error))
    return Snapshot(root=display, schemas=tuple(schemas), failures=tuple(failures))


def _read_blobs(repo: git.Repo, shas: list[str]) -> list[bytes]:
    """The contents of many blobs from one `git cat-file --batch` run (one pass, in order)."""
    if not shas:
        return []
    process = repo.git.cat_file("--batch", as_process=True, istream=subprocess.PIPE)
    output, _ = process.proc.communicate("".join(f"{sha}\n" for sha in shas).encode())
    contents: list[bytes] = []
    position = 0
    for sha in shas:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise GitSourceError(f"git could not read blob {sha} ({output[position:end]!r})")
        size = int(header[2])
        contents.append(output[end + 1 : end + 1 + size])
        position = end + 1 + size + 1  # the content is followed by a newline
    return contents


def _hidden(item: object, depth: int) -> bool:
    return isinstance(item, git.Tree) and item.name.startswith(".")


def _is_schema_blob(item: object, depth: int) -> bool:
    return (
        isinstance(item, git.Blob)
        and not item.name.startswith(".")
        and item.name.endswith(SCHEMA_SUFFIXES)
        and item.mode & 0o170000 == 0o100000  # a regular file, not a symlink
    )
