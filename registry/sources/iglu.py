"""Import Iglu self-describing schemas into a tree of this registry's layout.

An Iglu schema names itself in a `self` block (vendor, name, format, SchemaVer `1-0-2`). Here it
becomes `$id: <base-url><vendor>/<name>` and `version: 1.0.2` at `<vendor>/<name>/1.0.2.json`;
the `self` block is dropped and everything else is kept as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.core import ids
from registry.core.model import SchemaRef, Version

_SCHEMAVER = re.compile(r"([1-9][0-9]*)-(0|[1-9][0-9]*)-(0|[1-9][0-9]*)")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Skipped:
    """A source file that was not converted, and why."""

    path: Path
    reason: str


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def iter_candidates(source: Path) -> Iterator[Path]:
    """JSON files, and files named like a SchemaVer (Iglu's own layout has no extension)."""
    for path in sorted(source.rglob("*")):
        if (
            path.is_file()
            and not any(part.startswith(".") for part in path.parts[-3:])
            and (path.suffix == ".json" or _SCHEMAVER.fullmatch(path.name))
        ):
            yield path


def import_iglu(source: Path, dest: Path, base_url: str) -> ImportResult:
    """Convert every Iglu schema below `source` into `dest`; report what could not be."""
    result = ImportResult()
    for path in iter_candidates(source):
        try:
            converted = convert(path, base_url)
        except ValueError as error:
            result.skipped.append(Skipped(path, str(error)))
            continue
        target_rel, text = converted
        target = dest / target_rel
        if target.exists() and target.read_text(encoding="utf-8") != text:
            result.skipped.append(
                Skipped(path, f"{target} exists with other content; it was left as it was")
            )
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        result.written.append(target)
    return result


def convert(path: Path, base_url: str) -> tuple[Path, str]:
    """The target path (relative) and text for one Iglu file; ValueError says why not."""
    try:
        document: Any = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise ValueError(f"not readable JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("self"), dict):
        raise ValueError("not a self-describing schema (no `self` block)")
    self_block = document["self"]
    vendor, name = self_block.get("vendor"), self_block.get("name")
    fmt, schemaver = self_block.get("format"), self_block.get("version")
    if fmt != "jsonschema":
        raise ValueError(f"format {fmt!r} is not jsonschema")
    for label, value in (("vendor", vendor), ("name", name)):
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            raise ValueError(f"`self.{label}` {value!r} cannot be a URI path segment")
    match = _SCHEMAVER.fullmatch(schemaver) if isinstance(schemaver, str) else None
    if match is None:
        raise ValueError(f"`self.version` {schemaver!r} is not a SchemaVer MODEL-REVISION-ADDITION")
    for key in ("$id", "version"):
        if key in document:
            raise ValueError(f"the schema already has a top-level `{key}`")
    version = ".".join(match.groups())
    converted: dict[str, Any] = {}
    if "$schema" in document:
        converted["$schema"] = document["$schema"]
    converted["$id"] = f"{base_url}{vendor}/{name}"
    converted["version"] = version
    for key, value in document.items():
        if key not in ("$schema", "self"):
            converted[key] = value
    where = ids.tree_path(SchemaRef(converted["$id"], Version.parse(version)), base_url, ".json")
    if where is None:
        raise ValueError(f"`$id` {converted['$id']} has no place below the base URL {base_url}")
    text = json.dumps(converted, indent=2, ensure_ascii=False) + "\n"
    return Path(where), text
