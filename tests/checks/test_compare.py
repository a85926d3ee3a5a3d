"""The base and head of a change, worked out from a real git repository."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from registry.checks.compare import load_base_and_head
from registry.core.config import load_settings
from registry.errors import EXIT_USAGE
from registry.sources.git import GitSourceError
from tests.gitrepo import GitRepo
from tests.paths import FIXTURES

GOVERNANCE = FIXTURES / "governance"
CHECKOUT = "schemas/shop/checkout"


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """main holds checkout 1.0.0; the feature branch adds 1.1.0 in a commit, 2.0.0 unstaged."""
    git_repo.copy(GOVERNANCE / "pyproject.toml", "pyproject.toml")
    git_repo.copy(GOVERNANCE / "checkout-1.0.0.yaml", f"{CHECKOUT}/1.0.0.yaml")
    git_repo.commit("Publish")
    git_repo.git("checkout", "--quiet", "-b", "feature")
    git_repo.copy(GOVERNANCE / "checkout-1.1.0-additive.yaml", f"{CHECKOUT}/1.1.0.yaml")
    git_repo.commit("Add 1.1.0")
    git_repo.copy(GOVERNANCE / "checkout-2.0.0-breaking.yaml", f"{CHECKOUT}/2.0.0.yaml")
    return git_repo


def files(snapshot_paths: list[PurePosixPath]) -> list[str]:
    return sorted(path.name for path in snapshot_paths)


def test_by_default_the_working_tree_is_compared_with_the_merge_base_of_main(
    repo: GitRepo,
) -> None:
    main = repo.git("rev-parse", "main").strip()
    settings = load_settings(repo.root / "pyproject.toml")
    sides = load_base_and_head(settings, shown=lambda path: "<root>")
    assert files([s.rel_path for s in sides.base.schemas]) == ["1.0.0.yaml"]
    assert files([s.rel_path for s in sides.head.schemas]) == [
        "1.0.0.yaml",
        "1.1.0.yaml",
        "2.0.0.yaml",
    ]
    assert sides.base_label == f"the merge base with `main` ({main[:10]})"
    assert (sides.head_label, sides.head.root) == ("the working tree", "<root>")


def test_named_revisions_are_compared_as_committed(repo: GitRepo) -> None:
    settings = load_settings(repo.root / "pyproject.toml")
    sides = load_base_and_head(settings, base="main", head="feature")
    assert files([s.rel_path for s in sides.head.schemas]) == ["1.0.0.yaml", "1.1.0.yaml"]
    assert (sides.base_label, sides.head_label) == ("`main`", "`feature`")


def test_a_missing_revision_is_a_usage_error_whose_hint_fits_either_option(
    repo: GitRepo,
) -> None:
    settings = load_settings(repo.root / "pyproject.toml")
    for revisions in ({"base": "nope"}, {"base": "main", "head": "nope"}):
        with pytest.raises(GitSourceError) as raised:
            load_base_and_head(settings, base=revisions["base"], head=revisions.get("head"))
        assert raised.value.exit_code == EXIT_USAGE
        assert "'nope' does not exist" in raised.value.message
        assert raised.value.hint.endswith("or name another revision")


def test_outside_a_repository_the_error_says_where_to_run(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.telemetry-registry]\n", encoding="utf-8")
    with pytest.raises(GitSourceError, match="not inside a git repository") as raised:
        load_base_and_head(load_settings(tmp_path / "pyproject.toml"))
    assert raised.value.hint == "run the command in a clone of the registry"
