"""Any JSON Schema is compared, nothing crashes the engine, and every comparison is bounded.

Booleans are schemas; references to other files, to values that are not schemas, in loops or in
long chains are changes of their own; recursion deeper than Python's stack and unions that
multiply the work end in a named, breaking "undecided" change within the budget.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest

from registry.compat import Budget, check, diff, is_compatible
from registry.compat.budget import BUDGET_EXHAUSTED
from registry.compat.catalogue import CHANGE_TYPES
from registry.core.model import Mode
from tests.paths import COMPAT_FIXTURES

B, F = Mode.BACKWARD, Mode.FORWARD
DRAFT7 = "http://json-schema.org/draft-07/schema#"


def _load(name: str) -> Any:
    return json.loads((COMPAT_FIXTURES / name).read_text(encoding="utf-8"))


def adversarial(seed: int, *, definitions: int = 14, width: int = 12) -> dict[str, Any]:
    """Recursive definitions whose items and properties are unions of many overlapping `$ref`s:
    the inclusion questions multiply with every level, so only the budget ends them."""
    rnd = random.Random(seed)
    defs: dict[str, Any] = {}
    for i in range(definitions):
        refs = rnd.sample(range(definitions), width)
        union = {rnd.choice(["anyOf", "oneOf"]): [{"$ref": f"#/definitions/d{k}"} for k in refs]}
        if rnd.random() < 0.3:
            defs[f"d{i}"] = {"type": "array", "items": union}
            continue
        properties = {
            name: rnd.choice(
                [{"type": "string"}, {"type": "integer"}, {"type": "array", "items": union}, union]
            )
            for name in rnd.sample(["a", "b", "c", "d"], rnd.randint(1, 3))
        }
        defs[f"d{i}"] = {"type": "object", "properties": properties}
    everything = [{"$ref": f"#/definitions/d{k}"} for k in range(definitions)]
    return {
        "$schema": DRAFT7,
        "definitions": defs,
        "type": "array",
        "items": {"anyOf": everything},
    }


def _copy(schema: Any) -> Any:
    return json.loads(json.dumps(schema))


# -- booleans ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "backward", "forward"),
    [
        (True, False, False, True),
        (False, True, True, False),
        (True, True, True, True),
        (True, {}, True, True),
        (True, {"type": "string"}, False, True),
        ({"type": "string"}, False, False, True),
    ],
)
def test_boolean_schemas_are_compared_like_any_other(
    old: Any, new: Any, backward: bool, forward: bool
) -> None:
    report = check(old, new, mode=Mode.FULL)
    assert report.verdicts["backward"] is backward
    assert report.verdicts["forward"] is forward
    assert is_compatible(diff(old, new), B) is backward
    if not backward:
        assert report.witness is not None and report.witness.direction is B


def test_a_boolean_is_read_as_2020_12_and_its_draft_is_no_change() -> None:
    draft4 = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "integer"}
    changes = diff(True, draft4)
    assert "DIALECT_CHANGED" not in {c.type for c in changes}
    assert {c.type for c in changes} == {"TYPE_NARROWED"}


# -- references that cannot be followed ----------------------------------------------------


def test_union_and_all_of_members_that_reference_another_file_are_unresolved_changes() -> None:
    schema = _load("union-ref-other-file.json")
    changes = diff(schema, _copy(schema))
    unresolved = [c for c in changes if c.type == "REFERENCE_UNRESOLVED"]
    assert {c.path for c in unresolved} == {"/properties/choice", "/properties/both"}
    assert all(c.breaks == {B, F} for c in unresolved)
    assert "other.json" in unresolved[0].description


def test_a_reference_to_a_list_is_a_change_naming_the_reference() -> None:
    tuple_ref = _load("tuple-ref-array.json")
    changes = diff(tuple_ref, _copy(tuple_ref))
    assert [(c.type, c.path) for c in changes] == [("REFERENCE_NOT_A_SCHEMA", "/additionalItems")]
    # jsonschema itself fails on such a schema; the engine names the reference instead
    report = check(_load("tuple-values.json"), tuple_ref)
    found = next(c for c in report.changes if c.type == "REFERENCE_NOT_A_SCHEMA")
    assert "'#/items' at /additionalItems/$ref points at a list" in found.description
    assert not report.compatible


@pytest.mark.parametrize("target", [[1, 2], "text", 3, None])
def test_a_reference_to_any_non_schema_breaks_both_ways(target: Any) -> None:
    schema = {
        "$schema": DRAFT7,
        "definitions": {"odd": {"const": target}},
        "properties": {"x": {"$ref": "#/definitions/odd/const"}},
    }
    changes = diff(schema, _copy(schema))
    assert {c.type for c in changes} == {"REFERENCE_NOT_A_SCHEMA"}
    assert all(c.breaks == {B, F} for c in changes)


def test_a_chain_of_references_is_followed_to_its_end() -> None:
    """A reader whose `$ref` names another `$ref` constrains what the last one names."""
    chained = {
        "$schema": DRAFT7,
        "$ref": "#/definitions/a",
        "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"type": "string"}},
    }
    report = check({"type": "integer"}, chained, mode=Mode.FULL)
    assert report.verdicts == {"backward": False, "forward": False, "full": False}
    assert report.witness is not None


def test_references_that_loop_without_a_schema_are_undecided() -> None:
    looped = {
        "$schema": DRAFT7,
        "$ref": "#/definitions/a",
        "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
    }
    changes = diff({"type": "integer"}, looped)
    assert "REFERENCE_CYCLE_UNDECIDED" in {c.type for c in changes}
    assert not is_compatible(changes, B)


# -- depth ---------------------------------------------------------------------------------


def test_definitions_deeper_than_the_stack_end_in_nesting_too_deep() -> None:
    deep = _load("deep-unions.json")
    for old, new in ((deep, _copy(deep)), (deep, True), (True, deep)):
        report = check(old, new, mode=Mode.FULL)
        assert "NESTING_TOO_DEEP" in {c.type for c in report.changes}
        assert not report.compatible


@pytest.mark.parametrize("keyword", ["anyOf", "allOf", "not", "properties", "items"])
def test_literal_nesting_far_past_the_recursion_limit_is_compared(keyword: str) -> None:
    def nest(leaf: Any) -> Any:
        for _ in range(600):
            if keyword == "properties":
                leaf = {"properties": {"a": leaf}}
            elif keyword == "items":
                leaf = {"items": leaf}
            elif keyword == "not":
                leaf = {"not": leaf}
            else:
                leaf = {keyword: [leaf, {"type": "null"}] if keyword == "anyOf" else [leaf]}
        return leaf

    old, new = nest({"type": "string"}), nest({"type": "integer"})
    report = check(old, new, mode=Mode.FULL)
    assert not report.compatible
    assert all(c.type in CHANGE_TYPES for c in report.changes)


# -- the work budget -----------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["strict", "lenient"])
def test_overlapping_recursive_unions_end_in_budget_exhausted(policy: str) -> None:
    schema = adversarial(0)
    report = check(schema, _copy(schema), policy=policy, budget=Budget(steps=2_000))
    exhausted = [c for c in report.changes if c.type == BUDGET_EXHAUSTED]
    assert exhausted and all(c.breaks for c in exhausted)  # no policy forgives it
    assert "budget of 2,000 steps" in exhausted[0].description
    assert not report.compatible
    assert report.required_bump == "major"


@pytest.mark.parametrize("seed", range(4))
def test_the_budget_gives_the_same_answer_every_time(seed: int) -> None:
    schema = adversarial(seed)
    first = check(_copy(schema), _copy(schema), budget=Budget(steps=1_500), witness=False)
    again = check(_copy(schema), _copy(schema), budget=Budget(steps=1_500), witness=False)
    assert first.changes == again.changes


def test_the_default_budget_answers_the_adversarial_schema_in_seconds() -> None:
    schema = adversarial(1)
    began = time.monotonic()
    report = check(schema, _copy(schema))
    assert time.monotonic() - began < 45  # over 60 s before the budget, per comparison
    assert BUDGET_EXHAUSTED in {c.type for c in report.changes}


def test_the_wall_clock_backstop_ends_a_comparison_too() -> None:
    schema = adversarial(2)
    report = check(schema, _copy(schema), budget=Budget(steps=10**9, seconds=0.2))
    found = next(c for c in report.changes if c.type == BUDGET_EXHAUSTED)
    assert "0.2 seconds" in found.description


def test_a_budget_large_enough_leaves_real_pairs_alone() -> None:
    old, new = (COMPAT_FIXTURES / n for n in ("click-1.1.json", "click-1.1.json"))
    body = json.loads(Path(old).read_text(encoding="utf-8"))
    assert diff(body, json.loads(Path(new).read_text(encoding="utf-8")), budget=Budget(50)) == []


def test_a_schema_applying_itself_in_place_is_never_handed_to_jsonschema(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """jsonschema would recurse until the stack runs out (once as a panic in compiled code)."""
    looping = {"$schema": DRAFT7, "anyOf": [{"$ref": "#"}, {"type": "string"}], "enum": ["a"]}
    report = check({"enum": ["a", ["b"]]}, looping, mode=Mode.FULL)
    assert "EVALUATION_UNDECIDED" in {c.type for c in report.changes}
    assert not report.compatible and report.witness is None
    assert "panicked" not in capfd.readouterr().err
