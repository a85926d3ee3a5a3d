from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing.exceptions

from registry.client.cache import DiskCache
from registry.client.errors import (
    DigestMismatch,
    InvalidResponse,
    RegistryUnavailable,
    SchemaNotFound,
)
from registry.client.registry_client import RegistryClient
from registry.core.config import Settings
from registry.core.index import canonical_json
from registry.core.model import Severity
from registry.core.refs import ReferenceOutsideRegistry
from registry.publish.writer import publish
from registry.sources.tree import load_folder
from tests.loopback import Loopback, start
from tests.paths import PUBLISH_FIXTURES

BASE = "https://events.example.org/schemas/"
CHECKOUT = BASE + "shop/checkout"
ADDRESS = BASE + "shop/address"
OPENED = BASE + "app/opened"

_network_events: list[tuple[str, tuple[Any, ...]]] = []
_recording = threading.Event()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _recording.is_set() and event in ("socket.connect", "socket.getaddrinfo"):
        _network_events.append((event, args))


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches the user's cache: the default folder points into tmp_path."""
    folder = tmp_path / "default-cache"
    monkeypatch.setenv("TELEMETRY_REGISTRY_CACHE", str(folder))
    return folder


def client(served: Loopback, cache: Path, **options: Any) -> RegistryClient:
    options.setdefault("retries", 0)
    return RegistryClient(served.url + "schemas/", cache_dir=cache, **options)


def test_index_and_schemas_come_from_the_served_url_not_the_base_url(
    served: Loopback, tmp_path: Path
) -> None:
    registry = client(served, tmp_path / "cache")
    index = registry.index()
    assert index.base_url == BASE
    assert set(index.events) == {CHECKOUT, ADDRESS, OPENED, BASE + "legacy/ping"}
    body = registry.get(CHECKOUT, 1)
    assert body == json.loads((served.root / "schemas/shop/checkout/1.json").read_bytes())
    assert served.behaviour.count("/schemas/index.json") == 1
    assert served.behaviour.count("/schemas/shop/checkout/1.json") == 1


def test_version_none_is_the_latest_and_versions_can_be_named_several_ways(
    served: Loopback, tmp_path: Path
) -> None:
    registry = client(served, tmp_path / "cache")
    assert registry.get(CHECKOUT)["version"] == 2
    assert registry.get(OPENED)["version"] == "1.1.0-rc.1"
    assert registry.get(OPENED, "1.0.0")["version"] == "1.0.0"
    assert registry.get(CHECKOUT, "1")["version"] == 1
    assert registry.get(CHECKOUT + "/1.json")["version"] == 1
    assert registry.get(CHECKOUT + "/latest.json")["version"] == 2


def test_get_returns_a_copy_the_caller_may_change(served: Loopback, tmp_path: Path) -> None:
    registry = client(served, tmp_path / "cache")
    registry.get(CHECKOUT)["title"] = "changed"
    assert registry.get(CHECKOUT)["title"] == "Checkout completed"


def test_refs_between_registry_schemas_resolve_through_the_served_url(
    served: Loopback, tmp_path: Path
) -> None:
    registry = client(served, tmp_path / "cache")
    validator = registry.validator(CHECKOUT)
    validator.validate({"total": 3.5, "address": {"city": "Lyon", "country": "FR"}})
    with pytest.raises(jsonschema.ValidationError, match="does not match"):
        validator.validate({"total": 3.5, "address": {"city": "Lyon", "country": "fr"}})
    assert served.behaviour.count("/schemas/shop/address/1.json") == 1


def test_the_index_is_revalidated_with_its_etag_once_the_ttl_has_passed(
    served: Loopback, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = client(served, cache, ttl=0)
    first.get(CHECKOUT)
    assert served.behaviour.requests[0].if_none_match is None
    second = client(served, cache, ttl=0)
    assert second.get(CHECKOUT) == first.get(CHECKOUT)
    index_requests = [r for r in served.behaviour.requests if r.path == "/schemas/index.json"]
    assert [r.status for r in index_requests] == [200, 304, 304]
    assert all(r.if_none_match for r in index_requests[1:])
    assert served.behaviour.count("/schemas/shop/checkout/2.json") == 1


def test_without_an_etag_the_index_is_revalidated_by_last_modified(
    served: Loopback, tmp_path: Path
) -> None:
    served.behaviour.modes["/schemas/index.json"] = "no-etag"
    cache = tmp_path / "cache"
    client(served, cache, ttl=0).index()
    client(served, cache, ttl=0).index()
    statuses = [r.status for r in served.behaviour.requests if r.path == "/schemas/index.json"]
    assert statuses == [200, 304]


def test_within_the_ttl_the_cached_index_is_used_without_a_request(
    served: Loopback, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    client(served, cache, ttl=3600).get(CHECKOUT)
    client(served, cache, ttl=3600).get(CHECKOUT)
    assert served.behaviour.count("/schemas/index.json") == 1
    assert served.behaviour.count("/schemas/shop/checkout/2.json") == 1


def test_a_stopped_server_falls_back_to_the_cache_with_a_warning(
    served: Loopback, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    expected = client(served, cache, ttl=0).get(CHECKOUT)
    served.stop()
    with caplog.at_level(logging.WARNING, logger="registry.client"):
        assert client(served, cache, ttl=0).get(CHECKOUT) == expected
    assert any("unreachable" in record.getMessage() for record in caplog.records)


def test_a_stopped_server_and_no_cached_copy_is_a_clear_error(
    served: Loopback, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    client(served, cache, ttl=0).get(CHECKOUT)
    url = served.url
    served.stop()
    with pytest.raises(SchemaNotFound) as caught:
        client(served, cache, ttl=0).get(OPENED)
    error = caught.value
    assert (error.schema_id, error.version, error.url) == (OPENED, None, url + "schemas/")
    assert "cannot connect" in error.reason
    with pytest.raises(SchemaNotFound, match="cannot connect"):
        client(served, tmp_path / "empty", ttl=0).get(CHECKOUT)


def test_a_tampered_schema_file_is_refused_with_both_digests(
    served: Loopback, tmp_path: Path
) -> None:
    path = served.root / "schemas/shop/checkout/2.json"
    body = json.loads(path.read_bytes())
    body["required"] = []
    path.write_bytes(canonical_json(body))
    with pytest.raises(DigestMismatch) as caught:
        client(served, tmp_path / "cache").get(CHECKOUT)
    error = caught.value
    index = json.loads((served.root / "schemas/index.json").read_bytes())
    assert error.expected == index["files"]["shop/checkout/2.json"]["sha256"]
    assert error.actual != error.expected
    assert error.url.endswith("/schemas/shop/checkout/2.json")
    assert not DiskCache(tmp_path / "cache").path_for(error.url).exists()


@pytest.fixture
def foreign_ref_server(tmp_path: Path) -> Iterator[Loopback]:
    settings = Settings(rules={"ref-in-registry": Severity.OFF, "ref-resolves": Severity.OFF})
    site = tmp_path / "foreign-site"
    publish(load_folder(PUBLISH_FIXTURES / "foreign-ref"), settings, site / "schemas")
    server = start(site)
    yield server
    server.stop()


def test_a_ref_to_another_host_is_refused_without_any_connection_attempt(
    foreign_ref_server: Loopback, tmp_path: Path
) -> None:
    registry = client(foreign_ref_server, tmp_path / "cache")
    validator = registry.validator(BASE + "shop/tracker")
    _network_events.clear()
    _recording.set()
    try:
        with pytest.raises(referencing.exceptions.Unresolvable):
            validator.validate({"position": {"lat": 1}})
        with pytest.raises(referencing.exceptions.Unretrievable) as caught:
            registry.registry().get_or_retrieve("https://elsewhere.example.com/schemas/geo/1.json")
    finally:
        _recording.clear()
    assert isinstance(caught.value.__cause__, ReferenceOutsideRegistry)
    assert _network_events == []


def test_a_hanging_server_times_out_after_the_retries(served: Loopback, tmp_path: Path) -> None:
    served.behaviour.modes["/schemas/index.json"] = "hang"
    registry = client(served, tmp_path / "cache", timeout=0.3, retries=1, backoff=0.01)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            registry.get(CHECKOUT)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=attempt)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the timeout never fired"
    [error] = outcome
    assert isinstance(error, SchemaNotFound)
    assert "timed out after 0.3s" in error.reason
    assert served.behaviour.count("/schemas/index.json") == 2


def test_a_transient_server_error_is_retried(served: Loopback, tmp_path: Path) -> None:
    served.behaviour.modes["/schemas/index.json"] = "fail-once"
    registry = client(served, tmp_path / "cache", retries=2, backoff=0.01)
    assert registry.get(CHECKOUT)["version"] == 2
    statuses = [r.status for r in served.behaviour.requests if r.path == "/schemas/index.json"]
    assert statuses == [503, 200]


@pytest.mark.parametrize(
    ("path", "mode", "message"),
    [
        ("/schemas/index.json", "html", "sent HTML, not JSON"),
        ("/schemas/index.json", "truncate", "not valid JSON"),
        ("/schemas/shop/checkout/2.json", "html", "sent HTML, not JSON"),
        ("/schemas/shop/checkout/2.json", "truncate", "cut short"),
    ],
)
def test_html_or_truncated_responses_are_a_clear_error(
    served: Loopback, tmp_path: Path, path: str, mode: str, message: str
) -> None:
    served.behaviour.modes[path] = mode
    with pytest.raises(InvalidResponse, match=message) as caught:
        client(served, tmp_path / "cache").get(CHECKOUT)
    assert caught.value.url == served.url + path.lstrip("/")
    assert "folder that holds index.json" in str(caught.value)


def test_a_url_without_an_index_says_where_to_point(served: Loopback, tmp_path: Path) -> None:
    registry = RegistryClient(served.url + "elsewhere/", cache_dir=tmp_path / "cache")
    with pytest.raises(RegistryUnavailable, match="404") as caught:
        registry.index()
    assert "folder that holds index.json" in caught.value.reason


def test_a_corrupt_cache_entry_is_discarded_and_fetched_again(
    served: Loopback, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    expected = client(served, cache).get(CHECKOUT)
    disk = DiskCache(cache)
    schema_entry = disk.path_for(served.url + "schemas/shop/checkout/2.json")
    index_entry = disk.path_for(served.url + "schemas/index.json")
    schema_entry.write_bytes(b'{"format": 1, "body": "trunc')
    document = json.loads(index_entry.read_bytes())
    document["body"] = document["body"].replace("checkout", "checkin")
    index_entry.write_text(json.dumps(document), encoding="utf-8")
    assert client(served, cache, ttl=3600).get(CHECKOUT) == expected
    assert served.behaviour.count("/schemas/index.json") == 2
    assert served.behaviour.count("/schemas/shop/checkout/2.json") == 2
    assert disk.load(served.url + "schemas/shop/checkout/2.json") is not None


def test_offline_reads_only_the_cache(served: Loopback, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = client(served, cache).get(CHECKOUT)
    before = len(served.behaviour.requests)
    assert client(served, cache, offline=True, ttl=0).get(CHECKOUT) == expected
    with pytest.raises(SchemaNotFound, match="offline"):
        client(served, cache, offline=True).get(OPENED)
    with pytest.raises(SchemaNotFound, match="offline"):
        client(served, tmp_path / "empty", offline=True).get(CHECKOUT)
    assert len(served.behaviour.requests) == before


def test_unknown_events_and_versions_are_schema_not_found_with_the_reason(
    served: Loopback, tmp_path: Path
) -> None:
    registry = client(served, tmp_path / "cache")
    with pytest.raises(SchemaNotFound, match="lists no event") as caught:
        registry.get(BASE + "shop/refund")
    assert caught.value.schema_id == BASE + "shop/refund"
    with pytest.raises(SchemaNotFound, match="its versions are 1, 2") as caught:
        registry.get(CHECKOUT, 7)
    assert caught.value.version == "7"


@pytest.mark.parametrize("form", ["folder", "file-url", "index-path"])
def test_local_folders_and_file_urls_are_read_and_verified(site: Path, form: str) -> None:
    root = site / "schemas"
    urls: dict[str, str | Path] = {
        "folder": root,
        "file-url": root.as_uri(),
        "index-path": str(root / "index.json"),
    }
    url = urls[form]
    registry = RegistryClient(url)
    assert registry.get(CHECKOUT, 1) == json.loads((root / "shop/checkout/1.json").read_bytes())
    registry.validator(CHECKOUT).validate(
        {"total": 1, "address": {"city": "Lyon", "country": "FR"}}
    )
    (root / "app/opened/1.0.0.json").write_bytes(b"{}\n")
    with pytest.raises(DigestMismatch):
        registry.get(OPENED, "1.0.0")


def test_a_missing_folder_is_schema_not_found(tmp_path: Path) -> None:
    with pytest.raises(SchemaNotFound, match="no such folder"):
        RegistryClient(tmp_path / "absent").get(CHECKOUT)


def test_one_client_shared_by_threads_fetches_each_file_once(
    served: Loopback, tmp_path: Path
) -> None:
    registry = client(served, tmp_path / "cache")
    results: list[tuple[Any, Any]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        try:
            barrier.wait(10)
            pair = (registry.get(CHECKOUT), registry.get(ADDRESS))
            registry.validator(CHECKOUT).validate(
                {"total": 1, "address": {"city": "Lyon", "country": "FR"}}
            )
            results.append(pair)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(results) == 8
    assert all(result == results[0] for result in results)
    for path in ("index.json", "shop/checkout/2.json", "shop/address/1.json"):
        assert served.behaviour.count("/schemas/" + path) == 1, path


def test_bad_urls_and_options_are_refused_up_front() -> None:
    for url in ("ftp://example.org/registry/", "https://example.org/r/?x=1", "file://host/x"):
        with pytest.raises(ValueError):
            RegistryClient(url)
    with pytest.raises(ValueError):
        RegistryClient("https://example.org/r/", timeout=0)


def test_offline_still_reads_a_local_folder(site: Path) -> None:
    registry = RegistryClient(site / "schemas", offline=True)
    assert registry.get(CHECKOUT)["version"] == 2


def test_the_readme_client_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (PUBLISH_FIXTURES.parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Publishing and the registry client", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]
    assert blocks
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), tmp_path / "public" / "schemas")
    monkeypatch.chdir(tmp_path)  # the README reads publish's default output, public/schemas
    for block in blocks:
        namespace: dict[str, Any] = {}
        exec(compile(block, "README.md", "exec"), namespace)
        assert namespace["schema"]["version"] == 2
        assert namespace["first"]["version"] == 1
