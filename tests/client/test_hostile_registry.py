"""A hostile registry host cannot stall, flood or redirect the client: real servers on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from registry.client import ClientError, RegistryClient, SchemaNotFound
from registry.client.transport import HttpSource, checked_path
from registry.core.config import Settings
from registry.eventlog import EventLog
from registry.publish.writer import publish
from registry.sources.tree import load_folder
from tests.deadline import raises_within
from tests.loopback import Loopback, start

CHECKOUT = "https://events.example.org/schemas/shop/checkout"


class Scripted:
    """A server on 127.0.0.1 whose every GET runs `answer(handler)`; it logs the paths asked."""

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler], None]) -> None:
        self.paths: list[str] = []
        self.stop_sending = threading.Event()
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                scripted.paths.append(self.path)
                with contextlib.suppress(OSError):  # the client hung up, as it should
                    answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.stop_sending.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted() -> Iterator[Callable[[Callable[[BaseHTTPRequestHandler], None]], Scripted]]:
    made: list[Scripted] = []

    def make(answer: Callable[[BaseHTTPRequestHandler], None]) -> Scripted:
        made.append(Scripted(answer))
        return made[-1]

    yield make
    for server in made:
        server.close()


def trickle_body(stop: threading.Event) -> Callable[[BaseHTTPRequestHandler], None]:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000000")
        handler.end_headers()
        while not stop.wait(0.1):
            handler.wfile.write(b" ")
            handler.wfile.flush()

    return answer


def trickle_headers(stop: threading.Event) -> Callable[[BaseHTTPRequestHandler], None]:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        while not stop.wait(0.1):
            handler.wfile.write(b"X: y\r\n")
            handler.wfile.flush()

    return answer


@pytest.mark.parametrize("trickle", [trickle_body, trickle_headers])
def test_a_registry_that_trickles_is_cut_off_at_the_deadline(
    trickle: Callable[[threading.Event], Callable[[BaseHTTPRequestHandler], None]],
    scripted: Callable[..., Scripted],
    tmp_path: Path,
) -> None:
    stop = threading.Event()
    server = scripted(trickle(stop))
    try:
        client = RegistryClient(server.url, cache_dir=tmp_path, timeout=1, retries=0)
        error = raises_within(5, client.index)
    finally:
        stop.set()
    assert isinstance(error, ClientError)
    assert "timed out after 1s" in str(error)


def test_an_eventlog_gives_up_on_a_trickling_registry_and_its_fetch_thread_ends(
    scripted: Callable[..., Scripted], tmp_path: Path
) -> None:
    stop = threading.Event()
    server = scripted(trickle_body(stop))
    log = EventLog(
        handlers=[],
        allowed_schemas=[CHECKOUT],
        registry_url=server.url,
        registry_cache_dir=str(tmp_path),
        registry_timeout=1.0,
    )
    try:
        error = raises_within(5, lambda: log.preload())
        assert isinstance(error.__cause__ or error, Exception)
        fetchers = [t for t in threading.enumerate() if t.name.startswith("registry-fetch")]
        for thread in fetchers:
            thread.join(5)
        assert not any(thread.is_alive() for thread in fetchers)
    finally:
        stop.set()
        log.close()


def test_a_redirect_to_another_origin_is_refused_and_never_reached(
    scripted: Callable[..., Scripted], tmp_path: Path
) -> None:
    inside = scripted(lambda handler: handler.send_error(200))

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(307)
        handler.send_header("Location", inside.url + "internal/admin?action=delete")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    registry = scripted(redirect)
    client = RegistryClient(registry.url, cache_dir=tmp_path, timeout=2, retries=0)
    error = raises_within(10, client.index)
    assert isinstance(error, ClientError)
    assert "another origin than the registry's" in str(error)
    assert inside.paths == []


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/index.json", "file:///etc/passwd"])
def test_a_redirect_to_another_scheme_is_a_client_error(
    target: str, scripted: Callable[..., Scripted], tmp_path: Path
) -> None:
    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    registry = scripted(redirect)
    client = RegistryClient(registry.url, cache_dir=tmp_path, timeout=2, retries=0)
    error = raises_within(10, client.index)
    assert isinstance(error, ClientError)
    assert target in str(error) and ("another origin" in str(error) or "not allowed" in str(error))


def test_a_redirect_within_the_registry_is_followed(served: Loopback, tmp_path: Path) -> None:
    # the static server redirects `/schemas` to `/schemas/`, the same origin
    client = RegistryClient(served.url + "schemas", cache_dir=tmp_path, retries=0)
    assert client.index().event(CHECKOUT) is not None


def oversized_registry(folder: Path, size: int) -> Path:
    """A published registry whose one schema is about `size` bytes, its digest listed."""
    tree = folder / "tree" / "shop" / "checkout"
    tree.mkdir(parents=True)
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": CHECKOUT,
        "version": 1,
        "title": "Checkout",
        "description": "x" * size,
        "type": "object",
    }
    (tree / "1.json").write_text(json.dumps(body))
    out = folder / "site" / "schemas"
    publish(load_folder(folder / "tree"), Settings(), out)
    return out


def test_a_schema_larger_than_the_limit_is_refused_unparsed(
    scripted: Callable[..., Scripted], tmp_path: Path
) -> None:
    out = oversized_registry(tmp_path, 200_000)
    served = start(out.parent)
    try:
        for url in (str(out), served.url + "schemas/"):
            small = RegistryClient(url, cache_dir=tmp_path / "c", max_schema_bytes=100_000)
            with pytest.raises(SchemaNotFound, match="larger than 100,000 bytes"):
                small.get(CHECKOUT)
            assert RegistryClient(url, cache_dir=tmp_path / "c").get(CHECKOUT)["version"] == 1
        assert served.behaviour.count("/schemas/shop/checkout/1.json") == 2
    finally:
        served.stop()


def test_an_index_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    out = oversized_registry(tmp_path, 10)
    with pytest.raises(ClientError, match="larger than 100 bytes"):
        RegistryClient(out, max_index_bytes=100).index()


@pytest.mark.parametrize(
    "path",
    [
        "../secret.json",
        "%2e%2e/secret.json",
        "a/%2E%2e/../x.json",
        "/etc/passwd",
        "a//b.json",
        "a/%2fb.json",
        "http://elsewhere/x.json",
        "a/./b.json",
    ],
)
def test_index_paths_that_leave_the_registry_are_refused_alike_for_http_and_folders(
    path: str, tmp_path: Path
) -> None:
    with pytest.raises(ClientError, match="leaves"):
        checked_path(path, "the registry")
    with pytest.raises(ClientError, match="leaves"):
        HttpSource("http://127.0.0.1:9/r/", timeout=1, retries=0, backoff=0).location(path)
    assert checked_path("shop/checkout/1.json", "the registry") == "shop/checkout/1.json"
    assert checked_path("a%20b/1.json", "the registry") == "a%20b/1.json"
