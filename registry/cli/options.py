"""What several commands share: the argument parser that reports usage errors, common options."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from registry.errors import UsageError


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose mistakes become UsageError (exit 2), never SystemExit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}", f"`{self.prog} --help` lists the options")


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format")


def add_git_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        metavar="REF",
        help="the git revision holding the published schemas (default: the merge base of HEAD "
        "and the configured main branch)",
    )
    parser.add_argument(
        "--head",
        metavar="REF",
        help="compare this git revision instead of the working tree",
    )
