"""No event can exhaust a stack: events deeper than `max_event_depth` (or cyclic) are refused."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from traitlets import TraitError

from registry.eventlog import EventLog
from registry.eventlog.depth import DEFAULT_MAX_DEPTH, deeper_than, depth_bound, too_deep
from registry.eventlog.errors import EventTooDeep, InvalidEvent
from tests.eventlog.test_event_log import Lines
from tests.paths import PROJECT

TREE = "https://events.example.org/schemas/test/tree"
TREE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": TREE,
    "version": 1,
    "type": "object",
    "properties": {"node": {"$ref": "#/$defs/node"}},
    "$defs": {"node": {"type": "object", "properties": {"node": {"$ref": "#/$defs/node"}}}},
}
FLAT = "https://events.example.org/schemas/test/flat"
FLAT_SCHEMA: dict[str, Any] = {
    "$id": FLAT,
    "version": 1,
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}


def nested(levels: int) -> dict[str, Any]:
    """An event whose `node`s nest `levels` objects below the event itself."""
    event: dict[str, Any] = {}
    current = event
    for _ in range(levels):
        child: dict[str, Any] = {}
        current["node"] = child
        current = child
    return event


def eventlog(lines: Lines, **traits: Any) -> EventLog:
    log = EventLog(handlers=[lines], allowed_schemas=[TREE, FLAT], **traits)
    log.register_schema(TREE_SCHEMA)
    log.register_schema(FLAT_SCHEMA)
    return log


CRASH = f"""
import logging, sys
sys.path.insert(0, {str(PROJECT)!r})
from registry import EventLog
from tests.eventlog.test_depth import TREE, TREE_SCHEMA, nested
log = EventLog(handlers=[logging.NullHandler()], allowed_schemas=[TREE])
log.register_schema(TREE_SCHEMA)
try:
    log.record_event(TREE, 1, nested(int(sys.argv[1])))
except Exception as error:
    print(type(error).__name__)
"""


@pytest.mark.parametrize("levels", [30_000, 200_000])
def test_an_event_deep_enough_to_overflow_a_native_stack_is_refused_and_the_process_lives(
    levels: int,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(levels)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr  # a signal would be negative
    assert done.stdout.strip() == "EventTooDeep"


def test_the_limit_is_the_depth_of_the_event_itself_first_and_nothing_is_written() -> None:
    lines = Lines()
    log = eventlog(lines, max_event_depth=5)
    log.record_event(TREE, 1, nested(4))  # five levels: the event and four nodes
    with pytest.raises(EventTooDeep) as raised:
        log.record_event(TREE, 1, nested(5))
    assert len(lines.written) == 1
    error = raised.value
    assert isinstance(error, jsonschema.ValidationError) and isinstance(error, InvalidEvent)
    assert error.limit == 5 and error.validator == "max_event_depth"
    assert str(error) == (
        "the event is nested more than 5 levels deep (or refers to itself); flatten the "
        "event, or raise the EventLog's max_event_depth"
    )


def test_the_default_limit_is_generous_and_the_trait_refuses_nonsense() -> None:
    lines = Lines()
    log = eventlog(lines)
    assert log.max_event_depth == DEFAULT_MAX_DEPTH >= 64
    log.record_event(TREE, 1, nested(DEFAULT_MAX_DEPTH - 1))
    with pytest.raises(TraitError):
        EventLog(max_event_depth=0)
    log.max_event_depth = 3
    with pytest.raises(EventTooDeep):
        log.record_event(TREE, 1, nested(3))


@pytest.mark.parametrize("schema_id", [TREE, FLAT])
def test_a_cyclic_event_is_refused_whatever_the_schema(schema_id: str) -> None:
    lines = Lines()
    log = eventlog(lines)
    loop: dict[str, Any] = {}
    loop["node"] = loop
    tags: list[Any] = []
    tags.append(tags)
    for event in ({"node": loop}, {"name": "n", "tags": tags}):
        with pytest.raises(EventTooDeep):
            log.record_event(schema_id, 1, event)
    assert lines.written == []


def test_a_deep_event_of_a_schema_that_bounds_depth_is_refused_before_it_is_explained() -> None:
    # the flat schema needs no walk for the events it accepts; a rejected one is walked first
    lines = Lines()
    log = eventlog(lines)
    with pytest.raises(EventTooDeep):
        log.record_event(FLAT, 1, {"name": nested(50_000)})
    with pytest.raises(jsonschema.ValidationError, match="is not of type 'string'"):
        log.record_event(FLAT, 1, {"name": nested(3)})


def test_modifiers_never_copy_a_deep_event() -> None:
    lines = Lines()
    log = eventlog(lines)
    log.add_modifier(schema_id=TREE, modifier=lambda schema_id, data: data)
    with pytest.raises(EventTooDeep):
        log.record_event(TREE, 1, nested(50_000))


def test_a_value_shared_many_times_costs_its_containers_not_its_paths() -> None:
    shared: list[Any] = []
    for _ in range(60):
        shared = [shared, shared]  # 2**60 paths, 61 containers
    assert not deeper_than({"v": shared}, 62)
    assert deeper_than({"v": shared}, 61)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=2), json_values), st.integers(1, 8))
def test_the_walk_measures_depth_exactly(event: dict[str, Any], limit: int) -> None:
    assert deeper_than(event, limit) is (depth(event) > limit)


@given(st.dictionaries(st.text(max_size=2), json_values), st.integers(1, 8))
def test_the_compiled_check_measures_depth_as_the_walk_does(
    event: dict[str, Any], limit: int
) -> None:
    assert too_deep(event, limit) is (depth(event) > limit)


def test_the_compiled_check_stops_at_the_limit_and_hands_over_what_it_cannot_read() -> None:
    assert too_deep(nested(200_000), DEFAULT_MAX_DEPTH)
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    assert too_deep(cyclic, DEFAULT_MAX_DEPTH)
    assert not too_deep({"when": {1, 2}}, 2)  # a set: the walk decides
    assert too_deep({"when": [[{1, 2}]]}, 2)


schemas = st.recursive(
    st.sampled_from([{"type": "string"}, {"enum": [1, [2]]}, {}, True, False]),
    lambda inner: (
        st.builds(lambda s: {"type": "array", "items": s}, inner)
        | st.builds(
            lambda props, extra: {"type": "object", "properties": props, **extra},
            st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
            st.sampled_from([{}, {"additionalProperties": False}]),
        )
        | st.builds(lambda a, b: {"anyOf": [a, b]}, inner, inner)
        | st.builds(lambda a, b: {"allOf": [a, b]}, inner, inner)
    ),
    max_leaves=10,
)


def test_references_and_open_content_bound_nothing_closed_schemas_do() -> None:
    assert depth_bound(TREE_SCHEMA) is None
    assert depth_bound({"type": "object"}) is None
    assert depth_bound(FLAT_SCHEMA) == 2


@given(schemas, json_values)
def test_no_valid_instance_is_deeper_than_the_bound_of_its_schema(
    schema: Any, instance: Any
) -> None:
    bound = depth_bound(schema)
    if bound is not None and jsonschema.Draft202012Validator(schema).is_valid(instance):
        assert depth(instance) <= bound
