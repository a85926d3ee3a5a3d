"""The combinator family on the reader side: `allOf`, `anyOf`, `oneOf` and `not`.

The writer's own alternatives are split into cases before any family runs (see `Inclusion`);
here each type atom the writer allows must be covered by one reader alternative as a whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compat.nodes import Node, Subs
from registry.compat.undecided import Undecided
from registry.compat.values import ALL_TYPES, type_names
from registry.core.model import JSON

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

HANDLED = frozenset({"allOf", "anyOf", "oneOf", "not"})


def combinators(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    ok = True
    branches = sup.get("allOf")
    if isinstance(branches, list):
        for index, branch in enumerate(branches):
            ok = ch.check(subs, sup.child(branch, "allOf", index), types) and ok
    for keyword in ("anyOf", "oneOf"):
        branches = sup.get(keyword)
        if isinstance(branches, list):
            ok = _alternatives(ch, subs, sup, keyword, branches, types) and ok
    negated = sup.keyword_child("not")
    if negated is not None:
        ok = _negation(ch, subs, sup, negated, types) and ok
    return ok


def _branch_types(ch: Inclusion, node: Node) -> frozenset[str]:
    """The type atoms an alternative allows (all, when that cannot be told), made once."""
    if node.branch_atoms is None:
        node.branch_atoms = _atoms_of(ch, node)
    return node.branch_atoms


def _atoms_of(ch: Inclusion, node: Node) -> frozenset[str]:
    try:
        parts = ch.expand((node,))
    except Undecided:
        return ALL_TYPES
    if parts is None:
        return frozenset()
    atoms = ALL_TYPES
    for part in parts:
        atoms &= part.types
    return atoms


def _alternatives(
    ch: Inclusion, subs: Subs, sup: Node, keyword: str, branches: list[JSON], types: frozenset[str]
) -> bool:
    nodes = [sup.child(b, keyword, i) for i, b in enumerate(branches)]
    atoms = [_branch_types(ch, n) for n in nodes]
    ok = True
    for atom in sorted(types):
        domain = frozenset({atom})
        chosen = next(
            (
                i
                for i, node in enumerate(nodes)
                if atom in atoms[i] and ch.probe(subs, node, domain)
            ),
            None,
        )
        if chosen is None:
            ok = (
                ch.fail(
                    "SUM_TYPE_NARROWED" if ch.backward else "SUM_TYPE_EXTENDED",
                    f"no alternative of `{keyword}` at {sup.pointer or '/'} in {ch.reader} accepts "
                    f"every {type_names(domain)} value {ch.writer} allows",
                    f"holding such a {type_names(domain)} value there",
                    subs,
                    sup,
                    keyword=keyword,
                )
                and ok
            )
            continue
        if keyword == "oneOf":
            overlapping = [i for i in range(len(nodes)) if i != chosen and atom in atoms[i]]
            if overlapping:
                ok = (
                    ch.undecided(
                        "ONE_OF_OVERLAP_UNDECIDED",
                        f"a {type_names(domain)} value may match several alternatives of `oneOf` "
                        f"at {sup.pointer or '/'} (alternatives {chosen} and {overlapping[0]})",
                        subs,
                        sup,
                        keyword,
                    )
                    and ok
                )
    return ok


def _negation(ch: Inclusion, subs: Subs, sup: Node, negated: Node, types: frozenset[str]) -> bool:
    if not (_branch_types(ch, negated) & types):
        return True
    for node in subs:
        mine = node.keyword_child("not")
        if mine is not None and ch.probe((negated,), mine, ALL_TYPES):
            return True
    has_not = any(n.has("not") for n in subs)
    if has_not:
        name = "NOT_TYPE_EXTENDED" if ch.backward else "NOT_TYPE_NARROWED"
    else:
        name = "NOT_TYPE_EXTENDED" if ch.backward else "NOT_TYPE_NARROWED"
    return ch.fail(
        name,
        f"`not` at {sup.pointer or '/'} in {ch.reader} excludes values {ch.writer} allows",
        "holding such a value there",
        subs,
        sup,
        keyword="not",
    )
