"""The one JSON form of each result type, used by every command that prints that type.

Tools read these forms, so each is written here once and specified by the package's
`output.schema.json` (one `$defs` entry per form) and by the README's "JSON output" section.
A field is added, never renamed or dropped; every form lists every field, `null` when empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

from registry.core.model import JSON, Change, Finding, Severity

if TYPE_CHECKING:
    from registry.checks.governance.model import Assessment, PairVerdict
    from registry.checks.review import Review
    from registry.compat.report import CompatReport, Witness

OUTPUT_SCHEMA_FILE = "output.schema.json"
"""The JSON Schema of every form, shipped in the package's data folder."""


def dumps(document: JSON) -> str:
    """The text every `--format json` prints: indented, UTF-8 as is, one trailing newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def output_schema() -> dict[str, Any]:
    """The JSON Schema of the forms (`$defs`: finding, change, witness, review, ...)."""
    data = resources.files("registry").joinpath("data").joinpath(OUTPUT_SCHEMA_FILE).read_bytes()
    schema: dict[str, Any] = json.loads(data)
    return schema


def finding_form(finding: Finding) -> dict[str, JSON]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "pointer": finding.pointer,
    }


def findings_report_form(findings: Sequence[Finding], *, checked: int) -> dict[str, JSON]:
    """What `lint` and `check` print: every finding and the counts."""
    return {
        "findings": [finding_form(finding) for finding in findings],
        "summary": {
            "checked": checked,
            "errors": _count(findings, Severity.ERROR),
            "warnings": _count(findings, Severity.WARNING),
        },
    }


def rule_form(rule_id: str, severity: Severity, summary: str) -> dict[str, JSON]:
    return {"id": rule_id, "severity": severity.value, "summary": summary}


def change_form(change: Change) -> dict[str, JSON]:
    return {
        "type": change.type,
        "path": change.path,
        "old_path": change.old_path,
        "new_path": change.new_path,
        "description": change.description,
        "breaks": broken_modes(change),
        "old_value": change.old_value,
        "new_value": change.new_value,
    }


def broken_modes(change: Change) -> list[str]:
    """The modes a change breaks, sorted, as every form and rendering names them."""
    return sorted(mode.value for mode in change.breaks)


def witness_form(witness: Witness) -> dict[str, JSON]:
    return {
        "direction": witness.direction.value,
        "instance": witness.instance,
        "valid_under": witness.valid_under,
        "invalid_under": witness.invalid_under,
    }


def compat_report_form(report: CompatReport) -> dict[str, JSON]:
    """What `compat` prints: the verdicts, every change and a witness of the break."""
    return {
        "compatible": report.compatible,
        "mode": report.mode.value,
        "policy": report.policy,
        "verdicts": dict(report.verdicts),
        "required_bump": report.required_bump,
        "open_content_only": report.open_content_only,
        "changes": [change_form(change) for change in report.changes],
        "witness": None if report.witness is None else witness_form(report.witness),
    }


def review_form(review: Review) -> dict[str, JSON]:
    """What `review` prints: every touched version with its evidence, and every finding."""
    return {
        "base": review.base_label,
        "head": review.head_label,
        "passed": review.passed,
        "errors": review.errors(),
        "warnings": review.warnings(),
        "versions": [assessment_form(review, a) for a in review.assessments],
        "findings": _findings(review.findings),
    }


def assessment_form(review: Review, assessment: Assessment) -> dict[str, JSON]:
    """One version the change touches, within a review."""
    return {
        "id": assessment.ref.id,
        "version": str(assessment.ref.version),
        "status": assessment.status.value,
        "path": assessment.path,
        "compared_with": str(assessment.before.version) if assessment.before else None,
        "mode": assessment.mode.value,
        "owner": assessment.owner or None,
        "compatible": assessment.compatible if assessment.comparisons else None,
        "bump": assessment.bump or None,
        "required_bump": assessment.required_bump or None,
        "new_event": assessment.new_event,
        "new_namespace": assessment.new_namespace,
        "deprecates": assessment.deprecates,
        "declared_break": assessment.declared_break or None,
        "renamed_to": assessment.renamed_to or None,
        "comparisons": [pair_verdict_form(pair) for pair in assessment.comparisons],
        "witnesses": [witness_form(w) for w in review.witnesses.get(assessment.ref, ())],
        "findings": _findings((*assessment.findings, *review.lint_for(assessment))),
        "diff": review.diffs.get(assessment.ref),
    }


def pair_verdict_form(pair: PairVerdict) -> dict[str, JSON]:
    return {
        "against": str(pair.against.version),
        "verdicts": {mode.value: ok for mode, ok in pair.verdicts.items()},
        "changes": [change_form(change) for change in pair.changes],
    }


def _findings(findings: Iterable[Finding]) -> list[JSON]:
    return [finding_form(finding) for finding in findings]


def _count(findings: Iterable[Finding], severity: Severity) -> int:
    return sum(1 for finding in findings if finding.severity is severity)
