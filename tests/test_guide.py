"""The app developers' guide runs as written: every code block is executed, in order.

The guide's examples work in a folder holding the registry that `telemetry-registry publish`
writes (`public/schemas`, from this project's schema tree) and served as `serve` would serve it
(`http://127.0.0.1:8000/`, replaced here by the test server's address). Blocks are treated by
what they are:

- a `python` block whose first line names a configuration file (`# app_config.py`) is loaded
  with traitlets' own loader, and an EventLog is built from it;
- a `python` or `toml` block naming `conftest.py`, `test_*.py` or `pyproject.toml` is written
  to that file, and the files are then run with pytest (with the plugin) at the end;
- a `console` block runs each `$ telemetry-registry ...` line through the CLI;
- any other `python` block is executed, all in one namespace, in order.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from traitlets.config.loader import PyFileConfigLoader

from registry import cli
from registry.core.config import Settings
from registry.eventlog.event_log import EventLog
from registry.publish.writer import publish
from registry.sources.tree import load_folder
from tests.loopback import start
from tests.paths import PROJECT

GUIDE = PROJECT / "site" / "app-developers.md"
SERVE_URL = "http://127.0.0.1:8000/"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
NAMED = re.compile(r"^# (\S+\.(?:py|toml))\n")


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    line: int

    @property
    def file_name(self) -> str | None:
        named = NAMED.match(self.code)
        return named.group(1) if named else None


def blocks(text: str) -> list[Block]:
    return [
        Block(match.group(1), match.group(2), text.count("\n", 0, match.start()) + 1)
        for match in FENCE.finditer(text)
    ]


@pytest.fixture
def registry_folder(pytester: pytest.Pytester) -> Iterator[str]:
    """The guide's working folder: `public/schemas` published and served; yields the URL."""
    site = pytester.path / "public"
    publish(load_folder(PROJECT / "schemas"), Settings(), site / "schemas")
    server = start(site)
    yield server.url
    server.stop()


def close_event_logs(namespace: dict[str, Any]) -> None:
    for value in namespace.values():
        if isinstance(value, EventLog):
            value.close()
            for handler in value.handlers:
                handler.close()


def test_the_guide_shows_code_a_configuration_file_a_command_and_a_test() -> None:
    found = blocks(GUIDE.read_text(encoding="utf-8"))
    names = {block.file_name for block in found}
    assert {"jupyter_server_config.py", "pyproject.toml", "test_instrumentation.py"} <= names
    assert any(block.language == "console" for block in found)
    assert sum(block.language == "python" and block.file_name is None for block in found) >= 5


def test_every_example_in_the_app_developers_guide_runs(
    pytester: pytest.Pytester, registry_folder: str
) -> None:
    namespace: dict[str, Any] = {"__name__": "guide"}
    test_files: list[str] = []
    try:
        for block in blocks(GUIDE.read_text(encoding="utf-8")):
            code = block.code.replace(SERVE_URL, registry_folder)
            name = block.file_name
            where = f"{GUIDE.name}:{block.line}"
            if block.language == "console":
                for command in re.findall(r"^\$ telemetry-registry (.+)$", code, re.MULTILINE):
                    assert cli.main(shlex.split(command)) == 0, f"{where}: {command}"
            elif name is not None and name.endswith("_config.py"):
                (pytester.path / name).write_text(code)
                check_configuration(pytester.path, name)
            elif name is not None:
                (pytester.path / name).write_text(code)
                test_files += [name] if name.startswith("test_") else []
            elif block.language == "python":
                run_example(code, where, namespace)
    finally:
        close_event_logs(namespace)
    assert test_files, "the guide shows no test file"
    result = pytester.runpytest("-p", "registry.pytest_plugin", "-W", "error", *test_files)
    result.assert_outcomes(passed=len(test_files))


def run_example(code: str, where: str, namespace: dict[str, Any]) -> None:
    """Execute one block; a failure names the guide's line that failed."""
    try:
        exec(compile(code, where, "exec"), namespace)
    except Exception as error:
        trace = error.__traceback__
        line = None
        while trace is not None:
            if trace.tb_frame.f_code.co_filename == where:
                line = trace.tb_lineno
            trace = trace.tb_next
        pytest.fail(f"{where}, line {line} of the block: {type(error).__name__}: {error}")


def check_configuration(folder: Path, name: str) -> None:
    """Load a configuration file as traitlets would, and build an EventLog from it."""
    config = PyFileConfigLoader(name, path=str(folder)).load_config()
    log = EventLog(config=config)
    try:
        for trait, value in config.EventLog.items():
            if trait != "handlers":
                assert log.trait_values()[trait] == value or trait == "allowed_schemas"
        assert all(isinstance(handler, logging.Handler) for handler in log.handlers)
    finally:
        for handler in log.handlers:
            handler.close()
