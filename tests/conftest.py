"""Shared test fixtures: the project's paths and the ../shared corpora (skipped when absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from tests.gitrepo import GitRepo
from tests.paths import PUBLISH_FIXTURES, SHARED

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


@pytest.fixture
def shared() -> Path:
    """The read-only ../shared folder; tests that need it skip on a user's fresh clone."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip("../shared is not present beside this checkout")
    return SHARED


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site folder with the `good` fixture tree published at `schemas/` (the base URL path)."""
    from registry.core.config import Settings
    from registry.publish.writer import publish
    from registry.sources.tree import load_folder

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


@pytest.fixture
def git_repo(tmp_path: Path) -> Iterator[GitRepo]:
    """An empty git repository on branch main, with a fixed author and dates."""
    repo = GitRepo(tmp_path / "repo")
    yield repo
    repo.close()
