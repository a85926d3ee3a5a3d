from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry import cli
from registry.checks.lint import lint
from registry.core.config import Settings
from registry.core.model import Severity
from registry.sources.iglu import import_iglu
from registry.sources.tree import load_folder
from tests.paths import FIXTURES

BASE = "https://events.example.org/schemas/"
LENIENT = Settings(rules={rule: Severity.OFF for rule in ("title-present", "property-description")})


def test_iglu_schemas_become_versioned_schemas_of_this_layout(tmp_path: Path) -> None:
    result = import_iglu(FIXTURES / "iglu", tmp_path, BASE)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in result.written)
    assert written == [
        "com.acme/link_click/1.0.0.json",
        "com.acme/order/1.0.0.json",
        "com.acme/order/1.0.1.json",
    ]
    source = json.loads((FIXTURES / "iglu/com.acme/order/1-0-1.json").read_text())
    converted = json.loads((tmp_path / "com.acme/order/1.0.1.json").read_text())
    assert converted.pop("$id") == BASE + "com.acme/order"
    assert converted.pop("version") == "1.0.1"
    del source["self"]
    assert converted == source
    assert list(json.loads((tmp_path / "com.acme/order/1.0.0.json").read_text()))[:3] == [
        "$schema",
        "$id",
        "version",
    ]


def test_what_cannot_be_converted_is_reported_with_a_reason(tmp_path: Path) -> None:
    result = import_iglu(FIXTURES / "iglu", tmp_path, BASE)
    reasons = {skipped.path.name: skipped.reason for skipped in result.skipped}
    assert reasons == {
        "1-0-0.json": "format 'avro' is not jsonschema",
        "notes.json": "not a self-describing schema (no `self` block)",
    }


def test_imported_schemas_pass_lint_apart_from_what_iglu_does_not_require(tmp_path: Path) -> None:
    import_iglu(FIXTURES / "iglu", tmp_path, BASE)
    assert lint(load_folder(tmp_path), LENIENT) == []


def test_an_existing_different_file_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "com.acme/order/1.0.0.json"
    target.parent.mkdir(parents=True)
    target.write_text("{}\n")
    result = import_iglu(FIXTURES / "iglu", tmp_path, BASE)
    assert target.read_text() == "{}\n"
    assert any("exists with other content" in s.reason for s in result.skipped)


def test_import_command_reports_counts_and_skips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["import-iglu", str(FIXTURES / "iglu"), str(tmp_path / "tree")])
    out, err = capsys.readouterr()
    assert code == 0
    assert "imported 3 schemas" in out and "2 files skipped" in out
    assert err.count("skipped ") == 2


def test_the_iglu_central_corpus_imports_whole_and_lints_without_crashing(
    shared: Path, tmp_path: Path
) -> None:
    corpus = shared / "corpora" / "iglu-central"
    manifest = json.loads((corpus / "manifest.json").read_text())
    result = import_iglu(corpus, tmp_path, BASE)
    assert len(result.written) == manifest["counts"]["schemas"]
    assert {s.path.name for s in result.skipped} == {
        "manifest.json",
        "stats.json",
        "pair_changes.json",
    }
    snapshot = load_folder(tmp_path)
    assert not snapshot.failures
    findings = lint(snapshot, Settings())
    rules = {f.rule for f in findings}
    assert "metaschema" not in rules and "parse-error" not in rules
    assert "id-matches-path" not in rules and "version-matches-filename" not in rules


@pytest.mark.parametrize(
    ("field", "value"),
    [("vendor", "vendor\n"), ("name", "name\n"), ("version", "1-0-0\n")],
)
def test_a_trailing_newline_is_no_part_of_a_name_or_version(
    tmp_path: Path, field: str, value: str
) -> None:
    source = tmp_path / "iglu" / "v" / "n" / "jsonschema"
    source.mkdir(parents=True)
    self_block = {"vendor": "v", "name": "n", "format": "jsonschema", "version": "1-0-0"}
    self_block[field] = value
    (source / "1-0-0").write_text(json.dumps({"self": self_block, "type": "object"}))
    result = import_iglu(tmp_path / "iglu", tmp_path / "out", BASE)
    assert list(result.written) == []
    assert len(result.skipped) == 1 and repr(value) in result.skipped[0].reason
    assert not any("\n" in path.name for path in (tmp_path / "out").rglob("*"))
