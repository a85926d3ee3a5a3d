"""`main(argv) -> exit code`: read the global options and the command's name, load that command's
module, let it parse its own arguments, and hand every way of ending to the handler."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from registry import __version__
from registry.cli import handler
from registry.cli.options import Parser
from registry.cli.table import COMMANDS, epilog
from registry.errors import EXIT_OK, RegistryError

if TYPE_CHECKING:
    from registry.core.config import Settings

PROG = "telemetry-registry"


class CommandModule(Protocol):
    """What a command's module offers: its options, and running with them."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, settings: Settings) -> int: ...


def build_parser() -> argparse.ArgumentParser:
    """The global options and the command's name; the rest is left to the command's parser."""
    listing = "\n".join(f"  {name:<12} {entry.summary}" for name, entry in COMMANDS.items())
    parser = Parser(
        prog=PROG,
        description="Govern, check and publish a registry of versioned event schemas.",
        epilog=f"commands:\n{listing}\n\n`{PROG} COMMAND --help` lists a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        help="pyproject.toml (its [tool.telemetry-registry] table) or a TOML file of settings; "
        "default: the nearest pyproject.toml",
    )
    parser.add_argument("command", metavar="COMMAND", choices=COMMANDS, help="see below")
    arguments = parser.add_argument(
        "arguments", metavar="ARGS", nargs=argparse.REMAINDER, help="the command's arguments"
    )
    arguments.required = False  # without a command, say only that the command is missing
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code; never raises for a person's mistake."""
    try:
        try:
            code = _run(sys.argv[1:] if argv is None else list(argv))
        except SystemExit as exit_:  # --help and --version
            code = exit_.code if isinstance(exit_.code, int) else EXIT_OK
        sys.stdout.flush()  # a closed pipe shows here, where it is handled, not at exit
        return code
    except RegistryError as error:
        return handler.report(error)
    except KeyboardInterrupt:
        return handler.interrupted()
    except BrokenPipeError:
        return handler.closed_pipe()
    except OSError as error:
        if error.filename is None:
            return handler.internal_error(error)
        return handler.file_error(error)
    except Exception as error:
        return handler.internal_error(error)
    except BaseException as error:  # a panic in compiled code, say; not an exit or Ctrl-C
        return handler.unexpected(error)


def _run(argv: list[str]) -> int:
    top = build_parser().parse_args(argv)
    name: str = top.command
    module: CommandModule = importlib.import_module(COMMANDS[name].module)
    parser = Parser(
        prog=f"{PROG} {name}",
        description=COMMANDS[name].summary,
        epilog=epilog(PROG, name),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    module.add_arguments(parser)
    args = parser.parse_args(top.arguments)
    from registry.core.config import load_settings

    settings = load_settings(top.config) if top.config else load_settings()
    return module.run(args, settings)
