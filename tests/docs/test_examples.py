"""Example events for the docs: authored ones checked, generated ones valid, regex samples."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from registry.core.refs import build_registry, validator_for
from registry.docs.examples import choose_example, text_matching
from registry.sources.tree import load_folder
from tests.paths import DOCS_FIXTURES

BASE = "https://registry.example.com/schemas/"
EMPTY = build_registry([], base_url=BASE)


def test_the_first_valid_authored_example_is_chosen_and_invalid_ones_reported() -> None:
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer"}},
        "examples": [{"n": "one"}, {"n": 1}, {"n": 2}],
    }
    example, problems = choose_example(schema, EMPTY)
    assert example is not None and example.authored and example.event == {"n": 1}
    assert [problem.index for problem in problems] == [0]
    assert "'one' is not of type 'integer'" in problems[0].message


def test_a_generated_example_validates_through_refs_into_other_schemas() -> None:
    snapshot = load_folder(DOCS_FIXTURES / "good" / "schemas")
    references = build_registry(snapshot.schemas, base_url=BASE)
    for schema in snapshot.schemas:
        example, problems = choose_example(schema.body, references)
        assert problems == ()
        assert example is not None, schema.rel_path
        validator_for(schema.body, references).validate(example.event)


def test_a_schema_no_instance_satisfies_gets_no_example() -> None:
    impossible = {"type": "object", "required": ["a"], "properties": {"a": False}}
    assert choose_example(impossible, EMPTY) == (None, ())


def test_optional_properties_are_dropped_when_the_full_example_fails() -> None:
    schema = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "bad": {"not": {}}},
    }
    example, _ = choose_example(schema, EMPTY)
    assert example is not None and example.event == {"id": "example"}


def test_bounds_formats_and_enums_shape_the_generated_values() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["n", "when", "kind", "tags"],
        "properties": {
            "n": {"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 7},
            "when": {"type": "string", "format": "date-time"},
            "kind": {"enum": ["b", "a"]},
            "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 9}},
        },
    }
    example, _ = choose_example(schema, EMPTY)
    assert example is not None
    assert example.event == {
        "n": 14,
        "when": "2024-05-14T09:30:00Z",
        "kind": "b",
        "tags": ["examplexx", "examplexx"],
    }


_atoms = st.one_of(
    st.sampled_from(["a", "Z", "0", r"\d", r"\w", "[a-f]", "[A-Z0-9]", "[^/]", r"\.", "-", "."]),
)


@st.composite
def _patterns(draw: st.DrawFn, depth: int = 0) -> str:
    parts = draw(st.lists(_piece(depth), min_size=1, max_size=4))
    return "".join(parts)


def _piece(depth: int) -> st.SearchStrategy[str]:
    """An atom with any quantifier, or a group with at most `?` (nested repeats could make
    `re.search` itself backtrack for minutes)."""
    quantifier = st.sampled_from(["", "?", "*", "+", "{2}", "{1,3}", "{0,2}"])
    atom = st.builds(lambda a, q: a + q, _atoms, quantifier)
    if depth >= 2:
        return atom
    group = st.one_of(
        st.builds(lambda a, b: f"({a}|{b})", _patterns(depth + 1), _patterns(depth + 1)),
        st.builds(lambda a: f"(?:{a})", _patterns(depth + 1)),
    )
    return st.one_of(atom, st.builds(lambda g, q: g + q, group, st.sampled_from(["", "?"])))


@given(_patterns(), st.booleans(), st.booleans())
def test_text_matching_gives_a_string_the_pattern_accepts(
    body: str, start: bool, end: bool
) -> None:
    pattern = ("^" if start else "") + body + ("$" if end else "")
    text = text_matching(pattern)
    assert text is not None
    assert re.search(pattern, text), (pattern, text)


def test_text_matching_gives_up_on_backreferences() -> None:
    assert text_matching(r"^(a)\1$") is None
    assert text_matching("(") is None
