"""Files and folders a person names: sorted against the schema root, or read one by one.

A file inside the schema root is checked against the whole tree, so that its `$ref`s to the
other schemas resolve and rules across versions see every version; a file or folder elsewhere
stands on its own. A named path that does not exist is a usage error, never an empty result.
A file compared on its own (`compat`) may hold any JSON Schema, a bare `true` or `false` too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from registry.core.model import EventSchema
from registry.errors import PathNotFound, RegistryError, UsageError
from registry.sources.snapshot import LoadFailure, Snapshot
from registry.sources.tree import load_file, load_folder, snapshot_of
from registry.sources.validity import invalidity

Shown = Callable[[Path], str]
"""How a path is written in messages and findings (relative to the current folder, say)."""


class UnreadableSchema(RegistryError):
    """A named schema file that cannot be used: the rule it breaks, where, and how to fix it."""

    def __init__(
        self,
        path: str,
        rule: str,
        message: str,
        hint: str = "",
        line: int | None = None,
        column: int | None = None,
        pointer: str = "",
    ) -> None:
        self.path = path
        self.rule = rule
        self.line = line
        self.column = column
        self.pointer = pointer
        where = path + (f":{line}" if line else "") + (f":{column}" if line and column else "")
        at = f" (at {pointer})" if pointer else ""
        super().__init__(f"{where}: [{rule}] {message}{at}", hint)


@dataclass(frozen=True)
class Selection:
    """A snapshot to check, and which of its files were named (None: every file)."""

    snapshot: Snapshot
    only: frozenset[PurePosixPath] | None = None

    @property
    def checked(self) -> int:
        """How many files this selection checks, as reports count them."""
        if self.only is not None:
            return len(self.only)
        return len(self.snapshot.schemas) + len(self.snapshot.failures)


def select(
    paths: Sequence[Path], root: Path, *, max_bytes: int, shown: Shown = str
) -> list[Selection]:
    """The snapshots holding `paths` (the schema root `root` when there are none).

    Paths outside the root come first, one selection each, in the order given; the files named
    inside the root form one last selection of the whole tree. Raises PathNotFound.
    """
    resolved_root = root.resolve()
    selections: list[Selection] = []
    inside: list[PurePosixPath] = []
    for path in paths or [root]:
        if not path.exists():
            hint = "" if paths else "create it, or set `schema-root` in the configuration"
            raise PathNotFound(str(path), hint=hint)
        resolved = path.resolve()
        if resolved == resolved_root or resolved_root in resolved.parents:
            inside.append(PurePosixPath(resolved.relative_to(resolved_root).as_posix()))
        elif path.is_dir():
            folder = load_folder(path, max_bytes=max_bytes, display=shown(path))
            selections.append(Selection(folder))
        else:
            snapshot = snapshot_of(
                [(path, PurePosixPath(path.name))], root=shown(path.parent), max_bytes=max_bytes
            )
            selections.append(Selection(snapshot))
    if inside:
        tree = load_folder(resolved_root, max_bytes=max_bytes, display=shown(resolved_root))
        every_file = [s.rel_path for s in tree.schemas] + [f.rel_path for f in tree.failures]
        wanted = frozenset(
            rel_path for rel_path in every_file if any(_within(rel_path, c) for c in inside)
        )
        selections.append(Selection(tree, wanted))
    return selections


def _within(path: PurePosixPath, chosen: PurePosixPath) -> bool:
    return chosen == PurePosixPath(".") or path == chosen or chosen in path.parents


def read_named(path: Path, *, max_bytes: int, shown: Shown = str) -> EventSchema:
    """One schema file read on its own; PathNotFound, UsageError or UnreadableSchema if unusable
    (unreadable, or not a valid schema of its dialect)."""
    if not path.exists():
        raise PathNotFound(shown(path), "file")
    if not path.is_file():
        raise UsageError(f"{shown(path)}: a folder, not a schema file", "name a schema file")
    schema = load_file(path, PurePosixPath(path.name), max_bytes)
    if isinstance(schema, LoadFailure):
        error = schema.error
        raise UnreadableSchema(
            shown(path), error.rule, error.message, error.hint, error.line, error.column
        )
    problems = invalidity(schema)
    if problems:
        first, more = problems[0], len(problems) - 1
        hint = first.hint + (
            f" ({more} more problem{'s' if more > 1 else ''}: `telemetry-registry lint` lists "
            "them all)"
            if more
            else ""
        )
        raise UnreadableSchema(
            shown(path), first.rule, first.message, hint, first.line, pointer=first.pointer
        )
    return schema


def read_document(path: Path, *, max_bytes: int, shown: Shown = str) -> EventSchema | bool:
    """One schema file read on its own, as `read_named` does, except that a file holding only
    a boolean schema (`true` or `false`) gives that boolean."""
    try:
        return read_named(path, max_bytes=max_bytes, shown=shown)
    except UnreadableSchema as error:
        if error.rule == "parse-error":
            found = _boolean_document(path)
            if found is not None:
                return found
        raise


_YAML_BOOLEANS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
"""The booleans of YAML 1.2's core schema, as the schema reader reads them."""
_COMMENT = re.compile(r"(?:^|\s)#.*$")


def _boolean_document(path: Path) -> bool | None:
    """The boolean a schema file holds and nothing else, or None (a file that is not one)."""
    try:
        text = path.read_bytes().decode("utf-8")  # no larger than the limit: it parsed
    except (OSError, UnicodeDecodeError):
        return None
    if path.suffix == ".json":
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, bool) else None
    words: list[str] = []
    for line in text.splitlines():
        content = _COMMENT.sub("", line).strip()
        if content.startswith("%"):  # a directive, before the document starts
            continue
        for marker in ("---", "..."):
            if content == marker or content.startswith(marker + " "):
                content = content[len(marker) :].strip()
        if content:
            words.append(content)
    if len(words) != 1:
        return None
    return _YAML_BOOLEANS.get(words[0])
