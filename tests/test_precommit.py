"""The pre-commit hooks, run for real by pre-commit in a temporary schema repository.

`try-repo` installs this repository's hooks the way any other schema repository gets them (a
virtualenv built by pre-commit, with the dependencies from PyPI), so the first test needs the
package index; the second runs this repository's own `.pre-commit-config.yaml`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

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


def test_a_non_schema_is_a_finding_of_the_lint_hook_printed_once_and_never_a_crash(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    repo = published(git_repo, "checkout-1.0.0.yaml", "newsletter-1.0.0.yaml")
    broken = place(repo, "checkout-1.0.1-additive.yaml")
    text = broken.read_text()
    broken.write_text(text.replace("additionalProperties: false", "additionalProperties: no", 1))
    repo.git("add", "--all")
    config = str(PROJECT / ".pre-commit-config.yaml")
    hooks = ("telemetry-registry-lint", "telemetry-registry-check")

    lint, check = [pre_commit(repo, tmp_path / "home", "run", "--config", config, h) for h in hooks]

    output = lint.stdout + lint.stderr
    assert lint.returncode == 1, output
    assert "schemas/shop/checkout/1.0.1.yaml" in output and "[metaschema]" in output
    assert "write `false`" in output
    assert check.returncode == 0, check.stdout + check.stderr
    assert "[metaschema]" not in check.stdout  # lint's finding is lint's to print
    for result in (lint, check):
        assert "Traceback" not in result.stdout + result.stderr
        assert "unexpected" not in result.stdout + result.stderr


def test_the_hook_environments_get_exactly_the_packages_dependencies() -> None:
    """The repository's own hooks run the source with the dependencies pyproject.toml names."""
    config = yaml.safe_load((PROJECT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[<>=;\[ ]", r, maxsplit=1)[0].lower() for r in requirements}

    for hook_id in ("telemetry-registry-lint", "telemetry-registry-check"):
        assert hooks[hook_id]["language"] == "python"
        assert names(hooks[hook_id]["additional_dependencies"]) == names(project["dependencies"])
    assert all(hook["language"] != "system" for hook in hooks.values())


NEW_EVENT = """\
$schema: https://json-schema.org/draft/2020-12/schema
$id: https://events.example.org/schemas/jupyterlab/kernel_interrupt
version: 1.0.0
title: Kernel interrupt
description: The user interrupted a running kernel.
type: object
properties:
  kernel_name:
    description: The kernel's name, as its kernelspec gives it.
    type: string
    categories: [unrestricted]
required: [kernel_name]
"""


def test_a_fresh_clone_commits_through_its_own_hooks_with_no_virtualenv_on_path(
    tmp_path: Path,
) -> None:
    """`git clone`, a plain `pre-commit install`, then commits from a shell without a venv."""
    if not (PROJECT / ".git").exists():
        pytest.skip("cloning needs this project as a git repository")
    clone = tmp_path / "clone"
    bare_path = os.pathsep.join(
        p for p in ("/usr/local/bin", "/usr/bin", "/bin") if Path(p).is_dir()
    )
    env = {
        "HOME": str(tmp_path),
        "PATH": bare_path,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "PRE_COMMIT_COLOR": "never",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada Example",
        "GIT_AUTHOR_EMAIL": "ada@example.org",
        "GIT_COMMITTER_NAME": "Ada Example",
        "GIT_COMMITTER_EMAIL": "ada@example.org",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=clone, env=env, capture_output=True, text=True, timeout=900)

    subprocess.run(["git", "clone", "--quiet", str(PROJECT), str(clone)], check=True, env=env)
    assert run(sys.executable, "-m", "pre_commit", "install").returncode == 0
    assert str(Path(sys.executable).parent) not in bare_path.split(os.pathsep)
    event = clone / "schemas/jupyterlab/kernel_interrupt/1.0.0.yaml"
    event.parent.mkdir(parents=True)
    event.write_text(NEW_EVENT.replace("required:", "requird:"))
    run("git", "add", "--all")

    blocked = run("git", "commit", "--quiet", "-m", "Add kernel_interrupt")

    output = blocked.stdout + blocked.stderr
    if blocked.returncode and any(trouble in output for trouble in NETWORK_TROUBLE):
        pytest.skip("pre-commit could not install the hooks' environment from PyPI")
    assert blocked.returncode == 1, output
    assert output.count("[unknown-keyword]") == 1, output  # printed once, by the lint hook
    assert "did you mean `required`?" in output
    assert "not found" not in output and "ModuleNotFoundError" not in output

    event.write_text(NEW_EVENT)
    run("git", "add", "--all")
    committed = run("git", "commit", "--quiet", "-m", "Add kernel_interrupt")

    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert run("git", "log", "-1", "--format=%s").stdout.strip() == "Add kernel_interrupt"
