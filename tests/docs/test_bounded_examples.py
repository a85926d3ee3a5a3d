"""Making an example never builds a value larger than `MAX_TEXT` / `MAX_ITEMS`, and checking
an authored one never backtracks: each case here once took minutes or ended in MemoryError."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import pytest

from registry.core.refs import build_registry
from registry.docs.examples import MAX_ITEMS, MAX_TEXT, choose_example, text_matching
from registry.docs.properties import constraints_text

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def example_of(properties: Mapping[str, Any], **extra: Any) -> Any:
    body = {"$schema": DRAFT, "type": "object", "properties": properties, **extra}
    body["required"] = list(properties)
    started = time.monotonic()
    example, problems = choose_example(body, build_registry([], base_url="https://x.org/"))
    assert time.monotonic() - started < 2
    return example, problems


@pytest.mark.parametrize(
    "node",
    [
        {"type": "string", "minLength": 10_000_000_000},
        {"type": "string", "minLength": 400_000_000},
        {"type": "array", "items": {"type": "integer"}, "minItems": 1_000_000_000},
        {"type": "string", "pattern": "^(a{1000}){1000}$"},
        {"type": "string", "pattern": "^" + "a{999}" * 2000 + "$"},
    ],
)
def test_a_value_over_the_bounds_is_described_not_produced(node: Mapping[str, Any]) -> None:
    example, problems = example_of({"big": node})
    assert problems == ()
    assert example is None or len(repr(example.event)) < MAX_TEXT * 2


def test_values_within_the_bounds_are_still_made() -> None:
    example, _ = example_of(
        {
            "text": {"type": "string", "minLength": MAX_TEXT},
            "list": {"type": "array", "items": {"type": "integer"}, "minItems": MAX_ITEMS},
        }
    )
    assert example is not None
    assert len(example.event["text"]) == MAX_TEXT and len(example.event["list"]) == MAX_ITEMS
    assert "length ≥ 10000000000" in constraints_text({"minLength": 10_000_000_000})
    assert text_matching("^(ab){3}$") == "ababab"


def test_an_authored_example_is_checked_without_backtracking() -> None:
    name = "a" * 40 + "!"
    example, problems = example_of(
        {name: {"type": "string"}},
        patternProperties={"^(a+)+$": {"type": "integer"}},
        examples=[{name: "value"}],
    )
    assert problems == () and example is not None and example.authored
