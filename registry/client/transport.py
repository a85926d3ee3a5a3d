"""Where a registry client reads files: HTTP(S) with a bounded timeout and retries, or a folder.

Both sources take paths from the index (URL references relative to the registry's URL) and
refuse any that would leave it. Errors are FetchErrors that say whether the file is missing
(an answer) or the registry could not be reached (worth a retry, then the cache).
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin

from registry import __version__
from registry.core.index import disk_path
from registry.errors import RegistryError

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
CHUNK = 1 << 16


@dataclass(frozen=True)
class Response:
    """A fetched file; `body` is None when the server answered 304 Not Modified."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


class FetchError(RegistryError):
    """A file could not be fetched. `missing`: the source answered that it has no such file."""

    def __init__(
        self, location: str, reason: str, *, missing: bool = False, retryable: bool = False
    ) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason
        self.missing = missing
        self.retryable = retryable


class Source(Protocol):
    cacheable: bool

    def location(self, path: str) -> str: ...

    def fetch(
        self, path: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response: ...


class HttpSource:
    """Files under an http(s) URL; each attempt bounded by `timeout`, retried with back-off."""

    cacheable = True

    def __init__(self, base: str, *, timeout: float, retries: int, backoff: float) -> None:
        self.base = base
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._opener = _opener()

    def location(self, path: str) -> str:
        url = urljoin(self.base, path)
        if not url.startswith(self.base):
            raise FetchError(url, f"the index path {path!r} leaves the registry at {self.base}")
        return url

    def fetch(
        self, path: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        url = self.location(path)
        attempt = 0
        while True:
            try:
                return self._once(url, etag, last_modified)
            except FetchError as error:
                if not error.retryable or attempt >= self.retries:
                    raise
            time.sleep(self.backoff * 2**attempt)
            attempt += 1

    def _once(self, url: str, etag: str | None, last_modified: str | None) -> Response:
        request = urllib.request.Request(
            url,
            headers={
                "Accept": "application/json",
                "User-Agent": f"telemetry-registry/{__version__}",
            },
        )
        if etag:
            request.add_header("If-None-Match", etag)
        if last_modified:
            request.add_header("If-Modified-Since", last_modified)
        deadline = time.monotonic() + self.timeout
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = _read_bounded(response, url, deadline)
                headers = response.headers
                return Response(body, headers.get("ETag"), headers.get("Last-Modified"))
        except urllib.error.HTTPError as error:
            with error:
                if error.code == 304:
                    headers = error.headers
                    return Response(None, headers.get("ETag"), headers.get("Last-Modified"))
                reason = f"the server answered HTTP {error.code} {error.reason}"
                if error.code in (404, 410):
                    raise FetchError(url, reason, missing=True) from None
                retryable = error.code >= 500 or error.code in (408, 429)
                raise FetchError(url, reason, retryable=retryable) from None
        except TimeoutError:
            raise FetchError(url, _timed_out(self.timeout), retryable=True) from None
        except urllib.error.URLError as error:
            cause = error.reason
            if isinstance(cause, TimeoutError):
                raise FetchError(url, _timed_out(self.timeout), retryable=True) from None
            raise FetchError(url, f"cannot connect ({cause})", retryable=True) from None
        except (OSError, http.client.HTTPException) as error:
            message = str(error) or type(error).__name__
            raise FetchError(url, f"the transfer failed ({message})", retryable=True) from None


def _timed_out(timeout: float) -> str:
    return f"timed out after {timeout:g}s"


def _read_bounded(response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
    """Read a whole body within the deadline and the size limit."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise FetchError(url, f"the response is larger than {MAX_RESPONSE_BYTES:,} bytes")
        chunks.append(chunk)


def _opener() -> urllib.request.OpenerDirector:
    """HTTP(S) only (no file:, ftp: or data: redirects); proxies from the environment."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


class FolderSource:
    """Files in a local folder (a plain path or a file:// URL); read directly, never cached."""

    cacheable = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def location(self, path: str) -> str:
        return str(self._file(path))

    def _file(self, path: str) -> Path:
        target = self.root / disk_path(path)
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise FetchError(str(target), f"the index path {path!r} leaves {self.root}")
        return target

    def fetch(
        self, path: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        target = self._file(path)
        if not self.root.is_dir():
            raise FetchError(str(self.root), "no such folder")
        try:
            size = target.stat().st_size
            if size > MAX_RESPONSE_BYTES:
                raise FetchError(str(target), f"the file is larger than {MAX_RESPONSE_BYTES:,}")
            return Response(target.read_bytes())
        except FileNotFoundError:
            raise FetchError(str(target), "no such file", missing=True) from None
        except OSError as error:
            raise FetchError(str(target), f"cannot be read ({error.strerror})") from None
