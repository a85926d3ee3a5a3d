"""The lazy command table: importing the CLI is cheap, and a command loads only its own module."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from registry.cli.options import Parser
from registry.cli.table import COMMANDS
from tests.paths import PROJECT


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=PROJECT, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_command_and_no_settings() -> None:
    modules = loaded_after("import registry.cli")
    ours = {name for name in modules if name.startswith("registry")}
    assert ours == {
        "registry",
        "registry.cli",
        "registry.cli.app",
        "registry.cli.handler",
        "registry.cli.options",
        "registry.cli.table",
        "registry.errors",
    }
    assert not modules & {"yaml", "git", "jsonschema", "semver", "tomllib", "urllib.request"}


def test_a_command_loads_its_own_module_and_not_the_others() -> None:
    modules = loaded_after("from registry.cli import main\nmain(['rules', '--format', 'json'])")
    commands = {entry.module for entry in COMMANDS.values()}
    assert commands & modules == {"registry.cli.rules"}
    assert not modules & {"git", "registry.sources.git", "registry.publish.writer"}


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_module_adds_its_options_and_runs(name: str) -> None:
    module = importlib.import_module(COMMANDS[name].module)
    parser = Parser(prog=f"telemetry-registry {name}")
    module.add_arguments(parser)
    assert callable(module.run)
    assert f"telemetry-registry {name}" in parser.format_usage()


def test_the_help_lists_every_command_with_its_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from registry.cli import main

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name, entry in COMMANDS.items():
        assert f"  {name:<12} {entry.summary}" in out
