"""JSON values as the engine sees them: disjoint type atoms, JSON equality, exact numbers.

Everything here is about values, not schemas: which atom a value belongs to (draft 4 counts
1.0 as not an integer), when two values are equal in JSON's sense (1 equals 1.0, true is not 1),
and numbers as exact fractions of their decimal spelling.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction

from registry.core.dialects import DRAFT4, Dialect
from registry.core.model import JSON

NULL, BOOLEAN, INTEGER, FRACTION = "null", "boolean", "integer", "fraction"
STRING, ARRAY, OBJECT = "string", "array", "object"
ALL_TYPES = frozenset({NULL, BOOLEAN, INTEGER, FRACTION, STRING, ARRAY, OBJECT})
"""Disjoint type atoms: `number` is integer plus fraction (a number that is not an integer)."""
NUMBERS = frozenset({INTEGER, FRACTION})

_TYPE_ATOMS: dict[str, frozenset[str]] = {
    "null": frozenset({NULL}),
    "boolean": frozenset({BOOLEAN}),
    "integer": frozenset({INTEGER}),
    "number": NUMBERS,
    "string": frozenset({STRING}),
    "array": frozenset({ARRAY}),
    "object": frozenset({OBJECT}),
}


def type_atoms(names: JSON) -> frozenset[str]:
    """The atoms a `type` value allows; unknown names allow nothing of their own."""
    if isinstance(names, str):
        return _TYPE_ATOMS.get(names, frozenset())
    if isinstance(names, list):
        atoms: frozenset[str] = frozenset()
        for name in names:
            if isinstance(name, str):
                atoms |= _TYPE_ATOMS.get(name, frozenset())
        return atoms
    return ALL_TYPES


def type_names(atoms: frozenset[str]) -> str:
    """The atoms as a reader knows them (`number` for both numeric atoms)."""
    names = set(atoms)
    if names >= NUMBERS:
        names -= NUMBERS
        names.add("number")
    names = {("number (non-integer)" if n == FRACTION else n) for n in names}
    return ", ".join(sorted(names)) or "nothing"


def value_atom(value: JSON, dialect: Dialect) -> str:
    """The atom of one JSON value under a dialect (draft 4 counts 1.0 as not an integer)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        if dialect is not DRAFT4 and value.is_integer():
            return INTEGER
        return FRACTION
    if isinstance(value, str):
        return STRING
    if isinstance(value, list):
        return ARRAY
    return OBJECT


def json_equal(left: JSON, right: JSON) -> bool:
    """JSON equality: 1 equals 1.0, but true is not 1 (a loop: values may nest deeply)."""
    pending = [(left, right)]
    while pending:
        left, right = pending.pop()
        if isinstance(left, bool) or isinstance(right, bool):
            if not (isinstance(left, bool) and isinstance(right, bool) and left is right):
                return False
        elif isinstance(left, (int, float)) and isinstance(right, (int, float)):
            if left != right:
                return False
        elif isinstance(left, list) and isinstance(right, list):
            if len(left) != len(right):
                return False
            pending.extend(zip(left, right, strict=True))
        elif isinstance(left, Mapping) and isinstance(right, Mapping):
            if left.keys() != right.keys():
                return False
            pending.extend((left[k], right[k]) for k in left)
        elif not (type(left) is type(right) and left == right):
            return False
    return True


def value_key(value: JSON) -> object:
    """A hashable key that JSON-equal scalars share (true and 1 differ; 1 and 1.0 do not).

    Objects and arrays are keyed by their text, so JSON-equal ones written in another key
    order get different keys: callers use keys to find equal values, never to prove two differ.
    """
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, (dict, list)):
        try:
            return ("text", json.dumps(value, sort_keys=True))
        except RecursionError:  # too deep to write out: a key of its own, never equal to another
            return ("deep", id(value))
    return (type(value).__name__, value)


def is_number(value: object) -> bool:
    """A JSON number (a bool is not one, though Python counts it as an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def exact(number: float) -> Fraction:
    """A JSON number as an exact fraction of its decimal spelling (0.1 is 1/10)."""
    return Fraction(repr(number)) if isinstance(number, float) else Fraction(number)
