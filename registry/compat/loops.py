"""Whether jsonschema can validate against a subschema at all.

A subschema that applies itself in place (through `$ref`s, `allOf`, `anyOf`, `not`, ...,
without descending into a property or an item on the way) makes jsonschema recurse until
Python's stack runs out; the error may then surface inside compiled code as a panic. The engine
asks this of a subschema before jsonschema ever validates against it and, when the answer is
yes, never hands it a value: the questions that would need one are undecided instead.
"""

from __future__ import annotations

from typing import Any

from registry.core.model import JSON
from registry.core.walk import SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS

_IN_PLACE = frozenset({"not", "if", "then", "else", "allOf", "anyOf", "oneOf"})
_IN_PLACE_MAPS = frozenset({"dependentSchemas", "dependencies"})

_KINDS: dict[str, str] = {
    "$ref": "ref",
    **{keyword: "one" for keyword in SCHEMA_KEYWORDS},
    **{keyword: "list" for keyword in SCHEMA_LIST_KEYWORDS if keyword != "items"},
    **{keyword: "map" for keyword in SCHEMA_MAP_KEYWORDS},
    "definitions": "",  # applied only through a `$ref`, which is followed
    "$defs": "",
}
"""What each keyword holds: a reference, one subschema, a list or a map of them."""

Edge = tuple[JSON, Any, bool]
"""A subschema, the resolver that applies there, and whether it applies in place."""


def known_loop(body: JSON, registry: object, resolver: Any) -> str | None:
    """`loop_in_place` for a whole document, found once per document and registry (for the
    most recent few hundred: a version is compared with the one before it and after it)."""
    key = (id(body), id(registry))
    known = _KNOWN.get(key)
    if known is None or known[0] is not body or known[1] is not registry:
        if len(_KNOWN) >= _KEPT:
            _KNOWN.pop(next(iter(_KNOWN)))
        known = _KNOWN[key] = (body, registry, loop_in_place(body, resolver))
    return known[2]


_KEPT = 512
_KNOWN: dict[tuple[int, int], tuple[JSON, object, str | None]] = {}
"""Answers by the identities of their document and registry, which each entry keeps alive."""


def loop_in_place(schema: JSON, resolver: Any) -> str | None:
    """The `$ref` through which a subschema reachable from `schema` applies itself in place,
    or None. Loops, not recursion: a schema may nest deeper than Python's stack goes.

    Without any `$ref` among the reachable subschemas there can be no loop, which is most
    schemas, so that is found out first by one walk.
    """
    edges: dict[int, list[Edge]] = {}
    refs: dict[int, str] = {}
    keep: list[JSON] = []
    pending: list[tuple[JSON, Any]] = [(schema, resolver)]
    while pending:
        node, here = pending.pop()
        if not isinstance(node, dict) or id(node) in edges:
            continue
        keep.append(node)
        found = edges[id(node)] = _children(node, here, refs)
        pending.extend((child, there) for child, there, _ in found)
    if not refs:
        return None
    return _cycle(edges, refs)


def _children(node: dict[str, JSON], resolver: Any, refs: dict[int, str]) -> list[Edge]:
    found: list[Edge] = []
    for keyword, value in node.items():
        kind = _KINDS.get(keyword)
        if kind is None:
            continue
        if kind == "ref":
            if isinstance(value, str):
                refs[id(node)] = value
                found.extend(_target(value, resolver))
        elif kind == "one":
            if isinstance(value, dict):
                found.append((value, resolver, keyword in _IN_PLACE))
        elif kind == "list" and isinstance(value, list):
            in_place = keyword in _IN_PLACE
            found.extend((child, resolver, in_place) for child in value)
        elif kind == "map" and isinstance(value, dict):
            in_place = keyword in _IN_PLACE_MAPS
            found.extend((child, resolver, in_place) for child in value.values())
        if keyword == "items" and isinstance(value, list):  # draft 7's tuples, as a list
            found.extend((child, resolver, False) for child in value)
    return found


def _target(ref: str, resolver: Any) -> list[Edge]:
    try:
        resolved = resolver.lookup(ref)
    except Exception:  # not resolving is reported where it is followed
        return []
    if isinstance(resolved.contents, dict):
        return [(resolved.contents, resolved.resolver, True)]
    return []


def _cycle(edges: dict[int, list[Edge]], refs: dict[int, str]) -> str | None:
    """A `$ref` on a cycle of in-place edges (a depth-first search with its own stack)."""
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        if start in state:
            continue
        state[start] = 1
        path: list[int] = [start]
        stack = [iter([c for c, _, in_place in edges[start] if in_place and isinstance(c, dict)])]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                state[path.pop()] = 2
                continue
            seen = state.get(id(child))
            if seen == 1:
                cycle = path[path.index(id(child)) :]
                return next((refs[n] for n in cycle if n in refs), "(in place)")
            if seen is None and id(child) in edges:
                state[id(child)] = 1
                path.append(id(child))
                stack.append(
                    iter([c for c, _, ip in edges[id(child)] if ip and isinstance(c, dict)])
                )
    return None
