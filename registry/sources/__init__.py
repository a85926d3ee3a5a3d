"""Reading schemas into a Snapshot: from files (`files`), a folder (`tree`), a git revision
(`git`, `history`), or another registry's layout (`iglu`).

The face names only what loading a folder needs, so that it never imports git.
"""

from __future__ import annotations

from registry.sources.snapshot import LoadFailure, Snapshot
from registry.sources.tree import load_file, load_folder, snapshot_of

__all__ = ["LoadFailure", "Snapshot", "load_file", "load_folder", "snapshot_of"]
