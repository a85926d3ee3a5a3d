"""`telemetry-registry new ID`: the first version of a new event, written where its `$id` puts it.

The file holds everything lint asks of a first version, and a commented property to copy, so
the author starts from a schema that passes and only adds what the event records.
"""

from __future__ import annotations

import argparse

from registry.cli.events import full_id
from registry.cli.paths import display
from registry.core import ids
from registry.core.config import Settings
from registry.core.model import SchemaRef, Version, VersionError
from registry.errors import EXIT_OK, RegistryError, UsageError

TEMPLATE = """\
$schema: https://json-schema.org/draft/2020-12/schema
$id: {id}
version: {version}
title: {title}
description: >
  When this event is recorded, and what it tells: write it for someone who reads the data.
type: object
properties: {{}}
# Each property the event records, for example:
#
# properties:
#   file_type:
#     description: What kind of file was opened (its extension, without the dot).
#     type: string
#     categories: [unrestricted]   # personal data it holds: `telemetry-registry rules`
# required: [file_type]
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "id", metavar="ID", help="the new event's `$id`, or its path below the base URL"
    )
    parser.add_argument(
        "--version", default="1.0.0", help="the first version: 1.0.0 (default), 0.1.0 or 1"
    )
    parser.add_argument("--title", help="default: made from the event's name")


def run(args: argparse.Namespace, settings: Settings) -> int:
    schema_id = full_id(args.id, settings)
    reason = ids.id_problem(schema_id)
    if reason or ids.below(schema_id, settings.base_url) is None:
        raise UsageError(
            f"{schema_id!r} " + (reason or f"is not under the base URL {settings.base_url}"),
            "name the event as <namespace>/<event>, e.g. jupyterlab/kernel_interrupt",
        )
    try:
        version = Version.parse(int(args.version) if args.version.isdigit() else args.version)
    except VersionError as error:
        raise UsageError(f"--version {args.version!r}: {error}") from None
    rel_path = ids.tree_path(SchemaRef(schema_id, version), settings.base_url)
    assert rel_path is not None  # the `$id` is below the base URL
    target = settings.schema_root / rel_path
    existing = sorted(target.parent.glob("*.*")) if target.parent.is_dir() else []
    if target.exists() or existing:
        held = existing[0] if existing else target
        raise RegistryError(
            f"{display(target.parent)} already holds {display(held)}",
            "a new version of an existing event starts as a copy of its latest version; "
            "`new` never overwrites a file",
        )
    title = args.title or ids.event_name(schema_id).replace("_", " ").replace("-", " ").capitalize()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:
        handle.write(TEMPLATE.format(id=schema_id, version=version, title=title))
    print(f"wrote {display(target)}: describe the event, add its properties, then lint it")
    return EXIT_OK
