"""A real git repository in a temporary folder, for tests of everything that reads git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from git import Repo as GitPythonRepo


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
        from registry.sources.git import open_repo

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
