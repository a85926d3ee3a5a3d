from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from registry.publish.serve import etag_matches
from tests.loopback import Loopback
from tests.paths import PROJECT


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def test_files_carry_an_etag_and_a_matching_if_none_match_gets_304(served: Loopback) -> None:
    url = served.url + "schemas/index.json"
    status, headers, body = fetch(url)
    assert status == 200
    assert headers["Content-type"] == "application/json"
    etag = headers["ETag"]
    assert body == (served.root / "schemas" / "index.json").read_bytes()
    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert (status, body, headers["ETag"]) == (304, b"", etag)
    status, _, _ = fetch(url, {"If-None-Match": '"something-else"'})
    assert status == 200


def test_a_changed_file_gets_a_new_etag(served: Loopback) -> None:
    url = served.url + "schemas/shop/checkout/1.json"
    _, headers, _ = fetch(url)
    path = served.root / "schemas" / "shop" / "checkout" / "1.json"
    path.write_bytes(path.read_bytes() + b" ")
    status, changed, _ = fetch(url, {"If-None-Match": headers["ETag"]})
    assert status == 200
    assert changed["ETag"] != headers["ETag"]


def test_the_bare_id_redirects_to_its_folder_which_answers_with_the_latest(
    served: Loopback,
) -> None:
    status, headers, body = fetch(served.url + "schemas/shop/checkout")
    assert status == 200
    latest = (served.root / "schemas" / "shop" / "checkout" / "2.json").read_bytes()
    assert body == (served.root / "schemas" / "shop" / "checkout" / "index.html").read_bytes()
    assert headers["Content-type"] == "text/html; charset=utf-8"
    assert latest.decode() in html.unescape(body.decode())
    assert "ETag" in headers
    assert served.behaviour.count("/schemas/shop/checkout", 301) == 1


def test_etag_matching_follows_if_none_match_lists_and_weak_tags() -> None:
    assert etag_matches('"a", "b"', '"b"')
    assert etag_matches('W/"b"', '"b"')
    assert etag_matches("*", '"b"')
    assert not etag_matches('"a"', '"b"')


def test_the_serve_command_serves_the_site_until_interrupted(site: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "serve", "--port", "0", "--dir", str(site)],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("serving ")
        root = first.split(" at ")[1].strip()
        registry_line = process.stdout.readline()
        assert registry_line.strip() == f"registry: {root}schemas/index.json"
        status, _, body = fetch(root + "schemas/index.json")
        assert status == 200
        assert body == (site / "schemas" / "index.json").read_bytes()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_serve_refuses_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from registry.cli import main

    assert main(["serve", "--dir", str(tmp_path / "absent"), "--port", "0"]) == 2
    assert "run `telemetry-registry publish` first" in capsys.readouterr().err


def test_serve_on_a_port_in_use_is_a_usage_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    from registry.cli import main

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        assert main(["serve", "--dir", str(site), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert f"hint: choose another port with `--port {port + 1}` (`make run PORT={port + 1}`" in err


def test_an_unknown_path_is_answered_with_the_sites_own_404_page(site: Path) -> None:
    import urllib.error
    import urllib.request

    from tests.loopback import start

    (site / "404.html").write_text("<h1>Not here, but the search is</h1>", encoding="utf-8")
    server = start(site)
    try:
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.url + "no/such/page/", timeout=10)
    finally:
        server.stop()

    assert missing.value.code == 404
    assert missing.value.read() == b"<h1>Not here, but the search is</h1>"
    assert missing.value.headers["Content-Type"] == "text/html; charset=utf-8"


def test_the_makefile_passes_its_port_to_serve() -> None:
    import subprocess

    from tests.paths import PROJECT

    dry = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "run", "PORT=8001", "BIN=.venv/bin"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "telemetry-registry serve --port 8001" in dry.stdout


def test_every_answer_says_nosniff_and_a_published_schema_is_json(served: Loopback) -> None:
    _, headers, _ = fetch(served.url + "schemas/shop/checkout/2.json")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-type"] == "application/json"
    status, headers, _ = fetch(served.url + "nowhere")
    assert (status, headers["X-Content-Type-Options"]) == (404, "nosniff")


def test_links_out_of_the_served_folder_are_not_found(served: Loopback, tmp_path: Path) -> None:
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "secret.txt").write_text("not for the web")
    (secret / "index.html").write_text("<!doctype html><p>not for the web")
    (served.root / "leak.txt").symlink_to(secret / "secret.txt")
    (served.root / "folder").symlink_to(secret, target_is_directory=True)
    os.mkdir(served.root / "inner")
    (served.root / "inner" / "index.html").symlink_to(secret / "index.html")
    (served.root / "alias.json").symlink_to(served.root / "schemas" / "index.json")
    for path in ("leak.txt", "folder/", "folder/secret.txt", "inner/"):
        status, _, body = fetch(served.url + path)
        assert status == 404, path
        assert b"not for the web" not in body
    assert fetch(served.url + "alias.json")[0] == 200  # a link that stays inside is served


def test_an_idle_half_sent_request_is_dropped_and_the_server_goes_on_answering(
    site: Path,
) -> None:
    import socket
    import threading

    from registry.publish.serve import RegistryRequestHandler, make_server, server_url

    class Impatient(RegistryRequestHandler):
        timeout = 0.2

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = make_server(site, handler=Impatient)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = str(server.server_address[0]), int(server.server_address[1])
        with socket.create_connection((host, port), timeout=30) as idle:
            idle.sendall(b"GET /schemas/index.json HTTP/1.1\r\nHost: x\r\n")  # never finished
            assert idle.recv(1024) == b""  # closed by the server, not by our own timeout
        assert fetch(server_url(server) + "schemas/index.json")[0] == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
