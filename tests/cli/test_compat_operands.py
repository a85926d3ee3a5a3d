"""`compat` operands beside two files: `REV:PATH` and `ID OLD_VERSION NEW_VERSION`."""

from __future__ import annotations

import json

import pytest

from registry.cli import main
from tests.checks.test_governance import place, published
from tests.gitrepo import GitRepo


def compat(repo: GitRepo, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(repo.root / "pyproject.toml"), "compat", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def checkout(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """Version 1.0.0 published on main; a breaking 1.1.0 in the working tree of a branch."""
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "checkout-1.0.0.yaml", "login-1.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")
    return repo


def test_two_versions_of_an_event_are_named_by_id_and_version(
    checkout: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = compat(checkout, capsys, "shop/checkout", "1.0.0", "1.1.0", "--format", "json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["compatible"] is False and report["changes"]
    full = "https://events.example.org/schemas/shop/checkout"
    assert compat(checkout, capsys, full, "1.0.0", "1.1.0", "--format", "json")[1] == out


def test_a_version_or_event_that_does_not_exist_is_a_usage_error_naming_what_does(
    checkout: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = compat(checkout, capsys, "shop/checkout", "1.0.0", "9.9.9")
    assert code == 2
    assert "has no version 9.9.9" in err and "its versions: 1.0.0, 1.1.0" in err
    code, _, err = compat(checkout, capsys, "shop/nothing", "1", "2")
    assert code == 2 and "telemetry-registry list" in err
    assert compat(checkout, capsys, "a", "b", "c", "d")[0] == 2


def test_a_file_at_a_git_revision_is_compared_with_the_working_tree(
    checkout: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    old = "main:schemas/shop/checkout/1.0.0.yaml"
    code, out, err = compat(checkout, capsys, old, "schemas/shop/checkout/1.1.0.yaml")
    assert (code, err) == (0, "")
    assert out.startswith(f"{old} (version 1.0.0) -> schemas/shop/checkout/1.1.0.yaml (version")
    assert "INCOMPATIBLE" in out
    code, _, err = compat(checkout, capsys, "main:schemas/shop/none.yaml", old)
    assert code == 2 and "no file schemas/shop/none.yaml at main" in err
    code, _, err = compat(checkout, capsys, "no-such-rev:schemas/x.yaml", old)
    assert code == 2 and "no-such-rev" in err


def test_two_files_of_different_events_are_compared_with_a_warning(
    checkout: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = compat(
        checkout, capsys, "schemas/shop/checkout/1.0.0.yaml", "schemas/accounts/login/1.yaml"
    )
    assert code == 0
    assert err.startswith("warning: schemas/shop/checkout/1.0.0.yaml holds `$id`")
    assert "two events, not two versions of one" in err
