"""YAML that JSON cannot hold is a finding at its line, never an error that ends a command.

Complex keys (`? [a, b]`) used to raise `TypeError`, integers longer than Python reads from text
a `ValueError`, and merge keys were applied silently, copying one mapping into another as the
aliases the loader refuses would.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from registry.cli import main
from registry.sources.files import SchemaLoadError, read_schema

HEAD = "$schema: https://json-schema.org/draft/2020-12/schema\ntype: object\n"


@pytest.mark.parametrize(
    ("text", "rule", "line", "words"),
    [
        (HEAD + "? [a, b]\n: 2\n", "parse-error", 3, "a mapping key is itself a list"),
        (HEAD + "? {a: 1}\n: 2\n", "parse-error", 3, "a mapping key is itself a list"),
        (HEAD + "default: " + "9" * 5000 + "\n", "parse-error", 3, "an integer of 5,000"),
        (HEAD + "default: 0x" + "f" * 4400 + "\n", "parse-error", 3, "an integer of 4,402"),
        (HEAD + "x: {a: 1}\ny:\n  <<: {a: 1}\n", "yaml-alias", 5, "merge key"),
        (HEAD + "properties: {<<: {a: {type: string}}}\n", "yaml-alias", 3, "merge key"),
    ],
)
def test_yaml_json_cannot_hold_is_a_finding_at_its_line(
    text: str, rule: str, line: int, words: str
) -> None:
    with pytest.raises(SchemaLoadError) as caught:
        read_schema(PurePosixPath("a.yaml"), text.encode(), max_bytes=1_000_000)
    assert (caught.value.rule, caught.value.line) == (rule, line)
    assert words in caught.value.message


def test_a_long_integer_that_python_reads_is_kept() -> None:
    text = HEAD + "default: " + "9" * 4300 + "\n"
    schema = read_schema(PurePosixPath("a.yaml"), text.encode(), max_bytes=10**6)
    assert schema.body["default"] == int("9" * 4300)


def test_one_such_file_hides_no_other_files_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1.yaml").write_text(HEAD + "? [a, b]\n: 2\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "1.yaml").write_text(HEAD + "default: " + "9" * 5000 + "\n")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "1.json").write_text('{"type": "object", "default": ' + "9" * 5000 + "}")
    assert main(["lint", str(tmp_path), "--format", "json"]) == 1
    out = capsys.readouterr().out
    for name in ("a/1.yaml", "b/1.yaml", "c/1.json"):
        assert name in out
