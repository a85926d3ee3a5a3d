"""The command table: each command's module, one-line summary and one example, and nothing else.

A command's module (and everything it imports) is loaded only when that command runs, so
`telemetry-registry rules` never pays for git, jsonschema or the HTTP client.
"""

from __future__ import annotations

from typing import NamedTuple


class CommandEntry(NamedTuple):
    """Where a command lives and what `--help` says about it."""

    module: str
    summary: str
    example: str = ""
    problems: str = "problems were found in the input"
    """What exit code 1 means for this command."""


COMMANDS: dict[str, CommandEntry] = {
    "lint": CommandEntry(
        "registry.cli.lint",
        "check schema files against the registry's rules",
        "lint schemas/jupyterlab/theme_change/1.1.0.yaml",
        "a rule is violated, a file is no schema, or no schema file was found",
    ),
    "rules": CommandEntry("registry.cli.rules", "list the lint rules", "rules --format markdown"),
    "list": CommandEntry(
        "registry.cli.list_events",
        "list the events of the registry: namespace, latest version, status, owner",
        "list --namespace jupyter_server --status stable",
        "a schema file could not be read",
    ),
    "show": CommandEntry(
        "registry.cli.show",
        "show what one event records: its properties, types and personal-data categories",
        "show jupyterlab/theme_change 1.1.0",
        "no such event or version",
    ),
    "history": CommandEntry(
        "registry.cli.history",
        "every version of an event with its commit, date, author, bump and verdict",
        "history jupyter_server/contents_save",
        "no such event",
    ),
    "new": CommandEntry(
        "registry.cli.new",
        "start a new event: write its first version where its `$id` puts it",
        "new jupyterlab/kernel_interrupt",
        "the file exists already",
    ),
    "check": CommandEntry(
        "registry.cli.check",
        "check the change against a git base: immutability, bumps, lint",
        "check --base origin/main",
        "a rule is violated",
    ),
    "review": CommandEntry(
        "registry.cli.review",
        "the pull-request review of the change against a git base",
        "review --base origin/main --output review.md",
        "a rule is violated",
    ),
    "import-iglu": CommandEntry(
        "registry.cli.import_iglu",
        "convert Iglu self-describing schemas",
        "import-iglu ../iglu-central/schemas imported/",
        "a file could not be converted",
    ),
    "publish": CommandEntry(
        "registry.cli.publish",
        "write the static registry (index.json + files)",
        "publish --out public/schemas",
        "the tree has lint errors or cannot be published",
    ),
    "serve": CommandEntry(
        "registry.cli.serve",
        "serve the published registry on 127.0.0.1",
        "serve --port 8001",
    ),
    "fetch": CommandEntry(
        "registry.cli.fetch",
        "copy a published registry into a folder, for offline or air-gapped use",
        "fetch https://events.example.org/schemas/ --into vendor/schemas",
        "the registry could not be read or is corrupt",
    ),
    "compat": CommandEntry(
        "registry.cli.compat",
        "compare two versions of a schema: changes, verdict, a breaking event",
        "compat schemas/shop/checkout/1.0.0.yaml schemas/shop/checkout/1.1.0.yaml",
        "a file is no schema (or, with --fail-on-incompatible, the versions are incompatible)",
    ),
}


def epilog(prog: str, name: str) -> str:
    """What `COMMAND --help` ends with: one example and the exit codes."""
    entry = COMMANDS[name]
    example = f"example:\n  {prog} {entry.example}\n\n" if entry.example else ""
    return (
        f"{example}exit codes:\n"
        "  0    success (warnings may have been printed)\n"
        f"  1    {entry.problems}\n"
        "  2    usage or configuration error (an unknown option, a path that does not exist)\n"
        "  3    a bug: the traceback is in the log file named\n"
        "  130  interrupted"
    )
