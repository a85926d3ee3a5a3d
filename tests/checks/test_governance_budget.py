"""Governance, the review and the docs changelog compare within the configured `compat-budget`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from registry.checks.governance import govern
from registry.core.config import Settings
from registry.sources.tree import load_folder
from tests.paths import FIXTURES

GOVERNANCE = FIXTURES / "governance"


def tree(root: Path, *fixtures: str) -> Path:
    for fixture in fixtures:
        body = yaml.safe_load((GOVERNANCE / fixture).read_text(encoding="utf-8"))
        below = body["$id"].removeprefix("https://events.example.org/schemas/")
        target = root / below / f"{body['version']}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((GOVERNANCE / fixture).read_text(encoding="utf-8"), encoding="utf-8")
    return root


def change_types(settings: Settings, tmp_path: Path) -> set[str]:
    base = tree(tmp_path / "base", "checkout-1.0.0.yaml")
    head = tree(tmp_path / "head", "checkout-1.0.0.yaml", "checkout-1.1.0-additive.yaml")
    governance = govern(load_folder(base), load_folder(head), settings)
    return {
        change.type
        for assessment in governance.assessments
        for pair in assessment.comparisons
        for change in pair.changes
    }


def test_the_configured_budget_reaches_the_comparisons_governance_makes(tmp_path: Path) -> None:
    settings = Settings(base_url="https://events.example.org/schemas/")
    generous = change_types(settings, tmp_path / "generous")
    assert generous and "BUDGET_EXHAUSTED" not in generous
    starved = change_types(replace(settings, compat_budget=1), tmp_path / "starved")
    assert "BUDGET_EXHAUSTED" in starved


def test_the_docs_changelog_compares_within_the_configured_budget(tmp_path: Path) -> None:
    from registry.docs.changes import changelog

    head = load_folder(tree(tmp_path, "checkout-1.0.0.yaml", "checkout-1.1.0-additive.yaml"))
    settings = Settings(base_url="https://events.example.org/schemas/")
    generous = {c.type for v in changelog(head, settings).values() for c in v.changes}
    starved = {
        c.type
        for v in changelog(head, replace(settings, compat_budget=1)).values()
        for c in v.changes
    }
    assert "BUDGET_EXHAUSTED" not in generous and "BUDGET_EXHAUSTED" in starved
