"""The registry client's disk cache: one JSON file per URL, written atomically.

An entry keeps the response body with its validators (ETag, Last-Modified), when it was last
confirmed fresh, and the sha256 of the body, so a damaged entry is noticed, discarded and
fetched again. The cache is best-effort: a folder that cannot be written only costs speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

CACHE_ENV = "TELEMETRY_REGISTRY_CACHE"
APP_NAME = "telemetry-registry"
ENTRY_FORMAT = 1

logger = logging.getLogger("registry.client")


def default_cache_dir() -> Path:
    """`$TELEMETRY_REGISTRY_CACHE` when set, else the platform's per-user cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class CacheEntry:
    """A cached response: its body and what is needed to revalidate it."""

    url: str
    body: bytes
    checked_at: float
    """`time.time()` when the server last confirmed (or sent) this body."""
    etag: str | None = None
    last_modified: str | None = None


class DiskCache:
    """Entries under `folder`, named by the sha256 of their URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, url: str) -> Path:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def load(self, url: str) -> CacheEntry | None:
        """The entry for `url`, or None; an unreadable or damaged entry is deleted."""
        path = self.path_for(url)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            logger.debug("cache entry %s cannot be read: %s", path, error)
            return None
        entry = _decode(raw, url)
        if entry is None:
            logger.info("discarding a damaged cache entry for %s (%s)", url, path)
            with contextlib.suppress(OSError):
                path.unlink()
        return entry

    def store(self, entry: CacheEntry) -> None:
        """Write an entry atomically (a temporary file renamed into place)."""
        path = self.path_for(entry.url)
        try:
            text = entry.body.decode("utf-8")
        except UnicodeDecodeError:
            logger.debug("not caching %s: the body is not UTF-8", entry.url)
            return
        document = {
            "format": ENTRY_FORMAT,
            "url": entry.url,
            "checkedAt": entry.checked_at,
            "etag": entry.etag,
            "lastModified": entry.last_modified,
            "sha256": hashlib.sha256(entry.body).hexdigest(),
            "body": text,
        }
        data = json.dumps(document, sort_keys=True).encode("utf-8")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as error:
            logger.warning("cannot write the registry cache at %s: %s", path, error)


def _decode(raw: bytes, url: str) -> CacheEntry | None:
    try:
        document = json.loads(raw)
        body = document["body"].encode("utf-8")
        valid = (
            document["format"] == ENTRY_FORMAT
            and document["url"] == url
            and document["sha256"] == hashlib.sha256(body).hexdigest()
            and isinstance(document["checkedAt"], (int, float))
        )
        etag, last_modified = document["etag"], document["lastModified"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not valid or not all(v is None or isinstance(v, str) for v in (etag, last_modified)):
        return None
    return CacheEntry(url, body, float(document["checkedAt"]), etag, last_modified)
