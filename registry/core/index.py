"""The published registry's index: its model, its JSON form, and canonical JSON bytes.

`index.json` lists every event with its versions, the latest, a lifecycle status and the
sha256 of every published file, so that a client anywhere can find and verify every schema
without listing folders. `index.schema.json` (package data, published beside the index) is the
format's specification; `RegistryIndex.from_json` checks a document against it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from registry.core.ids import below, id_problem
from registry.core.model import JSON, EventSchema, VersionStyle
from registry.errors import RegistryError

FORMAT_VERSION = 1
INDEX_FILE = "index.json"
INDEX_SCHEMA_FILE = "index.schema.json"

STABLE = "stable"
DRAFT = "draft"
DEPRECATED = "deprecated"


class IndexFormatError(RegistryError, ValueError):
    """A document that is not a usable index; the message says which part and why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def canonical_json(value: JSON) -> bytes:
    """The one byte form of a JSON value: sorted keys, two-space indent, UTF-8, final newline.

    The same value always gives the same bytes, so digests and published trees are stable.
    """
    text = json.dumps(
        value, sort_keys=True, indent=2, separators=(",", ": "), ensure_ascii=False, allow_nan=False
    )
    return (text + "\n").encode("utf-8")


MAX_SCHEMA_BYTES = 8 * 1024 * 1024
"""The default limit of one schema file a reader fetches: hundreds of times a real schema."""
MAX_INDEX_BYTES = 64 * 1024 * 1024
"""The default limit of `index.json` a reader fetches: a registry of about 100,000 events."""


def disk_path(url_path: str) -> PurePosixPath:
    """Where a static host looks for an index path: each segment percent-decoded."""
    return PurePosixPath(*(unquote(segment) for segment in url_path.split("/")))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lifecycle_status(schema: EventSchema) -> str:
    """`deprecated` when the schema says `deprecated: true`; `draft` for a semantic-version
    pre-release (`2.0.0-rc.1`); `stable` otherwise."""
    if schema.body.get("deprecated") is True:
        return DEPRECATED
    version = schema.version
    if version is not None and version.style is VersionStyle.SEMVER and "-" in version.text:
        return DRAFT
    return STABLE


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class VersionEntry:
    version: str
    path: str
    sha256: str
    status: str


@dataclass(frozen=True)
class EventEntry:
    """One event: its `$id`, the latest version's title, description and status, every version."""

    id: str
    title: str
    description: str
    status: str
    latest: str
    latest_path: str
    versions: tuple[VersionEntry, ...]

    def version(self, text: str) -> VersionEntry | None:
        for entry in self.versions:
            if entry.version == text:
                return entry
        return None


@dataclass(frozen=True)
class RegistryIndex:
    """What `index.json` says: the base URL, every event by `$id`, every file by path."""

    base_url: str
    events: Mapping[str, EventEntry]
    files: Mapping[str, FileEntry]
    format_version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, JSON]:
        return {
            "formatVersion": self.format_version,
            "baseUrl": self.base_url,
            "events": [
                {
                    "id": event.id,
                    "title": event.title,
                    "description": event.description,
                    "status": event.status,
                    "latest": event.latest,
                    "latestPath": event.latest_path,
                    "versions": [
                        {
                            "version": entry.version,
                            "path": entry.path,
                            "sha256": entry.sha256,
                            "status": entry.status,
                        }
                        for entry in event.versions
                    ],
                }
                for _, event in sorted(self.events.items())
            ],
            "files": {
                path: {"sha256": entry.sha256, "size": entry.size}
                for path, entry in sorted(self.files.items())
            },
        }

    @classmethod
    def from_json(cls, document: JSON) -> RegistryIndex:
        """Read an index document; raise IndexFormatError when it breaks index.schema.json."""
        if isinstance(document, Mapping) and document.get("formatVersion") != FORMAT_VERSION:
            raise IndexFormatError(
                f"formatVersion is {document.get('formatVersion')!r}; this reader understands "
                f"{FORMAT_VERSION} (upgrade telemetry-registry, or republish the registry)"
            )
        if _index_check()(document):
            errors = []
        else:
            errors = sorted(_index_validator().iter_errors(document), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            where = "/".join(str(part) for part in first.absolute_path) or "(top level)"
            raise IndexFormatError(f"at {where}: {first.message}")
        base_url = document["baseUrl"]
        events = {}
        for raw in document["events"]:
            versions = tuple(
                VersionEntry(v["version"], v["path"], v["sha256"], v["status"])
                for v in raw["versions"]
            )
            if below(raw["id"], base_url) is None:
                reason = id_problem(raw["id"]) or f"is not under baseUrl {base_url}"
                raise IndexFormatError(f"event {raw['id']} {reason}")
            if raw["latest"] not in {entry.version for entry in versions}:
                raise IndexFormatError(
                    f"event {raw['id']}: latest {raw['latest']!r} is not one of its versions"
                )
            events[raw["id"]] = EventEntry(
                id=raw["id"],
                title=raw["title"],
                description=raw["description"],
                status=raw["status"],
                latest=raw["latest"],
                latest_path=raw["latestPath"],
                versions=versions,
            )
        files = {
            path: FileEntry(entry["sha256"], entry["size"])
            for path, entry in document["files"].items()
        }
        return cls(base_url=base_url, events=events, files=files)

    def event(self, schema_id: str) -> EventEntry | None:
        return self.events.get(schema_id)


def index_schema() -> dict[str, Any]:
    """The JSON Schema of index.json, as shipped in the package."""
    data = resources.files("registry").joinpath("data").joinpath(INDEX_SCHEMA_FILE).read_bytes()
    schema: dict[str, Any] = json.loads(data)
    return schema


@cache
def _index_validator() -> Any:
    from registry.core.refs import validator_for

    return validator_for(index_schema())


@cache
def _index_check() -> Callable[[JSON], bool]:
    """The compiled check answers the common case, a valid index, in milliseconds."""
    from registry.core.refs import compiled_check

    return compiled_check(index_schema())
