"""Governance rules, each with a violating and a passing history in a real git repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from registry.cli import main
from registry.core import ids
from registry.core.model import SchemaRef, Version
from tests.gitrepo import GitRepo
from tests.paths import FIXTURES

GOVERNANCE = FIXTURES / "governance"
BASE_URL = "https://events.example.org/schemas/"


def place(repo: GitRepo, fixture: str) -> Path:
    """Copy a fixture schema to where its `$id` and version put it below `schemas/`."""
    source = GOVERNANCE / fixture
    body = yaml.safe_load(source.read_text(encoding="utf-8"))
    where = ids.tree_path(SchemaRef(body["$id"], Version.parse(body["version"])), BASE_URL)
    assert where is not None, f"{fixture}: its `$id` has no place below {BASE_URL}"
    return repo.copy(source, f"schemas/{where}")


def published(repo: GitRepo, *fixtures: str) -> GitRepo:
    """A registry whose main branch holds `fixtures`, checked out on a feature branch."""
    repo.copy(GOVERNANCE / "pyproject.toml", "pyproject.toml")
    for fixture in fixtures:
        place(repo, fixture)
    repo.commit("Publish")
    repo.git("checkout", "--quiet", "-b", "feature")
    return repo


def check(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    """Run `check --format json` in the repository; the exit code and the parsed report."""
    code = main(["--config", str(repo.root / "pyproject.toml"), "check", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def rules(report: dict[str, Any], severity: str = "error") -> list[str]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f["rule"] for f in findings if f["severity"] == severity]


@pytest.fixture
def chdir_repo(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    monkeypatch.chdir(git_repo.root)
    return git_repo


# -- published versions are immutable -----------------------------------------------------


def test_changing_what_a_published_version_accepts_is_refused(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    repo.copy(GOVERNANCE / "checkout-1.0.0-modified.yaml", "schemas/shop/checkout/1.0.0.yaml")

    code, report = check(repo, capsys)

    assert code == 1
    assert rules(report) == ["version-immutable"]
    [finding] = report["findings"]
    assert finding["path"] == "schemas/shop/checkout/1.0.0.yaml"
    assert finding["line"] is not None
    assert "is published and may change only in annotations" in finding["message"]
    assert "new version" in finding["hint"]


def test_annotation_only_edits_of_a_published_version_are_allowed(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    repo.copy(GOVERNANCE / "checkout-1.0.0-annotated.yaml", "schemas/shop/checkout/1.0.0.yaml")
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


def test_deprecating_a_published_version_in_place_is_allowed(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    repo.copy(GOVERNANCE / "checkout-1.0.0-deprecated.yaml", "schemas/shop/checkout/1.0.0.yaml")
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


def test_deleting_a_published_version_is_refused(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml", "login-1.yaml")
    (repo.root / "schemas/shop/checkout/1.0.0.yaml").unlink()

    code, report = check(repo, capsys)

    assert code == 1
    assert rules(report) == ["version-deleted"]
    [finding] = report["findings"]
    assert finding["path"] == "schemas/shop/checkout/1.0.0.yaml"
    assert "deleted here" in finding["message"]


def test_breaking_the_syntax_of_a_published_version_reports_both_problems(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    path = repo.root / "schemas/shop/checkout/1.0.0.yaml"
    path.write_text(path.read_text() + "  - [unclosed\n")

    code, report = check(repo, capsys)

    assert code == 1
    assert sorted(rules(report)) == ["parse-error", "version-deleted"]
    deleted = next(f for f in report["findings"] if f["rule"] == "version-deleted")
    assert "no longer loads" in deleted["message"]


def test_an_invalid_new_version_is_left_to_lint_and_an_invalid_published_one_is_named(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = chdir_repo
    repo.write(
        "schemas/shop/checkout/1.0.0.yaml",
        (GOVERNANCE / "checkout-1.0.0.yaml").read_text().replace("type: integer", "type: 5"),
    )
    repo = published(repo)
    invalid = place(repo, "checkout-1.1.0-additive.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (1, ["bump-matches-change"])
    assert "version 1.0.0 is not a valid schema" in report["findings"][0]["message"]

    invalid.write_text(invalid.read_text().replace("type: integer", "type: 5"))
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (1, ["metaschema"])  # lint says what to fix first

    code = main(["review"])
    assert code == 1
    assert "`metaschema`" in capsys.readouterr().out


def test_a_published_version_that_was_no_schema_does_not_stop_the_other_files(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """As iglu-central's site_search 1-0-0 was released: `properties` holding keywords."""
    repo = chdir_repo
    invoice = (GOVERNANCE / "invoice-1.0.0.yaml").read_text()
    slip = invoice.replace("properties:\n  amount:", "properties:\n  type: object\n  amount:")
    repo.write("schemas/billing/invoice/1.0.0.yaml", slip)
    repo = published(repo, "checkout-1.0.0.yaml")
    repo.write("schemas/billing/invoice/1.0.0.yaml", invoice)  # the published slip, repaired
    place(repo, "checkout-1.0.0-modified.yaml")  # and a real edit of a published version

    code, report = check(repo, capsys)

    assert code == 1
    assert rules(report) == ["version-immutable"]
    assert report["findings"][0]["path"] == "schemas/shop/checkout/1.0.0.yaml"
    code = main(["review", "--format", "json"])
    review = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {v["id"].rsplit("/", 1)[1]: v["new_event"] for v in review["versions"]} == {
        "checkout": False,
        "invoice": False,
    }


def test_renaming_a_version_file_to_the_next_version_is_a_deletion_with_a_hint(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    repo.git("mv", "schemas/shop/checkout/1.0.0.yaml", "schemas/shop/checkout/1.0.1.yaml")
    place(repo, "checkout-1.0.1-annotated.yaml")

    code, report = check(repo, capsys)

    assert code == 1
    assert rules(report) == ["version-deleted"]
    assert "a copy beside the published ones, never a rename" in report["findings"][0]["hint"]


def test_renaming_an_event_keeps_its_published_versions(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    repo.git("rm", "--quiet", "-r", "schemas/shop/checkout")
    place(repo, "purchase-1.0.0.yaml")

    code, report = check(repo, capsys)

    assert code == 1
    assert rules(report) == ["version-deleted"]
    finding = report["findings"][0]
    assert "renamed to https://events.example.org/schemas/shop/purchase" in finding["message"]
    assert "deprecated: true" in finding["hint"]


def test_moving_the_schema_files_without_changing_them_is_no_change(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    source = repo.root / "schemas/shop/checkout/1.0.0.yaml"
    source.rename(source.with_suffix(".yml"))
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


# -- versions only grow -------------------------------------------------------------------


def test_a_new_version_below_the_latest_published_one_is_refused(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml", "checkout-1.1.0-additive.yaml")
    place(repo, "checkout-1.0.1-annotated.yaml")

    code, report = check(repo, capsys)

    assert code == 1
    assert "version-not-greater" in rules(report)
    message = next(f["message"] for f in report["findings"] if f["rule"] == "version-not-greater")
    assert "1.0.1" in message and "1.1.0" in message


def test_a_version_that_skips_a_major_is_refused(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-3.0.0.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (1, ["version-skips-major"])
    assert "skipping major version 2" in report["findings"][0]["message"]


def test_skipping_majors_is_allowed_when_the_rule_is_turned_off(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    config = repo.root / "pyproject.toml"
    config.write_text(
        config.read_text() + '\n[tool.telemetry-registry.rules]\nversion-skips-major = "off"\n'
    )
    place(repo, "checkout-3.0.0.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report), rules(report, "warning")) == (0, [], ["breaking-change-declared"])


def test_integer_versions_grow_by_one(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "login-1.yaml")
    place(repo, "login-3.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (1, ["version-skips-major"])
    assert "skipping version 2" in report["findings"][0]["message"]


# -- the bump matches the change ----------------------------------------------------------


def test_a_breaking_change_with_a_minor_bump_is_refused(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")

    code, report = check(repo, capsys)

    assert (code, rules(report)) == (1, ["bump-matches-change"])
    finding = report["findings"][0]
    assert finding["path"] == "schemas/shop/checkout/1.1.0.yaml"
    assert finding["pointer"] == "/version"
    assert "needs a major bump (2.0.0)" in finding["message"]
    assert "it breaks backward compatibility with 1.0.0" in finding["message"]


def test_a_breaking_change_with_a_major_bump_passes_and_is_flagged(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-2.0.0-breaking.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (0, [])
    assert rules(report, "warning") == ["breaking-change-declared"]


def test_an_annotation_only_change_with_a_patch_bump_passes(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.0.1-annotated.yaml")
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


def test_a_compatible_structural_change_needs_at_least_a_minor_bump(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.0.1-additive.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (1, ["bump-matches-change"])
    assert "needs a minor bump (1.1.0)" in report["findings"][0]["message"]

    (repo.root / "schemas/shop/checkout/1.0.1.yaml").unlink()
    place(repo, "checkout-1.1.0-additive.yaml")
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


def test_an_integer_version_must_declare_a_breaking_change(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "login-1.yaml")
    place(repo, "login-2-undeclared.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (1, ["breaking-change-undeclared"])
    assert "x-breaking-change" in report["findings"][0]["message"]

    place(repo, "login-2-declared.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (0, [])
    [warning] = report["findings"]
    assert warning["rule"] == "breaking-change-declared"
    assert "Password sign-in is retired" in warning["message"]


def test_a_transitive_mode_compares_with_every_earlier_version(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """1.2.0 is compatible with 1.1.0 (lenient policy) but not with 1.0.0."""
    repo = published(chdir_repo, "invoice-1.0.0.yaml", "invoice-1.1.0.yaml")
    place(repo, "invoice-1.2.0.yaml")

    code, report = check(repo, capsys)

    assert (code, rules(report)) == (1, ["bump-matches-change"])
    message = report["findings"][0]["message"]
    assert "breaks backward_transitive compatibility with 1.0.0" in message

    config = repo.root / "pyproject.toml"
    config.write_text(config.read_text().replace('"backward_transitive"', '"backward"'))
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


def test_a_compatible_integer_version_needs_no_declaration(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "login-1.yaml")
    place(repo, "login-2-additive.yaml")
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


# -- new events, lint, revisions ----------------------------------------------------------


def test_the_rules_command_lists_the_governance_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    listed = {rule["id"] for rule in json.loads(capsys.readouterr().out)}
    assert {
        "version-immutable",
        "version-deleted",
        "version-not-greater",
        "version-skips-major",
        "bump-matches-change",
        "breaking-change-undeclared",
        "breaking-change-declared",
    } <= listed


def test_a_new_event_in_a_new_namespace_passes(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "newsletter-1.0.0.yaml")
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


def test_the_first_version_of_an_event_starts_at_one(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "login-1.yaml")
    place(repo, "checkout-3.0.0.yaml")
    code, report = check(repo, capsys)
    assert (code, rules(report)) == (1, ["version-skips-major"])
    assert "first version" in report["findings"][0]["message"]


def test_the_first_schemas_of_a_registry_are_checked_against_an_empty_base(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo)
    place(repo, "checkout-1.0.0.yaml")
    place(repo, "login-1.yaml")
    code, report = check(repo, capsys)
    assert (code, report["findings"]) == (0, [])


def test_lint_runs_on_the_changed_files_only(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = chdir_repo
    repo.write("schemas/legacy/broken/1.yaml", "title: [unclosed\n")
    repo = published(repo, "checkout-1.0.0.yaml")
    place(repo, "newsletter-1.0.0-undocumented.yaml")

    code, report = check(repo, capsys)

    assert code == 1
    paths = {f["path"] for f in report["findings"]}
    assert paths == {"schemas/marketing/newsletter_signup/1.0.0.yaml"}
    assert {"description-present", "property-description"} <= set(rules(report))


def test_the_default_base_is_the_merge_base_with_the_main_branch(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    repo.git("checkout", "--quiet", "main")
    place(repo, "login-1.yaml")
    repo.commit("Main moves on")
    repo.git("checkout", "--quiet", "feature")
    place(repo, "checkout-1.1.0-breaking.yaml")

    code, report = check(repo, capsys)

    assert (code, rules(report)) == (1, ["bump-matches-change"])
    code, report = check(repo, capsys, "--base", "main")
    assert "version-deleted" in rules(report)  # against main's tip, login 1 looks deleted


def test_a_revision_can_stand_in_for_the_working_tree(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")
    repo.commit("Breaking")
    (repo.root / "schemas/shop/checkout/1.1.0.yaml").unlink()
    code, report = check(repo, capsys, "--head", "feature")
    assert (code, rules(report)) == (1, ["bump-matches-change"])


def test_a_base_ref_that_does_not_exist_is_a_usage_error(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    code = main(["--config", str(repo.root / "pyproject.toml"), "check", "--base", "origin/nope"])
    err = capsys.readouterr().err
    assert code == 2
    assert "'origin/nope' does not exist" in err
    assert "Traceback" not in err


def test_a_missing_main_branch_is_a_usage_error(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    repo.git("branch", "--quiet", "-m", "main", "trunk")
    code = main(["--config", str(repo.root / "pyproject.toml"), "check"])
    assert code == 2
    assert "main branch 'main' does not exist" in capsys.readouterr().err


def test_check_works_in_a_shallow_clone_when_the_base_commit_is_present(
    git_repo: GitRepo,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = published(git_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")
    repo.commit("Breaking")
    clone = tmp_path / "clone"
    repo.git(
        "clone", "--quiet", "--depth", "2", "--branch", "feature", f"file://{repo.root}", str(clone)
    )
    monkeypatch.chdir(clone)
    config = str(clone / "pyproject.toml")

    code = main(["--config", config, "check", "--base", "HEAD~1", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert (code, rules(report)) == (1, ["bump-matches-change"])

    code = main(["--config", config, "check", "--base", "HEAD~2"])
    assert code == 2
    assert "shallow" in capsys.readouterr().err


def test_check_prints_what_it_compared_and_each_finding_as_text(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")
    code = main(["check"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("Compared the working tree with the merge base with `main` (")
    assert "schemas/shop/checkout/1.1.0.yaml:3: error [bump-matches-change]" in out
