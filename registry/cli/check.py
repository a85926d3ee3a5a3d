"""`telemetry-registry check`: the change against a git base, as findings."""

from __future__ import annotations

import argparse
import sys

from registry.checks.compare import load_base_and_head
from registry.checks.review import check_change
from registry.cli.options import add_format, add_git_options
from registry.cli.paths import display
from registry.core.config import Settings
from registry.errors import EXIT_OK, EXIT_PROBLEMS
from registry.report.findings import render


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_git_options(parser)
    add_format(parser, ("text", "json", "github"))
    parser.add_argument(
        "--no-lint",
        dest="lint",
        action="store_false",
        help="check only the versions' rules, not lint's (when `lint` runs beside it, as in the "
        "pre-commit hooks, so that each finding is printed once)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    return check(
        settings, base=args.base, head=args.head, output_format=args.format, lint=args.lint
    )


def check(
    settings: Settings,
    *,
    base: str | None = None,
    head: str | None = None,
    output_format: str = "text",
    lint: bool = True,
) -> int:
    """Governance and lint of the head against the base; 1 when a rule is violated."""
    sides = load_base_and_head(settings, base=base, head=head, shown=display)
    review = check_change(
        sides.base,
        sides.head,
        settings,
        base_label=sides.base_label,
        head_label=sides.head_label,
        lint_changed=lint,
    )
    if output_format == "text":
        print(f"Compared {review.head_label} with {review.base_label}.")
    checked = len(review.changed) + sum(
        1 for a in review.assessments if a.status.value == "deleted"
    )
    sys.stdout.write(render(review.findings, output_format, checked=checked))
    return EXIT_OK if review.passed else EXIT_PROBLEMS
