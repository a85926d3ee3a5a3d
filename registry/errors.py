"""The root of every error this package raises on purpose, and the exit codes of the command.

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
"""128 + SIGINT, as shells report a command stopped by Ctrl-C."""
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: the reader of the output went away (`... | head -1`); nothing is reported."""


class RegistryError(Exception):
    """An error with a message for people, a hint that fits the situation, and an exit code.

    Subclasses set `exit_code` for their kind and usually build `message` and `hint` from the
    data they carry (a schema id, a URL, a path), which they keep as attributes. `str()` gives
    the message followed by the hint, for code that shows an error as one line.
    """

    exit_code: int = EXIT_PROBLEMS
    message: str
    hint: str

    def __init__(self, message: str, hint: str = "", *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class UsageError(RegistryError):
    """The command was called wrongly: a missing path, a bad option, a wrong combination."""

    exit_code = EXIT_USAGE


class PathNotFound(UsageError):
    """A path given to a command (or configured) does not exist; `path` is as it was given."""

    def __init__(self, path: str, what: str = "file or folder", hint: str = "") -> None:
        self.path = path
        self.what = what
        super().__init__(f"{path}: no such {what}", hint)
