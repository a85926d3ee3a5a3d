"""The `telemetry-registry` command: `main(argv) -> exit code`, one module per command.

Exit codes, shared by every command: 0 success; 1 problems found in the input (rule
violations, unreadable files); 2 usage or configuration errors (a path that does not exist
among them); 3 an unexpected error (the traceback goes to a log file whose path is printed);
130 interrupted; 141 the output pipe was closed (nothing is printed).
"""

from __future__ import annotations

from registry.cli.app import main
from registry.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
)

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "main",
]
