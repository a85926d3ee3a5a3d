from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from registry import cli
from registry.checks.governance import RULES as GOVERNANCE_RULES
from registry.checks.lint import RULES
from tests.paths import FIXTURES, PROJECT


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def broken_tree(tmp_path: Path) -> Path:
    """The broken fixtures plus a 50 MB file, which is made here rather than committed."""
    tree = tmp_path / "broken"
    shutil.copytree(FIXTURES / "broken", tree)
    huge = tree / "huge" / "e" / "1.0.0.json"
    huge.parent.mkdir(parents=True)
    with huge.open("wb") as handle:
        handle.write(b'{"description": "')
        handle.write(b"x" * 50_000_000)
        handle.write(b'"}')
    return tree


def test_broken_files_give_one_clear_finding_each(
    broken_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["lint", str(broken_tree), "--format", "json"], capsys)
    assert code == cli.EXIT_PROBLEMS
    assert "Traceback" not in out + err
    findings = json.loads(out)["findings"]
    by_file = {Path(f["path"]).relative_to(broken_tree).parts[0]: f["rule"] for f in findings}
    assert len(findings) == len(by_file) == 8
    assert by_file == {
        "bad-yaml": "parse-error",
        "billion-laughs": "yaml-alias",
        "binary": "parse-error",
        "dot-segments": "id-format",
        "encoded-dots": "id-format",
        "empty": "parse-error",
        "huge": "file-too-large",
        "other-host-ref": "ref-in-registry",
    }
    assert all(f["message"] and f["hint"] for f in findings)


def test_text_output_names_file_line_rule_and_hint(capsys: pytest.CaptureFixture[str]) -> None:
    folder = FIXTURES / "bad" / "reserved-property"
    code, out, _ = run(["lint", str(folder)], capsys)
    assert code == 1
    first, hint = out.splitlines()[:2]
    assert first.endswith(
        "app/button-click/1.0.0.yaml:16: error [reserved-property] property '__timestamp__' "
        "starts with `__`, which is reserved for the envelope"
    )
    assert hint.strip().startswith("hint: rename the property")
    assert out.splitlines()[-1] == "1 error, 0 warnings in 1 file (2 checked)."


def test_github_format_writes_workflow_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["lint", str(FIXTURES / "bad" / "title-present"), "--format", "github"], capsys
    )
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith("::error file=")
    assert ",title=title-present::the schema has no `title`. Hint: add a short `title`" in line


def test_a_clean_tree_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["lint", str(FIXTURES / "good")], capsys)
    assert (code, out) == (0, "4 files checked: no problems.\n")


def test_files_inside_the_schema_root_are_checked_against_the_whole_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES / "bad" / "ref-resolves", tmp_path / "schemas")
    (tmp_path / "pyproject.toml").write_text("[tool.telemetry-registry]\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["lint", "schemas/common/defs/1.yaml"], capsys)
    assert (code, out) == (0, "1 file checked: no problems.\n")
    code, out, _ = run(["lint", "schemas/app"], capsys)
    assert code == 1
    assert out.startswith("schemas/app/button-click/1.0.0.yaml:")
    code, out, _ = run(["lint"], capsys)
    assert code == 1 and "2 errors" in out


@pytest.mark.parametrize(
    "argv",
    [["lint", "no/such/folder"], ["frobnicate"], ["lint", "--format", "yaml"], []],
)
def test_usage_errors_exit_two_with_a_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(argv, capsys)
    assert code == cli.EXIT_USAGE
    assert err.startswith("error: ") and "Traceback" not in err


def test_a_bad_configuration_is_a_usage_error_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.telemetry-registry]\nbase-url = "ftp://x"\n')
    code, _, err = run(["--config", str(config), "lint"], capsys)
    assert code == 2
    assert "'base-url' must be an absolute http(s) URL" in err


def test_an_unexpected_error_exits_three_and_logs_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr("registry.cli.rules.list_rules", explode)
    code, _, err = run(["rules"], capsys)
    assert code == cli.EXIT_INTERNAL
    log = Path(err.split("The details are in ")[1].split(";")[0])
    assert "RuntimeError: boom" in log.read_text()
    assert "Traceback" not in err
    log.unlink()


def test_rules_lists_every_rule_with_its_effective_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.telemetry-registry.rules]\ntitle-present = "warning"\n')
    code, out, _ = run(["--config", str(config), "rules", "--format", "json"], capsys)
    listed = {row["id"]: row["severity"] for row in json.loads(out)}
    assert code == 0
    assert list(listed) == [rule.id for rule in (*RULES, *GOVERNANCE_RULES)]
    assert listed["title-present"] == "warning" and listed["metaschema"] == "error"
    code, out, _ = run(["rules", "--format", "markdown"], capsys)
    assert out.splitlines()[0] == "| rule | severity | what it requires |"
    assert len(out.splitlines()) == len(RULES) + len(GOVERNANCE_RULES) + 2


def test_the_module_runs_as_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "registry", "lint", str(FIXTURES / "good")],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "4 files checked: no problems.\n")


def test_the_repository_schemas_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--config", str(PROJECT / "pyproject.toml"), "lint"], capsys)
    assert code == 0, out
