"""Hostile schemas cannot make a comparison build huge values or backtrack without end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry import cli
from registry.compat import check
from registry.core.model import Mode
from tests.deadline import finishes

BACKTRACKS = r"^(?<w>a|aa)+\k<w>$"
"""ECMA-262 that jsonschema-rs does not read (`\\k<name>`): only the timed engine can, and a
name of a's and a '!' sends it backtracking."""
NAME = "a" * 30 + "!"


def with_pattern(value_type: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {NAME: {"type": "string"}},
        "patternProperties": {BACKTRACKS: {"type": value_type}},
    }


def test_a_pattern_that_backtracks_is_undecided_never_guessed() -> None:
    report = finishes(
        lambda: check(with_pattern("integer"), with_pattern("string"), mode=Mode.BACKWARD), 20
    )
    assert [change.type for change in report.changes] == ["PATTERN_UNDECIDED"]
    assert report.compatible is False
    assert report.witness is None


@pytest.mark.parametrize(
    ("keyword", "old", "new"),
    [
        ("minLength", {"type": "string", "minLength": 5}, {"type": "string", "minLength": 10**10}),
        ("minItems", {"type": "array"}, {"type": "array", "minItems": 10**9}),
        ("pattern", {"type": "string"}, {"type": "string", "pattern": "^a{1000}{1000}$"}),
    ],
)
def test_huge_bounds_are_compared_without_building_the_values_they_describe(
    keyword: str, old: dict[str, Any], new: dict[str, Any], tmp_path: Path
) -> None:
    files = []
    for name, body in (("old.json", old), ("new.json", new)):
        path = tmp_path / name
        path.write_text(json.dumps({"type": "object", "properties": {"v": body}}))
        files.append(str(path))
    code = finishes(lambda: cli.main(["compat", *files, "--format", "json"]), 20)
    assert code == 0
    report = finishes(
        lambda: check({"properties": {"v": old}}, {"properties": {"v": new}}, mode=Mode.BACKWARD),
        20,
    )
    assert report.compatible is False
    assert any(keyword in change.description for change in report.changes)
