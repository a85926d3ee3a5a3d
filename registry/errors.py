"""The root of every error this package raises on purpose.

A `RegistryError` carries what went wrong (`message`), what to do about it in this situation
(`hint`), and the exit code a command ends with when it reaches the top (`exit_code`): 1 for
problems in the input, 2 for usage and configuration. Anything else that reaches the command
line is a bug in this package (exit 3). This module imports nothing of the package.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class RegistryError(Exception):
    """An error with a message for people, a hint that fits the situation, and an exit code.

    Subclasses set `exit_code` for their kind and usually build `message` and `hint` from the
    data they carry (a schema id, a URL, a path), which they keep as attributes.
    """

    exit_code: int = EXIT_PROBLEMS

    def __init__(self, message: str, hint: str = "", *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(RegistryError):
    """The command was called wrongly: a missing path, a bad option, a wrong combination."""

    exit_code = EXIT_USAGE
