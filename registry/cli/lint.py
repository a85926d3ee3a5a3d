"""`telemetry-registry lint [PATH ...]`: check schema files against the registry's rules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from registry.checks.lint import has_errors, lint
from registry.cli.options import add_format
from registry.cli.paths import display
from registry.core.config import Settings
from registry.errors import EXIT_OK, EXIT_PROBLEMS
from registry.report.findings import render
from registry.sources.named import select


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the tree)")
    add_format(parser, ("text", "json", "github"))


def run(args: argparse.Namespace, settings: Settings) -> int:
    return lint_paths(args.paths, settings, output_format=args.format)


def lint_paths(paths: Sequence[Path], settings: Settings, *, output_format: str = "text") -> int:
    """Lint the named files and folders (the schema root when none); 1 when any error is found."""
    findings = []
    checked = 0
    for selection in select(
        paths, settings.schema_root, max_bytes=settings.max_file_bytes, shown=display
    ):
        checked += selection.checked
        findings.extend(lint(selection.snapshot, settings, only=selection.only))
    sys.stdout.write(render(findings, output_format, checked=checked))
    if not checked:
        where = ", ".join(display(path) for path in paths) or display(settings.schema_root)
        print(
            f"warning: no schema files (.yaml, .yml or .json) in {where}\n"
            "hint: name the folder that holds the schemas, or set `schema-root` in the "
            "configuration",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if has_errors(findings) else EXIT_OK
