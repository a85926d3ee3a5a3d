"""Links in the schema tree are reported and never followed, on disk and in git alike.

A schema file (or folder) below `schemas/` that is a symbolic link to a schema-shaped file
elsewhere must not be read by any command: its content would otherwise be published, documented
and quoted in the review.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from registry.cli import main
from registry.core.config import load_settings
from registry.sources.git import load_git
from registry.sources.snapshot import Snapshot
from registry.sources.tree import load_folder
from tests.checks.test_governance import GOVERNANCE
from tests.gitrepo import GitRepo

SECRET = """\
$schema: https://json-schema.org/draft/2020-12/schema
$id: https://events.example.org/schemas/shop/{name}
version: 1.0.0
title: SECRET-{name}
description: Content from outside the tree.
type: object
"""


def linked_tree(repo: GitRepo) -> GitRepo:
    repo.copy(GOVERNANCE / "pyproject.toml", "pyproject.toml")
    repo.copy(GOVERNANCE / "basket-1.0.0.yaml", "schemas/shop/basket_view/1.0.0.yaml")
    outside = repo.root.parent / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "leak.yaml").write_text(SECRET.format(name="leak"))
    (outside / "folder" / "1.0.0.yaml").write_text(SECRET.format(name="folder"))
    (repo.root / "schemas/shop/leak").mkdir()
    (repo.root / "schemas/shop/leak/1.0.0.yaml").symlink_to(outside / "leak.yaml")
    (repo.root / "schemas/shop/folder").symlink_to(outside / "folder", target_is_directory=True)
    inside = repo.root / "schemas/shop/basket_view/alias.json"
    inside.symlink_to(repo.root / "schemas/shop/basket_view/1.0.0.yaml")
    repo.commit("Links in the tree")
    return repo


def shape(snapshot: Snapshot) -> tuple[list[PurePosixPath], list[tuple[PurePosixPath, str]]]:
    return (
        sorted(schema.rel_path for schema in snapshot.schemas),
        sorted((failure.rel_path, failure.error.rule) for failure in snapshot.failures),
    )


def test_links_are_findings_never_read_and_git_sees_the_same_tree(git_repo: GitRepo) -> None:
    repo = linked_tree(git_repo)
    settings = load_settings(repo.root / "pyproject.toml")
    on_disk = load_folder(settings.schema_root)
    schemas, failures = shape(on_disk)
    assert schemas == [PurePosixPath("shop/basket_view/1.0.0.yaml")]
    assert failures == [
        (PurePosixPath("shop/basket_view/alias.json"), "no-symlink"),
        (PurePosixPath("shop/folder"), "no-symlink"),
        (PurePosixPath("shop/leak/1.0.0.yaml"), "no-symlink"),
    ]
    assert shape(load_git(repo.open(), "HEAD", settings)) == (schemas, failures)


def test_lint_and_publish_report_the_links_and_quote_nothing_behind_them(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = linked_tree(git_repo)
    config = str(repo.root / "pyproject.toml")
    assert main(["--config", config, "lint"]) == 1
    assert main(["--config", config, "publish", "--out", str(tmp_path / "out")]) == 1
    out, err = capsys.readouterr()
    assert "no-symlink" in out + err
    assert "SECRET" not in out + err
    assert not list((tmp_path / "out").rglob("*leak*"))
