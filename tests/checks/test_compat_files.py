"""Two schema files compared under the mode and policy the configuration gives their event."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.checks.compat_files import compare_files, mode_and_policy
from registry.core.config import Settings, load_settings
from registry.core.model import Mode
from registry.errors import EXIT_PROBLEMS, PathNotFound
from registry.sources.named import UnreadableSchema
from tests.paths import COMPAT_FIXTURES

OLD, NEW = COMPAT_FIXTURES / "click-1.yaml", COMPAT_FIXTURES / "click-2.yaml"
APP = "https://events.example.org/schemas/app/"


@pytest.fixture
def configured(tmp_path: Path) -> Settings:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.telemetry-registry]\npolicy = "strict"\n'
        f'[tool.telemetry-registry.overrides."{APP}"]\n'
        'policy = "lenient"\ncompatibility = "forward_transitive"\n',
        encoding="utf-8",
    )
    return load_settings(config)


def test_the_configured_mode_and_policy_apply_unless_given(configured: Settings) -> None:
    assert mode_and_policy(configured, APP + "click") == (Mode.FORWARD, "lenient")
    assert mode_and_policy(configured, APP + "click", mode=Mode.FULL, policy="strict") == (
        Mode.FULL,
        "strict",
    )
    assert mode_and_policy(configured, "https://elsewhere.example/x") == (
        Mode.BACKWARD,
        "strict",
    )


def test_the_report_is_labelled_with_the_files_as_shown(configured: Settings) -> None:
    report = compare_files(OLD, NEW, configured, shown=lambda path: path.name)
    assert (report.mode, report.policy) == (Mode.FORWARD, "lenient")
    assert report.old_label == "click-1.yaml (version 1.0.0)"
    assert report.new_label == "click-2.yaml (version 2.0.0)"
    assert report.changes


def test_a_missing_file_or_an_invalid_schema_is_an_error_naming_the_file(
    tmp_path: Path,
) -> None:
    with pytest.raises(PathNotFound, match=r"absent\.yaml"):
        compare_files(OLD, tmp_path / "absent.yaml", Settings())
    invalid = COMPAT_FIXTURES / "invalid-multiple-of.json"
    for old, new in ((invalid, OLD), (OLD, invalid)):
        with pytest.raises(UnreadableSchema) as raised:
            compare_files(old, new, Settings(), shown=lambda path: path.name)
        assert (raised.value.path, raised.value.rule) == (invalid.name, "metaschema")
        assert raised.value.exit_code == EXIT_PROBLEMS
        assert "/properties/count/multipleOf" in raised.value.message
