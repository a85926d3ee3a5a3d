"""The review report: Markdown (compared with a golden file), JSON and GitHub annotations.

The golden file `tests/golden/review.md` is the report of one representative change. After a
deliberate change to the report, regenerate it with

    UPDATE_GOLDEN=1 python -m pytest tests/checks/test_review.py

and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from registry.cli import main
from tests.checks.test_governance import GOVERNANCE, place, published
from tests.gitrepo import GitRepo
from tests.paths import GOLDEN as GOLDEN_DIR
from tests.paths import PROJECT

GOLDEN = GOLDEN_DIR / "review.md"


def representative_change(repo: GitRepo) -> GitRepo:
    """A breaking minor bump, a declared integer break, a deprecation, a new namespace, and a
    transitive break of an event with an owner."""
    repo = published(
        repo,
        "checkout-1.0.0.yaml",
        "login-1.yaml",
        "basket-1.0.0.yaml",
        "invoice-1.0.0.yaml",
        "invoice-1.1.0.yaml",
    )
    place(repo, "invoice-1.2.0.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")
    place(repo, "basket-1.0.0-deprecated.yaml")
    place(repo, "login-2-declared.yaml")
    place(repo, "newsletter-1.0.0-undocumented.yaml")
    return repo


def review(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--config", str(repo.root / "pyproject.toml"), "review", *args])
    return code, capsys.readouterr().out


def test_the_markdown_report_matches_the_golden_file(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = representative_change(git_repo)

    code, markdown = review(repo, capsys, "--base", "main")

    assert code == 1
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def test_the_markdown_report_says_everything_a_reviewer_needs(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = representative_change(git_repo)

    code, markdown = review(repo, capsys, "--base", "main")

    assert code == 1
    lines = markdown.splitlines()
    assert lines[0] == "<!-- telemetry-registry review -->"
    assert lines[1].startswith("## Schema review: ❌ ")
    summary = lines[3]
    assert "4 versions added" in summary and "new namespace `marketing`" in summary
    assert "1 deprecated" in summary and "edited in place" in summary
    section = markdown.split("`shop/checkout` 1.1.0 — added", 1)[1].split("\n### ", 1)[0]
    assert "**Bump:** minor (1.0.0 → 1.1.0); the change needs at least **major**." in section
    assert "| **backward** (configured) | ❌ incompatible |" in section
    assert "`/required" in section  # each change with its JSON pointer
    assert "**Counterexample (backward):**" in section
    witness = json.loads(section.split("```json\n", 1)[1].split("\n```", 1)[0])
    assert "currency" not in witness  # accepted by 1.0.0, rejected by 1.1.0
    assert "`bump-matches-change`" in section
    assert "<details>" in section and "+  currency:" in section
    assert "**Counterexample (forward)" not in section  # the event's mode is backward
    assert "- Annotations only, which no event depends on: `/examples`" in section
    assert "**Declared breaking change**" in markdown
    assert "`description-present`" in markdown


def test_a_transitive_break_names_the_earlier_version_once_with_its_owner(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = representative_change(git_repo)

    code, markdown = review(repo, capsys, "--base", "main")

    assert code == 1
    section = markdown.split("`billing/invoice` 1.2.0 — added", 1)[1].split("\n### ", 1)[0]
    assert "· owner **billing-team**" in section
    assert "| **backward_transitive** (configured) | 1.1.0 ✅ compatible, 1.0.0 ❌" in section
    assert "**Also breaks against 1.0.0**" in section
    assert section.count("**Counterexample") == 1
    problems = [line for line in section.splitlines() if "`bump-matches-change`" in line]
    assert (
        len(problems) == 1
        # the message is quoted as Markdown text, its punctuation escaped
        and "breaks backward_transitive compatibility with 1.0.0" in problems[0].replace("\\", "")
    )


def test_an_event_that_breaks_every_earlier_version_is_shown_once_naming_them_all(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "invoice-1.0.0.yaml", "invoice-1.1.0.yaml")
    newest = repo.root / "schemas/billing/invoice/1.2.0.yaml"
    text = (repo.root / "schemas/billing/invoice/1.1.0.yaml").read_text()
    newest.write_text(
        text.replace("version: 1.1.0", "version: 1.2.0").replace(
            "required: [amount]", "required: [amount, currency]"
        )
    )

    code, markdown = review(repo, capsys, "--base", "main", "--format", "json")

    assert code == 1
    (version,) = json.loads(markdown)["versions"]
    assert [w["direction"] for w in version["witnesses"]] == ["backward"]
    assert version["witnesses"][0]["valid_under"] == "versions 1.1.0 and 1.0.0"
    assert version["owner"] == "billing-team"


def test_a_passing_change_says_so(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-additive.yaml")
    code, markdown = review(repo, capsys)
    assert code == 0
    assert markdown.splitlines()[1] == "## Schema review: ✅ passed"
    assert "| ✅ | `shop/checkout` | 1.1.0 | added | minor (minor) | backward | compatible |" in (
        markdown
    )


def test_no_change_gives_a_short_report(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "checkout-1.0.0.yaml")
    code, markdown = review(repo, capsys)
    assert code == 0
    assert "No schema versions were added, changed or deleted." in markdown


def test_the_json_report_holds_verdicts_changes_witnesses_and_findings(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = representative_change(git_repo)

    code, out = review(repo, capsys, "--base", "main", "--format", "json")

    document = json.loads(out)
    assert (code, document["passed"]) == (1, False)
    versions = {(v["id"].rsplit("/", 1)[1], v["version"]): v for v in document["versions"]}
    checkout = versions[("checkout", "1.1.0")]
    assert checkout["status"] == "added"
    assert (checkout["bump"], checkout["required_bump"]) == ("minor", "major")
    assert checkout["comparisons"][0]["verdicts"]["backward"] is False
    changes = checkout["comparisons"][0]["changes"]
    assert any("backward" in c["breaks"] for c in changes)
    assert "/required" in {c["path"] for c in changes}  # the same Change form as compat's
    witness = checkout["witnesses"][0]
    assert witness["direction"] == "backward"
    assert (witness["valid_under"], witness["invalid_under"]) == ("version 1.0.0", "version 1.1.0")
    assert "currency" not in witness["instance"]
    assert versions[("basket_view", "1.0.0")]["status"] == "annotated"
    assert versions[("basket_view", "1.0.0")]["deprecates"] is True
    assert versions[("login", "2")]["declared_break"].startswith("Password sign-in")
    assert versions[("newsletter_signup", "1.0.0")]["new_namespace"] is True
    assert {f["rule"] for f in document["findings"]} >= {
        "bump-matches-change",
        "breaking-change-declared",
        "description-present",
    }


def test_a_counterexample_to_an_edit_in_place_names_the_published_and_the_edited_copy(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "checkout-1.0.0.yaml")
    repo.copy(GOVERNANCE / "checkout-1.0.0-modified.yaml", "schemas/shop/checkout/1.0.0.yaml")

    code, out = review(repo, capsys, "--format", "json")

    assert code == 1
    (version,) = json.loads(out)["versions"]
    assert version["status"] == "modified"
    labels = {(w["valid_under"], w["invalid_under"]) for w in version["witnesses"]}
    assert ("version 1.0.0 as published", "version 1.0.0 as edited") in labels
    code, markdown = review(repo, capsys)
    assert "an event that version 1.0.0 as published accepts and version 1.0.0 as edited" in (
        markdown
    )


def test_the_github_format_annotates_each_finding(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = representative_change(git_repo)
    code, out = review(repo, capsys, "--base", "main", "--format", "github")
    assert code == 1
    assert "::error file=schemas/shop/checkout/1.1.0.yaml,line=3,title=bump-matches-change::" in out
    assert all(line.startswith(("::error ", "::warning ")) for line in out.splitlines())


def test_the_report_can_be_written_to_a_file(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = published(git_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-additive.yaml")
    target = tmp_path / "review.md"
    code, out = review(repo, capsys, "--output", str(target))
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("<!-- telemetry-registry review -->")


# -- on a copy of this repository's own schemas -------------------------------------------


def _own_schemas() -> Path:
    schemas = PROJECT / "schemas"
    if not any(schemas.glob("*/*/*.yaml")):
        pytest.skip("this checkout has no schemas/ tree")
    return schemas


def _semver_events(schemas: Path) -> list[tuple[Path, dict[str, object]]]:
    """The latest version of each semantic-versioned event that has properties."""
    found = []
    for folder in sorted({path.parent for path in schemas.glob("*/*/*.yaml")}):
        bodies = [
            yaml.safe_load(path.read_text(encoding="utf-8")) for path in folder.glob("*.yaml")
        ]
        semver = [b for b in bodies if isinstance(b.get("version"), str) and b.get("properties")]
        if semver and len(semver) == len(bodies):
            latest = max(semver, key=lambda b: tuple(int(x) for x in str(b["version"]).split(".")))
            found.append((folder / f"{latest['version']}.yaml", latest))
    return found


def _with_required_property(body: dict[str, object]) -> dict[str, object]:
    properties = dict(body["properties"])  # type: ignore[call-overload]
    properties["review_probe"] = {
        "description": "A property every earlier event lacks.",
        "type": "string",
        "categories": ["unrestricted"],
    }
    required = [*body.get("required", []), "review_probe"]  # type: ignore[misc]
    return {**body, "properties": properties, "required": required}


def _dump(path: Path, body: dict[str, object]) -> None:
    path.write_text(yaml.safe_dump(body, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_each_violation_on_a_copy_of_the_own_schemas_is_reported_clearly(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    schemas = _own_schemas()
    shutil.copytree(schemas, git_repo.root / "schemas")
    shutil.copy(PROJECT / "pyproject.toml", git_repo.root / "pyproject.toml")
    git_repo.commit("Publish the registry's schemas")
    git_repo.git("checkout", "--quiet", "-b", "feature")
    monkeypatch.chdir(git_repo.root)
    events = _semver_events(git_repo.root / "schemas")
    if len(events) < 4:
        pytest.skip("fewer than four semantic-versioned events in schemas/")
    (modified, body_a), (deleted, _), (lower, body_c), (minor, body_d) = events[:4]
    _dump(modified, _with_required_property(body_a))
    deleted.unlink()
    _dump(lower.with_name("0.0.1.yaml"), {**body_c, "version": "0.0.1"})
    major, minor_part, _ = (int(x) for x in str(body_d["version"]).split("."))
    bumped = f"{major}.{minor_part + 1}.0"
    _dump(minor.with_name(f"{bumped}.yaml"), {**_with_required_property(body_d), "version": bumped})

    code = main(["check", "--format", "json"])
    report = json.loads(capsys.readouterr().out)

    assert code == 1
    reported = {(f["rule"], f["path"]): f for f in report["findings"]}
    expected = {
        ("version-immutable", modified),
        ("version-deleted", deleted),
        ("version-not-greater", lower.with_name("0.0.1.yaml")),
        ("bump-matches-change", minor.with_name(f"{bumped}.yaml")),
    }
    for rule, path in expected:
        finding = reported[(rule, path.relative_to(git_repo.root).as_posix())]
        assert finding["message"][0].isalnum() and len(finding["message"].split()) > 6
        assert finding["hint"]
    code, markdown = review(git_repo, capsys)
    assert code == 1
    for rule, _path in expected:
        assert f"`{rule}`" in markdown


def test_the_summary_names_a_nested_new_namespace_as_governance_does(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "checkout-1.0.0.yaml")
    body = yaml.safe_load((GOVERNANCE / "checkout-1.0.0.yaml").read_text(encoding="utf-8"))
    base_url = body["$id"].removesuffix("shop/checkout")
    body["$id"] = base_url + "acme/billing/invoice_paid"
    repo.write("schemas/acme/billing/invoice_paid/1.0.0.yaml", yaml.safe_dump(body))

    code, markdown = review(repo, capsys, "--base", "main")

    assert code == 0, markdown
    assert "new namespace `acme/billing`" in markdown
    assert "new namespace `acme`" not in markdown
