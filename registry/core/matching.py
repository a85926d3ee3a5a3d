"""Match schema `pattern`s against event values in bounded time: the runtime's one regex engine.

Python's `re` backtracks: `^(a+)+$` against `'a' * 40 + '!'` runs for minutes, holding the GIL,
so every thread of the application stops. Events are untrusted input, so at run time patterns
are matched by the engine of jsonschema-rs, which validates events anyway: Rust's `regex`
(linear time) for what it supports, and fancy-regex, with a limit on backtracking, for
look-around and back-references. Its dialect is ECMA-262's, the one JSON Schema specifies.
A pattern it cannot compile is read as ECMA-262 by `core.patterns` and matched with a
timeout. A match that runs out of time counts as no match: the value is refused (or, in the
personal-data filter, written as null), never let through unchecked.

`linear_validator_class` gives a jsonschema validator class whose `pattern`,
`patternProperties` and `additionalProperties` match this way, so that explaining why an
event was rejected never re-runs a backtracking engine over it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jsonschema.validators
import jsonschema_rs
from jsonschema.protocols import Validator

from registry.core import patterns

FALLBACK_SECONDS = 0.05
"""The longest a pattern outside jsonschema-rs's dialect may take on one value."""

_KEPT = 1024


def search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text` (as JSON Schema's `pattern`), in bounded
    time; False for a pattern that no engine compiles, or that ran out of time."""
    return _matcher(pattern)(text)


@functools.lru_cache(maxsize=_KEPT)
def _matcher(pattern: str) -> Callable[[str], bool]:
    try:
        compiled = jsonschema_rs.Draft202012Validator({"pattern": pattern})
    except ValueError:
        return _fallback(pattern)
    check: Callable[[str], bool] = compiled.is_valid
    return check


def _fallback(pattern: str) -> Callable[[str], bool]:
    try:
        compiled = patterns.compile_pattern(pattern)
    except patterns.PatternError:
        return lambda text: False

    def timed(text: str) -> bool:
        try:
            return compiled.search(text, timeout=FALLBACK_SECONDS) is not None
        except TimeoutError:
            return False

    return timed


def linear_validator_class(cls: type[Validator]) -> type[Validator]:
    """`cls` with its regular-expression keywords matched by `search` (one class per `cls`)."""
    return _linear_class(cls)


@functools.cache
def _linear_class(cls: type[Validator]) -> type[Validator]:
    extended: type[Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        cls, patterns.keywords(search)
    )
    return extended
