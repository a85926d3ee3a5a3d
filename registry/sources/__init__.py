"""Reading schemas into a Snapshot: from files (`files`), a folder (`tree`), a git revision
(`git`, `history`), or another registry's layout (`iglu`).

The face names only what loading a folder needs, so that it never imports git, and loads even
that on first use: the runtime reads one schema file through `registry.sources.files`, which
imports this package first, and needs neither snapshots nor folders.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry.sources.snapshot import LoadFailure, Snapshot
    from registry.sources.tree import load_file, load_folder, snapshot_of

__all__ = ["LoadFailure", "Snapshot", "load_file", "load_folder", "snapshot_of"]

_HOMES = {
    "LoadFailure": "registry.sources.snapshot",
    "Snapshot": "registry.sources.snapshot",
    "load_file": "registry.sources.tree",
    "load_folder": "registry.sources.tree",
    "snapshot_of": "registry.sources.tree",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'registry.sources' has no attribute {name!r}")
    return getattr(import_module(home), name)
