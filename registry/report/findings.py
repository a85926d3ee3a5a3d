"""Reporters: findings as text for people, JSON for tools, annotations for GitHub workflows."""

from __future__ import annotations

from collections.abc import Sequence

from registry.core.authored import plain
from registry.core.config import Settings
from registry.core.model import Finding, Severity
from registry.report.forms import dumps, findings_report_form, rule_form

FORMATS = ("text", "json", "github")


def render(findings: Sequence[Finding], fmt: str, *, checked: int) -> str:
    """Render findings in one of FORMATS; `checked` is how many files were read."""
    if fmt == "json":
        return render_json(findings, checked=checked)
    if fmt == "github":
        return render_github(findings)
    return render_text(findings, checked=checked)


def summary(findings: Sequence[Finding], *, checked: int) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    files = len({f.path for f in findings})
    if not findings:
        return f"{plural(checked, 'file')} checked: no problems."
    return (
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in "
        f"{plural(files, 'file')} ({checked} checked)."
    )


def render_text(findings: Sequence[Finding], *, checked: int) -> str:
    """One finding a line, its hint below; author text quoted in them is plain (no terminal
    escape sequences or bidirectional overrides, `core.authored.plain`)."""
    lines = []
    for finding in findings:
        where = plain(finding.path) + _position(finding)
        lines.append(f"{where}: {finding.severity.value} [{finding.rule}] {plain(finding.message)}")
        lines.append(f"    hint: {plain(finding.hint)}")
    lines.append(summary(findings, checked=checked))
    return "\n".join(lines) + "\n"


def _position(finding: Finding) -> str:
    """`:line:column`, as editors and compilers write a place in a file."""
    if not finding.line:
        return ""
    return f":{finding.line}" + (f":{finding.column}" if finding.column else "")


def render_json(findings: Sequence[Finding], *, checked: int) -> str:
    return dumps(findings_report_form(findings, checked=checked))


def render_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one `::error` or `::warning` line per finding."""
    lines = []
    for finding in findings:
        level = "error" if finding.severity is Severity.ERROR else "warning"
        props = [f"file={_escape_property(finding.path)}"]
        if finding.line:
            props.append(f"line={finding.line}")
            if finding.column:
                props.append(f"col={finding.column}")
        props.append(f"title={_escape_property(finding.rule)}")
        text = _escape_data(f"{finding.message}. Hint: {finding.hint}")
        lines.append(f"::{level} {','.join(props)}::{text}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_rules(settings: Settings, fmt: str) -> str:
    """The lint rules with their effective severity, as text, JSON or a Markdown table.

    The Markdown form is what the docs site shows as its rules page.
    """
    from registry.checks import governance
    from registry.checks.lint import RULES

    rows = [
        (rule.id, settings.severity(rule.id, rule.severity), rule.summary)
        for rule in (*RULES, *governance.RULES)
    ]
    if fmt == "json":
        return dumps([rule_form(*row) for row in rows])
    if fmt == "markdown":
        lines = ["| rule | severity | what it requires |", "| --- | --- | --- |"]
        lines += [f"| `{rule_id}` | {sev.value} | {text} |" for rule_id, sev, text in rows]
        return "\n".join(lines) + "\n"
    width = max(len(rule_id) for rule_id, _, _ in rows)
    return "".join(f"{rule_id:<{width}}  {sev.value:<7}  {text}\n" for rule_id, sev, text in rows)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
