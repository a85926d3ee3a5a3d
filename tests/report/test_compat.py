"""Rendering a compatibility report: compat returns data, the report package prints it."""

from __future__ import annotations

import json
import subprocess
import sys

import registry.compat
from registry.compat import check
from registry.core.model import Mode
from registry.report.compat import render_compat, render_json, render_text
from registry.report.forms import compat_report_form
from tests.paths import PROJECT

OLD = {"type": "object", "version": 1, "properties": {"name": {"type": "string"}}}
NEW = {**OLD, "version": 2, "required": ["name"]}


def test_the_json_rendering_is_the_compat_report_form() -> None:
    report = check(OLD, NEW)
    assert json.loads(render_json(report)) == compat_report_form(report)
    assert render_compat(report, "json") == render_json(report)
    document = json.loads(render_json(report))
    assert document["compatible"] is False
    assert document["witness"]["valid_under"] == "version 1"
    assert [c["path"] for c in document["changes"]] == ["/required"]


def test_the_text_rendering_names_verdict_changes_and_witness() -> None:
    text = render_compat(check(OLD, NEW), "text")
    assert text.splitlines()[0] == "version 1 -> version 2: INCOMPATIBLE (backward, strict policy)"
    assert "1 change:" in text and "[breaks backward]" in text
    assert "witness (backward): valid under version 1, rejected by version 2:" in text


def test_a_compatible_pair_says_so_and_shows_no_witness() -> None:
    report = check(OLD, OLD, mode=Mode.FULL)
    text = render_text(report)
    assert "compatible (full, strict policy)" in text and "no changes" in text
    assert "witness" not in text
    assert json.loads(render_json(report))["witness"] is None


def test_compat_imports_no_renderer() -> None:
    """The import rule: report may import compat, never the other way round."""
    code = (
        "import sys, registry.compat\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('registry.report'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, check=True
    )
    assert done.stdout.strip() == "[]"
    assert not hasattr(registry.compat, "render_text")
    assert not hasattr(registry.compat, "render_json")
