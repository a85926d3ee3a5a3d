"""Where a registry client reads files: HTTP(S) with a deadline and retries, or a folder.

Both sources take paths from the index (URL references relative to the registry's URL) and
refuse, alike, any that would leave it: absolute paths, and `.`/`..` segments, also
percent-encoded. A registry host may be hostile, so every limit holds whatever it sends: an
attempt ends at its deadline however slowly bytes arrive (connect, headers and body together),
a body larger than the limit is refused before it is parsed, and redirects are followed only
within the registry's origin (scheme, host and port). Errors are FetchErrors that say whether
the file is missing (an answer) or the registry could not be reached (worth a retry, then the
cache).
"""

from __future__ import annotations

import contextlib
import contextvars
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol
from urllib.parse import unquote, urljoin, urlsplit

from registry import __version__
from registry.client.errors import ClientError

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""The default limit of one file; `fetch(limit=...)` sets another."""
CHUNK = 1 << 16
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Response:
    """A fetched file; `body` is None when the server answered 304 Not Modified."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


class FetchError(ClientError):
    """A file could not be fetched. `missing`: the source answered that it has no such file;
    `retryable`: no answer came (worth another try later), `timed_out` in time; `repeated`: the
    failure is one already reported (the client failed fast during a back-off)."""

    def __init__(
        self,
        location: str,
        reason: str,
        *,
        missing: bool = False,
        retryable: bool = False,
        timed_out: bool = False,
        repeated: bool = False,
    ) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason
        self.missing = missing
        self.retryable = retryable
        self.timed_out = timed_out
        self.repeated = repeated


class Source(Protocol):
    cacheable: bool

    def location(self, path: str) -> str: ...

    def fetch(
        self,
        path: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        limit: int = MAX_RESPONSE_BYTES,
        into: BinaryIO | None = None,
    ) -> Response:
        """One file, at most `limit` bytes; written to `into` (body b"") when given."""


def checked_path(path: str, where: str) -> str:
    """`path` if it names a file below the registry, else FetchError: one rule for every source.

    Refused: absolute paths, URLs, backslashes, and empty, `.` or `..` segments, as written
    or percent-encoded (a static host decodes them before looking the file up).
    """
    if path == "":
        return path
    segments = path.split("/")
    decoded = [unquote(segment) for segment in segments]
    unsafe = (
        "://" in path
        or path.startswith("/")
        or any(part in ("", ".", "..") or "/" in part or "\\" in part for part in decoded)
        or any("\x00" in part for part in decoded)
    )
    if unsafe:
        raise FetchError(path, f"the index path {path!r} leaves the registry at {where}")
    return path


class HttpSource:
    """Files under an http(s) URL; each attempt ends by `timeout`, retried with back-off."""

    cacheable = True

    def __init__(self, base: str, *, timeout: float, retries: int, backoff: float) -> None:
        self.base = base
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._opener = _opener()

    def location(self, path: str) -> str:
        url = urljoin(self.base, checked_path(path, self.base))
        if not url.startswith(self.base):
            raise FetchError(url, f"the index path {path!r} leaves the registry at {self.base}")
        return url

    def fetch(
        self,
        path: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        limit: int = MAX_RESPONSE_BYTES,
        into: BinaryIO | None = None,
    ) -> Response:
        url = self.location(path)
        attempt = 0
        while True:
            if into is not None:
                into.seek(0)
                into.truncate()
            try:
                return self._once(url, etag, last_modified, limit, into)
            except FetchError as error:
                if not error.retryable or attempt >= self.retries or _spent(self.backoff):
                    raise
            time.sleep(self.backoff * 2**attempt)
            attempt += 1

    def _once(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        limit: int,
        into: BinaryIO | None,
    ) -> Response:
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
        deadline = Deadline(self.timeout)
        request.deadline = deadline  # type: ignore[attr-defined]  # read by _DeadlineHandler
        try:
            with deadline, self._opener.open(request, timeout=self.timeout) as response:
                body = _read_bounded(response, url, deadline, limit, into)
                headers = response.headers
                return Response(body, headers.get("ETag"), headers.get("Last-Modified"))
        except FetchError:
            raise
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
        except Exception as error:
            if deadline.passed or isinstance(error, TimeoutError):
                raise FetchError(
                    url, _timed_out(self.timeout), retryable=True, timed_out=True
                ) from None
            if isinstance(error, urllib.error.URLError):
                cause = error.reason
                if isinstance(cause, TimeoutError):
                    raise FetchError(
                        url, _timed_out(self.timeout), retryable=True, timed_out=True
                    ) from None
                raise FetchError(url, f"cannot connect ({cause})", retryable=True) from None
            message = str(error) or type(error).__name__
            raise FetchError(url, f"the transfer failed ({message})", retryable=True) from None


def _spent(pause: float) -> bool:
    """Whether the caller's budget ends before another attempt could start."""
    budget = _BUDGET.get()
    return budget is not None and time.monotonic() + pause >= budget


def _timed_out(timeout: float) -> str:
    return f"timed out after {timeout:g}s (connecting, headers and body together)"


_BUDGET: contextvars.ContextVar[float | None] = contextvars.ContextVar("budget", default=None)


@contextlib.contextmanager
def finishing_by(moment: float) -> Iterator[None]:
    """Every HTTP attempt made inside ends by `moment` (`time.monotonic()`), retries included.

    A caller that waits for several requests (an index, a schema, what it references) gives
    them one end together, so that no thread goes on reading after its caller gave up.
    """
    token = _BUDGET.set(moment)
    try:
        yield
    finally:
        _BUDGET.reset(token)


class Deadline:
    """The end of one attempt: at that moment its socket is shut down, wherever it waits.

    A socket timeout bounds one wait, not the attempt: a server that sends a byte a second
    never trips it. A timer that shuts the connection's socket down ends a connect, a
    header line or a body read at once, and the attempt then fails as timed out.
    """

    def __init__(self, seconds: float) -> None:
        now = time.monotonic()
        budget = _BUDGET.get()
        if budget is not None:
            seconds = min(seconds, budget - now)
        self.seconds = max(seconds, 0.0)
        self.ends = now + self.seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer: threading.Timer | None = None
        self.passed = False

    def __enter__(self) -> Deadline:
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            passed = self.passed
        if passed:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


def _read_bounded(
    response: http.client.HTTPResponse,
    url: str,
    deadline: Deadline,
    limit: int,
    into: BinaryIO | None,
) -> bytes:
    """Read the body within the deadline and the size limit: into memory, or into `into`."""
    length = response.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise FetchError(url, f"the response is larger than {limit:,} bytes ({int(length):,})")
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(CHUNK)
        if deadline.passed:
            raise TimeoutError
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise FetchError(url, f"the response is larger than {limit:,} bytes")
        if into is None:
            chunks.append(chunk)
        else:
            into.write(chunk)


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same scheme, host and port, a few times at most.

    A registry host that redirects elsewhere could make the application send requests into
    its own network (to an admin page, a metadata service); that is refused with the reason.
    """

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if _origin(newurl) != _origin(req.full_url):
            fp.close()
            raise FetchError(
                req.full_url,
                f"the server redirected to {newurl}, another origin than the registry's; "
                "refused (point the client at the registry's final URL)",
            )
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.deadline = req.deadline  # type: ignore[attr-defined]
        return new


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _watched(base: type[http.client.HTTPConnection], deadline: Deadline | None) -> Any:
    """A connection class whose sockets `deadline` shuts down when it passes."""

    def connection(host: str, **kwargs: Any) -> http.client.HTTPConnection:
        made = base(host, **kwargs)
        plain_connect = made.connect

        def connect() -> None:
            plain_connect()
            if deadline is not None and made.sock is not None:
                deadline.watch(made.sock)

        made.connect = connect  # type: ignore[method-assign]
        return made

    return connection


class _DeadlineHTTP(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        deadline = getattr(req, "deadline", None)
        return self.do_open(_watched(http.client.HTTPConnection, deadline), req)


class _DeadlineHTTPS(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        deadline = getattr(req, "deadline", None)
        return self.do_open(
            _watched(http.client.HTTPSConnection, deadline),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


def _opener() -> urllib.request.OpenerDirector:
    """HTTP(S) only (no file:, ftp: or data: redirects); proxies from the environment."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _DeadlineHTTP(),
        _DeadlineHTTPS(),
        _SameOrigin(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener
