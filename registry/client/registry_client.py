"""RegistryClient: read a published registry by `$id`, verified, cached, and safe offline.

The client reads `index.json` from wherever the registry is served (its own base URL, a mirror,
a vendored folder, a test server) and finds every schema through it, so `$id`s never need to
resolve on the network. Each schema's bytes are checked against the index's sha256. Over
http(s), responses are cached on disk: the index is revalidated with ETag / Last-Modified once
its time-to-live has passed; a schema version is immutable, so a cached copy whose digest
matches the index is used without asking the server. When the registry cannot be reached the
client uses the cache and logs a warning on the `registry.client` logger.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import url2pathname

import referencing
from jsonschema.protocols import Validator

from registry.client.cache import CacheEntry, DiskCache, default_cache_dir
from registry.client.errors import (
    BadRegistryURL,
    DigestMismatch,
    InvalidResponse,
    RegistryUnavailable,
    SchemaNotFound,
)
from registry.client.folder import FolderSource
from registry.client.outage import Outage
from registry.client.transport import FetchError, HttpSource, Response, Source
from registry.core.ids import below, split_version_uri
from registry.core.index import (
    INDEX_FILE,
    MAX_INDEX_BYTES,
    MAX_SCHEMA_BYTES,
    IndexFormatError,
    RegistryIndex,
    VersionEntry,
    sha256_hex,
)
from registry.core.model import JSON, Version, VersionError
from registry.core.refs import retrieving_registry, validator_for

logger = logging.getLogger("registry.client")

T = TypeVar("T")
VersionLike = str | int | Version


class RegistryClient:
    """Resolve schemas by `$id` from a registry served at `url` (http(s)://, file:// or a folder).

    `ttl` is how long (seconds) a fetched index is used before it is revalidated; `timeout`
    is the deadline of each HTTP attempt (connect, headers and body together, however slowly
    the server sends), and `retries` more attempts follow a transient failure, with `backoff`
    seconds doubling between them; after a failure to reach the registry, no request is made for
    `outage_backoff` seconds (caches answer, or the same failure is raised at once). A schema
    file larger than `max_schema_bytes`, or an index larger than `max_index_bytes`, is refused
    before it is parsed. `offline=True` never uses the network: it reads the cache (and a local
    folder, which needs no network). The cache lives in `cache_dir`, else
    `$TELEMETRY_REGISTRY_CACHE`, else the per-user cache folder. One client may be shared
    between threads. Every error it raises is a `ClientError`.
    """

    def __init__(
        self,
        url: str | os.PathLike[str],
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        ttl: float = 300.0,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.25,
        offline: bool = False,
        max_schema_bytes: int = MAX_SCHEMA_BYTES,
        max_index_bytes: int = MAX_INDEX_BYTES,
        outage_backoff: float = 30.0,
    ) -> None:
        if timeout <= 0 or retries < 0 or ttl < 0 or backoff < 0:
            raise ValueError("timeout must be positive; ttl, retries and backoff not negative")
        if max_schema_bytes <= 0 or max_index_bytes <= 0:
            raise ValueError("max_schema_bytes and max_index_bytes must be positive")
        self.max_schema_bytes = max_schema_bytes
        self.max_index_bytes = max_index_bytes
        self._source = source_for(url, timeout=timeout, retries=retries, backoff=backoff)
        self.outage = Outage(outage_backoff)
        """Whether the registry is in back-off after failing to answer; shared by all callers."""
        self.url = self._source.location("")
        self.ttl = ttl
        self.offline = offline
        self._cache: DiskCache | None = None
        if self._source.cacheable:
            self._cache = DiskCache(Path(cache_dir) if cache_dir else default_cache_dir())
        self._lock = threading.Lock()
        self._index_lock = threading.Lock()
        self._index: RegistryIndex | None = None
        self._index_checked = -math.inf
        self._bodies: dict[tuple[str, str], dict[str, JSON]] = {}
        self._file_locks: dict[str, threading.Lock] = {}

    def __repr__(self) -> str:
        return f"RegistryClient({self.url!r}, offline={self.offline})"

    # -- public API -------------------------------------------------------------------------

    def index(self) -> RegistryIndex:
        """The registry's index, fetched or revalidated when older than `ttl`."""
        with self._index_lock:
            if self._index is not None and time.monotonic() - self._index_checked < self.ttl:
                return self._index
            index = self._fetch_mutable(INDEX_FILE, _parse_index, self.max_index_bytes)
            self._index, self._index_checked = index, time.monotonic()
            return index

    def get(self, schema_id: str, version: VersionLike | None = None) -> dict[str, JSON]:
        """The schema body of one version (None: the latest); a copy the caller may change.

        `schema_id` is an event's `$id`, or a version URI `<$id>/<version>.json`.
        """
        return copy.deepcopy(self._body(schema_id, version))

    def body(self, schema_id: str, version: VersionLike | None = None) -> Mapping[str, JSON]:
        """As `get`, but the one parsed body this client keeps: read it, never change it.

        A schema is parsed once and shared; a large one costs its size once, not per lookup.
        """
        return self._body(schema_id, version)

    def validator(self, schema_id: str, version: VersionLike | None = None) -> Validator:
        """A validator for one version whose `$ref`s resolve through this registry only."""
        return validator_for(self._body(schema_id, version), self.registry())

    def registry(self) -> referencing.Registry[Any]:
        """A referencing registry that fetches schemas under the base URL through this client."""
        return retrieving_registry(self.index().base_url, self._body_for_uri)

    # -- resolution -------------------------------------------------------------------------

    def _body(self, schema_id: str, version: VersionLike | None) -> dict[str, JSON]:
        text = None if version is None else _version_text(version)
        try:
            entry = self._resolve(schema_id, text)
            return self._fetch_schema(entry.path, entry.sha256)
        except RegistryUnavailable as error:
            where = f"the cache at {self._cache.folder}" if self._cache else "there is no cache"
            reason = f"{error.reason}; {where} holds no copy of it"
            if self._cache is None:
                reason = error.reason
            raise SchemaNotFound(schema_id, text, self.url, reason, unreachable=True) from error

    def _resolve(self, schema_id: str, version: str | None) -> VersionEntry:
        index = self.index()
        event = index.event(schema_id)
        pinned = split_version_uri(schema_id) if event is None and version is None else None
        if pinned is not None:
            event, version = index.event(pinned[0]), pinned[1]
            if version == "latest" and event is not None:
                version = event.latest
        if event is None:
            raise SchemaNotFound(
                schema_id,
                version,
                self.url,
                f"the index lists no event with this `$id` ({len(index.events)} events listed)",
                listed=tuple(index.events),
            )
        entry = event.version(version or event.latest)
        if entry is None:
            versions = tuple(v.version for v in event.versions)
            raise SchemaNotFound(
                schema_id,
                version,
                self.url,
                f"its versions are {', '.join(versions)}",
                versions=versions,
            )
        return entry

    def _body_for_uri(self, uri: str) -> dict[str, JSON]:
        index = self.index()
        event = index.event(uri)
        if event is not None:
            entry = event.version(event.latest)
            assert entry is not None
            return self._fetch_schema(entry.path, entry.sha256)
        path = below(uri, index.base_url) or ""
        listed = index.files.get(path)
        if listed is None:
            raise SchemaNotFound(uri, None, self.url, "the index lists no such file")
        return self._fetch_schema(path, listed.sha256)

    # -- fetching ---------------------------------------------------------------------------

    def _fetch_schema(self, path: str, sha256: str) -> dict[str, JSON]:
        """One immutable schema file: memory, then a digest-checked cache entry, then the source."""
        key = (path, sha256)
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                return body
            file_lock = self._file_locks.setdefault(path, threading.Lock())
        with file_lock:
            with self._lock:
                body = self._bodies.get(key)
            if body is None:
                body = self._load_schema(path, sha256)
                with self._lock:
                    self._bodies[key] = body
        return body

    def _load_schema(self, path: str, sha256: str) -> dict[str, JSON]:
        url = self._location(path)
        if self._cache is not None:
            cached = self._cache.load(url)
            if cached is not None and sha256_hex(cached.body) == sha256:
                try:
                    return _parse_schema(cached.body, url)
                except InvalidResponse:
                    pass
        if self.offline and self._cache is not None:
            raise RegistryUnavailable(url, "the client is offline")
        try:
            response = self._request(path, limit=self.max_schema_bytes)
        except FetchError as error:
            raise RegistryUnavailable(
                error.location, error.reason, timed_out=error.timed_out
            ) from None
        if response.body is None:
            raise InvalidResponse(url, "the server answered 304 to an unconditional request")
        body = _parse_schema(response.body, url)
        actual = sha256_hex(response.body)
        if actual != sha256:
            raise DigestMismatch(url, sha256, actual)
        if self._cache is not None:
            self._cache.store(CacheEntry(url, response.body, time.time(), response.etag))
        return body

    def _location(self, path: str) -> str:
        """The URL of an index path; a path that would leave the registry is a bad index."""
        try:
            return self._source.location(path)
        except FetchError as error:
            raise InvalidResponse(self._source.location(INDEX_FILE), error.reason) from None

    def _fetch_mutable(self, path: str, parse: Callable[[bytes, str], T], limit: int) -> T:
        """A file that may change (the index): cached for `ttl`, then revalidated."""
        url = self._location(path)
        cached, value = self._cached(url, parse)
        if cached is not None and (self.offline or time.time() - cached.checked_at < self.ttl):
            assert value is not None
            return value
        if self.offline and self._cache is not None:
            raise RegistryUnavailable(url, "the client is offline")
        try:
            response = self._request(
                path,
                etag=cached.etag if cached else None,
                last_modified=cached.last_modified if cached else None,
                limit=limit,
            )
        except FetchError as error:
            if error.missing or cached is None or value is None:
                reason = error.reason
                if error.missing and path == INDEX_FILE:
                    reason += f"; point the client at the folder that holds {INDEX_FILE}"
                raise RegistryUnavailable(
                    error.location, reason, timed_out=error.timed_out
                ) from None
            if error.repeated:
                return value  # warned when the outage began
            age = time.time() - cached.checked_at
            logger.warning(
                "the registry is unreachable (%s: %s); using the cached copy last confirmed "
                "%.0f s ago",
                error.location,
                error.reason,
                age,
            )
            return value
        if response.body is None:
            if cached is None or value is None:
                raise InvalidResponse(url, "the server answered 304 to an unconditional request")
            assert self._cache is not None
            self._cache.store(
                replace(
                    cached,
                    checked_at=time.time(),
                    etag=response.etag or cached.etag,
                    last_modified=response.last_modified or cached.last_modified,
                )
            )
            return value
        value = parse(response.body, url)
        if self._cache is not None:
            self._cache.store(
                CacheEntry(url, response.body, time.time(), response.etag, response.last_modified)
            )
        return value

    def _request(self, path: str, **options: Any) -> Response:
        """Fetch from the source, unless the registry is in back-off (then fail at once)."""
        reason = self.outage.reason()
        if reason is not None:
            location = self._location(path)
            slow = self.outage.slow
            raise FetchError(location, reason, retryable=True, timed_out=slow, repeated=True)
        try:
            return self._source.fetch(path, **options)
        except FetchError as error:
            if error.retryable and not self.outage.declare(error.reason, slow=error.timed_out):
                error.repeated = True
            raise

    def _cached(
        self, url: str, parse: Callable[[bytes, str], T]
    ) -> tuple[CacheEntry | None, T | None]:
        if self._cache is None:
            return None, None
        cached = self._cache.load(url)
        if cached is None:
            return None, None
        try:
            return cached, parse(cached.body, url)
        except InvalidResponse:
            return None, None


# -- helpers --------------------------------------------------------------------------------


def source_for(
    url: str | os.PathLike[str], *, timeout: float, retries: int, backoff: float
) -> Source:
    """Where a registry URL's files are read: HTTP(S), or a folder (a path or file:// URL)."""
    if not isinstance(url, str):
        return _folder(Path(url))
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        if not parts.netloc or parts.query or parts.fragment:
            raise BadRegistryURL(url, "give the registry's URL without query or fragment")
        base = url.removesuffix(INDEX_FILE)
        base = base if base.endswith("/") else base + "/"
        return HttpSource(base, timeout=timeout, retries=retries, backoff=backoff)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise BadRegistryURL(url, "a file:// URL must name a local path")
        return _folder(Path(url2pathname(parts.path)))
    if "://" in url:
        raise BadRegistryURL(url, "the registry URL must be http(s)://, file:// or a folder")
    return _folder(Path(url))


def _folder(path: Path) -> FolderSource:
    if path.name == INDEX_FILE:
        path = path.parent
    return FolderSource(path)


def _version_text(version: VersionLike) -> str:
    if isinstance(version, Version):
        return version.text
    try:
        return Version.parse(version).text
    except VersionError:
        return str(version)


def _parse_json(data: bytes, url: str) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise InvalidResponse(url, "the JSON is nested too deeply") from None
    except ValueError as error:
        head = data[:200].lstrip().lower()
        if head.startswith((b"<!doctype", b"<html", b"<")):
            raise InvalidResponse(url, "the server sent HTML, not JSON") from None
        raise InvalidResponse(
            url, f"the response is not valid JSON ({error}); it may have been cut short"
        ) from None


def _parse_index(data: bytes, url: str) -> RegistryIndex:
    try:
        return RegistryIndex.from_json(_parse_json(data, url))
    except IndexFormatError as error:
        raise InvalidResponse(url, f"not a registry index ({error.reason})") from None


def _parse_schema(data: bytes, url: str) -> dict[str, JSON]:
    body = _parse_json(data, url)
    if not isinstance(body, dict):
        raise InvalidResponse(url, f"a schema is a JSON object, not a {type(body).__name__}")
    return body
