"""`compat` on any JSON Schema: booleans, broken references, deep and adversarial schemas.

Each ends in a report (exit 0, or 1 with --fail-on-incompatible) or a clear error, never in
exit 3; the budget is an option and a setting. And whatever slips through to the top, a
BaseException from compiled code included, is an unexpected error with its log.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from registry.cli import main
from tests.compat.test_bounded import adversarial
from tests.paths import COMPAT_FIXTURES

FIXTURES = COMPAT_FIXTURES


@pytest.fixture(autouse=True)
def _no_project_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _json_report(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    code = main(["compat", *argv, "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Traceback" not in captured.err
    report: dict[str, object] = json.loads(captured.out)
    return report


def _types(report: dict[str, object]) -> set[str]:
    changes = report["changes"]
    assert isinstance(changes, list)
    return {change["type"] for change in changes}


def test_boolean_files_are_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    true, false = str(FIXTURES / "true.json"), str(FIXTURES / "false.yaml")
    report = _json_report(capsys, true, false)
    assert report["compatible"] is False and _types(report) == {"FALSE_SCHEMA_ADDED"}
    witness = report["witness"]
    assert isinstance(witness, dict) and witness["direction"] == "backward"
    assert _json_report(capsys, false, true)["compatible"] is True
    assert main(["compat", true, str(FIXTURES / "click-1.yaml"), "--fail-on-incompatible"]) == 1


def test_help_says_how_a_boolean_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compat", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "only `true` or `false` is read as 2020-12" in out
    assert "--budget STEPS" in out


def test_a_yaml_file_holding_a_boolean_and_more_is_still_a_parse_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "odd.yaml"
    odd.write_text("true\n---\nfalse\n", encoding="utf-8")
    assert main(["compat", str(odd), str(FIXTURES / "true.json")]) == 1
    assert "parse-error" in capsys.readouterr().err


def test_references_to_other_files_in_unions_are_unresolved_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    schema = str(FIXTURES / "union-ref-other-file.json")
    report = _json_report(capsys, schema, schema)
    assert _types(report) == {"REFERENCE_UNRESOLVED"}
    assert report["compatible"] is False


def test_a_reference_to_a_tuple_is_named_not_crashed_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    values, tuple_ref = str(FIXTURES / "tuple-values.json"), str(FIXTURES / "tuple-ref-array.json")
    report = _json_report(capsys, values, tuple_ref)
    assert "REFERENCE_NOT_A_SCHEMA" in _types(report)
    main(["compat", tuple_ref, tuple_ref])
    out = capsys.readouterr().out
    assert "REFERENCE_NOT_A_SCHEMA at /additionalItems [breaks backward, forward]" in out


def test_deeply_recursive_definitions_end_in_nesting_too_deep(
    capsys: pytest.CaptureFixture[str],
) -> None:
    deep = str(FIXTURES / "deep-unions.json")
    report = _json_report(capsys, deep, deep)
    assert "NESTING_TOO_DEEP" in _types(report)
    assert main(["compat", deep, deep, "--fail-on-incompatible"]) == 1


def test_the_budget_option_ends_an_adversarial_comparison(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "unions.json"
    schema.write_text(json.dumps(adversarial(3)), encoding="utf-8")
    report = _json_report(capsys, str(schema), str(schema), "--budget", "500")
    assert "BUDGET_EXHAUSTED" in _types(report)
    main(["compat", str(schema), str(schema), "--budget", "500"])
    assert "budget of 500 steps" in capsys.readouterr().out


def test_the_budget_setting_is_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = tmp_path / "unions.json"
    schema.write_text(json.dumps(adversarial(3)), encoding="utf-8")
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.telemetry-registry]\ncompat-budget = 300\n", encoding="utf-8")
    main(["compat", str(schema), str(schema)])
    assert "budget of 300 steps" in capsys.readouterr().out


@pytest.mark.parametrize("steps", ["0", "-3", "many"])
def test_a_budget_that_is_no_positive_number_is_a_usage_error(
    steps: str, capsys: pytest.CaptureFixture[str]
) -> None:
    true = str(FIXTURES / "true.json")
    assert main(["compat", true, true, "--budget", steps]) == 2
    assert "positive whole number of steps" in capsys.readouterr().err


def test_a_budget_setting_that_is_no_positive_integer_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.telemetry-registry]\ncompat-budget = "lots"\n', encoding="utf-8"
    )
    true = str(FIXTURES / "true.json")
    assert main(["compat", true, true]) == 2
    assert "'compat-budget' must be a positive integer" in capsys.readouterr().err


class Panic(BaseException):
    """What a panic in compiled code looks like to Python: a BaseException, not an Exception."""


def test_a_base_exception_from_a_command_is_an_unexpected_error_with_its_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from registry.cli import compat as command

    def panics(*args: object, **kwargs: object) -> None:
        raise Panic("called `Result::unwrap()` on an `Err` value")

    monkeypatch.setattr(command, "compare_files", panics)
    true = str(FIXTURES / "true.json")
    assert main(["compat", true, true]) == 3
    err = capsys.readouterr().err
    assert "an unexpected Panic: called `Result::unwrap()`" in err
    log = Path(err.split("The details are in ", 1)[1].split(";", 1)[0])
    try:
        assert "Panic" in log.read_text(encoding="utf-8")
    finally:
        log.unlink()


@pytest.mark.parametrize("error", [KeyboardInterrupt(), SystemExit(4)])
def test_exits_and_interruptions_are_not_unexpected(
    error: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registry.cli import compat as command

    def stops(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(command, "compare_files", stops)
    true = str(FIXTURES / "true.json")
    assert main(["compat", true, true]) == (130 if isinstance(error, KeyboardInterrupt) else 4)
