"""The two sides of a change: the base (a git revision) and the head (a revision or the tree).

`check` and `review` judge the head against the base; both sides are worked out here: by
default the base is where HEAD forked from the configured main branch, and the head is the
working tree, whose unchanged files are taken from the base without parsing them again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from registry.sources.git import load_git, merge_base, open_repo
from registry.sources.tree import load_folder

if TYPE_CHECKING:
    import git

    from registry.core.config import Settings
    from registry.sources.snapshot import Snapshot


@dataclass(frozen=True)
class BaseAndHead:
    """Two snapshots to compare, with the labels reports name them by."""

    base: Snapshot
    head: Snapshot
    base_label: str
    head_label: str


def load_base_and_head(
    settings: Settings,
    *,
    base: str | None = None,
    head: str | None = None,
    shown: Callable[[Path], str] = str,
) -> BaseAndHead:
    """The base (`base`, else the merge base of HEAD and the main branch) and the head (`head`,
    else the working tree) of the repository holding the schema root.

    Raises GitSourceError (a usage error) when there is no repository, a revision is missing,
    or no merge base can be found.
    """
    root = settings.schema_root
    # closing the repository stops the git helper processes gitpython keeps open
    with open_repo(root if root.exists() else root.parent) as repo:
        return _load(repo, settings, base, head, shown)


def _load(
    repo: git.Repo,
    settings: Settings,
    base: str | None,
    head: str | None,
    shown: Callable[[Path], str],
) -> BaseAndHead:
    root = settings.schema_root
    if base:
        base_rev, base_label = base, f"`{base}`"
    else:
        base_rev = merge_base(repo, "HEAD", settings.main_branch)
        base_label = f"the merge base with `{settings.main_branch}` ({base_rev[:10]})"
    base_snapshot = load_git(repo, base_rev, settings)
    if head:
        head_snapshot = load_git(repo, head, settings)
        head_label = f"`{head}`"
    else:
        head_snapshot = load_folder(
            root, max_bytes=settings.max_file_bytes, display=shown(root), reuse=base_snapshot
        )
        head_label = "the working tree"
    return BaseAndHead(base_snapshot, head_snapshot, base_label, head_label)
