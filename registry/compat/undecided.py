"""Questions the engine cannot answer: raised where they are met, recorded where they were asked.

A `$ref` that resolves to nothing, or to something that is not a schema, a loop of references,
a subschema jsonschema cannot evaluate: none of these may end a comparison. Each is raised as
an `Undecided` naming its change type, and `Inclusion.check` records it as a change that breaks
the direction it was asked in, so the verdict is never a guess and never a crash.
"""

from __future__ import annotations

from registry.errors import RegistryError


class Undecided(RegistryError):
    """A question the engine cannot decide; `change_type` is the change it is recorded as."""

    change_type = "EVALUATION_UNDECIDED"


class Unresolvable(Undecided):
    """A `$ref` that does not resolve inside the given registries."""

    change_type = "REFERENCE_UNRESOLVED"

    def __init__(self, ref: str, reason: str) -> None:
        super().__init__(
            f"`$ref` {ref!r} does not resolve: {reason}",
            "point the `$ref` at a local definition or a schema version in this registry",
        )
        self.ref = ref


class NotASchema(Undecided):
    """A `$ref` whose target is a value that is not a schema (a list, a string, ...)."""

    change_type = "REFERENCE_NOT_A_SCHEMA"

    def __init__(self, ref: str, pointer: str, target: object) -> None:
        super().__init__(
            f"`$ref` {ref!r} at {pointer or '/'} points at {_kind(target)}, not a schema",
            "point the `$ref` at a schema (an object or a boolean)",
        )
        self.ref = ref


class ReferenceLoop(Undecided):
    """References that lead back to themselves without any schema in between."""

    change_type = "REFERENCE_CYCLE_UNDECIDED"

    def __init__(self, ref: str, pointer: str) -> None:
        super().__init__(
            f"`$ref` {ref!r} at {pointer or '/'} leads back to itself without a schema between",
            "end the chain of references at a schema",
        )
        self.ref = ref


class Unevaluable(Undecided):
    """A subschema jsonschema cannot evaluate (a reference inside it to a non-schema, say)."""

    def __init__(self, pointer: str, reason: str) -> None:
        super().__init__(
            f"the schema at {pointer or '/'} cannot be evaluated ({reason})",
            "check the schema's `$ref`s: each must point at a schema",
        )


class PatternUndecided(Undecided):
    """A pattern that only a backtracking engine reads ran out of time on a value."""

    change_type = "PATTERN_UNDECIDED"

    def __init__(self, pattern: str, seconds: float) -> None:
        super().__init__(
            f"whether the pattern {pattern!r} matches could not be decided within {seconds} s",
            "write the pattern without nested repeats, or in the syntax jsonschema-rs reads "
            "(see the `pattern-dialect` rule)",
        )
        self.pattern = pattern


def _kind(value: object) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else f"a {type(value).__name__}"
