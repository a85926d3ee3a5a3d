"""Patterns are matched on untrusted values in bounded time, and explained as jsonschema does."""

from __future__ import annotations

import logging
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.core.matching import linear_validator_class, search
from registry.eventlog import EventLog
from tests.deadline import finishes

BACKTRACKING = "^(a+)+$"
# ECMA-262, but jsonschema-rs refuses `\k<name>`: the bounded fallback matches it
FALLBACK_ONLY = r"^(?<w>a|aa)+\k<w>$"
SCHEMA_ID = "https://events.example.org/schemas/test/patterned"


def test_a_backtracking_pattern_is_matched_in_linear_time() -> None:
    assert finishes(lambda: search(BACKTRACKING, "a" * 100_000 + "!")) is False
    assert search(BACKTRACKING, "aaa") is True
    assert search("b", "abc") is True  # anywhere in the value, as JSON Schema says


def test_a_pattern_outside_the_runtime_engine_is_bounded_and_a_timeout_is_no_match() -> None:
    assert search(FALLBACK_ONLY, "aaa") is True
    assert finishes(lambda: search(FALLBACK_ONLY, "a" * 5_000 + "!")) is False
    assert search("(unclosed", "(unclosed") is False


def patterned_log(handler: logging.Handler) -> EventLog:
    log = EventLog(handlers=[handler], allowed_schemas=[SCHEMA_ID])
    log.register_schema(
        {
            "$id": SCHEMA_ID,
            "version": 1,
            "type": "object",
            "properties": {
                "word": {"type": "string", "pattern": BACKTRACKING},
                "python": {"type": "string", "pattern": FALLBACK_ONLY},
            },
            "patternProperties": {"^(x+)+$": {"type": "integer"}},
            "additionalProperties": False,
        }
    )
    return log


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"word": "a" * 50_000 + "!"}, "!' does not match '^(a+)+$'"),
        ({"python": "a" * 5_000 + "!"}, f"!' does not match {FALLBACK_ONLY!r}"),
        ({"x" * 50_000 + "!": 1}, "does not match any of the regexes: '^(x+)+$'"),
    ],
)
def test_record_event_rejects_a_hostile_value_without_backtracking(
    event: dict[str, Any], message: str
) -> None:
    log = patterned_log(logging.NullHandler())

    def record() -> str:
        with pytest.raises(jsonschema.ValidationError) as raised:
            log.record_event(SCHEMA_ID, 1, event)
        return raised.value.message

    assert finishes(record).endswith(message)
    assert log.record_event(SCHEMA_ID, 1, {"word": "aaaa", "xx": 3}) is not None


SCHEMA_WITH_PATTERNS = {
    "type": "object",
    "properties": {"name": {"type": "string", "pattern": "^[a-z]+$"}},
    "patternProperties": {"^x-": {"type": "integer"}, "^y[0-9]$": {"type": "string"}},
    "additionalProperties": False,
}


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.sampled_from(["name", "x-a", "x-", "y1", "y12", "z", "xa"]),
        st.sampled_from([1, "a", "abc", "A", None]),
        max_size=4,
    )
)
def test_the_linear_class_explains_as_jsonschema_does_for_ordinary_patterns(
    event: dict[str, Any],
) -> None:
    plain = jsonschema.Draft7Validator(SCHEMA_WITH_PATTERNS)
    linear = linear_validator_class(jsonschema.Draft7Validator)(SCHEMA_WITH_PATTERNS)
    theirs = sorted((e.message, list(e.path)) for e in plain.iter_errors(event))
    ours = sorted((e.message, list(e.path)) for e in linear.iter_errors(event))
    assert ours == theirs


def test_the_tooling_search_is_linear_where_it_can_be_and_undecided_past_its_budget() -> None:
    import time

    from registry.core.matching import PatternTimeout, search_within
    from registry.core.patterns import PatternError

    name = "a" * 40 + "!"
    started = time.monotonic()
    assert search_within("^(a+)+$", name) is False  # jsonschema-rs: linear
    assert search_within("^(a+)+$", "aaa") is True
    with pytest.raises(PatternTimeout) as caught:  # `[^]` is outside jsonschema-rs's dialect
        search_within("^(a|aa)+[^]b$", name, seconds=0.05)
    assert caught.value.pattern == "^(a|aa)+[^]b$"
    assert caught.value.exit_code == 1 and "undecided" not in caught.value.message
    assert search_within("^a[^]$", "ab") is True
    with pytest.raises(PatternError):
        search_within("(", "x")
    assert time.monotonic() - started < 2


def test_a_bounded_validator_says_undecided_rather_than_guess() -> None:
    from registry.core.matching import PatternTimeout
    from registry.core.refs import validator_for

    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "patternProperties": {"^(a+)+$": {"type": "integer"}},
        "properties": {"b": {"pattern": "^(a|aa)+[^]b$"}},
    }
    validator = validator_for(body, bounded_patterns=True)
    assert validator.is_valid({"a" * 40 + "!": "linear, and not matched"})
    assert not validator.is_valid({"aaa": "matched, so an integer is wanted"})
    with pytest.raises(PatternTimeout):
        validator.is_valid({"b": "a" * 40 + "!"})
