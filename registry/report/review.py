"""Render a Review: Markdown for a pull-request comment, JSON for tools, GitHub annotations.

The Markdown is meant to be posted verbatim: a summary line first, a table of every touched
version, then a section per version with its bump, its verdict per mode, each change with its
JSON pointer, the counterexample event for every break, its problems and, folded, its diff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from registry.checks.governance import (
    BREAKING_KEY,
    PAIRWISE_MODES,
    Assessment,
    Status,
    breaking_changes,
)
from registry.checks.review import Review
from registry.compat import Witness
from registry.compat.catalogue import ANNOTATION_CHANGE_TYPES
from registry.core import ids
from registry.core.model import Change, Finding, Severity, VersionStyle
from registry.report.findings import plural, render_github
from registry.report.forms import broken_modes, dumps, review_form
from registry.report.markdown_text import code, html_code, prose

MARKER = "<!-- telemetry-registry review -->"
"""The first line of the Markdown, by which a workflow finds and updates its earlier comment."""

FORMATS = ("markdown", "json", "github")
_ANNOTATION_TYPES = frozenset(ANNOTATION_CHANGE_TYPES.values())
_STATUS_WORDS = {
    Status.ADDED: "added",
    Status.ANNOTATED: "edited in place (annotations only)",
    Status.MODIFIED: "changed in place",
    Status.DELETED: "deleted",
}


def render_review(review: Review, fmt: str) -> str:
    if fmt == "json":
        return dumps(review_form(review))
    if fmt == "github":
        return render_github(review.findings)
    return render_markdown(review)


# -- Markdown -----------------------------------------------------------------------------


def render_markdown(review: Review) -> str:
    lines = [MARKER, f"## Schema review: {_verdict(review)}", "", _summary(review), ""]
    if review.assessments:
        lines += _overview(review)
    for assessment in review.assessments:
        lines += ["", *_section(review, assessment)]
    other = review.other_lint()
    if other:
        lines += ["", "### Other files", "", *_finding_items(other)]
    lines += [
        "",
        f"<sub>Compared {review.head_label} with {review.base_label} by "
        "`telemetry-registry review`.</sub>",
    ]
    return "\n".join(lines) + "\n"


def _verdict(review: Review) -> str:
    errors, warnings = review.errors(), review.warnings()
    warned = f", {plural(warnings, 'warning')}" if warnings else ""
    if errors:
        return f"❌ {plural(errors, 'problem')} to fix{warned}"
    return f"✅ passed{warned}"


def _summary(review: Review) -> str:
    counts: dict[str, int] = {}
    for assessment in review.assessments:
        counts[assessment.status.value] = counts.get(assessment.status.value, 0) + 1
    parts = []
    added = counts.get(Status.ADDED.value, 0)
    if added:
        new_events = sum(1 for a in review.assessments if a.new_event)
        namespaces = sorted({_namespace(review, a) for a in review.assessments if a.new_namespace})
        extra = []
        if new_events:
            extra.append(plural(new_events, "new event"))
        if namespaces:
            extra.append(
                "new namespace"
                + ("s " if len(namespaces) > 1 else " ")
                + ", ".join(code(name) for name in namespaces)
            )
        parts.append(
            f"**{plural(added, 'version')} added**" + (f" ({'; '.join(extra)})" if extra else "")
        )
    for status, words in (
        (Status.ANNOTATED, "edited in place (annotations only)"),
        (Status.MODIFIED, "changed in place"),
        (Status.DELETED, "deleted"),
    ):
        if counts.get(status.value):
            parts.append(f"**{plural(counts[status.value], 'version')} {words}**")
    deprecated = sum(1 for a in review.assessments if a.deprecates)
    if deprecated:
        parts.append(f"**{deprecated} deprecated**")
    breaks = sum(1 for a in review.assessments if a.status is Status.ADDED and not a.compatible)
    if breaks:
        parts.append(f"**{plural(breaks, 'breaking change')}**")
    other = len(review.other_lint())
    if other:
        parts.append(plural(len({f.path for f in review.other_lint()}), "other file"))
    if not parts:
        return "No schema versions were added, changed or deleted."
    return " · ".join(parts) + "."


def _overview(review: Review) -> list[str]:
    lines = [
        "| | event | version | what | bump (needed) | mode | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for assessment in review.assessments:
        lines.append(
            f"| {_icon(review, assessment)} | {code(_short(review, assessment), cell=True)} | "
            f"{assessment.ref.version} | {_STATUS_WORDS[assessment.status]} | "
            f"{_bump_cell(assessment)} | {assessment.mode.value} | {_mode_verdict(assessment)} |"
        )
    return lines


def _bump_cell(assessment: Assessment) -> str:
    before = assessment.before
    if not assessment.bump or before is None or before.version is None:
        return assessment.bump or "—"
    if assessment.ref.version.style is VersionStyle.INTEGER:
        step = f"+{assessment.ref.version.major - before.version.major}"
        return step + (" (breaking)" if assessment.required_bump == "major" else "")
    return f"{assessment.bump} ({assessment.required_bump})"


def _mode_verdict(assessment: Assessment) -> str:
    if assessment.status is Status.DELETED:
        return "—"
    if not assessment.comparisons:
        return "new event" if assessment.new_event else "—"
    if assessment.compatible:
        return "compatible"
    return "**breaking**" + (" (declared)" if assessment.declared_break else "")


def _icon(review: Review, assessment: Assessment) -> str:
    findings = [*assessment.findings, *review.lint_for(assessment)]
    if any(f.severity is Severity.ERROR for f in findings):
        return "❌"
    if findings:
        return "⚠️"
    return "✅"


def _section(review: Review, assessment: Assessment) -> list[str]:
    ref = assessment.ref
    title = f"### {_icon(review, assessment)} {code(_short(review, assessment))} {ref.version}"
    lines = [f"{title} — {_STATUS_WORDS[assessment.status]}", ""]
    where = code(str(assessment.path))
    event = f"mode **{assessment.mode.value}**"
    if assessment.before is not None and assessment.status is Status.ADDED:
        where += f" · compared with {assessment.before.version}"
    owner = f" · owner **{_inline(assessment.owner)}**" if assessment.owner else ""
    lines.append(f"{where} · {event}{owner}")
    lines.append("")
    if assessment.new_event:
        namespace = " in a new namespace" if assessment.new_namespace else ""
        lines += [f"The first version of a new event{namespace}.", ""]
    if assessment.status is Status.DELETED and assessment.renamed_to:
        lines += [f"Its content reappears as {code(str(assessment.renamed_to))}.", ""]
    if assessment.declared_break:
        lines += [
            f"> [!WARNING]\n> **Declared breaking change** (`{BREAKING_KEY}`): "
            f"{_inline(assessment.declared_break)}",
            "",
        ]
    if assessment.deprecates:
        lines += ["This version marks the event **deprecated**" + _replacement(assessment), ""]
    if assessment.status is Status.ADDED and assessment.comparisons:
        lines += [_bump_line(assessment), "", *_verdict_table(assessment), ""]
    if assessment.comparisons:
        lines += _changes(assessment)
    for witness in review.witnesses.get(ref, ()):
        lines += _witness(witness)
    findings = [*assessment.findings, *review.lint_for(assessment)]
    if findings:
        lines += ["**Problems**", "", *_finding_items(findings), ""]
    text = review.diffs.get(ref)
    if text:
        lines += _folded_diff(assessment, text)
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def _replacement(assessment: Assessment) -> str:
    body = assessment.schema.body if assessment.schema else {}
    text = ""
    reason = body.get("x-deprecated-reason")
    if isinstance(reason, str):
        text += f": {_inline(reason)}"
    replaced_by = body.get("x-replaced-by")
    if isinstance(replaced_by, str):
        text += f"; replaced by {code(replaced_by)}"
    return text + "."


def _bump_line(assessment: Assessment) -> str:
    before = assessment.before.version if assessment.before else "?"
    needed = assessment.required_bump
    if assessment.ref.version.style is VersionStyle.INTEGER:
        return f"**Version:** {before} → {assessment.ref.version}."
    return (
        f"**Bump:** {assessment.bump} ({before} → {assessment.ref.version}); "
        f"the change needs at least **{needed}**."
    )


def _verdict_table(assessment: Assessment) -> list[str]:
    first = assessment.comparisons[0]
    lines = [f"| mode | against {first.against.version} |", "| --- | --- |"]
    for mode in PAIRWISE_MODES:
        name = f"**{mode.value}** (configured)" if assessment.mode.pairwise is mode else mode.value
        lines.append(f"| {name} | {_ok(first.verdicts[mode])} |")
    if assessment.mode.transitive:
        mode = assessment.mode.pairwise
        others = ", ".join(
            f"{c.against.version} {_ok(c.verdicts[mode])}" for c in assessment.comparisons
        )
        lines.append(f"| **{assessment.mode.value}** (configured) | {others} |")
    return lines


def _ok(compatible: bool) -> str:
    return "✅ compatible" if compatible else "❌ incompatible"


def _changes(assessment: Assessment) -> list[str]:
    """Each change that can affect an event on its own line; annotation edits on one line; then
    what the transitive comparisons add to the predecessor's."""
    changes = assessment.changes
    if not changes:
        return ["No differences in what the schema says.", ""]
    lines = ["**Changes**", ""]
    annotations = sorted({c.path or "/" for c in changes if c.type in _ANNOTATION_TYPES})
    for change in changes:
        if change.type not in _ANNOTATION_TYPES:
            lines.append(f"- {_change_item(change)}")
    if annotations:
        places = ", ".join(f"`{path}`" for path in annotations)
        lines.append(f"- Annotations only, which no event depends on: {places}")
    lines.append("")
    seen = {(change.type, change.path) for change in changes}
    for pair in assessment.comparisons[1:]:
        extra = [
            change
            for change in breaking_changes(pair, assessment.mode)
            if (change.type, change.path) not in seen
        ]
        seen.update((change.type, change.path) for change in extra)
        if extra:
            lines += [f"**Also breaks against {pair.against.version}**", ""]
            lines += [f"- {_change_item(change)}" for change in extra]
            lines.append("")
    return lines


def _change_item(change: Change) -> str:
    pointer = change.path or "/"
    broken = broken_modes(change)
    suffix = f" — *breaks {', '.join(broken)}*" if broken else ""
    return f"{code(pointer)}: {_inline(change.description)}{suffix}"


def _witness(witness: Witness) -> list[str]:
    body = json.dumps(witness.instance, indent=2, ensure_ascii=False, sort_keys=True)
    return [
        f"**Counterexample ({witness.direction.value}):** an event that "
        f"{witness.valid_under} {_verb('accept', witness.valid_under)} and "
        f"{witness.invalid_under} {_verb('reject', witness.invalid_under)}:",
        "",
        *_fenced(body, "json"),
        "",
    ]


def _verb(verb: str, subject: str) -> str:
    return verb if subject.startswith("versions ") else verb + "s"


def _finding_items(findings: Iterable[Finding]) -> list[str]:
    items = []
    for finding in findings:
        icon = "❌" if finding.severity is Severity.ERROR else "⚠️"
        line = f" line {finding.line}" if finding.line else ""
        line += f", column {finding.column}" if finding.line and finding.column else ""
        pointer = f" at {code(finding.pointer)}" if finding.pointer else ""
        items.append(
            f"- {icon} `{finding.rule}`{line}{pointer}: {_inline(finding.message)}. "
            f"*To fix:* {_inline(finding.hint)}."
        )
    return items


def _folded_diff(assessment: Assessment, text: str) -> list[str]:
    if assessment.before is None:
        summary = f"The new file {html_code(str(assessment.path))}"
    else:
        summary = f"Diff against {assessment.before.version}"
        if assessment.status is not Status.ADDED:
            summary = "Diff of the edit"
    return [
        "<details>",
        f"<summary>{summary}</summary>",
        "",
        *_fenced(text.rstrip("\n"), "diff"),
        "",
        "</details>",
    ]


def _fenced(text: str, language: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", text, fence]


def _inline(text: str) -> str:
    """One line of Markdown text: newlines folded, a trailing full stop dropped, author text
    inert (`markdown_text.prose`)."""
    return prose(" ".join(text.split()).rstrip("."))


def _short(review: Review, assessment: Assessment) -> str:
    """The `$id` below the base URL, or the whole `$id` when it is outside it."""
    schema_id = assessment.ref.id
    return ids.below(schema_id, review.base_url) or schema_id


def _namespace(review: Review, assessment: Assessment) -> str:
    """The namespace as `core.ids` defines it, the same one governance and the docs use."""
    return ids.namespace(assessment.ref.id, review.base_url) or _short(review, assessment)
