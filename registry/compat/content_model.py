"""The content model of objects: which schemas govern a property name.

A property is governed by `properties` when listed there, by every `patternProperties` entry
whose pattern matches its name, and otherwise by `additionalProperties` (absent: anything).
How open a writer leaves the names it does not list decides which change type a property
change gets, and whether the lenient policy forgives it.
"""

from __future__ import annotations

from registry.compat.nodes import Node, Subs
from registry.compat.undecided import PatternUndecided
from registry.core.matching import PatternTimeout, search_within
from registry.core.patterns import PatternError, compile_pattern

UNNAMED = "x-unnamed-property"
"""The property name used in witnesses for a property no schema names."""


def readable(pattern: str) -> bool:
    """Whether `pattern` reads as JSON Schema's regular expressions (ECMA-262)."""
    try:
        compile_pattern(pattern)
    except PatternError:
        return False
    return True


def matches(pattern: str, name: str) -> bool:
    """As the validators decide `patternProperties`: a search; a broken pattern never matches.

    Linear-time where jsonschema-rs reads the pattern, else within a time budget: a pattern
    that runs out of it leaves the question undecided (PatternUndecided), never guessed."""
    try:
        return search_within(pattern, name)
    except PatternError:
        return False
    except PatternTimeout as error:
        raise PatternUndecided(pattern, error.seconds) from None


def for_name(node: Node, name: str) -> tuple[list[Node], bool]:
    """The schemas one node applies to property `name`, and whether it names it."""
    parts: list[Node] = []
    named = False
    own = node.property(name)
    if own is not None:
        parts.append(own)
        named = True
    for pattern, child in node.pattern_properties.items():
        if matches(pattern, name):
            parts.append(child)
            named = True
    if not named and node.additional is not None:
        parts.append(node.additional)
    return parts, named


def writer_for(subs: Subs, name: str) -> tuple[tuple[Node, ...], bool]:
    parts: list[Node] = []
    named = False
    for node in subs:
        found, here = for_name(node, name)
        parts.extend(found)
        named = named or here
    return tuple(parts), named


def writer_open(subs: Subs) -> bool:
    """Whether every writer conjunct leaves unnamed properties open (absent or true).

    The lenient policy assumes writers never sent such properties; a writer that describes
    unnamed properties with a schema (partially open) declared that they exist, so those are
    compared strictly under both policies.
    """
    return all(n.additional is None or n.additional.is_true for n in subs)


def coverage_of(subs: Subs, name: str) -> str:
    """How the writer treats `name` when it does not list it: open, closed or partial."""
    parts, named = writer_for(subs, name)
    if named:
        return "partial"
    if any(p.is_false for p in parts):
        return "closed"
    return "partial" if parts else "open"


def forbidden(subs: Subs, name: str) -> bool:
    parts, _ = writer_for(subs, name)
    return any(p.is_false for p in parts)
