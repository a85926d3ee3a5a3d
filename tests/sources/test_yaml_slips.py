"""YAML slips are reported at the offending token, with the fix that fits the slip."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from registry.sources.files import SchemaLoadError, read_schema
from tests.paths import FIXTURES

YAML = PurePosixPath("ns/e/1.0.0.yaml")
SLIPS = FIXTURES / "yaml-slips"


def slip(text: str) -> SchemaLoadError:
    with pytest.raises(SchemaLoadError) as raised:
        read_schema(YAML, text.encode())
    assert raised.value.rule in ("parse-error", "duplicate-key")
    return raised.value


@pytest.mark.parametrize(
    ("text", "line", "column", "in_message", "in_hint"),
    [
        # a key indented between two mappings' columns: the key itself
        (
            "properties:\n  a:\n    type: string\n   b: 1\n",
            4,
            4,
            "indented to column 4",
            "column 5",
        ),
        # an unclosed `[` or `{`: the bracket, not the line where YAML gave up
        ("a: 1\nb: [1, 2\nc: 3\n", 2, 4, "`[` opened on line 2 is never closed", "`]`"),
        ("a: 1\nb: [1, 2\n", 2, 4, "never closed", "close it with `]` after its last item"),
        ("a: [1, {b: 2,\n", 1, 8, "`{` opened on line 1 is never closed", "`}`"),
        ("a: 1\nb: [\n  1,\n", 2, 4, "`[` opened on line 2 is never closed", "`]`"),
        ("a: {x: 1\nb: 3\n", 1, 4, "`{` opened on line 1 is never closed", "`}`"),
        # a missing `,` inside a bracket spread over lines: the item after the gap
        ('enum: ["a",\n  "b" "c"]\n', 2, 7, "separated by `,`", "add the missing `,`"),
        # an unclosed quote: the opening quote
        ('a: "abc\nb: 3\n', 1, 4, '" opened on line 1 is never closed', '`\\"`'),
        ("a: 'abc\nb: 3\n", 1, 4, "' opened on line 1 is never closed", "`''`"),
        # a tab used for indentation
        ("properties:\n  a:\n\ttype: string\n", 3, 1, "a tab on line 3", "indent with spaces"),
        # `key: value: more` and an unquoted `: ` in a description: the second colon
        ("a: b: c\n", 1, 5, "second `: `", 'quote the value: `a: "b: c"`'),
        (
            "type: object\ndescription: Recorded when: the user clicks\n",
            2,
            27,
            "inside the value of 'description'",
            'quote the value: `description: "Recorded when: the user clicks"`',
        ),
        # a line indented deeper under a key that holds a value
        ("title: x\n  description: y\n", 2, 3, "indented deeper", "holds a value"),
        # `key:value` without the space: the line that has it
        ("a:b\nc: 1\n", 1, 2, "holds no `key: value`", "space after the colon"),
        # `-item` without the space: the item's line, not the next one
        ("a:\n  - b\n  -c\n d: 1\n", 3, 3, "key without `: `", "`- item`"),
        # text after a finished value
        ('a: "x" y\n', 1, 8, "text after the value", "inside its quotes"),
        # a value starting with a reserved character
        ("a: @x\n", 1, 4, "'@' cannot start a value", "quote the value"),
        # a backslash escape YAML does not know, inside double quotes
        ('pattern: "^\\d+$"\n', 1, 12, "invalid YAML", "use single quotes"),
        # a key given twice: the second, and where the first is
        ("a: 1\nb:\n  c: 2\n  c: 3\n", 4, 3, "'c' appears twice", "the first is on line 3"),
    ],
)
def test_each_slip_is_placed_at_its_cause_with_its_fix(
    text: str, line: int, column: int, in_message: str, in_hint: str
) -> None:
    error = slip(text)
    assert (error.line, error.column) == (line, column), error.message
    assert in_message in error.message
    assert in_hint in error.hint


def test_a_bad_indent_on_line_17_is_reported_on_line_17() -> None:
    error = slip((SLIPS / "bad-indent.yaml").read_text())
    assert (error.line, error.column) == (17, 4)
    assert "to column 5 like line 16" in error.hint


def test_an_unclosed_bracket_on_line_10_is_reported_on_line_10() -> None:
    error = slip((SLIPS / "unclosed-bracket.yaml").read_text())
    assert (error.line, error.column) == (10, 11)
    assert error.where == ":10:11"


def test_json_errors_carry_their_column_too() -> None:
    with pytest.raises(SchemaLoadError) as raised:
        read_schema(PurePosixPath("e.json"), b'{\n  "a": 1,\n  "b" 2\n}\n')
    assert (raised.value.line, raised.value.column) == (3, 7)
