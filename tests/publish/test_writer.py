from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.cli import main
from registry.core.config import Settings
from registry.core.ids import below, version_uri
from registry.core.index import canonical_json, disk_path, sha256_hex
from registry.core.model import Severity
from registry.publish.writer import (
    LintFailed,
    OutputNotRegistry,
    PathCollision,
    UnsafeId,
    check_collisions,
    publish,
    render_registry,
    write_tree,
)
from registry.sources.tree import load_folder
from tests.paths import PUBLISH_FIXTURES

BASE = "https://events.example.org/schemas/"


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def project(tmp_path: Path, tree: str, *, rules: str = "") -> Path:
    """A project folder: pyproject.toml with the default base URL, and a copy of a fixture tree."""
    folder = tmp_path / "project"
    shutil.copytree(PUBLISH_FIXTURES / tree, folder / "schemas")
    (folder / "pyproject.toml").write_text(
        f'[tool.telemetry-registry]\nbase-url = "{BASE}"\n{rules}', encoding="utf-8"
    )
    return folder


def test_every_version_is_written_as_canonical_json_at_its_version_uri(tmp_path: Path) -> None:
    snapshot = load_folder(PUBLISH_FIXTURES / "good")
    out = tmp_path / "out"
    result = publish(snapshot, Settings(), out)
    assert result.events == 4
    assert result.versions == 6
    for schema in snapshot.schemas:
        assert schema.ref is not None
        path = out / version_uri(schema.ref).removeprefix(BASE)
        assert path.read_bytes() == canonical_json(dict(schema.body))
    assert json.loads((out / "shop/checkout/2.json").read_bytes())["version"] == 2


def test_the_bare_id_folder_holds_the_latest_version(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), out)
    latest = (out / "app/opened/1.1.0-rc.1.json").read_bytes()
    assert (out / "app/opened/latest.json").read_bytes() == latest
    page = (out / "app/opened/index.html").read_text()
    assert page.startswith("<!doctype html>")
    assert html.unescape(page.split("<pre>", 1)[1].split("</pre>", 1)[0]) == latest.decode()
    assert (out / "shop/checkout/latest.json").read_bytes() == (
        out / "shop/checkout/2.json"
    ).read_bytes()


def test_the_index_lists_events_versions_in_order_status_and_every_files_digest(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), out)
    index = json.loads((out / "index.json").read_bytes())
    assert index["baseUrl"] == BASE
    events = {event["id"]: event for event in index["events"]}
    assert list(events) == sorted(events)
    opened = events[BASE + "app/opened"]
    assert [v["version"] for v in opened["versions"]] == ["1.0.0", "1.1.0-rc.1"]
    assert [v["status"] for v in opened["versions"]] == ["stable", "draft"]
    assert (opened["latest"], opened["status"]) == ("1.1.0-rc.1", "draft")
    assert events[BASE + "legacy/ping"]["status"] == "deprecated"
    assert events[BASE + "shop/checkout"]["title"] == "Checkout completed"
    on_disk = tree_bytes(out)
    del on_disk["index.json"]
    assert set(index["files"]) == set(on_disk)
    for path, data in on_disk.items():
        assert index["files"][path] == {"sha256": sha256_hex(data), "size": len(data)}
    for event in index["events"]:
        for version in event["versions"]:
            assert version["sha256"] == index["files"][version["path"]]["sha256"]


def test_publishing_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), first)
    copy = tmp_path / "copy"
    shutil.copytree(PUBLISH_FIXTURES / "good", copy)
    publish(load_folder(copy), Settings(), second)
    assert tree_bytes(first) == tree_bytes(second)
    before = tree_bytes(first)
    publish(load_folder(copy), Settings(), first)
    assert tree_bytes(first) == before


def test_publish_with_a_lint_error_leaves_the_previous_output_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project(tmp_path, "good")
    monkeypatch.chdir(folder)
    assert main(["publish"]) == 0
    out = folder / "public" / "schemas"
    before = tree_bytes(out)
    assert before
    shutil.rmtree(folder / "schemas")
    shutil.copytree(PUBLISH_FIXTURES / "lint-error", folder / "schemas")
    capsys.readouterr()
    assert main(["publish"]) == 1
    captured = capsys.readouterr()
    assert "[title-present]" in captured.out
    assert "publish refused" in captured.err
    assert tree_bytes(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["schemas"]


def test_publish_refuses_an_id_that_decodes_to_a_dot_dot_segment(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), out)
    before = tree_bytes(out)
    encoded = load_folder(PUBLISH_FIXTURES / "encoded-dots")
    with pytest.raises(LintFailed) as refused:
        publish(encoded, Settings(), out)
    assert [f.rule for f in refused.value.findings] == ["id-format"]
    id_rules_off = Settings(rules={"id-format": Severity.OFF, "id-matches-path": Severity.OFF})
    with pytest.raises(UnsafeId, match=r"`\.` or `\.\.` segment"):
        publish(encoded, id_rules_off, out)
    assert tree_bytes(out) == before
    assert not (tmp_path / "escape").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_publish_defends_against_dot_segments_even_with_lint_rules_off(tmp_path: Path) -> None:
    settings = Settings(
        rules={rule: Severity.OFF for rule in ("id-format", "id-matches-path", "id-under-base")}
    )
    tree = tmp_path / "tree" / "x"
    tree.mkdir(parents=True)
    (tree / "1.json").write_text(
        json.dumps(
            {"$id": BASE + "../../escape", "version": 1, "title": "t", "description": "d"}
            | {"type": "object"}
        ),
        encoding="utf-8",
    )
    with pytest.raises(UnsafeId):
        publish(load_folder(tmp_path / "tree"), settings, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_publish_refuses_an_event_whose_folder_would_replace_the_index(tmp_path: Path) -> None:
    with pytest.raises(PathCollision, match=r"index\.json"):
        publish(load_folder(PUBLISH_FIXTURES / "collision"), Settings(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_paths_that_differ_only_in_case_or_nest_in_a_file_collide() -> None:
    with pytest.raises(PathCollision):
        check_collisions(["a/Event/1.json", "a/event/1.json"])
    with pytest.raises(PathCollision):
        check_collisions(["a/b.json", "a/b.json/1.json"])
    with pytest.raises(PathCollision):
        check_collisions(["a/b%20c/1.json", "a/b c/1.json"])
    check_collisions(["a/b/1.json", "a/b/2.json", "a/bc/1.json", "index.json"])


segments = st.sampled_from(["a", ".", "..", "%2e", "%2E%2e", "%2F", "%5C", "b%20c", ""]) | st.text(
    max_size=6
)


@given(st.lists(segments, min_size=1, max_size=5).map("/".join))
def test_a_published_folder_never_leaves_the_output(suffix: str) -> None:
    folder = below(BASE + suffix, BASE)
    if folder is None:
        return
    root = Path("/srv/registry")
    target = Path("/srv/registry", disk_path(folder))
    assert target.resolve().is_relative_to(root)
    assert target != root


def test_publish_will_not_replace_a_folder_that_is_not_a_registry(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputNotRegistry):
        publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), precious)
    assert tree_bytes(precious) == {"notes.txt": b"keep me"}


def test_a_failure_while_writing_leaves_the_previous_output_and_no_staging_folder(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), out)
    before = tree_bytes(out)
    files = render_registry(load_folder(PUBLISH_FIXTURES / "good"), BASE)
    with pytest.raises(TypeError):
        write_tree({**files, "zzz/broken.json": "not bytes"}, out)  # type: ignore[dict-item]
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_lint_failure_carries_every_finding(tmp_path: Path) -> None:
    with pytest.raises(LintFailed) as caught:
        publish(load_folder(PUBLISH_FIXTURES / "lint-error"), Settings(), tmp_path / "out")
    assert [f.rule for f in caught.value.findings] == ["title-present"]
    assert not (tmp_path / "out").exists()


def test_cli_publish_writes_public_under_the_base_url_path_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project(tmp_path, "good")
    monkeypatch.chdir(folder / "schemas")
    assert main(["publish"]) == 0
    assert (folder / "public" / "schemas" / "index.json").is_file()
    assert "published 4 events (6 versions, 16 files)" in capsys.readouterr().out
    assert main(["publish", "--out", str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere" / "shop" / "checkout" / "2.json").is_file()


def test_cli_publish_prints_warnings_and_publishes_when_errors_are_downgraded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project(tmp_path, "lint-error", rules='rules = { title-present = "warning" }\n')
    monkeypatch.chdir(folder)
    assert main(["publish"]) == 0
    out = capsys.readouterr().out
    assert "warning [title-present]" in out
    index = json.loads((folder / "public/schemas/index.json").read_bytes())
    assert index["events"][0]["title"] == ""


def test_cli_publish_into_a_foreign_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project(tmp_path, "good")
    monkeypatch.chdir(folder)
    assert main(["publish", "--out", "schemas"]) == 2
    assert "does not hold a published registry" in capsys.readouterr().err
    assert (folder / "schemas" / "shop" / "checkout" / "1.yaml").is_file()


@pytest.mark.shared
def test_the_imported_iglu_corpus_publishes_and_reads_back(shared: Path, tmp_path: Path) -> None:
    from registry.client.registry_client import RegistryClient
    from registry.sources.iglu import import_iglu

    tree = tmp_path / "tree"
    import_iglu(shared / "corpora" / "iglu-central", tree, BASE)
    snapshot = load_folder(tree)
    with pytest.raises(LintFailed):
        publish(snapshot, Settings(), tmp_path / "refused")
    downgraded: tuple[str, ...] = (
        "title-present",
        "description-present",
        "property-description",
        "type-object",
    )
    downgraded += ("reserved-property", "ref-in-registry", "ref-resolves")
    settings = Settings(rules={rule: Severity.WARNING for rule in downgraded})
    result = publish(snapshot, settings, tmp_path / "out")
    assert result.versions == len(snapshot.schemas) > 600
    client = RegistryClient(tmp_path / "out")
    for schema_id, versions in list(snapshot.by_id.items())[::50]:
        assert client.get(schema_id) == dict(versions[-1].body)
        assert client.get(schema_id, versions[0].version) == dict(versions[0].body)


def test_cli_publish_without_a_schema_root_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.telemetry-registry]\n", encoding="utf-8")
    assert main(["publish"]) == 2
    assert "the schema root is not a folder" in capsys.readouterr().err
    assert not (tmp_path / "public").exists()


def test_republishing_through_a_symlinked_output_leaves_nothing_behind(tmp_path: Path) -> None:
    real = tmp_path / "real"
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), real)
    link = tmp_path / "link"
    link.symlink_to(real)
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), link)
    assert tree_bytes(link) == tree_bytes(real)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]
