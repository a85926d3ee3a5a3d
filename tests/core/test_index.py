from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.core.config import Settings
from registry.core.index import (
    IndexFormatError,
    RegistryIndex,
    canonical_json,
    index_schema,
    lifecycle_status,
)
from registry.core.model import EventSchema, Version
from registry.core.refs import validator_for
from registry.publish.writer import render_registry
from registry.sources.tree import load_folder
from tests.paths import PUBLISH_FIXTURES

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


def published_index() -> dict[str, Any]:
    files = render_registry(load_folder(PUBLISH_FIXTURES / "good"), Settings().base_url)
    document: dict[str, Any] = json.loads(files["index.json"])
    return document


def test_a_published_index_is_valid_against_the_index_schema() -> None:
    document = published_index()
    errors = list(validator_for(index_schema()).iter_errors(document))
    assert errors == []
    assert document["formatVersion"] == 1


def test_the_index_schema_refuses_escaping_paths_and_bad_digests() -> None:
    validator = validator_for(index_schema())
    for path in ("../x.json", "a/../b.json", "/abs.json", "a//b.json", "a/./b.json", "a?b"):
        document = published_index()
        document["events"][0]["versions"][0]["path"] = path
        assert not validator.is_valid(document), path
    document = published_index()
    document["events"][0]["versions"][0]["sha256"] = "ABC"
    assert not validator.is_valid(document)


def test_the_index_round_trips_through_its_model() -> None:
    document = published_index()
    index = RegistryIndex.from_json(document)
    assert index.to_json() == document
    checkout = index.event("https://events.example.org/schemas/shop/checkout")
    assert checkout is not None
    assert [v.version for v in checkout.versions] == ["1", "2"]
    assert checkout.latest == "2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(formatVersion=2), "formatVersion is 2"),
        (lambda d: d.pop("files"), "'files' is a required property"),
        (lambda d: d["events"][0].update(latest="9"), "is not one of its versions"),
        (lambda d: d["events"][0].update(id="https://other.example/x"), "not under baseUrl"),
    ],
)
def test_an_index_that_breaks_the_format_is_refused_with_the_reason(
    change: Any, message: str
) -> None:
    document = published_index()
    change(document)
    with pytest.raises(IndexFormatError, match=message):
        RegistryIndex.from_json(document)


def test_canonical_json_sorts_keys_writes_utf8_and_ends_with_a_newline() -> None:
    data = canonical_json({"b": "é", "a": [1, 2.5, None]})
    assert data.endswith(b"}\n")
    assert "é".encode() in data
    assert data.index(b'"a"') < data.index(b'"b"')


@given(json_values)
def test_canonical_json_is_a_fixed_point_and_ignores_key_order(value: Any) -> None:
    data = canonical_json(value)
    assert canonical_json(json.loads(data)) == data
    if isinstance(value, dict):
        assert canonical_json(dict(reversed(list(value.items())))) == data


def _schema(version: str, **body: Any) -> EventSchema:
    return EventSchema(PurePosixPath(f"a/{version}.json"), body, "x", Version.parse(version))


def test_lifecycle_status_follows_deprecated_and_prerelease_versions() -> None:
    assert lifecycle_status(_schema("1")) == "stable"
    assert lifecycle_status(_schema("1.0.0")) == "stable"
    assert lifecycle_status(_schema("2.0.0-rc.1")) == "draft"
    assert lifecycle_status(_schema("2", deprecated=True)) == "deprecated"
    assert lifecycle_status(_schema("2.0.0-rc.1", deprecated=True)) == "deprecated"
    assert lifecycle_status(_schema("2", deprecated="yes")) == "stable"
