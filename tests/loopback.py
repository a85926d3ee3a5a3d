"""A real HTTP server on 127.0.0.1 for tests: the package's ETag-aware handler, plus a request log
and switchable misbehaviour (hang, HTML, truncated bodies, failing first or every answer)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from registry.publish.serve import RegistryRequestHandler, make_server, server_url


@dataclass(frozen=True)
class Request:
    path: str
    if_none_match: str | None
    status: int


@dataclass
class Behaviour:
    """What the server does per URL path: a mode name, and a log of every request."""

    modes: dict[str, str] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str, status: int | None = None) -> int:
        with self.lock:
            return sum(
                1
                for r in self.requests
                if r.path == path and (status is None or r.status == status)
            )


class MisbehavingHandler(RegistryRequestHandler):
    behaviour: Behaviour

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        mode = self.behaviour.modes.get(path)
        if mode == "hang":
            self._record(0)
            self.behaviour.release.wait(30)
            return
        if mode in ("fail-once", "fail-always"):
            if mode == "fail-once":
                del self.behaviour.modes[path]
            self.send_error(503, "try again")
            return
        if mode == "html":
            self._send(200, b"<!DOCTYPE html><html><body>Sign in to the network</body></html>")
            return
        if mode == "truncate":
            data = Path(self.translate_path(self.path)).read_bytes()
            self._send(200, data[: len(data) // 2])
            return
        super().do_GET()

    def send_head(self) -> Any:
        if self.behaviour.modes.get(urlsplit(self.path).path) == "no-etag":
            return SimpleHTTPRequestHandler.send_head(self)
        return super().send_head()

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_response(self, code: int, message: str | None = None) -> None:
        self._record(code)
        super().send_response(code, message)

    def _record(self, status: int) -> None:
        with self.behaviour.lock:
            self.behaviour.requests.append(
                Request(urlsplit(self.path).path, self.headers.get("If-None-Match"), status)
            )

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Loopback:
    """A started server over `root`; `url` is the root URL, `behaviour` its log and modes."""

    root: Path
    server: ThreadingHTTPServer
    behaviour: Behaviour
    thread: threading.Thread
    running: bool = True

    @property
    def url(self) -> str:
        return server_url(self.server)

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.behaviour.release.set()
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)


def start(root: Path, port: int = 0) -> Loopback:
    """Serve `root` on 127.0.0.1:`port` (0: any free port) until `stop`."""
    behaviour = Behaviour()
    handler = type("Handler", (MisbehavingHandler,), {"behaviour": behaviour})
    server = make_server(root, port, handler=handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    return Loopback(root, server, behaviour, thread)
