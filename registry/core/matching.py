"""Match schema `pattern`s against event values in bounded time: the runtime's one regex engine.

Python's `re` backtracks: `^(a+)+$` against `'a' * 40 + '!'` runs for minutes, holding the GIL,
so every thread of the application stops. Events are untrusted input, so at run time patterns
are matched by the engine of jsonschema-rs, which validates events anyway: Rust's `regex`
(linear time) for what it supports, and fancy-regex, with a limit on backtracking, for
look-around and back-references. Its dialect is ECMA-262's, the one JSON Schema specifies.
A pattern it cannot compile is read as ECMA-262 by `core.patterns` and matched with a
timeout. A match that runs out of time counts as no match: the value is refused (or, in the
personal-data filter, written as null), never let through unchecked.

The tooling (compat's witnesses and inclusion checks) asks the same question of author-written
names and values, but must not guess: `search_within` answers only when it knows, and raises
`PatternTimeout` when a pattern outside jsonschema-rs's dialect runs out of time, for the caller
to report as undecided.

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
from registry.errors import RegistryError

FALLBACK_SECONDS = 0.05
"""The longest a pattern outside jsonschema-rs's dialect may take on one value."""
TOOLING_SECONDS = 0.2
"""The tooling's budget for one such pattern on one value, before it answers "undecided"."""


class PatternTimeout(RegistryError):
    """A pattern that only a backtracking engine reads ran out of time on one value.

    Whether it matches is undecided: a caller reports that (compat: an "undecided" verdict),
    never a guess either way.
    """

    def __init__(self, pattern: str, seconds: float) -> None:
        super().__init__(
            f"the pattern {pattern!r} took more than {seconds} s on one value",
            "write the pattern without nested repeats, or in the syntax jsonschema-rs reads "
            "(see the `pattern-dialect` rule)",
        )
        self.pattern = pattern
        self.seconds = seconds


_KEPT = 1024


def search(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text` (as JSON Schema's `pattern`), in bounded
    time; False for a pattern that no engine compiles, or that ran out of time."""
    try:
        return search_within(pattern, text, seconds=FALLBACK_SECONDS)
    except (PatternTimeout, patterns.PatternError):
        return False


def search_within(pattern: str, text: str, *, seconds: float = TOOLING_SECONDS) -> bool:
    """Whether `pattern` matches anywhere in `text`: in linear time when jsonschema-rs reads the
    pattern, else within `seconds`. Raises PatternTimeout past them, and PatternError for a
    pattern that no engine compiles."""
    linear = _linear(pattern)
    if linear is not None:
        return linear(text)
    compiled = patterns.compile_pattern(pattern)
    try:
        return compiled.search(text, timeout=seconds) is not None
    except TimeoutError:
        raise PatternTimeout(pattern, seconds) from None


@functools.lru_cache(maxsize=_KEPT)
def _linear(pattern: str) -> Callable[[str], bool] | None:
    """jsonschema-rs's matcher for `pattern`, or None when its engine cannot compile it."""
    try:
        compiled = jsonschema_rs.Draft202012Validator({"pattern": pattern})
    except ValueError:
        return None
    check: Callable[[str], bool] = compiled.is_valid
    return check


def linear_validator_class(cls: type[Validator]) -> type[Validator]:
    """`cls` with its regular-expression keywords matched by `search` (one class per `cls`)."""
    return _linear_class(cls)


def bounded_validator_class(cls: type[Validator]) -> type[Validator]:
    """`cls` with its regular-expression keywords matched by `search_within`: validating raises
    PatternTimeout rather than guess (a pattern no engine compiles matches nothing, as in `cls`)."""
    return _bounded_class(cls)


def _within_or_unreadable(pattern: str, text: str) -> bool:
    try:
        return search_within(pattern, text)
    except patterns.PatternError:
        return False


@functools.cache
def _bounded_class(cls: type[Validator]) -> type[Validator]:
    extended: type[Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        cls, patterns.keywords(_within_or_unreadable)
    )
    return extended


@functools.cache
def _linear_class(cls: type[Validator]) -> type[Validator]:
    extended: type[Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        cls, patterns.keywords(search)
    )
    return extended
