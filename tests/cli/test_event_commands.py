"""The commands an author reaches for: list, show, history, new; and what every command's help
and an empty lint say."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from registry.cli import main
from registry.cli.table import COMMANDS
from tests.checks.test_governance import GOVERNANCE, place, published
from tests.gitrepo import GitRepo
from tests.paths import PROJECT

CONFIG = ["--config", str(PROJECT / "pyproject.toml")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*CONFIG, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_shows_every_event_and_filters_by_namespace_owner_and_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert out.splitlines()[0].split() == [
        "EVENT", "LATEST", "VERSIONS", "STATUS", "OWNER", "TITLE"
    ]  # fmt: skip
    assert any(line.startswith("jupyter_server/contents_save ") for line in out.splitlines())

    code, out, _ = run(
        capsys, "list", "--namespace", "jupyterlab", "--status", "deprecated", "--format", "json"
    )
    rows = json.loads(out)
    assert code == 0
    assert [row["name"] for row in rows] == ["document_save"]
    assert rows[0]["namespace"] == "jupyterlab" and rows[0]["status"] == "deprecated"

    code, out, _ = run(capsys, "list", "--owner", "server-team", "--format", "json")
    assert {row["owner"] for row in json.loads(out)} == {"server-team"}


def test_show_prints_what_an_event_records_with_its_personal_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "show", "jupyter_server/contents_save", "1.1.0")

    assert code == 0
    assert "version 1.1.0" in out and "owner server-team" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line and line[0].islower()}
    assert "user-identifiable-information" in lines["path"]
    assert "yes" in lines["path"].split()
    assert "checkpoint.created_at" in lines and "unrestricted" in lines["checkpoint.created_at"]


def test_show_of_an_unknown_event_or_version_says_what_exists(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "show", "jupyter_server/contents_sav")
    assert code == 1
    assert "did you mean https://events.example.org/schemas/jupyter_server/contents_save?" in err

    code, _, err = run(capsys, "show", "jupyter_server/contents_save", "9.0.0")
    assert code == 1
    assert "its versions are 1.0.0, 1.0.1, 1.1.0" in err


def test_history_lists_each_version_with_its_commit_bump_and_verdict(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "checkout-1.0.0.yaml")
    place(repo, "checkout-2.0.0-breaking.yaml")
    repo.commit("Checkout 2.0.0")
    place(repo, "checkout-1.0.1-annotated.yaml")  # not committed yet

    code = main(["history", "shop/checkout", "--format", "json"])

    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["id"] == "https://events.example.org/schemas/shop/checkout"
    rows = {row["version"]: row for row in document["versions"]}
    assert list(rows) == ["1.0.0", "1.0.1", "2.0.0"]
    assert rows["1.0.0"]["bump"] == "first" and rows["1.0.0"]["author"]
    assert rows["1.0.1"]["commit"] is None  # in the working tree only
    assert rows["2.0.0"]["bump"] == "major"
    assert rows["2.0.0"]["verdict"] == "breaking (declared)"
    assert len(rows["2.0.0"]["commit"]) == 10 and rows["2.0.0"]["date"]


def test_new_writes_a_first_version_that_lints_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(GOVERNANCE / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "schemas").mkdir()

    assert main(["new", "jupyterlab/kernel_interrupt"]) == 0

    written = tmp_path / "schemas/jupyterlab/kernel_interrupt/1.0.0.yaml"
    text = written.read_text()
    assert "$id: https://events.example.org/schemas/jupyterlab/kernel_interrupt\n" in text
    assert "version: 1.0.0\ntitle: Kernel interrupt\n" in text
    assert "type: object\n" in text and "#   file_type:" in text
    capsys.readouterr()
    assert main(["lint"]) == 0
    assert capsys.readouterr().out == "1 file checked: no problems.\n"

    written.write_text(text + "# edited\n")
    assert main(["new", "jupyterlab/kernel_interrupt"]) == 1
    assert "already holds" in capsys.readouterr().err
    assert written.read_text().endswith("# edited\n")
    assert main(["new", "https://elsewhere.example.com/x"]) == 2


def test_lint_of_a_folder_without_schema_files_warns_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()

    code = main(["lint", str(tmp_path / "empty")])

    err = capsys.readouterr().err
    assert code == 1
    assert "warning: no schema files (.yaml, .yml or .json) in" in err


@pytest.mark.parametrize("name", COMMANDS)
def test_every_commands_help_shows_its_exit_codes_and_an_example(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([name, "--help"]) == 0

    out = capsys.readouterr().out
    assert "exit codes:\n  0    success" in out
    assert "\n  1    " + COMMANDS[name].problems in out
    assert f"example:\n  telemetry-registry {name} " in out


def test_the_console_script_lists_the_events(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "telemetry-registry"
    if not script.exists():
        pytest.skip("the package is not installed as a console script here")
    done = subprocess.run(
        [str(script), *CONFIG, "list", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert any(row["name"] == "theme_change" for row in json.loads(done.stdout))
