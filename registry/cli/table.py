"""The command table: each command's module and one-line summary, and nothing else.

A command's module (and everything it imports) is loaded only when that command runs, so
`telemetry-registry rules` never pays for git, jsonschema or the HTTP client.
"""

from __future__ import annotations

from typing import NamedTuple


class CommandEntry(NamedTuple):
    """Where a command lives and what `--help` says about it."""

    module: str
    summary: str


COMMANDS: dict[str, CommandEntry] = {
    "lint": CommandEntry("registry.cli.lint", "check schema files against the registry's rules"),
    "rules": CommandEntry("registry.cli.rules", "list the lint rules"),
    "check": CommandEntry(
        "registry.cli.check", "check the change against a git base: immutability, bumps, lint"
    ),
    "review": CommandEntry(
        "registry.cli.review", "the pull-request review of the change against a git base"
    ),
    "import-iglu": CommandEntry("registry.cli.import_iglu", "convert Iglu self-describing schemas"),
    "publish": CommandEntry(
        "registry.cli.publish", "write the static registry (index.json + files)"
    ),
    "serve": CommandEntry("registry.cli.serve", "serve the published registry on 127.0.0.1"),
    "fetch": CommandEntry(
        "registry.cli.fetch",
        "copy a published registry into a folder, for offline or air-gapped use",
    ),
    "compat": CommandEntry(
        "registry.cli.compat",
        "compare two versions of a schema: changes, verdict, a breaking event",
    ),
}
