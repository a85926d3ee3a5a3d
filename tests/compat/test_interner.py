"""The interner: two subtrees are the same JSON without references, decided cheaply."""

from __future__ import annotations

import random
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.compat.interner import Interner

KEYS = st.sampled_from(
    ["type", "a", "$ref", "$refs", "$dynamicRef", "$recursiveRef", "Ref", "x'$ref'", "1"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(-3, 3, allow_nan=False)
    | st.sampled_from(["", "$ref", "it's '$ref'", "both ' and \" '$ref'", "a\nb", "é", "\ud800"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)
_REFERENCE_IN_REPR = re.compile(r"'\$(?:ref|dynamicRef|recursiveRef)'")


def _variant(value: Any, rng: random.Random) -> Any:
    """A copy of `value`, sometimes with a bool or an int swapped for an equal number, or keys
    reordered: equal to Python's `==`, not always the same JSON."""
    if isinstance(value, dict):
        items = [(k, _variant(v, rng)) for k, v in value.items()]
        if rng.random() < 0.2:
            items.reverse()
        return dict(items)
    if isinstance(value, list):
        return [_variant(v, rng) for v in value]
    if isinstance(value, bool) and rng.random() < 0.3:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and rng.random() < 0.3:
        return float(value)
    return value


def _same_by_repr(left: Any, right: Any) -> bool:
    """The definition: equal, equal in `repr`, and no reference keyword in that text."""
    if type(left) not in (dict, list):
        return bool(left == right) and type(left) is type(right)
    text = repr(left)
    return left == right and text == repr(right) and not _REFERENCE_IN_REPR.search(text)


@settings(max_examples=500, deadline=None)
@given(VALUES, st.randoms(use_true_random=False))
def test_same_is_equal_reprs_without_a_reference_keyword(value: Any, rng: random.Random) -> None:
    other = _variant(value, rng)
    assert Interner().same(value, other) == _same_by_repr(value, other)
    assert Interner().same(other, value) == _same_by_repr(other, value)


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


def test_values_marshal_cannot_encode_are_compared_on_their_repr() -> None:
    class Labels(dict[str, Any]):
        pass

    interner = Interner()
    assert interner.same({"a": Labels(b=1)}, {"a": {"b": 1}})
    assert not interner.same({"a": Labels(b=True)}, {"a": {"b": 1}})
