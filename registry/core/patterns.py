"""Patterns as JSON Schema reads them (ECMA-262), for lint, compat, the docs and the validators.

`ecma` translates a pattern; here it is compiled once (with the `regex` module, loaded only
when a pattern is first read), searched as JSON Schema searches (anywhere in the string), and
given to jsonschema's validators as their `pattern`, `patternProperties`, `additionalProperties`
keywords and `regex` format, which otherwise read patterns as Python's `re` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any, Protocol

from jsonschema import FormatChecker, ValidationError

from registry.core.ecma import PatternError, translate

__all__ = ["PatternError", "compile_pattern", "problem", "runtime_accepts", "search", "translate"]


class Compiled(Protocol):
    """A compiled pattern (the `regex` module's, which has no type hints)."""

    pattern: str

    def search(self, text: str, *, timeout: float | None = None) -> object | None: ...


def compile_pattern(pattern: str) -> Compiled:
    """`pattern` compiled with ECMA-262's meaning, for `.search`; raise PatternError."""
    compiled = _compiled(pattern)
    if isinstance(compiled, PatternError):
        raise compiled
    return compiled


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Compiled | PatternError:
    """The compiled pattern or why it cannot be, kept: validators ask again for every value."""
    import regex  # only a schema with a pattern needs it

    try:
        compiled: Compiled = regex.compile(translate(pattern))
    except PatternError as error:
        return error
    except regex.error as error:  # e.g. an unknown Unicode property
        return PatternError(pattern, str(error).split(" at position")[0])
    except (RecursionError, OverflowError, MemoryError):
        return PatternError(pattern, "the pattern is too complex to compile")
    return compiled


def search(pattern: str, text: str) -> bool:
    """Whether `text` holds a match of `pattern`; a pattern that cannot be read matches nothing."""
    try:
        return compile_pattern(pattern).search(text) is not None
    except PatternError:
        return False


def problem(pattern: str) -> str:
    """Why `pattern` cannot be read as ECMA-262, or "" when it can."""
    try:
        compile_pattern(pattern)
    except PatternError as error:
        return error.message
    return ""


@lru_cache(maxsize=4096)
def runtime_accepts(pattern: str) -> bool:
    """Whether jsonschema-rs, the runtime's validator, compiles `pattern`."""
    import jsonschema_rs

    try:
        jsonschema_rs.Draft202012Validator({"pattern": pattern})
    except ValueError:
        return False
    return True


# -- jsonschema's keywords, reading patterns as ECMA-262 -------------------------------------


Search = Callable[[str, str], bool]
"""Whether a pattern (first) matches anywhere in a text (second)."""


def keywords(matches: Search) -> dict[str, Callable[..., Iterator[ValidationError]]]:
    """jsonschema's `pattern`, `patternProperties` and `additionalProperties`, matching with
    `matches`: `search` here for the tooling, the runtime's bounded engine for events."""

    def pattern_keyword(
        validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if validator.is_type(instance, "string") and not matches(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    def pattern_properties_keyword(
        validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        for pattern, subschema in patterns.items():
            for name, value in instance.items():
                if matches(pattern, name):
                    yield from validator.descend(value, subschema, path=name, schema_path=pattern)

    def additional_properties_keyword(
        validator: Any, additional: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        named = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        extras = sorted(
            name
            for name in instance
            if name not in named and not any(matches(pattern, name) for pattern in patterns)
        )
        if validator.is_type(additional, "object"):
            for name in extras:
                yield from validator.descend(instance[name], additional, path=name)
        elif additional is False and extras:
            listed = ", ".join(repr(name) for name in extras)
            if patterns:
                verb = "does" if len(extras) == 1 else "do"
                regexes = ", ".join(repr(pattern) for pattern in sorted(patterns))
                yield ValidationError(f"{listed} {verb} not match any of the regexes: {regexes}")
            else:
                verb = "was" if len(extras) == 1 else "were"
                yield ValidationError(
                    f"Additional properties are not allowed ({listed} {verb} unexpected)"
                )

    return {
        "pattern": pattern_keyword,
        "patternProperties": pattern_properties_keyword,
        "additionalProperties": additional_properties_keyword,
    }


KEYWORDS = keywords(search)
"""The keywords of every draft that read patterns, for `jsonschema.validators.extend`."""


def format_checker(base: FormatChecker) -> FormatChecker:
    """`base` with its `regex` format read as ECMA-262."""
    checker = FormatChecker(formats=())
    checker.checkers = dict(base.checkers)
    checker.checks("regex", raises=PatternError)(_is_pattern)
    return checker


def _is_pattern(instance: object) -> bool:
    if isinstance(instance, str):
        compile_pattern(instance)
    return True
