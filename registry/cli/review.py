"""`telemetry-registry review`: the pull-request report of the change against a git base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from registry.checks.compare import load_base_and_head
from registry.checks.review import build_review
from registry.cli.options import add_format, add_git_options
from registry.cli.paths import display
from registry.core.config import Settings
from registry.errors import EXIT_OK, EXIT_PROBLEMS, PathNotFound
from registry.report.review import render_review


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_git_options(parser)
    add_format(parser, ("markdown", "json", "github"))
    parser.add_argument("--output", type=Path, help="write the report to this file")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return review(
        settings, base=args.base, head=args.head, output_format=args.format, output=args.output
    )


def review(
    settings: Settings,
    *,
    base: str | None = None,
    head: str | None = None,
    output_format: str = "markdown",
    output: Path | None = None,
) -> int:
    """Write the review (to `output`, else stdout); 1 when a rule is violated."""
    if output is not None and not output.parent.is_dir():
        raise PathNotFound(
            display(output.parent), "folder", "create it, or write the report somewhere else"
        )
    sides = load_base_and_head(settings, base=base, head=head, shown=display)
    result = build_review(
        sides.base,
        sides.head,
        settings,
        base_label=sides.base_label,
        head_label=sides.head_label,
    )
    text = render_review(result, output_format)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK if result.passed else EXIT_PROBLEMS
