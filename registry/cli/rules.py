"""`telemetry-registry rules`: every lint rule with its effective severity."""

from __future__ import annotations

import argparse
import sys

from registry.cli.options import add_format
from registry.core.config import Settings
from registry.errors import EXIT_OK
from registry.report.findings import render_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_format(parser, ("text", "json", "markdown"))


def run(args: argparse.Namespace, settings: Settings) -> int:
    return list_rules(settings, output_format=args.format)


def list_rules(settings: Settings, *, output_format: str = "text") -> int:
    """Print the rule catalogue as the configuration sets it."""
    sys.stdout.write(render_rules(settings, output_format))
    return EXIT_OK
