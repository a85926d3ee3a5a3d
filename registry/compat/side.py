"""One of the two schema documents of a comparison: its dialect, references and validator.

Both directions of a comparison, and the witness search, walk the same `Side`s, so what their
nodes compute is computed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import referencing
from jsonschema.protocols import Validator

from registry.compat.interner import Interner
from registry.compat.keywords import validating_keywords
from registry.compat.nodes import Node, cached_property
from registry.core.dialects import Dialect, dialect_or_default
from registry.core.model import JSON
from registry.core.refs import validator_for


@dataclass(eq=False)
class Side:
    """One of the two schema documents: its dialect, references and a validator for it."""

    body: Mapping[str, JSON]
    registry: referencing.Registry[Any]
    label: str
    interner: Interner = field(default_factory=Interner)
    _without: dict[tuple[int, str], tuple[object, dict[str, JSON]]] = field(
        default_factory=dict, init=False, repr=False
    )
    dialect: Dialect = field(init=False)
    validator: Validator = field(init=False)

    def __post_init__(self) -> None:
        self.dialect = dialect_or_default(self.body)
        self.validator = validator_for(self.body, self.registry)

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
        """Validate with jsonschema against one of this side's subschemas."""
        return bool(node.validator.is_valid(instance))
