"""Shared test fixtures: the project's paths and the ../shared corpora (skipped when absent)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.loopback import Loopback

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
