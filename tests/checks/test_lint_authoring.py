"""The rules that catch an author's slips: unknown keywords, empty schemas, invalid examples."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.checks.lint import lint
from registry.checks.lint.keywords import closest, edit_distance, known_keywords
from registry.cli import main
from registry.core.config import Settings
from registry.core.dialects import DRAFT4, DRAFT7, DRAFT202012
from registry.core.model import Finding
from registry.sources.files import read_schema
from registry.sources.snapshot import Snapshot
from registry.sources.tree import load_folder

BASE = "https://events.example.org/schemas/"


def event(**extra: Any) -> dict[str, Any]:
    """A valid event schema with the given keys added or replaced."""
    body: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE + "shop/invoice_paid",
        "version": "1.0.0",
        "title": "Invoice paid",
        "description": "A customer paid an invoice.",
        "type": "object",
        "properties": {
            "invoice_id": {"description": "The invoice.", "type": "string"},
            "amount": {"description": "In cents.", "type": "integer"},
        },
        "required": ["invoice_id"],
    }
    body.update(extra)
    return body


def lint_body(body: Mapping[str, Any], settings: Settings | None = None) -> list[Finding]:
    schema = read_schema(PurePosixPath("shop/invoice_paid/1.0.0.json"), json.dumps(body).encode())
    snapshot = Snapshot(root="schemas", schemas=(schema,))
    assert not snapshot.failures, snapshot.failures
    return lint(snapshot, settings or Settings())


def rules(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


# -- unknown-keyword ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typo", "meant"), [("requird", "required"), ("minimun", "minimum"), ("typ", "type")]
)
def test_a_misspelt_keyword_is_named_with_the_keyword_it_was_meant_to_be(
    typo: str, meant: str
) -> None:
    body = event()
    body["properties"]["amount"][typo] = body["properties"]["amount"].get(meant, 0)

    (finding,) = lint_body(body)

    assert finding.rule == "unknown-keyword"
    assert finding.pointer == f"/properties/amount/{typo}"
    assert f"did you mean `{meant}`?" in finding.message
    assert finding.hint == f"rename it to `{meant}`"


def test_extensions_and_the_registrys_own_annotations_are_keywords() -> None:
    body = event(**{"x-owner": "billing", "deprecated": False, "$comment": "c", "examples": []})
    body["properties"]["invoice_id"]["categories"] = ["unrestricted"]

    assert lint_body(body) == []


def test_the_configuration_can_allow_more_keys() -> None:
    body = event(nullable=True)

    assert rules(lint_body(body)) == ["unknown-keyword"]
    assert lint_body(body, Settings(allowed_keywords=frozenset({"nullable"}))) == []


def test_a_key_far_from_every_keyword_gets_no_guess() -> None:
    (finding,) = lint_body(event(owner_team="billing"))

    assert "did you mean" not in finding.message
    assert "`x-`" in finding.hint and "allowed-keywords" in finding.hint


def test_each_draft_knows_its_own_keywords() -> None:
    assert "id" in known_keywords(DRAFT4) and "const" not in known_keywords(DRAFT4)
    assert "if" in known_keywords(DRAFT7) and "prefixItems" not in known_keywords(DRAFT7)
    assert {"prefixItems", "$dynamicRef", "unevaluatedProperties"} <= known_keywords(DRAFT202012)


def test_edit_distance_counts_a_swap_of_neighbours_once() -> None:
    assert edit_distance("reqiured", "required") == 1
    assert edit_distance("minimun", "minimum") == 1
    assert closest("maxlength", known_keywords(DRAFT202012)) == "maxLength"


NAMES = st.text(min_size=1, max_size=12)


@st.composite
def nested_properties(draw: st.DrawFn, depth: int = 2) -> dict[str, Any]:
    names = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
    properties: dict[str, Any] = {}
    for name in names:
        child: dict[str, Any] = {"description": "d", "type": "string"}
        if depth and draw(st.booleans()):
            child = {"description": "d", "type": "object", **draw(nested_properties(depth - 1))}
        properties[name] = child
    return {"properties": properties, "$defs": {name: {"type": "string"} for name in names}}


@given(nested_properties())
def test_unknown_keyword_never_fires_on_the_name_of_a_property(schema: dict[str, Any]) -> None:
    findings = lint_body(event(**schema, required=[]))

    assert "unknown-keyword" not in rules(findings)


def test_no_schema_of_the_repository_or_of_iglu_central_has_an_unknown_keyword(
    shared: Path, tmp_path: Path
) -> None:
    """The false-positive count over two real registries is zero."""
    imported = tmp_path / "iglu"
    assert main(["import-iglu", str(shared / "corpora/iglu-central"), str(imported)]) == 0
    trees = [load_folder(imported), load_folder(Path(__file__).parents[2] / "schemas")]

    findings = [f for tree in trees for f in lint(tree, Settings())]

    assert len(trees[0].schemas) > 600
    assert [f for f in findings if f.rule == "unknown-keyword"] == []


# -- schema-unsatisfiable -------------------------------------------------------------------


def test_a_required_name_no_property_has_makes_a_closed_schema_accept_no_event() -> None:
    (finding,) = lint_body(event(required=["invoice_id", "ammount"], additionalProperties=False))

    assert finding.rule == "schema-unsatisfiable"
    assert finding.message == (
        "the schema accepts no event: `required` property `ammount` is not allowed by "
        "`additionalProperties: false`"
    )
    assert finding.pointer == "/required/1"
    assert finding.hint.startswith("did you mean `amount`?")


def test_the_smallest_subschema_responsible_is_reported_not_the_event_around_it() -> None:
    body = event(required=["invoice_id"])
    body["properties"]["invoice_id"].update(minLength=5, maxLength=2)

    (finding,) = lint_body(body)

    assert finding.rule == "schema-unsatisfiable"
    assert finding.message.startswith("/properties/invoice_id accepts no value: `minLength` 5")
    assert finding.pointer == "/properties/invoice_id/minLength"


@pytest.mark.parametrize(
    "subschema",
    [
        {"type": "integer", "minimum": 5, "maximum": 1},
        {"type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 2},
        {"type": "array", "minItems": 3, "maxItems": 1},
        {"type": "string", "enum": [1, 2]},
        {"allOf": [{"type": "string"}, {"type": "integer"}]},
    ],
)
def test_a_property_that_accepts_no_value_is_found(subschema: dict[str, Any]) -> None:
    body = event()
    body["properties"]["amount"] = {"description": "d", **subschema}

    assert rules(lint_body(body)) == ["schema-unsatisfiable"]


@pytest.mark.parametrize(
    "subschema",
    [
        {"type": "integer", "minimum": 1, "maximum": 1},
        {"type": ["string", "null"], "minLength": 5, "maxLength": 2},
        {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 2},
        {"enum": [1, "a"], "type": "string"},
        {
            "type": "object",
            "required": ["a"],
            "patternProperties": {"^a": {}},
            "additionalProperties": False,
        },
    ],
)
def test_a_schema_with_one_value_left_passes(subschema: dict[str, Any]) -> None:
    body = event()
    body["properties"]["amount"] = {"description": "d", **subschema}

    assert lint_body(body) == []


# -- example-valid --------------------------------------------------------------------------


def test_an_example_of_the_wrong_type_is_found_at_its_property() -> None:
    body = event()
    body["properties"]["amount"]["examples"] = [1200, "1200"]

    (finding,) = lint_body(body)

    assert finding.rule == "example-valid"
    assert finding.pointer == "/properties/amount/examples/1"
    assert "example 2" in finding.message and "'1200' is not of type 'integer'" in finding.message


def test_an_event_example_names_where_in_the_event_it_fails() -> None:
    body = event(examples=[{"invoice_id": "A-1", "amount": "1200"}])

    (finding,) = lint_body(body)

    assert finding.rule == "example-valid"
    assert finding.pointer == "/examples/0"
    assert "(at /amount in the example)" in finding.message


def test_an_example_through_a_local_reference_is_checked_against_its_target() -> None:
    body = event(**{"$defs": {"money": {"type": "integer", "minimum": 0}}})
    body["properties"]["amount"] = {
        "description": "d",
        "$ref": "#/$defs/money",
        "examples": [5, -1],
    }

    (finding,) = lint_body(body)

    assert finding.pointer == "/properties/amount/examples/1"
    assert "-1 is less than the minimum of 0" in finding.message


def test_lint_through_the_command_exits_1_on_each_new_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "schemas/shop/invoice_paid"
    folder.mkdir(parents=True)
    body = event(requird=["amount"], examples=[{"invoice_id": 1}])
    (folder / "1.0.0.json").write_text(json.dumps(body))

    code = main(["lint", str(tmp_path / "schemas")])

    out = capsys.readouterr().out
    assert code == 1
    assert "[unknown-keyword]" in out and "did you mean `required`?" in out
    assert "[example-valid]" in out


def test_an_example_against_a_backtracking_pattern_is_checked_without_backtracking(
    tmp_path: Path,
) -> None:
    from tests.deadline import finishes

    body = {
        "$id": "https://events.example.org/schemas/app/typed",
        "version": 1,
        "title": "Typed",
        "description": "A word was typed.",
        "type": "object",
        "properties": {"word": {"type": "string", "description": "W.", "pattern": "^(a|aa)+$"}},
        "examples": [{"word": "a" * 40 + "!"}],
    }
    folder = tmp_path / "app" / "typed"
    folder.mkdir(parents=True)
    (folder / "1.json").write_text(json.dumps(body), encoding="utf-8")
    findings = finishes(lambda: lint(load_folder(tmp_path), Settings()), 20)
    assert [f.rule for f in findings] == ["example-valid"]
    assert "does not match" in findings[0].message
