"""Schema nodes: the interner's notion of two subtrees being the same JSON without references."""

from __future__ import annotations

from registry.compat.nodes import Interner


def test_a_reference_keyword_makes_equal_subtrees_not_the_same() -> None:
    interner = Interner()
    assert interner.same({"a": {"type": "string"}}, {"a": {"type": "string"}})
    assert not interner.same({"$ref": "#/a"}, {"$ref": "#/a"})
    assert not interner.same({"a": {"$dynamicRef": "#x"}}, {"a": {"$dynamicRef": "#x"}})
    assert not interner.same({"a": [{"$recursiveRef": "#"}]}, {"a": [{"$recursiveRef": "#"}]})
    assert interner.same({"description": "no $refs here"}, {"description": "no $refs here"})


def test_values_equal_to_python_but_not_in_json_are_not_the_same() -> None:
    interner = Interner()
    assert not interner.same({"const": True}, {"const": 1})
    assert not interner.same([{"enum": [1]}], [{"enum": [True]}])
    assert interner.same([{"enum": [1, "a"]}], [{"enum": [1, "a"]}])
