"""Match schema `pattern`s against event values in bounded time: the runtime's one regex engine.

Python's `re` backtracks: `^(a+)+$` against `'a' * 40 + '!'` runs for minutes, holding the GIL,
so every thread of the application stops. Events are untrusted input, so at run time patterns
are matched by the engine of jsonschema-rs, which validates events anyway: Rust's `regex`
(linear time) for what it supports, and fancy-regex, with a limit on backtracking, for
look-around and back-references. Its dialect is ECMA-262's, the one JSON Schema specifies.
A pattern it cannot compile (Python-only syntax such as `\\Z`) is matched by `regex` with a
timeout. A match that runs out of time counts as no match: the value is refused (or, in the
personal-data filter, written as null), never let through unchecked.

`linear_validator_class` gives a jsonschema validator class whose `pattern`,
`patternProperties` and `additionalProperties` match this way, so that explaining why an
event was rejected never re-runs a backtracking engine over it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jsonschema.validators
import jsonschema_rs
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

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
    import regex  # type: ignore[import-untyped]  # only for patterns outside ECMA-262

    try:
        compiled = regex.compile(pattern)
    except (regex.error, ValueError, TypeError):
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
    plain_additional = cls.VALIDATORS.get("additionalProperties")
    if plain_additional is None:  # pragma: no cover - every draft has it
        return cls

    def additional_properties(
        validator: Validator, additional: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        patterns = schema.get("patternProperties")
        if not isinstance(patterns, Mapping) or not patterns:
            yield from plain_additional(validator, additional, instance, schema)
            return
        yield from _additional_beside_patterns(validator, additional, instance, schema, patterns)

    extended: type[Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
        cls,
        {
            "pattern": _pattern,
            "patternProperties": _pattern_properties,
            "additionalProperties": additional_properties,
        },
    )
    return extended


def _pattern(
    validator: Validator, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Validator, patterns: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if search(pattern, key):
                yield from validator.descend(  # type: ignore[attr-defined]
                    value, subschema, path=key, schema_path=pattern
                )


def _additional_beside_patterns(
    validator: Validator,
    additional: Any,
    instance: Any,
    schema: Mapping[str, Any],
    patterns: Mapping[str, Any],
) -> Iterator[ValidationError]:
    """`additionalProperties` where `patternProperties` also claims keys; jsonschema's messages."""
    if not validator.is_type(instance, "object"):
        return
    named = schema.get("properties", {})
    extras = [
        key
        for key in instance
        if key not in named and not any(search(pattern, key) for pattern in patterns)
    ]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(  # type: ignore[attr-defined]
                instance[extra], additional, path=extra
            )
    elif additional is False and extras:
        keys = ", ".join(repr(key) for key in sorted(extras))
        verb = "does" if len(extras) == 1 else "do"
        listed = ", ".join(repr(pattern) for pattern in sorted(patterns))
        yield ValidationError(f"{keys} {verb} not match any of the regexes: {listed}")
