from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.checks.lint import lint
from registry.core.config import Settings
from registry.sources.files import read_schema
from registry.sources.snapshot import Snapshot
from registry.sources.tree import load_folder
from registry.sources.validity import INVALID_RULES, invalidity
from tests.broken.corrupt import Corruption, corruptions
from tests.paths import FIXTURES, PROJECT

HEAD = (
    "$schema: {draft}\n"
    "$id: https://events.example.org/schemas/app/slip\n"
    "version: 1.0.0\n"
    "title: Slip\n"
    "description: A schema with one slip.\n"
    "type: object\n"
)
DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"
SLIP = PurePosixPath("app/slip/1.0.0.yaml")


def problems(tail: str, draft: str = DRAFT7) -> list[tuple[str, int | None, str, str]]:
    schema = read_schema(SLIP, (HEAD.format(draft=draft) + tail).encode())
    return [(e.pointer, e.line, e.message, e.hint) for e in invalidity(schema)]


@pytest.mark.parametrize("draft", [DRAFT7, DRAFT2020])
def test_a_type_name_where_a_schema_belongs_suggests_the_mapping(draft: str) -> None:
    [(pointer, line, message, hint)] = problems("properties:\n  note: string\n", draft)
    assert (pointer, line) == ("/properties/note", 8)
    assert message.startswith(
        "`properties/note` must be a schema (a mapping), not the string 'string'"
    )
    assert "'string' is not of type 'object', 'boolean'" in message  # the metaschema's words
    assert hint == "did you mean `note: {type: string}`?"


def test_an_empty_value_is_named_as_yaml_reads_it() -> None:
    [(pointer, _, message, hint)] = problems("properties:\n  other:\n")
    assert pointer == "/properties/other"
    assert "not an empty value (null)" in message
    assert hint.startswith("YAML reads an empty value as null")
    assert "`other: {type: string}`" in hint


def test_no_as_a_schema_is_yaml_1_2s_string() -> None:
    [(pointer, line, _, hint)] = problems("additionalProperties: no\n")
    assert (pointer, line) == ("/additionalProperties", 7)
    assert hint == "YAML 1.2 reads `no` as a string: write `false`"


def test_a_list_where_a_mapping_is_expected_says_so() -> None:
    [(pointer, _, message, hint)] = problems("properties:\n  - note\n  - other\n")
    assert pointer == "/properties"
    assert "is not of type 'object'" in message
    assert hint.startswith("a list where a mapping is expected")


def test_items_of_an_array_property_take_a_schema_too() -> None:
    [(pointer, _, _, hint)] = problems("properties:\n  tags:\n    type: array\n    items: string\n")
    assert pointer == "/properties/tags/items"
    assert hint == "did you mean `items: {type: string}`?"


@pytest.mark.parametrize(
    ("tail", "pointer", "hint"),
    [
        ("required: x\n", "/required", "write a list: `required: [x]`"),
        ("enum: 3\n", "/enum", "write a list: `enum: [3]`"),
        ("minimum: '1'\n", "/minimum", "write the number without quotes: `minimum: 1`"),
        ("type: strnig\n", "/type", "did you mean `string`?"),
        ("$ref: 5\n", "/$ref", "write the reference as a string"),
    ],
)
def test_wrong_typed_keywords_name_the_fix(tail: str, pointer: str, hint: str) -> None:
    found = problems(tail.replace("type: strnig\n", "properties:\n  a:\n    type: strnig\n"))
    [said] = [p[3] for p in found if p[0].endswith(pointer)]
    assert said.startswith(hint)


def test_a_draft_4_ref_that_is_no_string_is_refused_though_its_metaschema_is_silent() -> None:
    draft4 = "http://json-schema.org/draft-04/schema#"
    [(pointer, line, message, _)] = problems("properties:\n  a:\n    $ref: 5\n", draft4)
    assert (pointer, line) == ("/properties/a/$ref", 9)
    assert "5 is not of type 'string'" in message


def test_an_unknown_dialect_is_one_finding_at_schema() -> None:
    schema = read_schema(SLIP, (HEAD.format(draft="https://example.com/mine") + "").encode())
    [error] = invalidity(schema)
    assert (error.rule, error.pointer, error.line) == ("dialect-known", "/$schema", 1)


def test_the_snapshot_keeps_only_valid_schemas_and_carries_the_findings_of_the_others() -> None:
    good = read_schema(SLIP, HEAD.format(draft=DRAFT7).encode())
    bad_path = PurePosixPath("app/slip/1.1.0.yaml")
    bad = read_schema(bad_path, (HEAD.format(draft=DRAFT2020) + "properties: []\n").encode())
    snapshot = Snapshot("tree", (good, bad))
    assert snapshot.schemas == (good,)
    [failure] = snapshot.failures
    assert (failure.rel_path, failure.error.rule, failure.ref) == (bad_path, "metaschema", bad.ref)
    assert snapshot.unusable == {bad.ref: failure}


def test_lint_reports_each_metaschema_problem_once() -> None:
    """2020-12's metaschema repeats an error once per vocabulary; a finding is made once."""
    bad = read_schema(SLIP, (HEAD.format(draft=DRAFT2020) + "properties: {a: 3}\n").encode())
    findings = lint(Snapshot("tree", (bad,)), Settings())
    assert [(f.rule, f.pointer, f.line) for f in findings] == [("metaschema", "/properties/a", 7)]


GOOD = {
    schema.rel_path: schema
    for root in (PROJECT / "schemas", FIXTURES / "good")
    for schema in load_folder(root).schemas
}


@given(data=st.data())
@settings(max_examples=150)
def test_every_non_schema_where_a_schema_stands_is_a_finding_at_its_place(
    data: st.DataObject,
) -> None:
    rel_path = data.draw(st.sampled_from(sorted(GOOD)))
    broken: Corruption = data.draw(corruptions(GOOD[rel_path].body))
    schema = read_schema(rel_path, broken.text(rel_path).encode())
    snapshot = Snapshot("tree", (schema,))
    assert snapshot.schemas == ()
    [failure] = snapshot.failures
    assert {error.rule for error in failure.errors} <= set(INVALID_RULES)
    assert any(error.pointer.startswith(broken.pointer) for error in failure.errors)
    assert all(error.line and error.message and error.hint for error in failure.errors)
