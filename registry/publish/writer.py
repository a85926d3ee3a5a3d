"""Publish a snapshot as a static registry: plain files any static web server can serve.

The output folder is served at the registry's base URL. Each schema version is written as
canonical JSON at its version URI (`<$id>/<version>.json`); the latest version's bytes are also
written at `<$id>/latest.json`; `<$id>/index.html`, which static hosts serve for `<$id>/` (and
redirect the bare `<$id>` to), is a page showing it, escaped, so the bare `$id` answers with the
latest version and nothing in a schema runs on the registry's origin. `index.json`
lists every event and the sha256 of every file; `index.schema.json` specifies it.

`render_registry` is pure (snapshot in, files out); `write_tree` puts the files in place
atomically: everything is written to a fresh folder beside the output, which is then swapped in,
so a failure at any point leaves the previous output as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from registry.checks.lint import has_errors, lint
from registry.core import ids
from registry.core.config import Settings
from registry.core.index import (
    INDEX_FILE,
    INDEX_SCHEMA_FILE,
    EventEntry,
    FileEntry,
    RegistryIndex,
    VersionEntry,
    canonical_json,
    disk_path,
    index_schema,
    lifecycle_status,
    sha256_hex,
)
from registry.core.model import EventSchema, Finding
from registry.errors import EXIT_USAGE, RegistryError
from registry.publish.page import latest_page
from registry.sources.snapshot import Snapshot


class PublishError(RegistryError):
    """Publishing was refused; nothing was written. The message says what to change."""


class LintFailed(PublishError):
    """The tree has lint errors; `findings` holds every finding (errors and warnings)."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        errors = sum(1 for f in findings if f.severity.value == "error")
        super().__init__(
            f"publish refused: the schema tree has {errors} lint error(s)",
            "fix them (`telemetry-registry lint` lists them) and publish again; nothing was "
            "written",
        )


class UnsafeId(PublishError):
    """An `$id` that would place a file outside the output folder, or cannot name a file."""

    def __init__(self, schema_id: str, reason: str) -> None:
        self.schema_id = schema_id
        self.reason = reason
        super().__init__(
            f"`$id` {schema_id!r} {reason}: it cannot be published",
            "write the `$id` as <base-url><namespace>/<event> with plain path segments",
        )


class PathCollision(PublishError):
    """Two published files would share a path, or a file would stand where a folder must."""

    def __init__(self, first: str, second: str) -> None:
        self.paths = (first, second)
        super().__init__(
            f"published paths {first!r} and {second!r} collide (the same file, a file and a "
            "folder, or names differing only in case)",
            "rename one of the events",
        )


class OutputNotRegistry(PublishError):
    """The output folder exists and does not hold a published registry; it is left alone.

    A usage error: the command was pointed at a folder it must not replace.
    """

    exit_code = EXIT_USAGE

    def __init__(self, out: Path) -> None:
        self.out = out
        super().__init__(
            f"{out} exists and does not hold a published registry (no readable {INDEX_FILE})",
            "the folder is replaced as a whole, so choose a new or empty folder, or delete it",
        )


@dataclass(frozen=True)
class PublishResult:
    out: Path
    events: int
    versions: int
    files: int
    findings: tuple[Finding, ...] = ()


def publish(snapshot: Snapshot, settings: Settings, out: Path) -> PublishResult:
    """Lint, render and write the static registry into `out`; raise PublishError on refusal."""
    findings = lint(snapshot, settings)
    if has_errors(findings):
        raise LintFailed(findings)
    files = render_registry(snapshot, settings.base_url)
    write_tree(files, out)
    versions = sum(len(group) for group in snapshot.by_id.values())
    return PublishResult(out, len(snapshot.by_id), versions, len(files), tuple(findings))


def render_registry(snapshot: Snapshot, base_url: str) -> dict[str, bytes]:
    """Every published file, by its URL path relative to the base URL; no I/O."""
    _refuse_unpublishable(snapshot)
    files: dict[str, bytes] = {INDEX_SCHEMA_FILE: canonical_json(index_schema())}
    events: dict[str, EventEntry] = {}
    for schema_id, versions in snapshot.by_id.items():
        latest_path, folder_index = _latest_paths(schema_id, base_url)
        entries = []
        for schema in versions:
            data = _canonical_body(schema)
            path = _version_path(schema, base_url)
            files[path] = data
            status = lifecycle_status(schema)
            entries.append(VersionEntry(_version_text(schema), path, sha256_hex(data), status))
        latest = versions[-1]
        files[latest_path] = files[entries[-1].path]
        files[folder_index] = latest_page(
            schema_id, entries[-1].version, latest.title, files[latest_path]
        )
        events[schema_id] = EventEntry(
            id=schema_id,
            title=latest.title,
            description=_text(latest.body.get("description")),
            status=entries[-1].status,
            latest=entries[-1].version,
            latest_path=latest_path,
            versions=tuple(entries),
        )
    check_collisions([INDEX_FILE, *files])
    index = RegistryIndex(
        base_url=base_url,
        events=events,
        files={path: FileEntry(sha256_hex(data), len(data)) for path, data in files.items()},
    )
    files[INDEX_FILE] = canonical_json(index.to_json())
    return dict(sorted(files.items()))


def _refuse_unpublishable(snapshot: Snapshot) -> None:
    """Defend against what lint reports when its rules are switched off in the configuration."""
    for schema in snapshot.schemas:
        if schema.ref is None:
            raise PublishError(
                f"{snapshot.display_path(schema.rel_path)} has no usable `$id` and `version`; "
                "a schema without both cannot be published"
            )
        first = snapshot.by_ref[schema.ref]
        if first is not schema:
            raise PublishError(
                f"{snapshot.display_path(schema.rel_path)} and "
                f"{snapshot.display_path(first.rel_path)} both declare {schema.ref}; "
                "keep one of them"
            )


def _canonical_body(schema: EventSchema) -> bytes:
    try:
        return canonical_json(dict(schema.body))
    except (UnicodeEncodeError, ValueError) as error:
        raise PublishError(
            f"{schema.rel_path} cannot be written as UTF-8 JSON ({error}); "
            "remove lone surrogate escapes or non-finite numbers"
        ) from None


def _version_text(schema: EventSchema) -> str:
    assert schema.version is not None
    return schema.version.text


def _version_path(schema: EventSchema, base_url: str) -> str:
    assert schema.ref is not None
    path = ids.published_path(schema.ref, base_url)
    if path is None:
        raise UnsafeId(schema.ref.id, _unsafe_reason(schema.ref.id, base_url))
    return path


def _latest_paths(schema_id: str, base_url: str) -> tuple[str, str]:
    paths = ids.latest_paths(schema_id, base_url)
    if paths is None:
        raise UnsafeId(schema_id, _unsafe_reason(schema_id, base_url))
    return paths


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _unsafe_reason(schema_id: str, base_url: str) -> str:
    """Why `registry.core.ids` gives an `$id` no published path."""
    return ids.id_problem(schema_id) or f"is not below the base URL {base_url!r}"


def check_collisions(paths: list[str]) -> None:
    """Refuse two paths naming one file (also when only case differs) or a file inside a file."""
    seen: dict[str, str] = {}
    folders: dict[str, str] = {}
    for path in paths:
        key = str(disk_path(path)).casefold()
        if key in seen:
            raise PathCollision(seen[key], path)
        seen[key] = path
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), path)
    for folder, inside in folders.items():
        if folder in seen:
            raise PathCollision(seen[folder], inside)


# -- writing ------------------------------------------------------------------------------


def write_tree(files: Mapping[str, bytes], out: Path) -> None:
    """Write `files` as the whole content of `out`, atomically: all of them or nothing."""
    with staged(out) as staging:
        made = {staging}
        for url_path, data in files.items():
            staged_file(staging, url_path, out, made).write_bytes(data)


@contextlib.contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A new folder beside `out` to write into: it replaces `out` as a whole when the block ends
    without an error, and is removed otherwise, leaving the previous `out` as it was."""
    out = out.absolute()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        staging.chmod(0o755)
        yield staging
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def staged_file(staging: Path, url_path: str, out: Path, made: set[Path]) -> Path:
    """Where the file at `url_path` goes in `staging` (its folders made, once each); a path
    that would leave the folder is refused."""
    relative = disk_path(url_path)
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise PublishError(f"{url_path!r} would be written outside {out}; refused")
    target = staging / relative
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.update((target.parent, *target.parent.parents))
    return target


def _check_replaceable(out: Path) -> None:
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise OutputNotRegistry(out)
    if not any(out.iterdir()):
        return
    try:
        document = json.loads((out / INDEX_FILE).read_bytes())
    except (OSError, ValueError):
        raise OutputNotRegistry(out) from None
    if not isinstance(document, dict) or "formatVersion" not in document:
        raise OutputNotRegistry(out)


def _swap_in(staging: Path, out: Path) -> None:
    """Rename `staging` to `out`; the previous `out` is kept aside until the rename succeeds."""
    if not out.exists():
        os.rename(staging, out)
        return
    retired = out.with_name(f".{out.name}.old-{secrets.token_hex(6)}")
    os.rename(out, retired)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(retired, out)
        raise
    if retired.is_symlink():
        retired.unlink()
    else:
        shutil.rmtree(retired, ignore_errors=True)
