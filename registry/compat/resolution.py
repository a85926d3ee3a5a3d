"""Following references: a node's `$ref`s resolved, and conjuncts flattened.

References resolve only inside the registries the comparison was given; nothing is fetched.
Drafts 4 to 7 ignore a `$ref`'s siblings, later drafts apply them beside the target. A chain of
references is followed to its end; what cannot be followed (nothing there, a value that is not
a schema, a loop) is raised as `Undecided` and recorded by the inclusion that asked.
"""

from __future__ import annotations

from collections.abc import Iterable

import referencing.exceptions

from registry.compat.nodes import Node
from registry.compat.undecided import NotASchema, ReferenceLoop, Unresolvable
from registry.core.dialects import DRAFT4, DRAFT6, DRAFT7

__all__ = ["Unresolvable", "deref", "expand_all"]

_REF_SIBLINGS_IGNORED = (DRAFT4, DRAFT6, DRAFT7)


def deref(node: Node) -> tuple[Node, ...]:
    """The node as conjuncts with its `$ref`s followed to the end of their chain (drafts 4-7
    ignore the siblings); raises Unresolvable, NotASchema or ReferenceLoop.

    Followed once per node, so the nodes it leads to (and what they compute) are made once.
    """
    known = node.dereferenced
    if known is None:
        ref = node.get("$ref")
        known = node.dereferenced = (node,) if not isinstance(ref, str) else _follow(node, ref)
    return known


def _follow(node: Node, ref: str) -> tuple[Node, ...]:
    siblings: list[Node] = []
    followed: set[int] = set()
    while isinstance(ref, str):
        if id(node.schema) in followed:
            raise ReferenceLoop(ref, node.pointer)
        followed.add(id(node.schema))
        target = _target(node, ref)
        if node.side.dialect not in _REF_SIBLINGS_IGNORED:
            assert isinstance(node.schema, dict)
            rest = {k: v for k, v in node.schema.items() if k != "$ref"}
            sibling = Node(rest, node.pointer, node.resolver, node.side)
            if sibling.assertions:
                siblings.append(sibling)
        node = target
        ref = node.get("$ref")
    return (node, *siblings)


def _target(node: Node, ref: str) -> Node:
    """The node a `$ref` names, placed at its pointer for messages."""
    try:
        resolved = node.resolver.lookup(ref)
    except referencing.exceptions.Unresolvable as error:
        raise Unresolvable(ref, str(error.__cause__ or error)) from None
    except (ValueError, LookupError, TypeError) as error:  # a URI no parser reads, and the like
        raise Unresolvable(ref, str(error) or type(error).__name__) from None
    contents = resolved.contents
    if not isinstance(contents, (dict, bool)):
        raise NotASchema(ref, node.pointer, contents)
    pointer = ref[1:] if ref.startswith("#") else ref
    if ref.startswith("#") and "#" in node.pointer:
        pointer = node.pointer.split("#", 1)[0] + ref
    key = (id(contents), pointer)
    known = node.side.targets.get(key)
    if known is None or known.schema is not contents:
        known = node.side.targets[key] = Node(contents, pointer, resolved.resolver, node.side)
    return known


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
