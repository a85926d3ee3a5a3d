"""Hints written for the situation: what the author did, and the fix that does not make it worse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from registry.cli import main
from tests.checks.test_governance import GOVERNANCE, check, place, published, rules
from tests.gitrepo import GitRepo
from tests.paths import FIXTURES


@pytest.fixture
def chdir_repo(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    monkeypatch.chdir(git_repo.root)
    return git_repo


def lint_text(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["lint", str(folder)])
    return code, capsys.readouterr().out


def test_a_copied_version_file_is_told_to_set_its_version_not_to_overwrite_the_original(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "good", tree)
    folder = tree / "app/button-click"
    shutil.copy(folder / "1.1.0.yaml", folder / "1.2.0.yaml")  # `version:` still says 1.1.0

    code, out = lint_text(tree, capsys)

    assert code == 1
    assert "rename the file to 1.1.0" not in out
    assert "hint: set `version: 1.2.0` in this file, as its name says" in out
    assert (
        "hint: set `version: 1.2.0`: 1.1.0.yaml already holds version 1.1.0, and renaming this "
        "file would overwrite it" in out
    )


def test_a_misnamed_file_with_no_copy_beside_it_may_be_renamed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "good", tree)
    folder = tree / "app/button-click"
    (folder / "1.1.0.yaml").rename(folder / "1.1.1.yaml")

    code, out = lint_text(tree, capsys)

    assert code == 1
    assert (
        "hint: rename the file to 1.1.0.yaml, or set `version: 1.1.1` if this file is version "
        "1.1.1" in out
    )


def test_a_missing_local_definition_is_not_blamed_on_the_bump(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    new = place(repo, "checkout-1.1.0-additive.yaml")
    text = new.read_text()
    new.write_text(text + "$defs:\n  money:\n    type: integer\n")
    text = new.read_text().replace("  total:\n", "  total:\n    $ref: '#/$defs/mony'\n", 1)
    new.write_text(text)

    code, report = check(repo, capsys)

    assert code == 1
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert sorted(by_rule) == ["bump-matches-change", "ref-resolves"]
    assert "major bump" not in by_rule["bump-matches-change"]["message"]
    assert (
        "cannot be checked while a `$ref` of it does not resolve"
        in (by_rule["bump-matches-change"]["message"])
    )
    assert by_rule["bump-matches-change"]["hint"] == (
        "fix the reference first; lint's `ref-resolves` finding says how"
    )
    assert by_rule["ref-resolves"]["hint"] == "did you mean `#/$defs/money`?"


def test_a_local_reference_to_no_definition_says_to_add_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "schemas"
    shutil.copytree(FIXTURES / "good", tree)
    schema = tree / "app/button-click/1.1.0.yaml"
    schema.write_text(schema.read_text().replace("type: string", "$ref: '#/$defs/label'", 1))

    code, out = lint_text(tree, capsys)

    assert code == 1
    assert "hint: add `label` under `$defs` in this schema, or correct the pointer" in out
    assert "add the schema version it names" not in out


def test_deleting_a_published_version_beside_a_new_one_claims_no_rename(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    (repo.root / "schemas/shop/checkout/1.0.0.yaml").unlink()
    repo.write(
        "schemas/shop/checkout/1.1.0.yaml",
        "$schema: https://json-schema.org/draft/2020-12/schema\n"
        "$id: https://events.example.org/schemas/shop/checkout\n"
        "version: 1.1.0\ntitle: Checkout\ndescription: Written afresh.\ntype: object\n",
    )

    code, report = check(repo, capsys)

    assert code == 1
    (deleted,) = [f for f in report["findings"] if f["rule"] == "version-deleted"]
    assert "the file is gone" in deleted["message"]
    assert "rename" not in deleted["message"] + deleted["hint"]
    assert deleted["hint"].startswith("restore the file from the merge base with `main`")
    assert "published versions stay beside new ones such as 1.1.0" in deleted["hint"]


def test_a_breaking_semantic_major_must_declare_the_break(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    major = place(repo, "checkout-2.0.0-breaking.yaml")
    major.write_text(
        "".join(
            line
            for line in major.read_text().splitlines(keepends=True)
            if not line.startswith("x-breaking-change")
        )
    )

    code, report = check(repo, capsys)

    assert (code, rules(report)) == (1, ["breaking-change-undeclared"])
    finding = report["findings"][0]
    assert (
        "is a breaking change (it breaks backward compatibility with 1.0.0" in (finding["message"])
    )
    assert finding["hint"].startswith("add `x-breaking-change: <why")


def test_a_breaking_minor_bump_is_told_the_bump_and_the_declaration_in_one_line(
    chdir_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = published(chdir_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")

    code, report = check(repo, capsys)

    (finding,) = report["findings"]
    assert code == 1
    assert "\n" not in finding["message"] and ";" not in finding["message"]
    assert finding["message"].endswith(
        "needs a major bump (2.0.0): it breaks backward compatibility with 1.0.0 (see the changes)"
    )
    assert finding["hint"] == (
        "number the version 2.0.0 or above and declare `x-breaking-change: <why>` at its top"
    )


def test_the_governance_fixtures_declare_every_break_they_make() -> None:
    """The published example of a major (2.0.0) keeps its declaration."""
    assert "x-breaking-change" in (GOVERNANCE / "checkout-2.0.0-breaking.yaml").read_text()
