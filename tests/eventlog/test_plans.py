"""Personal-data plans: compiled once per schema version and policy, logged at the first null."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given

from registry.eventlog import EventLog
from registry.eventlog.categories import Policy, Redactor, Shape
from tests.eventlog.test_categories import REDACTOR, events, load, policies

EVENT_ID = "https://events.example.org/schemas/test/plans"
SCHEMA: dict[str, Any] = {
    "$id": EVENT_ID,
    "version": 3,
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "page": {"type": "string", "categories": ["unrestricted"]},
        "user": {
            "type": "object",
            "categories": ["user-identifier"],
            "properties": {"name": {"categories": ["user-identifiable-information"]}},
        },
        "path": {"type": "string", "categories": ["user-identifiable-information"]},
    },
}


def spec(value: Any, shape: Shape, covered: bool, allowed: frozenset[str]) -> Any:
    """The rules of `registry.eventlog.categories`, walked value by value."""
    if shape.categories:
        if not shape.categories <= allowed:
            return None
        covered = True
    if not shape.categories_below:
        return value if covered else None
    if isinstance(value, dict):
        return {key: spec(item, shape.child(key), covered, allowed) for key, item in value.items()}
    if isinstance(value, list):
        return [spec(item, shape.item(index), covered, allowed) for index, item in enumerate(value)]
    return value if covered else None


def by_spec(redactor: Redactor, event: dict[str, Any], policy: Policy) -> dict[str, Any]:
    root, allowed = redactor.root, policy.categories
    return {
        key: value if key in policy.properties else spec(value, root.child(key), False, allowed)
        for key, value in event.items()
    }


@given(events, policies)
def test_a_compiled_plan_records_what_the_rules_say_for_every_event_and_policy(
    event: dict[str, Any], policy: Policy
) -> None:
    assert REDACTOR.redact(event, policy) == by_spec(REDACTOR, event, policy)


def test_a_recursive_schema_compiles_to_a_finite_plan_that_follows_any_depth() -> None:
    schema = {
        "type": "object",
        "properties": {"tree": {"$ref": "#/definitions/node"}},
        "definitions": {
            "node": {
                "type": "object",
                "properties": {
                    "owner": {"categories": ["user-identifier"]},
                    "children": {"type": "array", "items": {"$ref": "#/definitions/node"}},
                },
            }
        },
    }
    redactor = Redactor(schema)
    tree: dict[str, Any] = {"owner": "leaf"}
    for depth in range(30):
        tree = {"owner": f"o{depth}", "children": [tree, {"owner": "x"}]}
    policy = Policy.of(["user-identifier"])
    assert redactor.redact({"tree": tree}, policy) == {"tree": tree}
    assert redactor.redact({"tree": tree}, Policy()) == by_spec(redactor, {"tree": tree}, Policy())


def test_an_event_with_nothing_to_filter_is_recorded_as_it_is_without_a_copy() -> None:
    redactor = Redactor(SCHEMA, closed=True)
    event = {"page": "/", "user": {"name": "Ana"}}
    allowed = Policy.of(["user-identifier", "user-identifiable-information"])
    assert redactor.redact(event, allowed) is event
    assert redactor.redact({"page": "/", "path": "a"}, allowed) == {"page": "/", "path": "a"}
    filtered = redactor.redact(event, Policy())
    assert filtered == {"page": "/", "user": None} and event["user"] == {"name": "Ana"}


def test_a_plan_is_compiled_once_per_policy() -> None:
    redactor = Redactor(load("categories.yaml"))
    policy = Policy.of(["user-identifier"])
    assert redactor.plan(policy) is redactor.plan(Policy.of(["user-identifier"]))
    assert redactor.plan(policy) is not redactor.plan(Policy())


def recording(allowed: dict[str, Any]) -> EventLog:
    log = EventLog(handlers=[logging.NullHandler()], allowed_schemas={EVENT_ID: allowed})
    log.register_schema(SCHEMA)
    return log


def test_the_first_null_at_each_place_is_logged_at_debug_with_the_category_not_allowed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = recording({"allowed_categories": ["user-identifier"]})
    event = {"page": "/", "user": {"name": "Ana"}, "path": "a.txt"}
    with caplog.at_level(logging.DEBUG, logger="registry.eventlog"):
        for _ in range(3):
            log.record_event(EVENT_ID, 3, event)
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    path, name = sorted(messages, key=lambda message: "/path" not in message)
    assert f"schema {EVENT_ID} version 3: the value at /path is recorded as null" in path
    assert "user-identifiable-information, not allowed" in path
    assert "the value at /user/name" in name
    assert all(record.levelno == logging.DEBUG for record in caplog.records)


def test_a_value_without_categories_is_logged_as_declaring_none(
    caplog: pytest.LogCaptureFixture,
) -> None:
    redactor = Redactor(load("categories.yaml"), name="schema x version 1")
    with caplog.at_level(logging.DEBUG, logger="registry.eventlog"):
        redactor.redact({"extra": 1, "more": 2}, Policy())
        redactor.redact({"extra": 1}, Policy())
    (message,) = [record.getMessage() for record in caplog.records]
    assert message.startswith("schema x version 1: the value at /* is recorded as null")
    assert "it declares no category" in message
