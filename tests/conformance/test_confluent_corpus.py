"""The Confluent corpus: agree on every verdict except the documented, proven differences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from registry.compat import CHANGE_TYPES, check, diff, is_compatible
from registry.core.model import Mode
from registry.core.refs import validator_for

CORPUS = "conformance/compat"

# case id -> (our backward verdict, instances valid under OLD, invalid under NEW,
#             instances with the same verdict under both)
KNOWN_DIFFERENCES: dict[str, tuple[bool, list[Any], list[Any]]] = {
    "diff-schema-examples.json#55": (False, [{"foo": ""}], []),
    "diff-schema-examples-2020-12.json#57": (False, [{"foo": ""}], []),
    "diff-schema-examples.json#51": (True, [], [{"foo": 1}, {"foo": "x"}, {"bar": 1}]),
    "diff-schema-examples-2020-12.json#53": (True, [], [{"foo": 1}, {"foo": "x"}, {"bar": 1}]),
    "diff-schema-examples.json#87": (True, [], [[1, "a"]]),
    "diff-schema-examples.json#88": (True, [], [[1, "a", None]]),
}


def _cases(shared: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted((shared / CORPUS).glob("*.json")):
        cases.extend(json.loads(path.read_text(encoding="utf-8")))
    return cases


@pytest.fixture
def cases(shared: Path) -> list[dict[str, Any]]:
    return _cases(shared)


def test_the_corpus_holds_263_cases(cases: list[dict[str, Any]]) -> None:
    assert len(cases) == 263


@pytest.mark.parametrize("policy", ["strict", "lenient"])
def test_backward_verdicts_agree_except_the_documented_differences(
    cases: list[dict[str, Any]], policy: str
) -> None:
    key = "backward_compatible" if policy == "strict" else "backward_compatible_lenient"
    disagreements = set()
    for case in cases:
        changes = diff(case["old"], case["new"], policy=policy)
        if is_compatible(changes, Mode.BACKWARD) != case[key]:
            disagreements.add(case["id"])
    assert disagreements == set(KNOWN_DIFFERENCES)
    assert len(cases) - len(disagreements) == 257


def test_forward_verdicts_agree_wherever_the_corpus_derives_one(
    cases: list[dict[str, Any]],
) -> None:
    checked = [c for c in cases if c.get("forward_compatible") is not None]
    wrong = [
        c["id"]
        for c in checked
        if is_compatible(diff(c["old"], c["new"]), Mode.FORWARD) != c["forward_compatible"]
    ]
    assert len(checked) == 102
    assert wrong == []


@pytest.mark.parametrize("case_id", sorted(KNOWN_DIFFERENCES))
def test_each_documented_difference_is_proven_by_its_instances(
    cases: list[dict[str, Any]], case_id: str
) -> None:
    case = next(c for c in cases if c["id"] == case_id)
    ours, breaking, agreeing = KNOWN_DIFFERENCES[case_id]
    old, new = validator_for(case["old"]), validator_for(case["new"])
    assert is_compatible(diff(case["old"], case["new"]), Mode.BACKWARD) is ours
    assert ours != case["backward_compatible"]
    for instance in breaking:
        assert old.is_valid(instance) and not new.is_valid(instance)
    for instance in agreeing:
        assert old.is_valid(instance) == new.is_valid(instance)
    documented = (Path(__file__).parent / "KNOWN_DIFFERENCES.md").read_text(encoding="utf-8")
    assert f"`{case_id}`" in documented


def test_every_incompatible_case_gets_a_confirmed_witness(cases: list[dict[str, Any]]) -> None:
    incompatible = found = 0
    for case in cases:
        report = check(case["old"], case["new"])
        if report.compatible:
            continue
        incompatible += 1
        if report.witness is not None:
            found += 1
            instance = report.witness.instance
            assert validator_for(case["old"]).is_valid(instance)
            assert not validator_for(case["new"]).is_valid(instance)
    assert incompatible == 90
    assert found == incompatible


def test_every_change_type_emitted_on_the_corpus_is_in_the_catalogue(
    cases: list[dict[str, Any]],
) -> None:
    for case in cases:
        for policy in ("strict", "lenient"):
            for change in diff(case["old"], case["new"], policy=policy):
                assert change.type in CHANGE_TYPES, (case["id"], change.type)
