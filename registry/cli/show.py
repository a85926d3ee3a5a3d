"""`telemetry-registry show ID [VERSION]`: what one event records, as a terminal table."""

from __future__ import annotations

import argparse
import sys

from registry.cli.events import load_tree, versions_of
from registry.core.config import Settings
from registry.core.index import lifecycle_status
from registry.core.model import Version, VersionError
from registry.errors import EXIT_OK, RegistryError, UsageError
from registry.report.events import property_rows, table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "id", metavar="ID", help="the event's `$id`, or its path below the base URL"
    )
    parser.add_argument("version", metavar="VERSION", nargs="?", help="default: the latest")


def run(args: argparse.Namespace, settings: Settings) -> int:
    versions = versions_of(load_tree(settings), args.id, settings)
    schema = versions[-1]
    if args.version is not None:
        try:
            wanted = Version.parse(int(args.version) if args.version.isdigit() else args.version)
        except VersionError as error:
            raise UsageError(f"VERSION {args.version!r}: {error}") from None
        found = [s for s in versions if s.version == wanted]
        if not found:
            listed = ", ".join(str(s.version) for s in versions)
            raise RegistryError(
                f"{schema.id} has no version {wanted}", f"its versions are {listed}"
            )
        schema = found[0]
    body = schema.body
    owner = body.get("x-owner")
    out = [
        f"{schema.title or schema.id}  ({schema.id}, version {schema.version}, "
        f"{lifecycle_status(schema)}"
        + (f", owner {owner}" if isinstance(owner, str) else "")
        + ")",
        " ".join(str(body.get("description", "")).split()),
        "",
    ]
    rows = property_rows(body)
    if rows:
        out.append(
            table(
                ("property", "type", "required", "personal data", "description"),
                [
                    (
                        r.name,
                        r.type,
                        "yes" if r.required else "",
                        r.categories or "—",
                        r.description,
                    )
                    for r in rows
                ],
            )
        )
    else:
        out.append("It records no properties.\n")
    out.append(f"file: {schema.rel_path}; versions: {', '.join(str(s.version) for s in versions)}")
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_OK
