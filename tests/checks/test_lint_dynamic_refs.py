"""`$dynamicRef` and `$recursiveRef` to another host are refused by lint, as `$ref` is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.checks.lint import lint
from registry.core.config import Settings
from registry.sources.tree import load_folder


@pytest.mark.parametrize(
    ("keyword", "ref", "outside"),
    [
        ("$dynamicRef", "https://elsewhere.example/evil#node", True),
        ("$recursiveRef", "https://elsewhere.example/evil", True),
        ("$dynamicRef", "#node", False),
    ],
)
def test_a_dynamic_reference_to_another_host_is_a_ref_in_registry_finding(
    tmp_path: Path, keyword: str, ref: str, outside: bool
) -> None:
    (tmp_path / "app/click").mkdir(parents=True)
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://events.example.org/schemas/app/click",
        "version": 1,
        "title": "T",
        "description": "D.",
        "type": "object",
        "$dynamicAnchor": "node",
        "properties": {"a": {"description": "A.", keyword: ref}},
    }
    (tmp_path / "app/click/1.yaml").write_text(json.dumps(body) + "\n", encoding="utf-8")
    found = [f for f in lint(load_folder(tmp_path), Settings()) if f.rule == "ref-in-registry"]
    if outside:
        (finding,) = found
        assert finding.pointer == f"/properties/a/{keyword}"
        assert f"`{keyword}` {ref!r} points outside this registry" in finding.message
    else:
        assert found == []
