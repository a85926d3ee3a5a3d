"""Whatever an application passes, the runtime raises only the types its documentation lists."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.errors import RegistryError
from registry.eventlog import EventLog
from tests.eventlog.test_depth import FLAT, FLAT_SCHEMA, TREE, TREE_SCHEMA, nested

DOCUMENTED = (RegistryError, jsonschema.ValidationError, jsonschema.SchemaError)
"""Ours and jsonschema's; plus plain ValueError/TypeError for values JSON cannot hold."""


def documented(error: BaseException) -> bool:
    return isinstance(error, DOCUMENTED) or type(error) in (ValueError, TypeError)


def cyclic() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["node"] = loop
    return loop


values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.binary(max_size=3)
    | st.just(object())
    | st.builds(nested, st.integers(0, 3_000))
    | st.builds(cyclic),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=3)
    ),
    max_leaves=6,
)
events = st.dictionaries(st.text(max_size=4) | st.integers(), values, max_size=4) | values


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([FLAT, TREE, "https://events.example.org/schemas/test/unknown"]),
    st.sampled_from([1, "1", 2, "latest", None, 1.5, True]),
    events,
)
def test_record_event_and_emit_fail_only_with_documented_types(
    schema_id: str, version: Any, event: Any
) -> None:
    log = EventLog(
        handlers=[logging.NullHandler()],
        allowed_schemas=[FLAT, TREE, "https://events.example.org/schemas/test/unknown"],
    )
    log.register_schema(FLAT_SCHEMA)
    log.register_schema(TREE_SCHEMA)
    calls: list[Callable[[], object]] = [
        lambda: log.record_event(schema_id, version, event),
        lambda: log.emit(schema_id=schema_id, data=event),
    ]
    for call in calls:
        try:
            call()
        except Exception as error:
            assert documented(error), repr(error)


schema_parts = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["type", "properties", "$ref", "$dynamicRef", "pattern", "items", "categories", "x"]
            ),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(schema_parts, st.sampled_from(["$ref", "$dynamicRef", "$recursiveRef", "pattern"]))
def test_register_schema_fails_only_with_documented_types(part: Any, keyword: str) -> None:
    log = EventLog()
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://events.example.org/schemas/test/any",
        "version": 1,
        "type": "object",
        "properties": {"a": part, "b": {keyword: "https://elsewhere.example/x#y"}},
    }
    try:
        log.register_schema(body)
    except Exception as error:
        assert documented(error), repr(error)


def test_a_dynamic_reference_to_another_host_is_refused_at_registration() -> None:
    log = EventLog(handlers=[logging.NullHandler()], allowed_schemas=[FLAT])
    body = {**FLAT_SCHEMA, "properties": {"a": {"$dynamicRef": "https://elsewhere.example/e#n"}}}
    with pytest.raises(ValueError, match="outside this registry"):
        log.register_schema(body)
