"""Patterns read as ECMA-262: against jsonschema-rs (a real ECMA-262 engine) and the spec."""

from __future__ import annotations

import sys
import unicodedata

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from registry.core.dialects import DRAFT7, DRAFT202012, check_schema
from registry.core.patterns import (
    PatternError,
    compile_pattern,
    problem,
    runtime_accepts,
    search,
    translate,
)

if sys.version_info >= (3, 11):
    from re import _parser as sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_parse

LITERALS = st.sampled_from(
    ["a", "b", "Z", "0", "7", "_", "-", " ", "é", "\u03b1", "\u0663", "\u00a0", "\\.", "\\/", "@"]
)
ESCAPES = st.sampled_from(
    ["\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\n", "\\t", "\\x41", "\\u00e9", "\\u{3b1}"]
)
PROPERTIES = st.sampled_from(["\\p{L}", "\\p{Lu}", "\\P{L}", "\\p{Script=Greek}", "\\p{Nd}"])
CLASS_ITEMS = st.sampled_from(
    ["a", "z", "a-f", "0-9", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "é", "\\-", "\\]", "\\p{L}"]
)


@st.composite
def char_classes(draw: st.DrawFn) -> str:
    items = draw(st.lists(CLASS_ITEMS, min_size=1, max_size=3))
    dash = "-" if draw(st.booleans()) else ""  # first in a class, `-` is itself
    return "[" + ("^" if draw(st.booleans()) else "") + dash + "".join(items) + "]"


def quantified(atom: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    suffix = st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,}", "{0,2}", "*?", "+?"])
    return st.tuples(atom, suffix).map("".join)


ATOMS = st.one_of(LITERALS, ESCAPES, PROPERTIES, char_classes(), st.just("."))
PATTERNS = st.recursive(
    st.lists(quantified(ATOMS), min_size=1, max_size=4).map("".join),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map("|".join),
        st.tuples(st.sampled_from(["(", "(?:", "(?<g>", "(?=", "(?!", "(?<!"]), inner).map(
            lambda t: t[0] + t[1] + ")"
        ),
        st.tuples(inner, st.sampled_from(["", "+", "?", "*"])).map(lambda t: f"(?:{t[0]}){t[1]}"),
        st.tuples(st.sampled_from(["^", ""]), inner, st.sampled_from(["$", ""])).map("".join),
        st.tuples(inner, inner).map("".join),
    ),
    max_leaves=6,
)
TEXTS = st.text(
    alphabet=st.sampled_from("abzZ07_- é\u03b1\u0663\u00a0\n\r\u2028\ufeff\x1c.@]"), max_size=8
)
SLIPS = st.text(alphabet=st.sampled_from("ab()[]{}|\\^$.*+?<>=!:-,kpuxc0123dDwWsSbB"), max_size=8)


def runtime_verdict(pattern: str, text: str) -> bool | None:
    """jsonschema-rs's answer for `{"type": "string", "pattern": pattern}`; None if refused."""
    try:
        validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    except ValueError:
        return None
    return bool(validator.is_valid(text))


@settings(max_examples=300, deadline=None)
@given(PATTERNS)
def test_every_generated_ecma_pattern_that_jsonschema_rs_compiles_compiles_here(
    pattern: str,
) -> None:
    assume(runtime_verdict(pattern, "") is not None)
    compile_pattern(pattern)


@settings(max_examples=400, deadline=None)
@given(PATTERNS, st.lists(TEXTS, min_size=1, max_size=5))
def test_our_reading_agrees_with_jsonschema_rs_on_generated_patterns_and_strings(
    pattern: str, texts: list[str]
) -> None:
    for text in texts:
        expected = runtime_verdict(pattern, text)
        assume(expected is not None)
        assume(not (rs_dot_deviates(pattern) and any(c in text for c in "\r\u2028\u2029")))
        assume(not (rs_classes_deviate(pattern) and not text.isascii()))
        assert search(pattern, text) is expected, (pattern, text, translate(pattern))


def rs_classes_deviate(pattern: str) -> bool:
    """Where jsonschema-rs departs from ECMA-262: with a look-around its backtracking engine
    reads `\\d`, `\\w`, `\\s` and their negations by Unicode (`\\d` matches U+0663)."""
    return "(?" in pattern and any(f"\\{c}" in pattern for c in "dDwWsS")


def rs_dot_deviates(pattern: str) -> bool:
    """Where jsonschema-rs departs from ECMA-262: with a look-around it runs its backtracking
    engine, whose `.` matches `\\r`, U+2028 and U+2029 (its other engine's does not)."""
    return "(?" in pattern and "." in pattern.replace("\\.", "")


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^(?<year>\\d{4})-(?<month>\\d\\d)$", "2024-05", True),
        ("^(?<w>a+)-\\k<w>$", "aa-aa", True),
        ("^(?<w>a+)-\\k<w>$", "aa-a", False),
        ("^\\d+$", "\u0663", False),  # ECMA's \d is ASCII; Python's is any script's digits
        ("^\\w+$", "é", False),
        ("^\\s$", "\u00a0", True),
        ("^\\s$", "\ufeff", True),
        ("^\\s$", "\x1c", False),  # Python's \s holds the ASCII separators; ECMA's does not
        ("a\\b", "aé", True),  # \b is between ASCII word characters and the rest
        ("\\bé", "é", False),
        ("^a$", "a\n", False),  # $ is the very end, not before a final newline
        ("^.$", "\r", False),
        ("^.$", "\u2028", False),
        ("^.$", "\U0001f600", True),
        ("^[^]$", "\n", True),
        ("[]", "anything", False),
        ("^\\p{Lu}\\p{Ll}+$", "Émile", True),
        ("\\P{L}", "abc", False),
        ("^\\p{Script=Greek}+$", "\u03b1\u03b2", True),
        ("(?<=\\$)\\d+", "cost $12", True),  # lookbehind of the `u` flag's syntax
        ("(?<=a+)b", "aaab", True),  # of any length
        ("^\\u{1F600}$", "\U0001f600", True),
        ("^\\ud83d\\ude00$", "\U0001f600", True),  # a surrogate pair is one code point
        ("^\\x41\\cJ\\0$", "A\n\0", True),
        ("(a)|\\1b", "b", True),  # a reference to a group that did not match matches ""
        ("\\1(a)", "a", True),
        ("^[\\d-]+$", "12-3", True),
        ("^[^\\D]$", "5", True),
        ("^[a\\S]$", "\u00a0", False),
        ("^[^a\\S]$", " ", True),
        ("^\\/\\-$", "/-", True),
        ("]}", "]}", True),  # Annex B: a lone `]` or `}` is itself
        ("^\\:\\@\\ $", ":@ ", True),  # and so is an escaped ASCII punctuation mark
    ],
)
def test_patterns_mean_what_ecma_262_says(pattern: str, text: str, matches: bool) -> None:
    assert search(pattern, text) is matches


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(", "never closed"),
        ("a)", "without an opening"),
        ("[a", "never closed"),
        ("*a", "nothing to repeat"),
        ("a**", "two quantifiers"),
        ("a{2,1}", "out of order"),
        ("[z-a]", "out of order"),
        ("[\\w-z]", "class escape cannot end a range"),
        ("a{", "lone `{`"),
        ("\\a", "`\\a` is not an escape"),
        ("\\é", "`\\é` is not an escape"),
        ("\\", "lone `\\`"),
        ("(a)\\2", "group 2"),
        ("\\k<nope>(?<n>a)", "no group is named 'nope'"),
        ("(?<n>a)(?<n>b)", "used twice"),
        ("(?<1a>x)", "identifier"),
        ("\\p{NotAProperty}", "unknown property"),
        ("\\pL", "Unicode property in braces"),
        ("(?i)abc", "`(?` is followed by"),
        ("(?P<n>a)", "`(?` is followed by"),
        ("\\u{110000}", "at most 10FFFF"),
        ("\\x4", "hexadecimal"),
        ("\\00", "octal"),
        ("\\b+", "assertion cannot take a quantifier"),
    ],
)
def test_patterns_ecma_262_refuses_are_refused_with_the_reason(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError) as raised:
        compile_pattern(pattern)
    assert reason in raised.value.message
    assert not search(pattern, "anything")


@pytest.mark.parametrize("pattern", ["(?i)abc", "(?P<n>a)", "\\pL", "\\Aabc\\z", "a{1}{2}"])
def test_rust_syntax_jsonschema_rs_accepts_is_told_apart(pattern: str) -> None:
    assert problem(pattern)
    assert runtime_accepts(pattern)


@given(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]))
def test_ecma_white_space_is_zs_and_the_line_terminators_and_a_few_controls(char: str) -> None:
    ecma = unicodedata.category(char) == "Zs" or char in "\t\n\v\f\r\u2028\u2029\ufeff"
    assert search("^\\s$", char) is ecma
    assert search("^\\S$", char) is not ecma


@given(PATTERNS)
def test_every_translation_without_properties_is_read_by_pythons_own_parser(pattern: str) -> None:
    """The samplers walk the translation with Python's parser."""
    assume("\\p" not in pattern and "\\P" not in pattern and "(?<!" not in pattern)
    try:
        source = translate(pattern)
    except PatternError:
        return
    sre_parse.parse(source)


def test_the_validators_read_patterns_as_ecma_262() -> None:
    schema = {
        "type": "object",
        "properties": {"day": {"type": "string", "pattern": "^(?<d>\\d\\d)$"}},
        "patternProperties": {"^x-(?<k>\\w+)$": {"type": "integer"}},
        "additionalProperties": False,
    }
    for dialect in (DRAFT7, DRAFT202012):
        validator = dialect.validator(schema)
        assert validator.is_valid({"day": "07", "x-count": 1})
        assert not validator.is_valid({"day": "\u0660\u0667"})  # Arabic-Indic digits
        assert not validator.is_valid({"x-count": "1"})
        assert not validator.is_valid({"other": 1})
        messages = [e.message for e in validator.iter_errors({"day": "7\n", "y": 1})]
        assert "'7\\n' does not match '^(?<d>\\\\d\\\\d)$'" in messages
        assert any("'y' does not match any of the regexes" in m for m in messages)


def test_the_metaschema_check_reads_the_regex_format_as_ecma_262() -> None:
    check_schema({"pattern": "(?<n>a)\\k<n>"})
    with pytest.raises(jsonschema.SchemaError):
        check_schema({"pattern": "(?<n>a"})
