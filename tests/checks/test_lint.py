from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.checks.lint import RULES, RULES_BY_ID, has_errors, lint
from registry.checks.lint.checks import check_pattern
from registry.core.config import Settings, load_settings
from registry.core.model import Severity
from registry.core.patterns import problem as pattern_problem
from registry.sources.tree import load_folder
from tests.paths import FIXTURES

BAD = FIXTURES / "bad"


def settings_for(folder: Path) -> Settings:
    config = folder / "config.toml"
    return load_settings(config) if config.is_file() else Settings()


def lint_folder(folder: Path, settings: Settings | None = None) -> list:  # type: ignore[type-arg]
    settings = settings or settings_for(folder)
    return lint(load_folder(folder, max_bytes=settings.max_file_bytes), settings)


def test_the_good_tree_passes_every_rule() -> None:
    assert lint_folder(FIXTURES / "good") == []


def test_every_rule_has_a_failing_fixture() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(rule.id for rule in RULES)


@pytest.mark.parametrize("rule", [rule.id for rule in RULES])
def test_each_failing_fixture_breaks_exactly_its_rule(rule: str) -> None:
    findings = lint_folder(BAD / rule)
    assert findings, f"{rule}: no finding"
    assert {finding.rule for finding in findings} == {rule}
    for finding in findings:
        assert finding.severity is RULES_BY_ID[rule].severity
        assert finding.path.startswith(str(BAD / rule))
        assert finding.message and finding.hint


@pytest.mark.parametrize(
    ("rule", "line"),
    [
        ("parse-error", 1),  # the unclosed `[` itself, not the line where YAML gave up
        ("duplicate-key", 17),
        ("metaschema", 17),
        ("reserved-property", 16),
        ("pattern-compiles", 19),
        ("pattern-dialect", 19),
        ("categories-vocabulary", 19),
        ("id-under-base", 2),
    ],
)
def test_findings_point_at_the_offending_line(rule: str, line: int) -> None:
    (finding,) = [f for f in lint_folder(BAD / rule) if "button-click" in f.path]
    assert finding.line == line


def test_lines_are_found_in_json_files_too() -> None:
    folder = BAD / "duplicate-version"
    findings = lint_folder(folder)
    assert [(Path(f.path).name, f.line) for f in findings] == [("1.0.0.yaml", 3)]


def test_a_rule_turned_off_in_settings_reports_nothing() -> None:
    settings = Settings(rules={"title-present": Severity.OFF})
    assert lint_folder(BAD / "title-present", settings) == []


def test_a_rule_made_a_warning_does_not_count_as_an_error() -> None:
    settings = Settings(rules={"title-present": Severity.WARNING})
    findings = lint_folder(BAD / "title-present", settings)
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert not has_errors(findings)


def test_only_limits_the_report_but_not_what_is_loaded() -> None:
    folder = BAD / "ref-resolves"
    snapshot = load_folder(folder)
    assert lint(snapshot, Settings(), only=[PurePosixPath("common/defs/1.yaml")]) == []
    reported = lint(snapshot, Settings(), only=[PurePosixPath("app/button-click/1.0.0.yaml")])
    assert {f.rule for f in reported} == {"ref-resolves"}


def test_a_ref_to_a_registry_schema_resolves_through_the_snapshot() -> None:
    folder = FIXTURES / "good"
    snapshot = load_folder(folder)
    assert lint(snapshot, Settings()) == []
    without_defs = load_folder(folder / "app")  # the definitions schema is not in this tree
    findings = lint(without_defs, Settings())
    assert {f.rule for f in findings} == {"ref-resolves", "id-matches-path"}


def test_categories_follow_the_configured_vocabulary() -> None:
    folder = BAD / "categories-vocabulary"
    assert (
        lint_folder(folder, Settings(categories=("unrestricted", "user-identifier", "top-secret")))
        == []
    )


def test_a_ref_property_is_documented_only_when_its_target_is() -> None:
    findings = lint_folder(BAD / "property-description")
    assert sorted(f.pointer for f in findings) == ["/properties/count", "/properties/owner"]
    # the good tree's `user` property is a bare `$ref` to a described definition
    assert lint_folder(FIXTURES / "good") == []


def test_the_catalogue_gives_each_rule_one_id_and_a_one_line_summary_and_hint() -> None:
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert {rule.id: rule for rule in RULES} == RULES_BY_ID
    for rule in RULES:
        assert "\n" not in rule.summary and rule.summary.endswith(".")
        assert rule.hint and "\n" not in rule.hint


@pytest.mark.parametrize(
    ("schema_id", "reason"),
    [
        ("http://[broken/app/click", "is not an absolute http(s) URI"),
        ("https://events.example.org/schemas/app/cl ick", "has whitespace or a control character"),
        ("https://events.example.org/schemas/app%00/click", "decodes to `/`, `\\` or NUL"),
    ],
)
def test_an_id_no_folder_can_hold_is_an_id_format_finding(
    tmp_path: Path, schema_id: str, reason: str
) -> None:
    (tmp_path / "app/click").mkdir(parents=True)
    (tmp_path / "app/click/1.yaml").write_text(
        json.dumps({"$id": schema_id, "version": 1, "title": "T", "description": "D."}) + "\n",
        encoding="utf-8",
    )
    findings = lint(load_folder(tmp_path), Settings())
    assert [(f.rule, reason in f.message) for f in findings if f.rule.startswith("id-")] == [
        ("id-format", True)
    ]


@pytest.mark.parametrize(
    ("schema_id", "ref"),
    [
        ("https://events.example.org/schemas/app/click", "http://[x/y"),
        ("http://[broken/app/click", "#/$defs/a"),
    ],
)
def test_a_ref_no_url_parser_reads_is_a_finding_not_a_crash(
    tmp_path: Path, schema_id: str, ref: str
) -> None:
    (tmp_path / "app/click").mkdir(parents=True)
    body = {
        "$id": schema_id,
        "version": 1,
        "title": "T",
        "description": "D.",
        "type": "object",
        "properties": {"a": {"$ref": ref}},
        "$defs": {"a": {"type": "string", "description": "A."}},
    }
    (tmp_path / "app/click/1.yaml").write_text(json.dumps(body) + "\n", encoding="utf-8")
    findings = lint(load_folder(tmp_path), Settings())
    (finding,) = [f for f in findings if f.rule == "ref-resolves"]
    assert "cannot be read as a URI" in finding.message
    assert finding.pointer == "/properties/a/$ref"


def lint_with_pattern(tmp_path: Path, pattern: str) -> list[tuple[str, Severity]]:
    """The pattern-compiles fixture with its broken pattern replaced by `pattern`."""
    folder = tmp_path / "tree"
    for path in (BAD / "pattern-compiles").rglob("*.yaml"):
        target = folder / path.relative_to(BAD / "pattern-compiles")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text().replace('"([a-z"', json.dumps(pattern)))
    return [(finding.rule, finding.severity) for finding in lint_folder(folder)]


@pytest.mark.parametrize(
    "pattern", ["^(?<code>\\p{Lu}{2})-(?<n>\\d+)$", "^\\p{Script=Greek}+$", "(?<=\\$)\\d+"]
)
def test_ecma_262_patterns_named_groups_included_pass_lint(tmp_path: Path, pattern: str) -> None:
    assert lint_with_pattern(tmp_path, pattern) == []


@pytest.mark.parametrize("pattern", ["^(?<w>a)\\k<w>$", "(?i)^[a-z]+$", "^\\pL+$"])
def test_a_pattern_only_one_engine_reads_is_a_dialect_warning(tmp_path: Path, pattern: str) -> None:
    assert lint_with_pattern(tmp_path, pattern) == [("pattern-dialect", Severity.WARNING)]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab()[]{}|\\^$.*+?<>=!:-,kpPuxc0123dDwWsSbBLi"), max_size=8)
)
def test_a_pattern_jsonschema_rs_compiles_is_never_reported_as_not_compiling(
    pattern: str,
) -> None:
    try:
        jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
        accepted = True
    except ValueError:
        accepted = False
    rules = [problem.rule for problem in check_pattern(pattern, "pattern", "/pattern")]
    if accepted:
        assert rules in ([], ["pattern-dialect"])
    else:
        assert rules in (["pattern-compiles"], ["pattern-dialect"])
    assert (rules == []) is (accepted and not pattern_problem(pattern))
