"""The app developers' guide runs as written: every code block on its own, in an empty folder.

Readers copy one block, not the page, so each block is run alone, in a subprocess whose only
link to this project is `PYTHONPATH` (as with an installed package, not from the test's
namespace). Each runs in a fresh folder holding what the guide's introduction says it holds:
the registry that `telemetry-registry publish` writes (`public/schemas`, from this project's
schema tree), served as `serve` would serve it (`http://127.0.0.1:8000/`, replaced here by the
test server's address). Blocks are treated by what they are:

- a `python` block is run as a script; when a `text` block follows it, that is its output
  (standard output and logging together; timestamps aside), and a `console` block right
  before it is run first (the command it depends on);
- a `python` block whose first line names a configuration file (`# app_config.py`) is loaded
  with traitlets' own loader, and an EventLog is built from it;
- a `python` block naming a `test_*.py` file is run with pytest beside the guide's
  `pyproject.toml` block, and must pass;
- a `console` block runs each `$ telemetry-registry ...` line as a command.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

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
TIMESTAMP = re.compile(r'"__timestamp__":\s*"[^"]+"')
RUN_SECONDS = 120


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    line: int
    output: str | None = None
    """The `text` block that follows a `python` block: what running it prints."""
    before: str | None = None
    """The `console` block right before a `python` block: commands it depends on."""

    @property
    def file_name(self) -> str | None:
        named = NAMED.match(self.code)
        return named.group(1) if named else None

    @property
    def id(self) -> str:
        return f"{self.language}-line-{self.line}"


def blocks(text: str) -> list[Block]:
    """The guide's code blocks, each with the output shown after it and the command before."""
    found = [
        (match.group(1), match.group(2), text.count("\n", 0, match.start()) + 1)
        for match in FENCE.finditer(text)
    ]
    result = []
    for index, (language, code, line) in enumerate(found):
        if language == "text":
            continue
        after = found[index + 1] if index + 1 < len(found) else None
        before = found[index - 1] if index > 0 else None
        result.append(
            Block(
                language,
                code,
                line,
                output=after[1] if after and after[0] == "text" else None,
                before=before[1]
                if before and before[0] == "console" and language == "python"
                else None,
            )
        )
    return result


GUIDE_BLOCKS = blocks(GUIDE.read_text(encoding="utf-8"))
CONFIGURATION = next(block for block in GUIDE_BLOCKS if block.file_name == "pyproject.toml")


@pytest.fixture(scope="module")
def registry_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """`public/schemas` published once and served; yields the folder and the server's URL."""
    site = tmp_path_factory.mktemp("guide-site") / "public"
    publish(load_folder(PROJECT / "schemas"), Settings(), site / "schemas")
    server = start(site)
    yield site, server.url
    server.stop()


@pytest.fixture
def folder(tmp_path: Path, registry_site: tuple[Path, str]) -> Path:
    """An empty folder, but for the published registry the guide's introduction asks for."""
    shutil.copytree(registry_site[0], tmp_path / "public")
    return tmp_path


def environment(folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "COV_", "PYTHON"))
    }
    env.update(
        PYTHONPATH=str(PROJECT),
        PYTHONUNBUFFERED="1",
        TELEMETRY_REGISTRY_CACHE=str(folder / ".cache"),
    )
    return env


def run(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=folder,
        env=environment(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RUN_SECONDS,
        check=False,
    )


def run_commands(folder: Path, console: str, url: str, where: str) -> None:
    for command in re.findall(r"^\$ telemetry-registry (.+)$", console, re.MULTILINE):
        arguments = shlex.split(command.replace(SERVE_URL, url))
        done = run(folder, "-m", "registry", *arguments)
        assert done.returncode == 0, f"{where}: telemetry-registry {command}\n{done.stdout}"


def test_the_guide_shows_code_a_configuration_file_a_command_and_tests() -> None:
    names = {block.file_name for block in GUIDE_BLOCKS}
    assert {"jupyter_server_config.py", "pyproject.toml", "test_instrumentation.py"} <= names
    assert any(block.language == "console" for block in GUIDE_BLOCKS)
    scripts = [b for b in GUIDE_BLOCKS if b.language == "python" and b.file_name is None]
    assert len(scripts) >= 8
    assert all(block.output is not None for block in scripts), "every script shows its output"


@pytest.mark.parametrize("block", GUIDE_BLOCKS, ids=[block.id for block in GUIDE_BLOCKS])
def test_each_block_of_the_guide_runs_alone_in_an_empty_folder(
    block: Block, folder: Path, registry_site: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = registry_site[1]
    where = f"{GUIDE.name}:{block.line}"
    name = block.file_name
    code = block.code.replace(SERVE_URL, url)
    if block.language == "console":
        run_commands(folder, code, url, where)
    elif name is not None and name.endswith("_config.py"):
        (folder / name).write_text(code)
        monkeypatch.chdir(folder)  # its handlers write beside it
        check_configuration(folder, name)
    elif name is not None and name.startswith("test_"):
        (folder / CONFIGURATION.file_name).write_text(CONFIGURATION.code)  # type: ignore[operator]
        (folder / name).write_text(code)
        done = run(folder, "-m", "pytest", "-p", "registry.pytest_plugin", "-W", "error", name)
        assert done.returncode == 0, f"{where}:\n{done.stdout}"
        assert re.search(r"\b[1-9]\d* passed\b", done.stdout), done.stdout
    elif name is not None:
        assert block.language == "toml"  # run with each test file
    else:
        if block.before is not None:
            run_commands(folder, block.before, url, where)
        (folder / "block.py").write_text(code)
        done = run(folder, "block.py")
        assert done.returncode == 0, f"{where}:\n{done.stdout}"
        if block.output is not None:
            printed = TIMESTAMP.sub("T", done.stdout.replace(url, SERVE_URL))
            shown = TIMESTAMP.sub("T", block.output)
            assert printed == shown, f"{where}: the block printed\n{done.stdout}"


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
