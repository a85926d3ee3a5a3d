from __future__ import annotations

from pathlib import PurePosixPath

from registry.core.config import Settings
from registry.core.model import SchemaRef, Version
from registry.sources.history import file_histories, schema_history
from tests.gitrepo import GitRepo
from tests.paths import FIXTURES

GOVERNANCE = FIXTURES / "governance"
LOGIN = "https://events.example.org/schemas/accounts/login"


def test_each_version_knows_the_commit_that_introduced_it_and_those_that_touched_it(
    git_repo: GitRepo,
) -> None:
    first = git_repo.copy(GOVERNANCE / "login-1.yaml", "schemas/accounts/login/1.yaml")
    one = git_repo.commit("Add login 1")
    git_repo.write("README.md", "unrelated\n")
    git_repo.commit("Unrelated")
    first.write_text(first.read_text() + "# a comment\n")
    two = git_repo.commit("Touch login 1")
    git_repo.copy(GOVERNANCE / "login-2-additive.yaml", "schemas/accounts/login/2.yaml")
    three = git_repo.commit("Add login 2")

    history = schema_history(git_repo.open(), Settings(schema_root=git_repo.root / "schemas"))

    v1 = history[SchemaRef(LOGIN, Version.parse(1))]
    assert v1.introduced.hash == one
    assert v1.introduced.subject == "Add login 1"
    assert v1.introduced.author == "Ada Example"
    assert v1.introduced.date.startswith("2024-01-01T00:00:")
    assert [c.hash for c in v1.commits] == [two, one]
    v2 = history[SchemaRef(LOGIN, Version.parse(2))]
    assert [c.hash for c in v2.commits] == [three]
    assert v2.last_changed.hash == three


def test_history_follows_renames_and_forgets_files_deleted_before(git_repo: GitRepo) -> None:
    git_repo.copy(GOVERNANCE / "login-1.yaml", "schemas/auth/login/1.yaml")
    added = git_repo.commit("Add under auth")
    git_repo.git("mv", "schemas/auth", "schemas/accounts")
    moved = git_repo.commit("Move to accounts")
    git_repo.write("schemas/old/1.yaml", "title: gone\n")
    git_repo.commit("Add a file")
    git_repo.git("rm", "--quiet", "schemas/old/1.yaml")
    git_repo.commit("Delete it")
    git_repo.write("schemas/old/1.yaml", "title: back\n")
    again = git_repo.commit("Add it again")

    files = file_histories(git_repo.open(), Settings(schema_root=git_repo.root / "schemas"))

    assert [c.hash for c in files[PurePosixPath("accounts/login/1.yaml")].commits] == [moved, added]
    assert [c.hash for c in files[PurePosixPath("old/1.yaml")].commits] == [again]
    assert PurePosixPath("auth/login/1.yaml") not in files


def test_history_of_a_schema_root_below_the_top_uses_paths_below_the_root(
    git_repo: GitRepo,
) -> None:
    git_repo.copy(GOVERNANCE / "login-1.yaml", "registry/schemas/accounts/login/1.yaml")
    git_repo.write("registry/other/1.yaml", "title: not below the root\n")
    git_repo.commit("Add")
    files = file_histories(
        git_repo.open(), Settings(schema_root=git_repo.root / "registry" / "schemas")
    )
    assert list(files) == [PurePosixPath("accounts/login/1.yaml")]
