"""The pre-commit hooks, run for real by pre-commit in a temporary schema repository.

`try-repo` installs this repository's hooks the way any other schema repository gets them (a
virtualenv built by pre-commit, with the dependencies from PyPI), so the first test needs the
package index; the second runs this repository's own `.pre-commit-config.yaml`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.checks.test_governance import place, published
from tests.gitrepo import GitRepo
from tests.paths import PROJECT

NETWORK_TROUBLE = (
    "Could not find a version that satisfies",
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
)


def pre_commit(repo: GitRepo, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada Example",
        "GIT_AUTHOR_EMAIL": "ada@example.org",
        "GIT_COMMITTER_NAME": "Ada Example",
        "GIT_COMMITTER_EMAIL": "ada@example.org",
        # `language: system` hooks run `python`: the interpreter running these tests
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "PYTHONPATH": str(PROJECT),
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_published_hooks_block_a_breaking_minor_bump_and_pass_a_major_one(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    if not (PROJECT / ".git").exists():
        pytest.skip("try-repo needs this project as a git repository")
    repo = published(git_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")
    place(repo, "newsletter-1.0.0-undocumented.yaml")
    repo.git("add", "--all")

    blocked = pre_commit(repo, tmp_path / "home", "try-repo", str(PROJECT), "--verbose")

    output = blocked.stdout + blocked.stderr
    if blocked.returncode and any(trouble in output for trouble in NETWORK_TROUBLE):
        pytest.skip("pre-commit could not install the hooks' environment from PyPI")
    assert blocked.returncode == 1, output
    assert "lint event schemas" in output and "check schema versions" in output
    assert "[bump-matches-change]" in output
    assert "[description-present]" in output
    assert output.count("Failed") == 2

    (repo.root / "schemas/shop/checkout/1.1.0.yaml").unlink()
    (repo.root / "schemas/marketing/newsletter_signup/1.0.0.yaml").unlink()
    place(repo, "checkout-2.0.0-breaking.yaml")
    place(repo, "newsletter-1.0.0.yaml")
    repo.git("add", "--all")

    passed = pre_commit(repo, tmp_path / "home", "try-repo", str(PROJECT), "--verbose")

    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "breaking-change-declared" in passed.stdout  # a warning, shown but not blocking


def test_this_repositorys_own_hook_configuration_runs_the_same_checks(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    repo = published(git_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-1.1.0-breaking.yaml")
    repo.git("add", "--all")
    config = str(PROJECT / ".pre-commit-config.yaml")
    hooks = ("telemetry-registry-lint", "telemetry-registry-check")

    results = [pre_commit(repo, tmp_path / "home", "run", "--config", config, h) for h in hooks]

    lint, check = results
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert check.returncode == 1, check.stdout + check.stderr
    assert "[bump-matches-change]" in check.stdout


def test_both_hooks_report_a_non_schema_as_a_finding_not_a_crash(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    repo = published(git_repo, "checkout-1.0.0.yaml", "newsletter-1.0.0.yaml")
    broken = place(repo, "checkout-1.0.1-additive.yaml")
    text = broken.read_text()
    broken.write_text(text.replace("additionalProperties: false", "additionalProperties: no", 1))
    repo.git("add", "--all")
    config = str(PROJECT / ".pre-commit-config.yaml")
    hooks = ("telemetry-registry-lint", "telemetry-registry-check")

    results = [pre_commit(repo, tmp_path / "home", "run", "--config", config, h) for h in hooks]

    for result in results:
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "schemas/shop/checkout/1.0.1.yaml" in output and "[metaschema]" in output
        assert "write `false`" in output
        assert "Traceback" not in output and "unexpected" not in output
