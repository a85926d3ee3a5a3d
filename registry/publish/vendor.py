"""Vendor a published registry: copy every file it lists, verified, into a local folder.

Air-gapped deployments cannot reach the registry; they ship a snapshot of it instead, a folder
that `registry_url` (or `RegistryClient`) then points at. The snapshot is the registry's own
files, byte for byte: `index.json` and every file it lists, each checked against the index's
sha256 and size before anything is written, and written atomically as `publish` writes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from registry.client.registry_client import source_for
from registry.client.transport import FetchError, FolderSource, Source
from registry.core.index import INDEX_FILE, IndexFormatError, RegistryIndex, sha256_hex
from registry.errors import PathNotFound, RegistryError
from registry.publish.writer import write_tree


class VendorError(RegistryError):
    """The registry could not be copied; nothing was written, and the hint says so."""


@dataclass(frozen=True)
class Vendored:
    events: int
    files: int
    bytes: int
    base_url: str


def vendor(url: str | os.PathLike[str], into: Path, *, timeout: float = 10.0) -> Vendored:
    """Copy the registry served at `url` into the folder `into` (replaced as a whole).

    Raises VendorError when the registry cannot be read or a file's digest differs from the
    index, PathNotFound when `url` names a local folder that does not exist, and publish's
    OutputNotRegistry when `into` holds something other than a registry.
    """
    source = source_for(url, timeout=timeout, retries=2, backoff=0.25)
    if isinstance(source, FolderSource) and not source.root.is_dir():
        raise PathNotFound(str(source.root), "folder", "give the folder that holds index.json")
    index_bytes = _fetch(source, INDEX_FILE, into)
    index = _index(index_bytes, source.location(INDEX_FILE), into)
    files = {INDEX_FILE: index_bytes}
    for path, listed in sorted(index.files.items()):
        data = _fetch(source, path, into)
        actual = sha256_hex(data)
        if actual != listed.sha256 or len(data) != listed.size:
            raise VendorError(
                f"{source.location(path)} has sha256 {actual} ({len(data)} bytes) but the index "
                f"lists {listed.sha256} ({listed.size} bytes): the registry is damaged or being "
                "republished",
                f"try again, or republish it; {into} was left as it was",
            )
        files[path] = data
    write_tree(files, into)
    total = sum(len(data) for data in files.values())
    return Vendored(len(index.events), len(files), total, index.base_url)


def _fetch(source: Source, path: str, into: Path) -> bytes:
    try:
        response = source.fetch(path)
    except FetchError as error:
        raise VendorError(
            f"cannot read {error.location}: {error.reason}",
            f"check the URL and the network, then fetch again; {into} was left as it was",
        ) from None
    if response.body is None:
        raise VendorError(
            f"{source.location(path)}: the server answered 304 without asking",
            f"fetch again; {into} was left as it was",
        )
    return response.body


def _index(data: bytes, url: str, into: Path) -> RegistryIndex:
    try:
        return RegistryIndex.from_json(json.loads(data))
    except ValueError as error:  # JSON errors and IndexFormatError
        reason = error.reason if isinstance(error, IndexFormatError) else "not JSON"
        raise VendorError(
            f"{url} is not a registry index ({reason})",
            "give the URL of the folder that holds the published index.json; "
            f"{into} was left as it was",
        ) from None
