"""Loading a Snapshot from a git revision, and finding the revisions to compare."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import git
import git.exc

from registry.core.model import EventSchema
from registry.errors import EXIT_USAGE, RegistryError
from registry.sources.files import SCHEMA_SUFFIXES, SchemaLoadError, read_schema, symlink_error
from registry.sources.snapshot import LoadFailure, Snapshot

if TYPE_CHECKING:
    from registry.core.config import Settings


class GitSourceError(RegistryError):
    """A revision or repository that cannot be read; the hint says what to do next.

    A usage error: the command names a revision, or runs in a folder, that does not serve.
    """

    exit_code = EXIT_USAGE


def open_repo(start: Path) -> git.Repo:
    """The git repository holding `start`; GitSourceError when there is none."""
    try:
        return git.Repo(start, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError):
        raise GitSourceError(
            f"{start} is not inside a git repository", "run the command in a clone of the registry"
        ) from None


def resolve_commit(repo: git.Repo, rev: str) -> git.Commit:
    """The commit `rev` names; GitSourceError saying how to fetch it when it is missing."""
    try:
        commit = repo.commit(rev)
        commit.tree  # noqa: B018 - reads the commit: in a shallow clone a parent may be absent
    except (git.exc.BadName, git.exc.BadObject, ValueError, git.exc.GitCommandError):
        shallow = " (this clone is shallow)" if _is_shallow(repo) else ""
        raise GitSourceError(
            f"the git revision {rev!r} does not exist in {repo.working_tree_dir}{shallow}",
            f"fetch it first (e.g. `git fetch origin {rev}`) or name another revision",
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
            f"origin/{branch})",
            "fetch it, set `main-branch` in the configuration, or pass --base",
        )
    head = resolve_commit(repo, rev)
    try:
        bases = repo.merge_base(head, resolve_commit(repo, target))
    except git.exc.GitCommandError:
        bases = []
    if not bases or bases[0] is None:
        if _is_shallow(repo):
            raise GitSourceError(
                f"{rev} and {target} have no common commit in this shallow clone",
                "fetch more history (`git fetch --deepen=50`), or pass --base to name the "
                "revision to compare with",
            )
        raise GitSourceError(
            f"{rev} and {target} have no common commit",
            "pass --base to name the revision to compare with",
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
            f"the schema root {schema_root} is outside the git repository at {top}",
            "set `schema-root` to a folder inside the repository, or run the command there",
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
    links: list[git.Blob] = list(tree.traverse(prune=_hidden, predicate=_is_link))  # type: ignore[arg-type]
    failures = [
        LoadFailure(PurePosixPath(str(link.path)[prefix:]), symlink_error()) for link in links
    ]
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


def _is_link(item: object, depth: int) -> bool:
    """A symbolic link below the root, reported as the working tree reports it."""
    return (
        isinstance(item, git.Blob)
        and not item.name.startswith(".")
        and item.mode & 0o170000 == 0o120000
    )


def _is_schema_blob(item: object, depth: int) -> bool:
    return (
        isinstance(item, git.Blob)
        and not item.name.startswith(".")
        and item.name.endswith(SCHEMA_SUFFIXES)
        and item.mode & 0o170000 == 0o100000  # a regular file, not a symlink
    )
