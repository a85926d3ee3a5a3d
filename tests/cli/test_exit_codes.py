"""Exit codes every command shares: missing paths, errors with hints, a closed output pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry import cli
from registry.client import BadRegistryURL, DigestMismatch, RegistryUnavailable
from registry.core.config import ConfigError
from registry.core.model import VersionError
from registry.errors import PathNotFound, RegistryError, UsageError
from registry.publish.vendor import VendorError
from registry.publish.writer import LintFailed, OutputNotRegistry
from registry.sources.files import SchemaLoadError
from registry.sources.git import GitSourceError
from registry.sources.named import UnreadableSchema
from tests.loopback import Loopback
from tests.paths import COMPAT_FIXTURES, FIXTURES, PROJECT

GONE = "gone/away"
OLD = str(COMPAT_FIXTURES / "click-1.yaml")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder is an empty project whose configured schema root does not exist."""
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.telemetry-registry]\nschema-root = "{GONE}"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["lint", GONE],
        ["lint"],
        ["compat", GONE, OLD],
        ["compat", OLD, GONE],
        ["import-iglu", GONE, "dest"],
        ["publish"],
        ["serve", "--dir", GONE, "--port", "0"],
        ["fetch", GONE, "--into", "vendored"],
        ["fetch", f"file:///{GONE}", "--into", "vendored"],
        ["review", "--output", f"{GONE}/review.md"],
        ["--config", f"{GONE}/pyproject.toml", "rules"],
        ["--config", f"{GONE}/pyproject.toml", "check"],
    ],
    ids=lambda argv: " ".join(argv).replace(GONE, "GONE"),
)
def test_a_path_that_does_not_exist_is_a_usage_error_naming_it(
    argv: list[str], in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("error: ") and GONE in err.splitlines()[0]
    assert "Traceback" not in err
    assert not (in_tmp / "vendored").exists() and not (in_tmp / "dest").exists()


def _raising(error: BaseException) -> object:
    def command(*_: object, **__: object) -> int:
        raise error

    return command


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (RegistryError("something is wrong with the input"), 1),
        (UsageError("a wrong option", "use the right one"), 2),
        (PathNotFound("x/y.yaml", "file", "name a schema file"), 2),
        (ConfigError("pyproject.toml", "'policy' is unknown", "write strict or lenient"), 2),
        (GitSourceError("no such revision", "fetch it"), 2),
        (OutputNotRegistry(Path("notes")), 2),
        (BadRegistryURL("ftp://x", "the registry URL must be http(s)://, file:// or a folder"), 2),
        (LintFailed([]), 1),
        (VendorError("cannot read x", "x was left as it was"), 1),
        (DigestMismatch("http://h/a.json", "aa", "bb"), 1),
        (RegistryUnavailable("http://h/", "cannot connect"), 1),
        (SchemaLoadError("parse-error", "invalid YAML", "fix the YAML syntax", 3), 1),
        (UnreadableSchema("a.yaml", "parse-error", "invalid YAML", "fix the YAML syntax", 3), 1),
        (VersionError("x"), 1),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_registry_error_ends_with_its_exit_code_message_and_hint(
    error: RegistryError,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("registry.cli.rules.list_rules", _raising(error))
    assert error.exit_code == code
    assert cli.main(["rules"]) == code
    expected = f"error: {error.message}\n" + (f"hint: {error.hint}\n" if error.hint else "")
    assert capsys.readouterr().err == expected


def test_an_os_error_naming_a_file_exits_1_naming_it(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (FIXTURES / "good").as_posix()
    (in_tmp / "pyproject.toml").write_text(
        f'[tool.telemetry-registry]\nschema-root = "{good}"\n', encoding="utf-8"
    )
    (in_tmp / "a-file").write_text("not a folder")
    assert cli.main(["publish", "--out", "a-file/registry"]) == cli.EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "a-file" in err and "Traceback" not in err


def test_fetch_from_an_unreachable_registry_gives_a_hint_that_fits_fetch(
    served: Loopback, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = served.url + "schemas/"
    served.stop()
    into = tmp_path / "vendored"
    assert cli.main(["fetch", url, "--into", str(into), "--timeout", "0.5"]) == 1
    message, hint = capsys.readouterr().err.splitlines()
    assert message.startswith(f"error: cannot read {url}index.json")
    assert hint == (
        f"hint: check the URL and the network, then fetch again; {into} was left as it was"
    )
    assert "cache" not in message + hint
    assert not into.exists()


@pytest.mark.parametrize(
    "argv", [["rules"], ["lint", "--format", "json", str(FIXTURES / "good")]], ids=" ".join
)
def test_a_closed_output_pipe_ends_quietly_with_141(argv: list[str], tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first byte is written, like `| head -c0`
    try:
        done = subprocess.run(
            [sys.executable, "-m", "registry", *argv],
            stdout=writer,
            stderr=subprocess.PIPE,
            cwd=PROJECT,
            env={**os.environ, "TMPDIR": str(temp)},
            check=False,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (cli.EXIT_BROKEN_PIPE, b"")
    assert list(temp.iterdir()) == []  # no log of an unexpected error
