"""Render a compatibility report: text for people, the JSON form for tools."""

from __future__ import annotations

import json

from registry.compat.report import CompatReport
from registry.report.findings import plural
from registry.report.forms import broken_modes, compat_report_form, dumps

FORMATS = ("text", "json")


def render_compat(report: CompatReport, fmt: str) -> str:
    """Render a report in one of FORMATS."""
    return render_json(report) if fmt == "json" else render_text(report)


def render_json(report: CompatReport) -> str:
    return dumps(compat_report_form(report))


def render_text(report: CompatReport) -> str:
    """The readable form: verdict, every change with what it breaks, and the witness."""
    verdict = "compatible" if report.compatible else "INCOMPATIBLE"
    lines = [
        f"{report.old_label} -> {report.new_label}: {verdict} ({report.mode.value}, "
        f"{report.policy} policy)",
        "  "
        + ", ".join(f"{m}: {'yes' if ok else 'no'}" for m, ok in report.verdicts.items())
        + f"; required version bump: {report.required_bump}",
    ]
    if report.open_content_only and not report.compatible:
        lines.append(
            "  only the open content model makes this incompatible: declare "
            "`additionalProperties: false`, or use the lenient policy for this event"
        )
    if not report.changes:
        lines.append("no changes")
    else:
        lines.append(f"{plural(len(report.changes), 'change')}:")
    for change in report.changes:
        breaks = broken_modes(change)
        tag = f" [breaks {', '.join(breaks)}]" if breaks else ""
        lines.append(f"  {change.type} at {change.path or '/'}{tag}")
        lines.append(f"    {change.description}")
    if report.witness is not None:
        witness = report.witness
        lines.append(
            f"witness ({witness.direction.value}): valid under {witness.valid_under}, "
            f"rejected by {witness.invalid_under}:"
        )
        text = json.dumps(witness.instance, indent=2, ensure_ascii=False)
        lines.extend("  " + line for line in text.splitlines())
    elif not report.compatible:
        lines.append(
            "witness: none found (the verdict stands; the engine counts what it cannot "
            "prove as breaking)"
        )
    return "\n".join(lines) + "\n"
