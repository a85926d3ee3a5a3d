from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.core.model import EventSchema, Version
from registry.core.refs import build_registry
from registry.eventlog.categories import (
    UNRESTRICTED,
    CategoryError,
    Policy,
    Redactor,
    check_categories,
)
from registry.sources.files import read_schema
from tests.paths import EVENTLOG_FIXTURES

EVENTLOG = EVENTLOG_FIXTURES


def load(name: str) -> dict[str, Any]:
    return dict(read_schema(PurePosixPath(name), (EVENTLOG / name).read_bytes()).body)


USER = {"id": "test id", "email": "test@example.com"}
EVENT = {"nothing-exciting": "hello, world", "user": USER}

# (allowed categories, allowed properties) -> what is recorded of EVENT
NESTED_CASES = [
    ((), (), {"nothing-exciting": "hello, world", "user": None}),
    (("unrestricted",), (), {"nothing-exciting": "hello, world", "user": None}),
    (
        ("user-identifier",),
        (),
        {"nothing-exciting": "hello, world", "user": {"id": "test id", "email": None}},
    ),
    (("user-identifiable-information",), (), {"nothing-exciting": "hello, world", "user": None}),
    (
        ("user-identifier", "user-identifiable-information"),
        (),
        {"nothing-exciting": "hello, world", "user": USER},
    ),
    ((), ("user",), {"nothing-exciting": "hello, world", "user": USER}),
]


@pytest.mark.parametrize(
    "fixture", ["categories.yaml", "categories-ref.json", "categories-allof.yaml"]
)
@pytest.mark.parametrize(("categories", "properties", "expected"), NESTED_CASES)
def test_nested_values_are_kept_only_when_their_categories_are_allowed(
    fixture: str, categories: tuple[str, ...], properties: tuple[str, ...], expected: Any
) -> None:
    redactor = Redactor(load(fixture))
    assert redactor.redact(EVENT, Policy.of(categories, properties)) == expected


ARRAY_EVENT = {"users": [{"id": "a", "email": "a@example.com"}, {"id": "b", "email": "b@x.org"}]}


@pytest.mark.parametrize(
    ("categories", "properties", "expected"),
    [
        ((), (), None),
        (("user-identifier",), (), [{"id": "a", "email": None}, {"id": "b", "email": None}]),
        (("user-identifier", "user-identifiable-information"), (), ARRAY_EVENT["users"]),
        ((), ("users",), ARRAY_EVENT["users"]),
    ],
)
def test_arrays_of_objects_are_filtered_item_by_item(
    categories: tuple[str, ...], properties: tuple[str, ...], expected: Any
) -> None:
    redacted = Redactor(load("categories.yaml")).redact(
        ARRAY_EVENT, Policy.of(categories, properties)
    )
    assert redacted == {"users": expected}


def test_values_the_schema_does_not_describe_are_null_once_it_declares_categories() -> None:
    event = {**EVENT, "extra": 1234, "more": {"nested": "x"}}
    redacted = Redactor(load("categories.yaml")).redact(event, Policy.of(["user-identifier"]))
    assert redacted["extra"] is None and redacted["more"] is None


def test_unrestricted_is_always_allowed() -> None:
    assert UNRESTRICTED in Policy.of().categories
    assert Redactor(load("categories.yaml")).redact(EVENT, Policy())["nothing-exciting"]


def test_schemas_without_categories_do_not_filter() -> None:
    assert not Redactor(load("basic-1.yaml")).uses_categories
    assert not Redactor(load("no-properties.yaml")).uses_categories
    assert Redactor(load("categories-ref.json")).uses_categories


def test_the_input_event_is_not_changed() -> None:
    event = {"nothing-exciting": "hi", "user": dict(USER)}
    Redactor(load("categories.yaml")).redact(event, Policy())
    assert event == {"nothing-exciting": "hi", "user": USER}


def test_pattern_and_additional_properties_carry_categories() -> None:
    schema = {
        "type": "object",
        "properties": {
            "by_user": {
                "type": "object",
                "patternProperties": {"^id-": {"categories": ["user-identifier"]}},
                "additionalProperties": {"categories": ["unrestricted"]},
            }
        },
    }
    redactor = Redactor(schema)
    event = {"by_user": {"id-1": "alice", "id-2": "bob", "total": 3}}
    assert redactor.redact(event, Policy()) == {"by_user": {"id-1": None, "id-2": None, "total": 3}}
    allowed = Policy.of(["user-identifier"])
    assert redactor.redact(event, allowed) == event


def test_tuple_items_carry_categories_by_position() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "pair": {
                "type": "array",
                "prefixItems": [
                    {"categories": ["unrestricted"]},
                    {"categories": ["user-identifier"]},
                ],
                "items": {"categories": ["action"]},
            }
        },
    }
    redacted = Redactor(schema).redact({"pair": ["a", "b", "c", "d"]}, Policy.of(["action"]))
    assert redacted == {"pair": ["a", None, "c", "d"]}


def test_recursive_schemas_are_followed_without_end() -> None:
    schema = {
        "type": "object",
        "properties": {"tree": {"$ref": "#/definitions/node"}},
        "definitions": {
            "node": {
                "type": "object",
                "properties": {
                    "owner": {"categories": ["user-identifier"]},
                    "size": {"categories": ["unrestricted"]},
                    "children": {"type": "array", "items": {"$ref": "#/definitions/node"}},
                },
            }
        },
    }
    tree: dict[str, Any] = {"owner": "leaf", "size": 0}
    for depth in range(1, 50):
        tree = {"owner": f"o{depth}", "size": depth, "children": [tree]}
    redacted = Redactor(schema).redact({"tree": tree}, Policy())["tree"]
    for depth in range(49, 0, -1):
        assert (redacted["owner"], redacted["size"]) == (None, depth)
        (redacted,) = redacted["children"]
    assert redacted == {"owner": None, "size": 0}


def test_references_to_other_schemas_carry_their_categories() -> None:
    person = {
        "$id": "https://events.example.org/schemas/test/person",
        "version": 1,
        "type": "object",
        "properties": {"name": {"categories": ["user-identifiable-information"]}},
    }
    visit = {
        "$id": "https://events.example.org/schemas/test/visit",
        "version": 1,
        "type": "object",
        "properties": {
            "who": {"categories": ["unrestricted"], "$ref": "person/1.json"},
            "page": {"categories": ["unrestricted"]},
        },
    }
    schemas = [
        EventSchema(PurePosixPath(), body, str(body["$id"]), Version.parse(1))
        for body in (person, visit)
    ]
    redactor = Redactor(visit, build_registry(schemas))
    redacted = redactor.redact({"who": {"name": "Ada"}, "page": "/"}, Policy())
    assert redacted == {"who": {"name": None}, "page": "/"}


@pytest.mark.parametrize("bad", ["user-identifier", [1], {"a": "b"}, None])
def test_categories_must_be_lists_of_labels(bad: object) -> None:
    schema = {"type": "object", "properties": {"a": {"categories": bad}}}
    with pytest.raises(CategoryError, match="/properties/a/categories"):
        check_categories(schema)


LABELS = ["unrestricted", "user-identifier", "user-identifiable-information", "action"]
users = st.fixed_dictionaries(
    {}, optional={"id": st.text(max_size=5), "email": st.text(max_size=5)}
)
events = st.fixed_dictionaries(
    {},
    optional={
        "nothing-exciting": st.text(max_size=5),
        "user": users,
        "users": st.lists(users, max_size=3),
        "extra": st.integers(),
    },
)
policies = st.builds(
    Policy.of,
    st.lists(st.sampled_from(LABELS), unique=True),
    st.lists(st.sampled_from(["user", "users", "extra"]), unique=True),
)
REDACTOR = Redactor(load("categories.yaml"))


def kept_or_null(original: Any, redacted: Any) -> bool:
    """Every value of `redacted` is its original or null; keys and array lengths are kept."""
    if redacted is None or redacted == original:
        return True
    if isinstance(original, dict):
        return redacted.keys() == original.keys() and all(
            kept_or_null(original[key], redacted[key]) for key in original
        )
    if isinstance(original, list):
        return len(redacted) == len(original) and all(map(kept_or_null, original, redacted))
    return False


@given(events, policies)
def test_filtering_keeps_every_key_and_only_ever_writes_null(
    event: dict[str, Any], policy: Policy
) -> None:
    redacted = REDACTOR.redact(event, policy)
    assert redacted.keys() == event.keys()
    assert kept_or_null(event, redacted)


@given(events, policies, st.lists(st.sampled_from(LABELS)))
def test_allowing_more_categories_never_records_less(
    event: dict[str, Any], policy: Policy, more: list[str]
) -> None:
    wider = Policy(policy.categories | set(more), policy.properties)
    narrow, wide = REDACTOR.redact(event, policy), REDACTOR.redact(event, wider)
    assert kept_or_null(wide, narrow)
