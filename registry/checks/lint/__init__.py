"""Lint: the rules every schema file must follow, checked over a whole snapshot at once.

Each rule has a stable id, a one-line summary (listed by `telemetry-registry rules`) and a
default severity that the configuration may change: the catalogue is `rules`. The checks
(`checks` per file, `tree` across files) return Problems; `lint` turns them into Findings with
the file, line and severity, so every problem in every file is reported in one run. Files that
are not valid schemas come from the snapshot as failures with their findings (`parse-error`,
`metaschema`, ...); the checks run on the valid schemas only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from registry.checks.lint.checks import CHECKS, Check, Context, Problem
from registry.checks.lint.examples import check_examples
from registry.checks.lint.keywords import check_keywords
from registry.checks.lint.rules import RULES, RULES_BY_ID, Rule
from registry.checks.lint.satisfiable import check_satisfiable
from registry.checks.lint.tree import tree_problems
from registry.core.config import Settings
from registry.core.model import Finding, Severity
from registry.core.refs import build_registry
from registry.sources.snapshot import Snapshot

__all__ = ["RULES", "RULES_BY_ID", "Problem", "Rule", "has_errors", "lint"]

EVERY_CHECK: tuple[Check, ...] = (*CHECKS, check_keywords, check_satisfiable, check_examples)


def lint(
    snapshot: Snapshot, settings: Settings, *, only: Iterable[PurePosixPath] | None = None
) -> list[Finding]:
    """Check every file of the snapshot; report those in `only` (all when None)."""
    wanted = None if only is None else set(only)
    paths = frozenset(
        [*(s.rel_path for s in snapshot.schemas), *(f.rel_path for f in snapshot.failures)]
    )
    context = Context(settings, build_registry(snapshot.schemas, base_url=settings.base_url), paths)
    findings: list[Finding] = []

    def report(
        schema_path: PurePosixPath,
        problems: Iterable[Problem],
        line_of: Any,
        column: int | None = None,
    ) -> None:
        if wanted is not None and schema_path not in wanted:
            return
        for problem in problems:
            rule = RULES_BY_ID[problem.rule]
            severity = settings.severity(rule.id, rule.severity)
            if severity is Severity.OFF:
                continue
            findings.append(
                Finding(
                    rule=rule.id,
                    severity=severity,
                    message=problem.message,
                    hint=problem.hint or rule.hint,
                    path=snapshot.display_path(schema_path),
                    line=line_of(problem.pointer),
                    pointer=problem.pointer,
                    column=column,
                )
            )

    for failure in snapshot.failures:  # unreadable files, and bodies that are no schema
        lines = {error.pointer: error.line for error in failure.errors}
        report(
            failure.rel_path,
            [Problem(e.rule, e.message, e.pointer, e.hint) for e in failure.errors],
            lines.get,
            failure.error.column if not failure.others else None,
        )
    for schema in snapshot.schemas:
        if wanted is not None and schema.rel_path not in wanted:
            continue  # the others still resolve `$ref`s and count in the tree checks
        problems: list[Problem] = []
        for check in EVERY_CHECK:
            problems.extend(check(schema, context))
        report(schema.rel_path, problems, schema.line_of)
    for rel_path, problem, line_of in tree_problems(snapshot):
        report(rel_path, [problem], line_of)
    findings.sort(key=lambda f: (f.path, f.line or 0, f.rule))
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)
