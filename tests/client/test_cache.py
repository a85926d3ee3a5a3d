from __future__ import annotations

import logging
from pathlib import Path

import platformdirs
import pytest

from registry.client.cache import CACHE_ENV, CacheEntry, DiskCache, default_cache_dir

URL = "http://127.0.0.1:1/schemas/index.json"


def test_the_env_var_overrides_the_platform_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(CACHE_ENV)
    assert default_cache_dir() == Path(platformdirs.user_cache_dir("telemetry-registry", False))


def test_an_entry_round_trips_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    entry = CacheEntry(URL, '{"é": 1}\n'.encode(), 12.5, '"tag"', "Sun, 01 Jan 2026 00:00:00 GMT")
    cache.store(entry)
    assert cache.load(URL) == entry
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [cache.path_for(URL).name]
    assert cache.load(URL + "?other") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: text.replace('"checkedAt": 12.5', '"checkedAt": "soon"'),
        lambda text: text.replace("\\u00e9", "e"),
        lambda text: "[]",
    ],
)
def test_a_damaged_entry_is_discarded(tmp_path: Path, damage: object) -> None:
    cache = DiskCache(tmp_path)
    cache.store(CacheEntry(URL, '{"é": 1}\n'.encode(), 12.5))
    path = cache.path_for(URL)
    original = path.read_text(encoding="utf-8")
    damaged = damage(original)  # type: ignore[operator]
    assert damaged != original
    path.write_text(damaged, encoding="utf-8")
    assert cache.load(URL) is None
    assert not path.exists()


def test_an_unwritable_cache_only_logs_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="registry.client"):
        DiskCache(blocker).store(CacheEntry(URL, b"{}", 1.0))
    assert "cannot write the registry cache" in caplog.text
    assert DiskCache(blocker).load(URL) is None
