"""Following references: a node's `$ref` resolved, and conjuncts flattened.

References resolve only inside the registries the comparison was given; nothing is fetched.
Drafts 4 to 7 ignore a `$ref`'s siblings, later drafts apply them beside the target.
"""

from __future__ import annotations

from collections.abc import Iterable

import referencing.exceptions

from registry.compat.nodes import Node
from registry.core.dialects import DRAFT4, DRAFT6, DRAFT7
from registry.errors import RegistryError

_REF_SIBLINGS_IGNORED = (DRAFT4, DRAFT6, DRAFT7)


class Unresolvable(RegistryError):
    """A `$ref` that does not resolve inside the given registries.

    Never leaves the engine: a comparison reports it as a change, the witness search skips
    the place.
    """

    def __init__(self, ref: str, reason: str) -> None:
        super().__init__(
            f"`$ref` {ref!r} does not resolve: {reason}",
            "point the `$ref` at a local definition or a schema version in this registry",
        )
        self.ref = ref


def deref(node: Node) -> tuple[Node, ...]:
    """The node as conjuncts with its `$ref` followed (drafts 4-7 ignore the siblings)."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return (node,)
    try:
        resolved = node.resolver.lookup(ref)
    except referencing.exceptions.Unresolvable as error:
        raise Unresolvable(ref, str(error.__cause__ or error)) from None
    pointer = ref[1:] if ref.startswith("#") else ref
    if ref.startswith("#") and "#" in node.pointer:
        pointer = node.pointer.split("#", 1)[0] + ref
    target = Node(resolved.contents, pointer, resolved.resolver, node.side)
    if node.side.dialect in _REF_SIBLINGS_IGNORED:
        return (target,)
    assert isinstance(node.schema, dict)
    rest = {k: v for k, v in node.schema.items() if k != "$ref"}
    sibling = Node(rest, node.pointer, node.resolver, node.side)
    return (target, sibling) if sibling.assertions else (target,)


def expand_all(nodes: Iterable[Node]) -> tuple[Node, ...] | None:
    """Conjuncts with `$ref`s followed and `allOf` flattened; None when one is `false`.

    Schemas without assertions drop out; a reference already followed is not followed again.
    A flattened node is kept without its `allOf`, so expanding a result again changes nothing.
    """
    result: list[Node] = []
    stack = list(nodes)[::-1]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node.is_false:
            return None
        if not isinstance(node.schema, dict) or not node.assertions:
            continue
        if node.has("$ref"):
            if id(node.schema) in seen:
                continue
            seen.add(id(node.schema))
            stack.extend(reversed(deref(node)))
            continue
        branches = node.get("allOf")
        if not isinstance(branches, list):
            result.append(node)
            continue
        assert isinstance(node.schema, dict)
        rest = node.cut(node.side.without(node.schema, "allOf"))
        stack.extend(
            node.child(branch, "allOf", i) for i, branch in reversed(list(enumerate(branches)))
        )
        if rest.assertions:
            result.append(rest)
    return tuple(result)
