"""`telemetry-registry fetch URL --into DIR`: copy a published registry for offline use."""

from __future__ import annotations

import argparse
from pathlib import Path

from registry.cli.paths import display
from registry.core.config import Settings
from registry.errors import EXIT_OK, UsageError
from registry.publish.vendor import DEFAULT_MAX_BYTES, vendor


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the registry's URL (http(s)://, file:// or a folder)")
    parser.add_argument(
        "--into",
        type=Path,
        required=True,
        metavar="DIR",
        help="the folder to write; replaced as a whole (it must be empty, absent, or a registry)",
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds per HTTP attempt (default: 10)"
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_MAX_BYTES,
        metavar="N",
        help=f"the most to write in all, index included (default: {DEFAULT_MAX_BYTES:,})",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    return fetch(args.url, args.into, timeout=args.timeout, max_bytes=args.max_bytes)


def fetch(
    url: str, into: Path, *, timeout: float = 10.0, max_bytes: int = DEFAULT_MAX_BYTES
) -> int:
    """Copy every file of the registry at `url` into `into`, verified against its index."""
    if not timeout > 0:
        raise UsageError(f"--timeout {timeout}: give a positive number of seconds")
    if not max_bytes > 0:
        raise UsageError(f"--max-bytes {max_bytes}: give a positive number of bytes")
    result = vendor(url, into, timeout=timeout, max_bytes=max_bytes)
    print(
        f"fetched {result.events} events ({result.files} files, {result.bytes:,} bytes) "
        f"from {url} into {display(into)}; point registry_url at that folder"
    )
    return EXIT_OK
