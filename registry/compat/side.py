"""One of the two schema documents of a comparison: its dialect, references and validator.

Both directions of a comparison, and the witness search, walk the same `Side`s, so what their
nodes compute is computed once. A document may be a bare boolean (`true` accepts every event,
`false` none); it has no `$schema`, and is read as 2020-12, the current draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import referencing
from jsonschema.protocols import Validator

from registry.compat.interner import Interner
from registry.compat.keywords import validating_keywords
from registry.compat.loops import known_loop
from registry.compat.nodes import Node, cached_property
from registry.compat.undecided import NotASchema, PatternUndecided, Unevaluable
from registry.core.dialects import DRAFT202012, Dialect, dialect_or_default
from registry.core.matching import PatternTimeout
from registry.core.model import JSON, pointer_join
from registry.core.refs import validator_for
from registry.core.walk import subschemas

BOOLEAN_DIALECT = DRAFT202012
"""The draft a bare boolean document is read in (it has no `$schema` to say)."""
_BOOLEAN_ROOT: Mapping[str, JSON] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
"""A document in that draft, for building a boolean's validator where validators are built."""


@dataclass(eq=False)
class Side:
    """One of the two schema documents: its dialect, references and a validator for it."""

    body: Mapping[str, JSON] | bool
    registry: referencing.Registry[Any]
    label: str
    interner: Interner = field(default_factory=Interner)
    _without: dict[tuple[int, str], tuple[object, dict[str, JSON]]] = field(
        default_factory=dict, init=False, repr=False
    )
    targets: dict[tuple[int, str], Node] = field(default_factory=dict, init=False, repr=False)
    _loops: dict[int, tuple[JSON, str | None]] = field(default_factory=dict, init=False, repr=False)
    """The node each `$ref` target is, by its schema and place: however many paths of
    references lead to a definition, it is one node, and what it computes is computed once."""
    dialect: Dialect = field(init=False)
    validator: Validator = field(init=False)

    def __post_init__(self) -> None:
        if isinstance(self.body, bool):
            self.dialect = BOOLEAN_DIALECT
            root = validator_for(_BOOLEAN_ROOT, self.registry, bounded_patterns=True)
            self.validator = root.evolve(schema=self.body)
        else:
            self.dialect = dialect_or_default(self.body)
            self.validator = validator_for(self.body, self.registry, bounded_patterns=True)

    @cached_property
    def keywords(self) -> frozenset[str]:
        """The keywords this dialect validates (see `validating_keywords`)."""
        return validating_keywords(self.dialect)

    def root(self) -> Node:
        """The document's root node, made once: both directions of a comparison (and the
        witness search) walk the same nodes, so what a node computes is computed once."""
        return self._root

    @cached_property
    def _root(self) -> Node:
        resolver = self.validator._resolver  # type: ignore[attr-defined]
        return Node(self.body, "", resolver, self)

    def ref_free(self, schema: JSON) -> bool:
        return self.interner.ref_free(schema)

    def without(self, schema: dict[str, JSON], keyword: str) -> dict[str, JSON]:
        """`schema` minus one keyword, made once and kept for the side's life.

        Kept so that its identity is stable: the engine caches answers by object identity.
        """
        key = (id(schema), keyword)
        known = self._without.get(key)
        if known is None:
            rest = {k: v for k, v in schema.items() if k != keyword}
            known = self._without[key] = (schema, rest)
        return known[1]

    def is_valid(self, node: Node, instance: JSON) -> bool:
        """Validate with jsonschema against one of this side's subschemas; Unevaluable when
        jsonschema cannot (a `$ref` inside it to a non-schema, references that loop)."""
        self.require_evaluable(node)
        try:
            return bool(node.validator.is_valid(instance))
        except PatternTimeout as error:
            raise PatternUndecided(error.pattern, error.seconds) from None
        except Exception as error:  # whatever jsonschema raises, the answer is unknown
            self.raise_bad_reference()
            raise Unevaluable(node.pointer, type(error).__name__) from None

    @cached_property
    def loop(self) -> str | None:
        """The `$ref` through which some subschema of the document applies itself in place,
        or None: jsonschema would recurse without end there, so it is never asked about this
        document (every subschema the engine validates against is reached from its root)."""
        return known_loop(self.body, self.registry, self.root().resolver)

    def require_evaluable(self, node: Node) -> None:
        """Raise Unevaluable when jsonschema cannot be asked about `node`."""
        loop = self.loop
        if loop is not None:
            raise Unevaluable(
                node.pointer, f"`$ref` {loop!r} makes a subschema apply itself without end"
            )

    def raise_bad_reference(self) -> None:
        """Raise NotASchema for the document's first `$ref` that names a value that is not a
        schema (jsonschema fails on one wherever it is met; this says where it is)."""
        resolver = self.root().resolver
        for pointer, node in subschemas(self.body):
            ref = node.get("$ref")
            if not (isinstance(ref, str) and ref.startswith("#")):
                continue
            try:
                target = resolver.lookup(ref).contents
            except Exception:  # not resolving is reported where it is followed
                continue
            if not isinstance(target, (dict, bool)):
                raise NotASchema(ref, pointer_join(pointer, "$ref"), target)
