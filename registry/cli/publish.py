"""`telemetry-registry publish`: write the static registry (index.json and every version)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from registry.cli.paths import default_publish_dir, display
from registry.core.config import Settings
from registry.errors import EXIT_OK, UsageError
from registry.publish.writer import LintFailed, publish
from registry.report.findings import render
from registry.sources.tree import load_folder


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        help="the folder to write, served at the base URL (default: public/<base URL path> "
        "beside the configuration, e.g. public/schemas); replaced as a whole",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    out = args.out if args.out is not None else default_publish_dir(settings)
    return publish_tree(settings, out)


def publish_tree(settings: Settings, out: Path) -> int:
    """Lint the schema tree and, when it has no errors, write the registry into `out`."""
    root = settings.schema_root
    if not root.is_dir():
        raise UsageError(
            f"{display(root)}: the schema root is not a folder",
            "create it, or set `schema-root` in the configuration",
        )
    snapshot = load_folder(root, max_bytes=settings.max_file_bytes, display=display(root))
    checked = len(snapshot.schemas) + len(snapshot.failures)
    try:
        result = publish(snapshot, settings, out)
    except LintFailed as error:
        sys.stdout.write(render(error.findings, "text", checked=checked))
        raise
    if result.findings:
        sys.stdout.write(render(result.findings, "text", checked=checked))
    print(
        f"published {result.events} events ({result.versions} versions, {result.files} files) "
        f"to {display(out)}; serve it at {settings.base_url}"
    )
    return EXIT_OK
