"""Shared test fixtures: the project's paths and the ../shared corpora (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
SHARED = PROJECT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The read-only ../shared folder; tests that need it skip on a user's fresh clone."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip("../shared is not present beside this checkout")
    return SHARED
