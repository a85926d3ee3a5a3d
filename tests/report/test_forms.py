"""The JSON forms: one per type, documented in the README, printed alike by every command.

Every command's `--format json` output is validated against the package's output schema, whose
forms forbid undocumented fields; the README's tables are checked against the same schema, so
the documentation, the schema and the output cannot drift apart.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from registry.checks.lint import RULES
from registry.cli import main
from registry.core.model import Change, Finding, Mode, Severity
from registry.core.refs import validator_for
from registry.report.forms import (
    change_form,
    dumps,
    finding_form,
    findings_report_form,
    output_schema,
    witness_form,
)
from tests.checks.test_governance import place, published
from tests.checks.test_review import representative_change
from tests.gitrepo import GitRepo
from tests.paths import COMPAT_FIXTURES, FIXTURES, PROJECT

SCHEMA = output_schema()


def assert_form(document: Any, form: str) -> None:
    """`document` is a valid instance of the form `$defs/<form>` (every error listed)."""
    validator = validator_for({**SCHEMA, "$ref": f"#/$defs/{form}"})
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, "\n".join(errors)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, json.loads(captured.out)


# -- the schema and the README ------------------------------------------------------------


def test_the_output_schema_is_a_valid_schema_with_closed_forms() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    for name, form in SCHEMA["$defs"].items():
        if form.get("type") == "object" and "properties" in form:
            assert form["additionalProperties"] is False, name
            assert sorted(form["required"]) == sorted(form["properties"]), name


def _readme_forms() -> dict[str, dict[str, str]]:
    """Each `### Name (`form`)` table of the README's JSON output section: field -> type."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## JSON output\n", 1)[1].split("\n## ", 1)[0]
    forms: dict[str, dict[str, str]] = {}
    for part in section.split("\n### ")[1:]:
        heading, body = part.split("\n", 1)
        match = re.fullmatch(r"[A-Z][a-z ]+ \(`(\w+)`\)", heading.strip())
        assert match, f"README heading {heading!r} names no form"
        rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", body, flags=re.MULTILINE)
        forms[match[1]] = {field: kind.strip() for field, kind in rows}
    return forms


def _allows_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type", [])
    return (
        "null" in kinds
        or None in schema.get("enum", [])
        or any(option.get("type") == "null" for option in schema.get("oneOf", []))
    )


def test_the_readme_documents_every_form_and_field_of_the_schema() -> None:
    documented = _readme_forms()
    forms = {name for name, form in SCHEMA["$defs"].items() if "properties" in form}
    forms -= {"verdicts"}  # documented inline as an object of three booleans
    assert set(documented) == forms
    for name, fields in documented.items():
        properties = SCHEMA["$defs"][name]["properties"]
        assert list(fields) == list(properties), name
        for field, kind in fields.items():
            if kind != "any JSON":  # old_value, new_value, instance: null is a value there
                assert ("null" in kind) == _allows_null(properties[field]), (name, field)


# -- the form functions -------------------------------------------------------------------


def test_a_change_names_its_place_even_when_it_is_gone_from_the_new_version() -> None:
    removed = Change("PROPERTY_REMOVED", "/properties/a", "", "a was removed", 1, None)
    document = change_form(removed)
    assert document["path"] == "/properties/a"
    assert list(document) == list(SCHEMA["$defs"]["change"]["properties"])
    both = Change("T", "/x", "/y", "moved", breaks=frozenset({Mode.FORWARD, Mode.BACKWARD}))
    assert change_form(both)["path"] == "/y"
    assert change_form(both)["breaks"] == ["backward", "forward"]


def test_a_finding_and_the_findings_report_count_by_severity() -> None:
    error = Finding("metaschema", Severity.ERROR, "bad", "fix it", "a.yaml", 3, "/type")
    warning = Finding("title-present", Severity.WARNING, "no title", "add one", "b.yaml")
    assert finding_form(warning)["line"] is None
    report = findings_report_form([error, warning, error], checked=5)
    assert report["summary"] == {"checked": 5, "errors": 2, "warnings": 1}
    assert_form(report, "findings_report")


def test_a_null_event_is_a_witness_like_any_other() -> None:
    from registry.compat import check

    report = check({"type": "null"}, {"type": "object"})
    assert report.witness is not None
    document = witness_form(report.witness)
    assert document["instance"] is None and "instance" in document
    assert_form(document, "witness")


def test_json_text_keeps_unicode_as_it_is() -> None:
    assert dumps({"message": "für"}) == '{\n  "message": "für"\n}\n'


# -- every command's output validates against its documented form -------------------------


def _lint_folders() -> list[Path]:
    folders = [FIXTURES / "good"]
    folders += sorted(path for path in (FIXTURES / "bad").iterdir() if path.is_dir())
    folders += sorted(path for path in (FIXTURES / "broken").iterdir() if path.is_dir())
    return folders


@pytest.mark.parametrize(
    "folder", _lint_folders(), ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_lint_json_is_a_findings_report(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    config = folder / "config.toml"
    prefix = ["--config", str(config)] if config.is_file() else []
    code, document = run_json(capsys, *prefix, "lint", str(folder), "--format", "json")
    assert_form(document, "findings_report")
    assert code == (1 if document["summary"]["errors"] else 0)
    assert (folder.name == "good") == (document["findings"] == [])


def test_rules_json_is_an_array_of_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.telemetry-registry.rules]\ntitle-present = "off"\n')
    code, document = run_json(capsys, "--config", str(config), "rules", "--format", "json")
    assert code == 0 and len(document) >= len(RULES)
    for rule in document:
        assert_form(rule, "rule")
    assert {r["id"]: r["severity"] for r in document}["title-present"] == "off"


@pytest.mark.parametrize(
    "options",
    [
        ["click-1.yaml", "click-2.yaml"],
        ["click-1.yaml", "click-1.1.json", "--mode", "full"],
        ["click-1.yaml", "click-1.1.json", "--policy", "lenient"],
        ["click-2.yaml", "click-2.yaml", "--mode", "forward"],
    ],
)
def test_compat_json_is_a_compat_report(
    options: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    old, new, *rest = options
    argv = ["compat", str(COMPAT_FIXTURES / old), str(COMPAT_FIXTURES / new), *rest]
    code, document = run_json(capsys, *argv, "--format", "json")
    assert code == 0
    assert_form(document, "compat_report")
    if old == new:
        assert document["changes"] == [] and document["witness"] is None


def test_check_and_review_json_are_a_findings_report_and_a_review(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = representative_change(git_repo)
    config = ["--config", str(repo.root / "pyproject.toml")]

    code, checked = run_json(capsys, *config, "check", "--base", "main", "--format", "json")
    assert code == 1
    assert_form(checked, "findings_report")
    code, reviewed = run_json(capsys, *config, "review", "--base", "main", "--format", "json")
    assert code == 1
    assert_form(reviewed, "review")
    assert any(version["witnesses"] for version in reviewed["versions"])
    assert reviewed["findings"] == checked["findings"]  # one Finding form in both


def test_a_passing_review_is_a_review_too(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "checkout-1.0.0.yaml", "invoice-1.0.0.yaml")
    place(repo, "checkout-1.1.0-additive.yaml")
    place(repo, "invoice-1.1.0.yaml")
    config = ["--config", str(repo.root / "pyproject.toml")]
    code, document = run_json(capsys, *config, "review", "--format", "json")
    assert (code, document["passed"]) == (0, True)
    assert_form(document, "review")
    assert [v["compatible"] for v in document["versions"]] == [True, True]


def test_a_change_and_a_finding_are_the_same_objects_in_compat_lint_and_review(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = representative_change(git_repo)
    config = ["--config", str(repo.root / "pyproject.toml")]
    _, review = run_json(capsys, *config, "review", "--base", "main", "--format", "json")
    folder = repo.root / "schemas" / "shop" / "checkout"
    old, new = str(folder / "1.0.0.yaml"), str(folder / "1.1.0.yaml")
    _, compat = run_json(capsys, *config, "compat", old, new, "--format", "json")
    newsletter = "schemas/marketing/newsletter_signup/1.0.0.yaml"
    _, lint = run_json(capsys, *config, "lint", newsletter, "--format", "json")

    versions = {(v["id"].rsplit("/", 1)[1], v["version"]): v for v in review["versions"]}
    checkout = versions[("checkout", "1.1.0")]
    assert checkout["comparisons"][0]["changes"] == compat["changes"]
    assert all(change["path"] for change in compat["changes"])
    witness = next(w for w in checkout["witnesses"] if w["direction"] == "backward")
    assert witness["instance"] == compat["witness"]["instance"]
    labels = ("version 1.0.0", "version 1.1.0")
    assert (witness["valid_under"], witness["invalid_under"]) == labels
    assert (compat["witness"]["valid_under"], compat["witness"]["invalid_under"]) == labels
    assert lint["findings"]
    for finding in lint["findings"]:
        assert finding in versions[("newsletter_signup", "1.0.0")]["findings"]
