"""The `compat` command: its exact contract (options, JSON keys, exit codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.cli import main
from registry.core.refs import validator_for
from registry.sources.files import read_schema
from tests.paths import COMPAT_FIXTURES

FIXTURES = COMPAT_FIXTURES
OLD, NEW, MINOR = FIXTURES / "click-1.yaml", FIXTURES / "click-2.yaml", FIXTURES / "click-1.1.json"


@pytest.fixture(autouse=True)
def _no_project_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _body(path: Path) -> dict[str, object]:
    from pathlib import PurePosixPath

    return dict(read_schema(PurePosixPath(path.name), path.read_bytes()).body)


def test_json_output_has_the_contracted_keys_and_exit_is_0_when_incompatible(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["compat", str(OLD), str(NEW), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {"compatible", "mode", "policy", "changes", "witness"} <= set(document)
    assert document["compatible"] is False
    assert document["mode"] == "backward" and document["policy"] == "strict"
    for change in document["changes"]:
        assert {"type", "path", "description", "breaks"} <= set(change)
    types = {c["type"]: c["breaks"] for c in document["changes"]}
    assert types["MAX_LENGTH_DECREASED"] == ["backward"]
    assert types["TYPE_EXTENDED"] == ["forward"]
    witness = document["witness"]
    assert witness["direction"] == "backward"
    assert validator_for(_body(OLD)).is_valid(witness["instance"])
    assert not validator_for(_body(NEW)).is_valid(witness["instance"])


def test_fail_on_incompatible_makes_an_incompatible_verdict_exit_1() -> None:
    assert main(["compat", str(OLD), str(NEW), "--fail-on-incompatible"]) == 1
    lenient = ["--policy", "lenient", "--fail-on-incompatible"]
    assert main(["compat", str(OLD), str(MINOR), *lenient]) == 0


def test_forward_and_full_modes_judge_the_other_direction(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["compat", str(OLD), str(MINOR), "--mode", "forward", "--format", "json"])
    forward = json.loads(capsys.readouterr().out)
    main(["compat", str(OLD), str(MINOR), "--mode", "full", "--format", "json"])
    full = json.loads(capsys.readouterr().out)
    assert forward["compatible"] is True and full["compatible"] is False
    assert forward["verdicts"]["backward"] is False  # the open model: `screen` was unconstrained
    assert full["open_content_only"] is True
    main(["compat", str(OLD), str(MINOR), "--policy", "lenient", "--format", "json"])
    lenient = json.loads(capsys.readouterr().out)
    assert lenient["compatible"] is True and lenient["policy"] == "lenient"
    assert lenient["required_bump"] == "minor"


def test_text_output_names_each_change_what_it_breaks_and_the_witness(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["compat", str(OLD), str(NEW)])
    out = capsys.readouterr().out
    assert "INCOMPATIBLE (backward, strict policy)" in out
    assert "MAX_LENGTH_DECREASED at /properties/button/maxLength [breaks backward]" in out
    assert "witness (backward)" in out


def test_the_configured_policy_is_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.telemetry-registry]\npolicy = "strict"\n'
        '[tool.telemetry-registry.overrides."https://events.example.org/schemas/app/"]\n'
        'policy = "lenient"\ncompatibility = "full_transitive"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "compat", str(OLD), str(MINOR), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["policy"] == "lenient" and document["mode"] == "full"


def test_an_unreadable_file_exits_1_and_a_missing_one_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["compat", str(FIXTURES / "broken.yaml"), str(NEW)]) == 1
    err = capsys.readouterr().err
    assert "broken.yaml:4:6:" in err and "parse-error" in err and "Traceback" not in err
    assert main(["compat", str(FIXTURES / "missing.yaml"), str(NEW)]) == 2
    assert "missing.yaml: no such file" in capsys.readouterr().err


def test_an_unknown_mode_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compat", str(OLD), str(NEW), "--mode", "sideways"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_an_invalid_schema_is_refused_with_its_file_and_pointer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    invalid = FIXTURES / "invalid-multiple-of.json"
    for argv in (["compat", str(OLD), str(invalid)], ["compat", str(invalid), str(OLD)]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: {invalid}:5: [metaschema]")
        assert "/properties/count/multipleOf" in err and "Traceback" not in err
