"""`telemetry-registry list`: the events of the registry, one line each."""

from __future__ import annotations

import argparse
import sys

from registry.cli.events import load_tree
from registry.cli.options import add_format
from registry.core.config import Settings
from registry.errors import EXIT_OK, EXIT_PROBLEMS
from registry.report.events import event_row, table
from registry.report.forms import dumps


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--namespace", help="only events in this namespace (and those below it)")
    parser.add_argument("--owner", help="only events whose `x-owner` is this")
    parser.add_argument(
        "--status", choices=("stable", "draft", "deprecated"), help="only events of this status"
    )
    add_format(parser, ("text", "json"))


def run(args: argparse.Namespace, settings: Settings) -> int:
    snapshot = load_tree(settings)
    rows = [event_row(versions, settings.base_url) for versions in snapshot.by_id.values()]
    namespace = (args.namespace or "").strip("/")
    rows = [
        row
        for row in sorted(rows, key=lambda r: r.id)
        if (not namespace or f"{row.namespace}/".startswith(f"{namespace}/"))
        and (args.owner is None or row.owner == args.owner)
        and (args.status is None or row.status == args.status)
    ]
    if args.format == "json":
        sys.stdout.write(dumps([row.form() for row in rows]))
    elif rows:
        sys.stdout.write(
            table(
                ("event", "latest", "versions", "status", "owner", "title"),
                [
                    (
                        f"{row.namespace}/{row.name}" if row.namespace else row.name,
                        row.latest,
                        str(row.versions),
                        row.status,
                        row.owner or "—",
                        row.title,
                    )
                    for row in rows
                ],
            )
        )
    else:
        print("no events match", file=sys.stderr)
    return EXIT_PROBLEMS if snapshot.failures else EXIT_OK
