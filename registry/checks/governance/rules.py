"""The governance rules: stable ids, what each requires, and Findings made from them."""

from __future__ import annotations

from collections.abc import Mapping

from registry.checks.lint.rules import Rule
from registry.core.config import Settings
from registry.core.model import Finding, Severity

BREAKING_KEY = "x-breaking-change"
"""The top-level keyword by which a new version declares (with a reason) a breaking change."""

RULES: tuple[Rule, ...] = (
    Rule(
        "version-immutable",
        "A published version changes only in annotations (descriptions, examples, lifecycle "
        "and ownership metadata).",
        "restore the published version and put the change in a new version file",
    ),
    Rule(
        "version-deleted",
        "A published version is never deleted (mark it `deprecated: true` instead).",
        "restore the file; to retire the event, set `deprecated: true`, `x-deprecated-reason` "
        "and `x-replaced-by`",
    ),
    Rule(
        "version-not-greater",
        "A new version is greater than every published version of its `$id`.",
        "number the new version above the latest published one",
    ),
    Rule(
        "version-skips-major",
        "A new version does not skip a major version (an integer version is the previous + 1; "
        "a first version is 1, 0.x or 1.x).",
        "number the version one major above the latest, or turn this rule off if gaps are meant",
    ),
    Rule(
        "bump-matches-change",
        "A semantic version's bump matches the change: major when incompatible under the "
        "event's mode, at least minor for a compatible structural change, at least patch "
        "otherwise.",
        "raise the version to the bump the change needs",
    ),
    Rule(
        "breaking-change-undeclared",
        f"A new version that is incompatible under the event's mode (an integer version, a "
        f"semantic major, or a minor while the major is 0) declares `{BREAKING_KEY}` with a "
        "reason.",
        f"add `{BREAKING_KEY}: <why, and what consumers must do>` at the top of the new "
        "version, or make the change compatible",
    ),
    Rule(
        "breaking-change-declared",
        f"A new version that declares `{BREAKING_KEY}` is flagged to reviewers.",
        "make sure every consumer of the event is ready for the break",
        Severity.WARNING,
    ),
)
RULES_BY_ID: Mapping[str, Rule] = {rule.id: rule for rule in RULES}


def finding(
    settings: Settings,
    rule_id: str,
    message: str,
    path: str,
    line: int | None,
    *,
    pointer: str = "",
    hint: str = "",
) -> Finding | None:
    rule = RULES_BY_ID[rule_id]
    severity = settings.severity(rule_id, rule.severity)
    if severity is Severity.OFF:
        return None
    return Finding(rule_id, severity, message, hint or rule.hint, path, line, pointer)


def present(*findings: Finding | None) -> tuple[Finding, ...]:
    return tuple(finding for finding in findings if finding is not None)
