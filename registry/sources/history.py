"""The git history of every schema version: who introduced it, when, and which commits touched it.

The docs site shows it beside each version. It is read in one pass over `git log` (one git
process however many files and commits there are), following renames from the newest commit to
the oldest, so a schema tree that moved keeps its history.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

import git
import git.exc

from registry.core.config import Settings
from registry.core.model import SchemaRef
from registry.sources.git import GitSourceError, load_git, resolve_commit, root_in_repo
from registry.sources.snapshot import Snapshot

_RECORD = "\x1e"
_FIELD = "\x1f"
_FORMAT = _RECORD + _FIELD.join(("%H", "%aI", "%an", "%ae", "%s"))


@dataclass(frozen=True)
class CommitInfo:
    """One commit as a history shows it."""

    hash: str
    date: str
    """The author date, ISO 8601 with its offset."""
    author: str
    email: str
    subject: str

    @property
    def short(self) -> str:
        return self.hash[:10]


@dataclass(frozen=True)
class FileHistory:
    """The commits of one file (and its earlier names), newest first; the last introduced it."""

    path: PurePosixPath
    commits: tuple[CommitInfo, ...]

    @property
    def introduced(self) -> CommitInfo:
        return self.commits[-1]

    @property
    def last_changed(self) -> CommitInfo:
        return self.commits[0]


def schema_history(
    repo: git.Repo,
    settings: Settings,
    *,
    rev: str = "HEAD",
    snapshot: Snapshot | None = None,
) -> dict[SchemaRef, FileHistory]:
    """Every schema version at `rev` with its history; versions never committed are absent.

    `snapshot` is the tree at `rev` when the caller has it already (it maps files to versions).
    """
    if snapshot is None:
        snapshot = load_git(repo, rev, settings)
    files = file_histories(repo, settings, rev=rev)
    found: dict[SchemaRef, FileHistory] = {}
    for ref, schema in snapshot.by_ref.items():
        history = files.get(schema.rel_path)
        if history is not None:
            found[ref] = history
    return found


def file_histories(
    repo: git.Repo, settings: Settings, *, rev: str = "HEAD"
) -> dict[PurePosixPath, FileHistory]:
    """Each file below the schema root at `rev` (path below the root) with its commits."""
    resolve_commit(repo, rev)
    root = root_in_repo(repo, settings.schema_root)
    try:
        output = repo.git.log(
            rev, "-M", "--name-status", "-z", f"--format={_FORMAT}", "--", str(root)
        )
    except git.exc.CommandError as error:  # git missing, or a repository git cannot read
        raise GitSourceError(
            f"git could not read the history of {root} at {rev} ({error.status}); "
            "check that git is installed and the repository is intact"
        ) from None
    prefix = "" if str(root) == "." else f"{root}/"
    touched: dict[str, list[CommitInfo]] = {}
    lineage = _Lineage()
    for commit, entries in _parse_log(output):
        for status, paths in entries:
            lineage.apply(status, paths, commit, touched)
    return {
        PurePosixPath(path[len(prefix) :]): FileHistory(
            PurePosixPath(path[len(prefix) :]), tuple(commits)
        )
        for path, commits in touched.items()
        if path.startswith(prefix)
    }


class _Lineage:
    """Which file at `rev` each path named at the point of history being read (newest first)."""

    def __init__(self) -> None:
        self.owner_of: dict[str, str] = {}  # a path back then -> the file's path at `rev`
        self.ended: set[str] = set()  # paths whose file at that time does not reach `rev`

    def owner(self, path: str) -> str | None:
        if path in self.owner_of:
            return self.owner_of[path]
        return None if path in self.ended else path

    def end(self, path: str) -> None:
        self.owner_of.pop(path, None)
        self.ended.add(path)

    def apply(
        self,
        status: str,
        paths: tuple[str, ...],
        commit: CommitInfo,
        touched: dict[str, list[CommitInfo]],
    ) -> None:
        if status == "D":  # older commits on this path touched a file that is gone
            self.end(paths[0])
            return
        current = self.owner(paths[-1])
        if current is not None:
            touched.setdefault(current, []).append(commit)
        if status == "A":  # the file begins here; older commits on its path are another file
            self.end(paths[0])
        elif status == "R":  # older commits knew the file by its old name
            self.end(paths[1])
            if current is None:
                self.end(paths[0])
            else:
                self.owner_of[paths[0]] = current
                self.ended.discard(paths[0])


def _parse_log(output: str) -> Iterator[tuple[CommitInfo, list[tuple[str, tuple[str, ...]]]]]:
    for record in output.split(_RECORD)[1:]:
        header, _, body = record.partition("\0")
        fields = header.split(_FIELD)
        hash_, date, author, email = (fields + [""] * 4)[:4]
        commit = CommitInfo(hash_, date, author, email, _FIELD.join(fields[4:]))
        tokens = body.lstrip("\n").split("\0")
        entries: list[tuple[str, tuple[str, ...]]] = []
        index = 0
        while index < len(tokens) and tokens[index]:
            status = tokens[index][0]
            width = 2 if status in ("R", "C") else 1
            entries.append((status, tuple(tokens[index + 1 : index + 1 + width])))
            index += 1 + width
        yield commit, entries
