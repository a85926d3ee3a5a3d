"""`telemetry-registry fetch URL --into DIR`: a verified snapshot of a served registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry import cli
from registry.eventlog.event_log import EventLog
from registry.publish.vendor import VendorError, vendor
from tests.eventlog.test_event_log import Lines
from tests.loopback import Loopback

CHECKOUT = "https://events.example.org/schemas/shop/checkout"


def published_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_fetch_copies_every_published_file_byte_for_byte(
    served: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "vendored"
    code = cli.main(["fetch", served.url + "schemas/", "--into", str(into)])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert published_files(into) == published_files(served.root / "schemas")
    assert "fetched 4 events" in out and "point registry_url at that folder" in out


def test_an_eventlog_records_from_the_vendored_folder_without_the_server(
    served: Loopback, tmp_path: Path
) -> None:
    into = tmp_path / "vendored"
    vendor(served.url + "schemas/", into)
    served.stop()
    lines = Lines()
    for url in (str(into), into.as_uri()):
        log = EventLog(handlers=[lines], allowed_schemas=[CHECKOUT], registry_url=url)
        log.record_event(CHECKOUT, 2, {"total": 1, "address": {"city": "Oslo", "country": "NO"}})
    assert len(lines.events) == 2


def test_fetch_again_replaces_the_snapshot_and_refuses_a_folder_holding_other_things(
    served: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "vendored"
    vendor(served.url + "schemas/", into)
    (into / "stale.json").write_text("{}")
    assert cli.main(["fetch", served.url + "schemas/", "--into", str(into)]) == 0
    assert not (into / "stale.json").exists()
    other = tmp_path / "home"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    capsys.readouterr()
    assert cli.main(["fetch", served.url + "schemas/", "--into", str(other)]) == 2
    assert "does not hold a published registry" in capsys.readouterr().err
    assert (other / "notes.txt").read_text() == "mine"


def test_a_file_that_differs_from_the_index_aborts_the_fetch_and_writes_nothing(
    served: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published = served.root / "schemas/shop/address/1.json"
    body = json.loads(published.read_text())
    body["required"] = []
    published.write_text(json.dumps(body))
    into = tmp_path / "vendored"
    assert cli.main(["fetch", served.url + "schemas/", "--into", str(into)]) == 1
    err = capsys.readouterr().err
    assert "shop/address/1.json has sha256" in err and "was left as it was" in err
    assert not into.exists()


def test_an_unreachable_registry_or_a_bad_url_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "vendored"
    assert cli.main(["fetch", str(tmp_path / "nowhere"), "--into", str(into)]) == 2
    assert "nowhere: no such folder" in capsys.readouterr().err
    assert cli.main(["fetch", "ftp://example.org/", "--into", str(into)]) == 2
    assert "http(s)://, file:// or a folder" in capsys.readouterr().err
    assert cli.main(["fetch", "x", "--into", str(into), "--timeout", "0"]) == 2
    with pytest.raises(VendorError, match="not a registry index"):
        (tmp_path / "html").mkdir()
        (tmp_path / "html" / "index.json").write_text("<html></html>")
        vendor(tmp_path / "html", into)
    assert not into.exists()


def test_a_registry_listing_more_than_max_bytes_is_refused_before_anything_is_fetched(
    served: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = tmp_path / "vendored"
    listed = json.loads((served.root / "schemas/index.json").read_text())
    total = len((served.root / "schemas/index.json").read_bytes()) + sum(
        entry["size"] for entry in listed["files"].values()
    )
    argv = ["fetch", served.url + "schemas/", "--into", str(into)]
    assert cli.main([*argv, "--max-bytes", str(total - 1)]) == 1
    err = capsys.readouterr().err
    assert f"lists {total:,} bytes, over the limit of {total - 1:,}" in err
    assert "raise --max-bytes" in err and not into.exists()
    assert cli.main([*argv, "--max-bytes", str(total)]) == 0
    assert cli.main([*argv, "--max-bytes", "0"]) == 2


def test_a_file_larger_than_the_index_says_is_cut_off_and_nothing_is_written(
    served: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published = served.root / "schemas/shop/address/1.json"
    published.write_bytes(published.read_bytes() + b" " * 10_000_000)
    into = tmp_path / "vendored"
    assert cli.main(["fetch", served.url + "schemas/", "--into", str(into)]) == 1
    err = capsys.readouterr().err
    assert "shop/address/1.json" in err and "larger than" in err and "was left as it was" in err
    assert not into.exists()
    assert not list(tmp_path.glob(".vendored.new-*"))  # the staging folder is gone too
