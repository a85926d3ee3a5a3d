"""A finding's place reads as editors read it: `path:line:column`, and `col=` on GitHub."""

from __future__ import annotations

import json

import jsonschema
import pytest

from registry.cli import main
from registry.report.forms import output_schema
from tests.paths import FIXTURES

UNCLOSED = FIXTURES / "yaml-slips" / "unclosed-bracket.yaml"


def lint_output(fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["lint", str(UNCLOSED), "--format", fmt]) == 1
    return capsys.readouterr().out


def test_text_names_the_line_and_column_of_a_parse_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = lint_output("text", capsys)
    assert "unclosed-bracket.yaml:10:11: error [parse-error]" in out


def test_github_annotations_carry_the_column(capsys: pytest.CaptureFixture[str]) -> None:
    out = lint_output("github", capsys)
    assert ",line=10,col=11,title=parse-error::" in out


def test_the_json_form_has_the_column_and_follows_the_output_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = json.loads(lint_output("json", capsys))
    (finding,) = document["findings"]
    assert (finding["line"], finding["column"]) == (10, 11)
    schema = output_schema()
    jsonschema.validate(document, {"$ref": "#/$defs/findings_report", "$defs": schema["$defs"]})


def test_text_reports_print_author_text_without_terminal_escapes() -> None:
    from registry.core.model import Finding, Severity
    from registry.report.findings import render_text

    finding = Finding(
        "metaschema",
        Severity.ERROR,
        "property '\x1b[2J\x1b[31mfake\u202e' is wrong\nsecond line",
        "fix \x07it",
        "schemas/a\x1b]0;title\x07/1.yaml",
        line=3,
    )
    text = render_text([finding], checked=1)
    assert not any(ch in text for ch in "\x1b\x07\u202e")
    assert "property ' [2J [31mfake' is wrong second line" in text
    assert len(text.splitlines()) == 3
