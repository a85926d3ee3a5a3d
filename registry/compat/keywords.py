"""Which keywords validate, per draft, and which apply their subschemas in place.

The engine reads a keyword only where the document's draft validates with it; everything
else is an annotation to it. Made once per dialect.
"""

from __future__ import annotations

from functools import cache

from registry.core.dialects import DRAFT4, Dialect

IN_PLACE_APPLICATORS = frozenset(
    {
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "$ref",
        "$dynamicRef",
        "$recursiveRef",
        "dependentSchemas",
        "dependencies",
    }
)
"""Keywords whose subschemas apply to the instance itself (so may evaluate its properties
and items, which `unevaluated*` then depends on)."""


@cache
def validating_keywords(dialect: Dialect) -> frozenset[str]:
    """The keywords a dialect validates (plus `format`, which the engine treats so).

    Keywords that jsonschema reads inside another's validator (draft 4's boolean exclusive
    bounds, `minContains`, `then`/`else`) count too, so that a change to them is never
    mistaken for an annotation. Made once per dialect.
    """
    known = set(dialect.validator.VALIDATORS) | {"format"}
    if dialect is DRAFT4:
        known |= {"exclusiveMinimum", "exclusiveMaximum"}
    if "unevaluatedItems" in known:
        known |= {"minContains", "maxContains"}
    if "if" in known:
        known |= {"then", "else"}
    return frozenset(known)
