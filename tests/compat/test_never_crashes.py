"""No pair of schemas makes `compat` raise, hang or exit 3: a property over generated pairs.

Hypothesis builds schemas from booleans, unions, `allOf`, objects and arrays whose subschemas
are often `$ref`s: to a definition (so recursive), to one that is missing, to another file, to
values that are not schemas (a tuple's list, an `enum`, a number under an unknown keyword),
and chains of them. Every pair goes through `registry.compat.check` and `cli.main(["compat",
...])`: always a report or a clear error, and each direction within its budget.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.cli import main
from registry.compat import Budget, InvalidSchema, check
from registry.compat.catalogue import CHANGE_TYPES
from registry.compat.differ import compare
from registry.core.model import Mode

STEPS = 3_000
NAMES = ("d0", "d1", "d2", "d3")
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OPTIONS = ("--format", "json", "--budget", str(STEPS), "--fail-on-incompatible")

references = st.sampled_from(
    [
        *(f"#/definitions/{name}" for name in NAMES),  # present or missing, often recursive
        "#/definitions/nowhere",
        "#",  # the whole schema
        "#/items",  # a tuple's list where there is one
        "#/enum",  # a list
        "#/x-data/count",  # a number under an unknown keyword
        "#/required/0",  # a string
        "other.json",  # another file
        "other.json#/definitions/id",
        "https://elsewhere.example.org/schema.json",  # outside the registry
    ]
)
leaves = st.one_of(
    st.booleans(),
    st.builds(lambda ref: {"$ref": ref}, references),
    st.sampled_from(
        [
            {"type": "string"},
            {"type": "integer", "minimum": 0},
            {"type": "null"},
            {"enum": ["a", 1, None]},
            {"type": "string", "maxLength": 3},
        ]
    ),
)


def _compound(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(
            lambda k, xs: {k: xs},
            st.sampled_from(["anyOf", "oneOf", "allOf"]),
            st.lists(inner, min_size=1, max_size=4),
        ),
        st.builds(
            lambda props, closed: {
                "type": "object",
                "properties": props,
                **({"additionalProperties": False} if closed else {}),
            },
            st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
            st.booleans(),
        ),
        st.builds(lambda item: {"type": "array", "items": item}, inner),
        st.builds(
            lambda items, rest: {"type": "array", "items": items, "additionalItems": rest},
            st.lists(inner, min_size=1, max_size=2),
            inner,
        ),
        st.builds(lambda inner_schema: {"not": inner_schema}, inner),
    )


subschemas = st.recursive(leaves, _compound, max_leaves=8)


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A draft-07 schema with definitions (or, now and then, a bare boolean)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.booleans())
    root = draw(subschemas)
    if isinstance(root, bool):
        root = {"allOf": [root]}
    definitions = draw(st.dictionaries(st.sampled_from(NAMES), subschemas, max_size=4))
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        **root,
        "definitions": definitions,
        "enum" if draw(st.booleans()) else "x-enum": [["a", 1], "a", 1, None, {"a": "x"}],
        "x-data": {"count": 3},
        "required": ["a"],
    }


def _within_budget(old: Any, new: Any) -> None:
    try:
        comparison = compare(old, new, budget=Budget(steps=STEPS))
    except InvalidSchema:
        return
    for direction in (comparison.backward, comparison.forward):
        assert direction.allowance.budget.steps - STEPS <= 0
        spent = STEPS - max(direction.allowance._left, -1)
        assert spent <= STEPS + 1


@SETTINGS
@given(documents(), documents())
def test_check_answers_every_pair_within_its_budget(old: Any, new: Any) -> None:
    began = time.monotonic()
    try:
        report = check(old, new, mode=Mode.FULL, budget=Budget(steps=STEPS))
    except InvalidSchema as error:  # the metaschema's verdict, named: a clear error
        assert error.side in ("the old schema", "the new schema")
        return
    assert time.monotonic() - began < 30
    assert all(change.type in CHANGE_TYPES for change in report.changes)
    if report.witness is not None:
        assert not report.verdicts[report.witness.direction.value]
    _within_budget(old, new)


@SETTINGS
@given(documents(), documents())
def test_the_command_answers_every_pair_with_a_report_or_a_clear_error(old: Any, new: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        old_path, new_path = Path(folder, "old.json"), Path(folder, "new.json")
        old_path.write_text(json.dumps(old), encoding="utf-8")
        new_path.write_text(json.dumps(new), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["compat", str(old_path), str(new_path), *OPTIONS])
    assert code in (0, 1, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()
    if out.getvalue():
        report = json.loads(out.getvalue())
        assert code == (0 if report["compatible"] else 1)
    else:
        assert err.getvalue().startswith("error: ")
