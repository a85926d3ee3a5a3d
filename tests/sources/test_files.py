from __future__ import annotations

import json
from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.core.model import Version
from registry.sources.files import SchemaLoadError, _json_lines, read_schema
from registry.sources.yaml_reader import _node_lines, _SchemaLoader

YAML = PurePosixPath("ns/e/1.0.0.yaml")
JSON_FILE = PurePosixPath("ns/e/1.0.0.json")


def test_yaml_is_read_with_lines_for_every_key() -> None:
    schema = read_schema(
        YAML, b"$id: https://x.example/ns/e\nversion: 1.0.0\nproperties:\n  a:\n    type: string\n"
    )
    assert schema.id == "https://x.example/ns/e"
    assert schema.version == Version.parse("1.0.0")
    assert schema.line_of("/properties/a/type") == 5
    assert schema.line_of("/version") == 2
    assert schema.line_of("/nope") is None


def test_json_lines_are_found_on_demand() -> None:
    schema = read_schema(JSON_FILE, b'{\n  "version": 2,\n  "properties": {\n    "a": {}\n  }\n}\n')
    assert schema.version == Version.parse(2)
    assert schema.line_of("/properties/a") == 4


def test_yaml_keeps_dates_and_yes_no_as_strings() -> None:
    schema = read_schema(YAML, b"enum: [yes, no, on]\ndefault: 2024-01-02\nflag: true\n")
    assert schema.body == {"enum": ["yes", "no", "on"], "default": "2024-01-02", "flag": True}


@pytest.mark.parametrize(
    ("data", "rule", "fragment"),
    [
        (b"", "parse-error", "empty"),
        (b"   \n", "parse-error", "empty"),
        (b"- a\n- b\n", "parse-error", "not a mapping"),
        (b"a: 1\na: 2\n", "duplicate-key", "appears twice"),
        (b"a: &x [1]\nb: *x\n", "yaml-alias", "anchor and alias"),
        (b"1: one\n", "parse-error", "is not a string"),
        (b"a: !!binary aGVsbG8=\n", "parse-error", "which JSON cannot hold"),
        (b"a: .nan\n", "parse-error", "not a JSON number"),
        (b"a: !!python/object:os.system ls\n", "parse-error", "invalid YAML"),
        (b"\xff\xfe", "parse-error", "not UTF-8"),
        (b"a: b\x00", "parse-error", "NUL"),
        (b"[" * 100_000, "parse-error", "invalid YAML"),
    ],
)
def test_unusable_yaml_raises_a_load_error_with_its_rule(
    data: bytes, rule: str, fragment: str
) -> None:
    with pytest.raises(SchemaLoadError) as raised:
        read_schema(YAML, data)
    assert raised.value.rule == rule
    assert fragment in raised.value.message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b'{"a": NaN}', "not a JSON number"),
        (b'{"a": ', "invalid JSON"),
        (b"[1]", "not a mapping"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON"),
    ],
)
def test_unusable_json_raises_a_load_error(data: bytes, fragment: str) -> None:
    with pytest.raises(SchemaLoadError) as raised:
        read_schema(JSON_FILE, data)
    assert fragment in raised.value.message


def test_a_file_over_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(SchemaLoadError) as raised:
        read_schema(YAML, b"a: 1\n" * 100, max_bytes=10)
    assert raised.value.rule == "file-too-large"


# YAML (the reference here) cannot read surrogates, raw control characters or noncharacters
# such as U+FFFE; JSON escapes them all.
printable = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp")), max_size=5)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | printable | st.just('q"\\\n'),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(printable, children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(printable, json_values, max_size=5), st.sampled_from([None, 2]))
def test_json_key_lines_agree_with_a_full_yaml_parse(document: dict, indent: int | None) -> None:  # type: ignore[type-arg]
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    loader = _SchemaLoader(text)
    try:
        expected = _node_lines(loader.get_single_node())
    finally:
        loader.dispose()
    assert _json_lines(text) == expected
