"""`telemetry-registry import-iglu SOURCE DEST`: convert Iglu self-describing schemas."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from registry.cli.paths import display
from registry.core.config import Settings, parse_base_url
from registry.errors import EXIT_OK, PathNotFound, UsageError
from registry.sources.iglu import import_iglu


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", type=Path, help="a folder of Iglu schemas")
    parser.add_argument("dest", type=Path, help="the schema tree to write into")
    parser.add_argument("--base-url", help="base URL of the `$id`s (default: the configured one)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    base_url = parse_base_url(args.base_url, "--base-url") if args.base_url else settings.base_url
    return import_folder(args.source, args.dest, base_url)


def import_folder(source: Path, dest: Path, base_url: str) -> int:
    """Convert every Iglu schema below `source` into the tree `dest`; report what was skipped."""
    if not source.exists():
        raise PathNotFound(str(source), "folder", "give the folder that holds the Iglu schemas")
    if not source.is_dir():
        raise UsageError(f"{source}: not a folder", "give the folder that holds the Iglu schemas")
    result = import_iglu(source, dest, base_url)
    for skipped in result.skipped:
        print(f"skipped {display(skipped.path)}: {skipped.reason}", file=sys.stderr)
    print(
        f"imported {len(result.written)} schemas into {display(dest)}; "
        f"{len(result.skipped)} files skipped"
    )
    return EXIT_OK
