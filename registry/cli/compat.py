"""`telemetry-registry compat OLD NEW` (or `compat ID OLD_VERSION NEW_VERSION`): changes,
verdict, and a breaking event.

OLD and NEW are files or `REV:PATH` (a file at a git revision). Either may hold any JSON
Schema; a bare `true`/`false` is read as 2020-12.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from registry.checks.compat_files import compare_files
from registry.cli.options import add_format
from registry.cli.paths import display
from registry.core.config import DEFAULT_COMPAT_BUDGET, Settings
from registry.core.model import Mode
from registry.errors import EXIT_OK, EXIT_PROBLEMS, UsageError
from registry.report.compat import render_compat
from registry.sources.operands import Operand, file_or_revision, scratch_folder, versions_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        f"{parser.description}. Each file holds any JSON Schema: `$schema` decides its draft "
        "(draft 7 without one), and a file holding only `true` or `false` is read as 2020-12."
    )
    parser.add_argument(
        "operands",
        nargs="+",
        metavar="OPERAND",
        help="OLD NEW: two files, each a path or REV:PATH (a file at a git revision, e.g. "
        "main:schemas/shop/checkout/1.0.0.yaml); or ID OLD_VERSION NEW_VERSION: two versions of "
        "an event in the schema tree, by `$id` or its path below the base URL",
    )
    parser.add_argument(
        "--mode",
        choices=("backward", "forward", "full"),
        help="what compatible means (default: the configured mode for the event, else backward)",
    )
    add_format(parser, ("text", "json"))
    parser.add_argument(
        "--policy",
        choices=("strict", "lenient"),
        help="strict: set inclusion; lenient: writers never sent unnamed properties of an open "
        "object (default: the configured policy for the event, else strict)",
    )
    parser.add_argument(
        "--budget",
        type=_steps,
        metavar="STEPS",
        help="work each direction may take; what is left undecided after it is a "
        "BUDGET_EXHAUSTED change, which breaks (default: the configured compat-budget, "
        f"else {DEFAULT_COMPAT_BUDGET:,})",
    )
    parser.add_argument(
        "--fail-on-incompatible",
        action="store_true",
        help="exit 1 when the verdict is incompatible (default: exit 0 whatever the verdict)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if len(args.operands) not in (2, 3):
        raise UsageError(
            f"compat takes OLD NEW or ID OLD_VERSION NEW_VERSION, not {len(args.operands)} "
            "operands",
            "e.g. `compat old.json new.json` or `compat shop/checkout 1.0.0 1.1.0`",
        )
    with scratch_folder() as scratch:
        if len(args.operands) == 3:
            schema_id, old_version, new_version = args.operands
            old, new = versions_of(schema_id, old_version, new_version, settings)
        else:
            old, new = (file_or_revision(text, Path(scratch)) for text in args.operands)
        return _compat(args, settings, old, new)


def _compat(args: argparse.Namespace, settings: Settings, old: Operand, new: Operand) -> int:
    labels = {old.path: old.label, new.path: new.label}
    return compat(
        old.path,
        new.path,
        settings,
        mode=Mode(args.mode) if args.mode else None,
        policy=args.policy,
        output_format=args.format,
        fail_on_incompatible=args.fail_on_incompatible,
        steps=args.budget,
        shown=lambda path: labels.get(path) or display(path),
    )


def _steps(text: str) -> int:
    """A positive number of steps (argparse makes the error a usage error)."""
    try:
        steps = int(text)
    except ValueError:
        steps = 0
    if steps <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number of steps, not {text!r}")
    return steps


def compat(
    old: Path,
    new: Path,
    settings: Settings,
    *,
    mode: Mode | None = None,
    policy: str | None = None,
    output_format: str = "text",
    fail_on_incompatible: bool = False,
    steps: int | None = None,
    shown: Callable[[Path], str] = display,
) -> int:
    """Print the report on `new` against `old`; 1 only when asked to fail and incompatible."""
    report = compare_files(
        old, new, settings, mode=mode, policy=policy, steps=steps, shown=shown, warn=_warn
    )
    sys.stdout.write(render_compat(report, output_format))
    if fail_on_incompatible and not report.compatible:
        return EXIT_PROBLEMS
    return EXIT_OK


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)
