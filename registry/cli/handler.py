"""How a command's end becomes an exit code: the one place errors meet the person.

A RegistryError prints `error: <message>` (and `hint: <hint>` when it has one) and exits with
its own code; an OSError naming a file (a folder that cannot be written, say) exits 1; a closed
output pipe ends quietly with 141; Ctrl-C with 130. Anything else is a bug in this package: one
line for the person, the traceback in a log file, exit 3; so is a BaseException that is not
an exit or an interruption (a panic raised from compiled code, such as Rust's
`pyo3_runtime.PanicException`), which would otherwise end the process with a raw traceback.
"""

from __future__ import annotations

import os
import sys

from registry.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_PROBLEMS,
    RegistryError,
)


def report(error: RegistryError) -> int:
    """Print the error and its hint to stderr; its exit code."""
    print(f"error: {error.message}", file=sys.stderr)
    if error.hint:
        print(f"hint: {error.hint}", file=sys.stderr)
    return error.exit_code


def file_error(error: OSError) -> int:
    """A file or folder the command could not read or write: the path and the reason."""
    reason = error.strerror or str(error)
    print(f"error: {error.filename}: {reason}", file=sys.stderr)
    return EXIT_PROBLEMS


def interrupted() -> int:
    print("interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def closed_pipe() -> int:
    """The reader of stdout went away (`| head -1`): nothing more to say, to anyone.

    stdout is pointed at the null device, so the interpreter's final flush of what is still
    buffered cannot fail again and print "Exception ignored ... BrokenPipeError" at exit.
    """
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, sys.stdout.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):  # stdout replaced by a non-file (a capture)
        pass
    return EXIT_BROKEN_PIPE


def internal_error(error: BaseException) -> int:
    """A bug: one line for the person; the traceback in a log file whose path is printed."""
    import tempfile
    import traceback

    handle, log_path = tempfile.mkstemp(prefix="telemetry-registry-", suffix=".log")
    with os.fdopen(handle, "w", encoding="utf-8") as log:
        log.write("".join(traceback.format_exception(error)))
    print(
        f"error: an unexpected {type(error).__name__}: {error}\n"
        f"The details are in {log_path}; please include that file when reporting the problem.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def unexpected(error: BaseException) -> int:
    """A BaseException that is no Exception: exits and generators closing go on as they were
    meant to, Ctrl-C is an interruption, anything else (a panic in compiled code) is a bug."""
    if isinstance(error, (SystemExit, GeneratorExit)):
        raise error
    if isinstance(error, KeyboardInterrupt):
        return interrupted()
    return internal_error(error)
