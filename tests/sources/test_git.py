from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from registry.core.config import Settings
from registry.core.model import Version
from registry.sources.git import GitSourceError, load_git, open_repo
from tests.gitrepo import GitRepo
from tests.paths import FIXTURES

GOVERNANCE = FIXTURES / "governance"


def _settings(repo: GitRepo) -> Settings:
    return Settings(schema_root=repo.root / "schemas")


def test_load_git_reads_the_committed_tree_not_the_working_tree(git_repo: GitRepo) -> None:
    git_repo.copy(GOVERNANCE / "checkout-1.0.0.yaml", "schemas/shop/checkout/1.0.0.yaml")
    git_repo.commit("first")
    git_repo.copy(GOVERNANCE / "checkout-1.0.0-modified.yaml", "schemas/shop/checkout/1.0.0.yaml")
    git_repo.copy(GOVERNANCE / "login-1.yaml", "schemas/accounts/login/1.yaml")

    snapshot = load_git(git_repo.open(), "HEAD", _settings(git_repo))

    assert [str(s.rel_path) for s in snapshot.schemas] == ["shop/checkout/1.0.0.yaml"]
    assert snapshot.schemas[0].body["required"] == ["order_id", "total"]
    assert snapshot.root == "HEAD:schemas"
    assert snapshot.display_path(PurePosixPath("a/1.yaml")) == "HEAD:schemas/a/1.yaml"


def test_load_git_reports_unreadable_files_and_skips_hidden_and_other_files(
    git_repo: GitRepo,
) -> None:
    git_repo.copy(GOVERNANCE / "login-1.yaml", "schemas/accounts/login/1.yaml")
    git_repo.write("schemas/accounts/login/2.yaml", "- a list\n")
    git_repo.write("schemas/.drafts/x.yaml", "- hidden\n")
    git_repo.write("schemas/README.md", "# not a schema\n")
    git_repo.write("elsewhere/1.yaml", "- outside the root\n")
    git_repo.commit("files")

    snapshot = load_git(git_repo.open(), "main", _settings(git_repo))

    assert [s.ref.version for s in snapshot.schemas if s.ref] == [Version.parse(1)]
    assert [(str(f.rel_path), f.error.rule) for f in snapshot.failures] == [
        ("accounts/login/2.yaml", "parse-error")
    ]


def test_load_git_refuses_files_over_the_size_limit(git_repo: GitRepo) -> None:
    git_repo.copy(GOVERNANCE / "login-1.yaml", "schemas/accounts/login/1.yaml")
    git_repo.commit("one")
    settings = Settings(schema_root=git_repo.root / "schemas", max_file_bytes=100)
    snapshot = load_git(git_repo.open(), "HEAD", settings)
    assert snapshot.schemas == ()
    assert [f.error.rule for f in snapshot.failures] == ["file-too-large"]


def test_load_git_gives_an_empty_snapshot_where_the_schema_root_did_not_exist(
    git_repo: GitRepo,
) -> None:
    git_repo.write("README.md", "nothing yet\n")
    git_repo.commit("empty")
    snapshot = load_git(git_repo.open(), "HEAD", _settings(git_repo))
    assert snapshot.schemas == ()
    assert snapshot.failures == ()


def test_a_missing_revision_is_a_clear_error(git_repo: GitRepo) -> None:
    git_repo.commit("empty")
    with pytest.raises(GitSourceError, match=r"'origin/nope' does not exist.*git fetch"):
        load_git(git_repo.open(), "origin/nope", _settings(git_repo))


def test_a_folder_outside_any_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GitSourceError, match="not inside a git repository"):
        open_repo(tmp_path)


def test_load_git_works_in_a_shallow_clone_when_the_commit_is_present(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.copy(GOVERNANCE / "checkout-1.0.0.yaml", "schemas/shop/checkout/1.0.0.yaml")
    git_repo.commit("one")
    git_repo.copy(GOVERNANCE / "login-1.yaml", "schemas/accounts/login/1.yaml")
    git_repo.commit("two")
    git_repo.write("notes.txt", "three\n")
    git_repo.commit("three")
    clone = tmp_path / "clone"
    git_repo.git("clone", "--quiet", "--depth", "2", f"file://{git_repo.root}", str(clone))
    repo = git_repo.open(clone)
    assert (clone / ".git" / "shallow").exists()
    settings = Settings(schema_root=clone / "schemas")

    snapshot = load_git(repo, "HEAD~1", settings)

    assert len(snapshot.schemas) == 2
    with pytest.raises(GitSourceError, match="shallow"):
        load_git(repo, "HEAD~2", settings)
