"""Where the tests find the project, its fixtures and ../shared: paths are worked out here alone."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TESTS = PROJECT / "tests"
FIXTURES = TESTS / "fixtures"
PUBLISH_FIXTURES = FIXTURES / "publish"
EVENTLOG_FIXTURES = FIXTURES / "eventlog"
COMPAT_FIXTURES = FIXTURES / "compat"
DOCS_FIXTURES = FIXTURES / "docs"
GOLDEN = TESTS / "golden"
SHARED = PROJECT.parent / "shared"
