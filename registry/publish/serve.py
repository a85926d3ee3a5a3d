"""Serve a folder on 127.0.0.1 as a static host would, with ETags for revalidating clients.

Python's `http.server` answers `If-Modified-Since` but sends no ETag; a registry client
revalidates with `If-None-Match`, so this handler adds a strong ETag (from the file's sha256)
and answers a matching `If-None-Match` with 304. Folders behave as on GitHub Pages or nginx:
`/a/b` redirects to `/a/b/`, which serves `index.html` when present.

What it serves may come from other people's schemas, so it serves only what lies inside its
folder once links are followed (a symlink out of it is "not found"), sends each file with a
fixed content type and `X-Content-Type-Options: nosniff` (a browser never reads a schema as a
page), and drops a connection that sends nothing for `IDLE_TIMEOUT` seconds, so idle or
half-sent requests cannot hold its threads.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
NOT_FOUND_PAGE = "404.html"
"""The page a site (mkdocs writes one) shows for a path it does not have."""
IDLE_TIMEOUT = 10.0
"""Seconds a connection may wait between bytes of a request before it is closed."""


class ETagCache:
    """File digests keyed by (path, size, mtime, inode), so unchanged files are hashed once."""

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._tags: dict[tuple[str, int, int, int], str] = {}

    def etag_of(self, path: str) -> str:
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns, stat.st_ino)
        with self._lock:
            cached = self._tags.get(key)
        if cached is not None:
            return cached
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
        tag = f'"{digest.hexdigest()[:32]}"'
        with self._lock:
            if len(self._tags) >= self._limit:
                self._tags.clear()
            self._tags[key] = tag
        return tag


def etag_matches(header: str, etag: str) -> bool:
    """Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 says)."""
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(part.strip().removeprefix("W/") == wanted for part in header.split(","))


class RegistryRequestHandler(SimpleHTTPRequestHandler):
    """A static-file handler that sends ETags and honours `If-None-Match`."""

    etags: ClassVar[ETagCache] = ETagCache()
    timeout = IDLE_TIMEOUT
    extensions_map = {  # noqa: RUF012 - the parent class declares it as a plain attribute
        "": "application/octet-stream",
        ".json": "application/json",
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".gif": "image/gif",
        ".webp": "image/webp",
        ".map": "application/json",
        ".ico": "image/x-icon",
        ".woff2": "font/woff2",
        ".xml": "application/xml",
        ".txt": "text/plain; charset=utf-8",
        ".gz": "application/gzip",
    }
    _etag: str | None = None

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        """The type by extension alone, from the table above (no system-wide guesses)."""
        return self.extensions_map.get(
            os.path.splitext(path)[1].lower(), "application/octet-stream"
        )

    def send_head(self) -> Any:
        self._etag = None
        if not self._inside(self.translate_path(self.path)):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        target = self._file_for_request()
        if target is not None:
            try:
                etag = self.etags.etag_of(target)
            except OSError:
                etag = None
            if etag is not None:
                condition = self.headers.get("If-None-Match")
                if condition is not None and etag_matches(condition, etag):
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", etag)
                    self.send_header("Cache-Control", "no-cache")
                    self.end_headers()
                    return None
                self._etag = etag
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        if self._etag is not None:
            self.send_header("ETag", self._etag)
            self.send_header("Cache-Control", "no-cache")
            self._etag = None
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page is answered with the site's own 404.html (as static hosts do)."""
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _inside(self, path: str) -> bool:
        """Whether `path`, with every link followed, is the served folder or inside it."""
        root = os.path.realpath(self.directory)
        real = os.path.realpath(path)
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            return False
        index = os.path.join(path, "index.html")
        return not os.path.isdir(path) or not os.path.lexists(index) or self._inside(index)

    def _file_for_request(self) -> str | None:
        """The file a GET would send: the path itself, or a folder's index.html."""
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not urlsplit(self.path).path.endswith("/"):
                return None  # the parent class redirects to the slash form
            path = os.path.join(path, "index.html")
        return path if os.path.isfile(path) else None


def make_server(
    directory: Path,
    port: int = 0,
    *,
    host: str = LOOPBACK,
    handler: type[RegistryRequestHandler] = RegistryRequestHandler,
) -> ThreadingHTTPServer:
    """A threading server for `directory` on host:port (port 0: any free port); not started."""
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(directory)))
    server.daemon_threads = True
    return server


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"
