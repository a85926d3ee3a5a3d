"""Shared test fixtures: the project's paths and the ../shared corpora (skipped when absent)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from git import Repo as GitPythonRepo
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from tests.loopback import Loopback

pytest_plugins = ["registry.pytest_plugin", "pytester"]
"""The package's own pytest plugin (already loaded when the package is installed), and pytester
to run the plugin in a pytest of its own."""

# Timing is not behaviour: property tests must not fail because a shared 2-core machine is busy.
settings.register_profile(
    "telemetry-registry", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("telemetry-registry")

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
SHARED = PROJECT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The read-only ../shared folder; tests that need it skip on a user's fresh clone."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip("../shared is not present beside this checkout")
    return SHARED


PUBLISH_FIXTURES = FIXTURES / "publish"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site folder with the `good` fixture tree published at `schemas/` (the base URL path)."""
    from registry.config import Settings
    from registry.publish import publish
    from registry.sources import load_folder

    root = tmp_path / "site"
    publish(load_folder(PUBLISH_FIXTURES / "good"), Settings(), root / "schemas")
    return root


@pytest.fixture
def served(site: Path) -> Iterator[Loopback]:
    """A real HTTP server on 127.0.0.1 serving `site`; stopped after the test."""
    from tests.loopback import start

    server = start(site)
    yield server
    server.stop()


class GitRepo:
    """A real git repository in a temporary folder, driven through the `git` command."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.commits = 0
        self.opened: list[GitPythonRepo] = []
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str, cwd: Path | None = None) -> str:
        self.commits += args[0] == "commit"
        when = f"2024-01-01T00:{self.commits // 60:02d}:{self.commits % 60:02d}Z"
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada Example",
            "GIT_AUTHOR_EMAIL": "ada@example.org",
            "GIT_COMMITTER_NAME": "Ada Example",
            "GIT_COMMITTER_EMAIL": "ada@example.org",
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
        done = subprocess.run(
            ["git", *args], cwd=cwd or self.root, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def write(self, rel_path: str, text: str) -> Path:
        path = self.root / rel_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def copy(self, source: Path, rel_path: str) -> Path:
        return self.write(rel_path, source.read_text(encoding="utf-8"))

    def open(self, path: Path | None = None) -> GitPythonRepo:
        """A gitpython handle on the repository (or a clone), closed when the test ends."""
        from registry.sources import open_repo

        repo = open_repo(path or self.root)
        self.opened.append(repo)
        return repo

    def close(self) -> None:
        """Stop the git helper processes gitpython keeps, before they are garbage collected."""
        for repo in self.opened:
            repo.close()

    def commit(self, message: str) -> str:
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def git_repo(tmp_path: Path) -> Iterator[GitRepo]:
    """An empty git repository on branch main, with a fixed author and dates."""
    repo = GitRepo(tmp_path / "repo")
    yield repo
    repo.close()
