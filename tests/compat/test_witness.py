"""Witnesses: concrete events that show a break, confirmed against both schemas."""

from __future__ import annotations

from typing import Any

import pytest

from registry.compat import check, find_witness
from registry.compat.regex_sample import samples
from registry.core.model import Mode
from registry.core.patterns import search
from registry.core.refs import validator_for

D2020 = "https://json-schema.org/draft/2020-12/schema"


def _schema(**body: Any) -> dict[str, Any]:
    return {"$schema": D2020, **body}


PAIRS = [
    (_schema(type="string", maxLength=12), _schema(type="string", maxLength=10)),
    (_schema(type="number"), _schema(type="integer")),
    (
        _schema(type="object", properties={"a": {}}),
        _schema(type="object", properties={"a": {}}, required=["a"]),
    ),
    (_schema(type="string", pattern="^ab+c$"), _schema(type="string", pattern="^x")),
    (
        _schema(type="array", items={"type": "integer"}),
        _schema(type="array", items={"type": "integer"}, uniqueItems=True),
    ),
    (
        _schema(type="object", additionalProperties=True),
        _schema(type="object", additionalProperties=False),
    ),
]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_a_backward_witness_is_valid_under_old_and_invalid_under_new(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    witness = find_witness(old, new, Mode.BACKWARD)
    assert witness is not None
    assert validator_for(old).is_valid(witness)
    assert not validator_for(new).is_valid(witness)


def test_a_forward_witness_is_valid_under_new_and_invalid_under_old() -> None:
    old, new = _schema(type="integer"), _schema(type="number")
    assert find_witness(old, new, Mode.BACKWARD) is None
    witness = find_witness(old, new, Mode.FORWARD)
    assert witness is not None
    assert validator_for(new).is_valid(witness) and not validator_for(old).is_valid(witness)


def test_a_null_event_can_be_the_witness() -> None:
    report = check(_schema(type=["string", "null"]), _schema(type="string"))
    assert report.witness is not None and report.witness.instance is None


def test_no_witness_is_claimed_where_the_engine_cannot_decide_and_none_exists() -> None:
    old = _schema(type="string", pattern="^a")
    new = _schema(type="string", pattern="^(a|a)")
    report = check(old, new)
    assert not report.compatible  # undecided counts as breaking
    assert report.witness is None  # but no event can show it, so none is shown


@pytest.mark.parametrize(
    "pattern",
    ["^ab+c$", "[0-9]{3}-x", "^(foo|bar)_\\d+$", "^[^a]+$", "(x)\\1", "^(?<y>\\d{2})-\\k<y>$"],
)
def test_regex_samples_match_their_pattern(pattern: str) -> None:
    found = samples(pattern)
    assert found
    assert all(search(pattern, text) for text in found)
