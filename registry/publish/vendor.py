"""Vendor a published registry: copy every file it lists, verified, into a local folder.

Air-gapped deployments cannot reach the registry; they ship a snapshot of it instead, a folder
that `registry_url` (or `RegistryClient`) then points at. The snapshot is the registry's own
files, byte for byte: `index.json` and every file it lists, each streamed to disk no larger
than the index says and checked against its sha256, then put in place atomically as `publish`
does: a failed fetch leaves the folder as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from registry.client.folder import FolderSource
from registry.client.registry_client import source_for
from registry.client.transport import FetchError, Source
from registry.core.index import INDEX_FILE, IndexFormatError, RegistryIndex
from registry.errors import PathNotFound, RegistryError
from registry.publish.writer import staged, staged_file


class VendorError(RegistryError):
    """The registry could not be copied; nothing was written, and the hint says so."""


@dataclass(frozen=True)
class Vendored:
    events: int
    files: int
    bytes: int
    base_url: str


DEFAULT_MAX_BYTES = 1 << 30
"""The most `fetch` writes by default (1 GiB): every file the index lists, the index included."""


def vendor(
    url: str | os.PathLike[str],
    into: Path,
    *,
    timeout: float = 10.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Vendored:
    """Copy the registry served at `url` into the folder `into` (replaced as a whole).

    Each file streams to disk, no larger than the index says, and is checked against the
    index's sha256 before `into` is replaced; a registry listing more than `max_bytes` in all
    is refused before anything is fetched. Raises VendorError when the registry cannot be read,
    is too large, or a file's digest differs from the index, PathNotFound when `url` names a
    local folder that does not exist, and publish's OutputNotRegistry when `into` holds
    something other than a registry.
    """
    source = source_for(url, timeout=timeout, retries=2, backoff=0.25)
    if isinstance(source, FolderSource) and not source.root.is_dir():
        raise PathNotFound(str(source.root), "folder", "give the folder that holds index.json")
    index_bytes = _fetch(source, INDEX_FILE, into, limit=max_bytes)
    index = _index(index_bytes, source.location(INDEX_FILE), into)
    total = len(index_bytes) + sum(listed.size for listed in index.files.values())
    if total > max_bytes:
        raise VendorError(
            f"the registry at {url} lists {total:,} bytes, over the limit of {max_bytes:,}",
            f"raise --max-bytes if that much is expected; {into} was left as it was",
        )
    with staged(into) as staging:
        made = {staging}
        staged_file(staging, INDEX_FILE, into, made).write_bytes(index_bytes)
        for path, listed in sorted(index.files.items()):
            target = staged_file(staging, path, into, made)
            with target.open("wb") as file:
                _fetch(source, path, into, limit=listed.size, to=file)
            actual = _sha256_of(target)
            if actual != listed.sha256:
                raise VendorError(
                    f"{source.location(path)} has sha256 {actual} but the index lists "
                    f"{listed.sha256}: the registry is damaged or being republished",
                    f"try again, or republish it; {into} was left as it was",
                )
    return Vendored(len(index.events), len(index.files) + 1, total, index.base_url)


def _fetch(
    source: Source, path: str, into: Path, *, limit: int, to: BinaryIO | None = None
) -> bytes:
    """The file at `path` (or b"" when streamed `to` a file), at most `limit` bytes."""
    try:
        response = source.fetch(path, limit=limit, into=to)
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


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


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
