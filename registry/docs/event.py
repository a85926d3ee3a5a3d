"""One event's page: what it records, its `$id`, its status, and each version (newest first) with
its properties, example, changes from the version before and git history, under a permalink.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from registry.core.authored import markdown_html, plain_html
from registry.core.index import lifecycle_status
from registry.core.model import EventSchema
from registry.docs.pages import (
    badge,
    definition_anchor,
    event_title,
    front_matter,
    heading_text,
    relative,
    version_anchor,
)
from registry.docs.properties import Row, code, definition_rows, property_rows

if TYPE_CHECKING:
    from registry.docs.changes import VersionChanges
    from registry.docs.site import SiteContext
    from registry.sources.history import FileHistory


def event_markdown(site: SiteContext, schema_id: str, page: str) -> str:
    """The whole page of one event."""
    versions = site.snapshot.by_id[schema_id]
    latest = versions[-1]
    title = event_title(latest, schema_id)
    lines = [*front_matter(title), f"# {heading_text(title)}", ""]
    lines += [_summary_line(site, schema_id, page, latest), ""]
    lines += _paragraph(site, latest.body.get("description"))
    lines += _deprecation(site, page, latest)
    lines += ['```text title="$id"', schema_id, "```", ""]
    if len(versions) > 1:
        links = [
            f"[{plain_html(str(s.version))}](#{version_anchor(s.version or '')})"
            + (" (latest)" if s is latest else "")
            for s in reversed(versions)
        ]
        lines += ["**Versions:** " + " · ".join(links), "{ .tr-versions }", ""]
    for schema in reversed(versions):
        lines += _version_section(site, page, schema, latest)
    return "\n".join(lines).rstrip() + "\n"


def _summary_line(site: SiteContext, schema_id: str, page: str, latest: EventSchema) -> str:
    parts = [badge(lifecycle_status(latest), "status")]
    namespace = site.namespace_of(schema_id)
    if namespace:
        parts.append(
            f"namespace [{plain_html(namespace)}]({relative(site.namespace_page(namespace), page)})"
        )
    owner = latest.body.get("x-owner")
    if isinstance(owner, str) and owner:
        parts.append(f"owner **{plain_html(owner)}**")
    latest_version = plain_html(str(latest.version))
    parts.append(f"latest [{latest_version}](#{version_anchor(latest.version or '')})")
    return " · ".join(parts)


def _paragraph(site: SiteContext, text: object) -> list[str]:
    """A description on its own: author Markdown as a block of HTML the page keeps as it is."""
    if not isinstance(text, str) or not text.strip():
        return []
    html = markdown_html(text, block=True, image_hosts=site.image_hosts)
    return [f'<div class="tr-description">{html}</div>', ""]


def _deprecation(site: SiteContext, page: str, schema: EventSchema) -> list[str]:
    if schema.body.get("deprecated") is not True:
        return []
    replacement = schema.body.get("x-replaced-by")
    text = "Stop recording this event."
    if isinstance(replacement, str) and replacement:
        target = site.pages_by_id.get(replacement)
        if target is not None:
            title = plain_html(site.title_of(replacement))
            text += f" It is replaced by [{title}]({relative(target, page)}) ({code(replacement)})."
        else:
            text += f" It is replaced by {code(replacement)}."
    return ['!!! warning "Deprecated"', "", f"    {text}", ""]


def _version_section(
    site: SiteContext, page: str, schema: EventSchema, latest: EventSchema
) -> list[str]:
    version = schema.version
    assert version is not None and schema.ref is not None
    anchor = version_anchor(version)
    lines = [f"## Version {heading_text(str(version))} {{ #{anchor} }}", ""]
    facts = []
    if schema is latest:
        facts.append(badge("latest", "marker"))
    status = lifecycle_status(schema)
    if status != "stable":
        facts.append(badge(status, "status"))
    raw = site.raw_json(schema.ref)
    if raw is not None:
        facts.append(f"[Raw JSON]({relative(raw, page)}){{ .tr-raw }}")
    history = site.history.get(schema.ref)
    if history is not None:
        first = history.introduced
        facts.append(
            f"introduced in `{first.short}` on {first.date[:10]} by {plain_html(first.author)}"
        )
    lines += [" · ".join(facts), ""]
    if schema is not latest and schema.body.get("description") != latest.body.get("description"):
        lines += _paragraph(site, schema.body.get("description"))
    comment = schema.body.get("$comment")
    if isinstance(comment, str) and comment.strip():
        lines += [
            '!!! note "What changed, in the author\'s words"',
            "",
            f"    {site.inline(comment)}",
            "",
        ]
    breaking = schema.body.get("x-breaking-change")
    if isinstance(breaking, str) and breaking.strip():
        lines += ['!!! danger "Breaking change"', "", f"    {site.inline(breaking)}", ""]
    changes = site.changelog.get(schema.ref)
    if changes is not None:
        lines += _changes(changes, anchor)
    lines += _properties(site, page, schema, anchor)
    lines += _example(site, schema, anchor)
    if history is not None and len(history.commits) > 1:
        lines += _history(history, anchor)
    return lines


_BUMP_WORDS = {
    "major": "events the previous version accepted may be rejected: a major version",
    "minor": "compatible, and it changes which events are valid or what they mean: a minor version",
    "patch": "documentation only: a patch version",
    "none": "no change at all",
}


def _changes(changes: VersionChanges, anchor: str) -> list[str]:
    verdict = badge("breaking", "change") if changes.breaking else badge("compatible", "change")
    mode = f"`{changes.mode.value}`"
    passes = "passes" if changes.compatible else "does **not** pass"
    lines = [
        f"### Changes from {heading_text(str(changes.previous))} {{ #{anchor}-changes }}",
        "",
        f"{verdict} {_BUMP_WORDS.get(changes.bump, changes.bump)}. It {passes} this event's "
        f"{mode} compatibility check.",
        "",
    ]
    for change in changes.substantive:
        marks = " ".join(badge(f"breaks {m.value}", "change") for m in sorted(change.breaks))
        where = f" at {code(change.path)}" if change.path else ""
        lines.append(
            f"- {marks + ' ' if marks else ''}{markdown_html(change.description)} "
            f"<small>{code(change.type)}{where}</small>"
        )
    if changes.substantive:
        lines.append("")
    annotations = changes.annotations
    if annotations:
        count = len(annotations)
        lines += [
            f'??? note "{count} documentation change{"" if count == 1 else "s"}"',
            "",
            *(f"    - {markdown_html(change.description)}" for change in annotations),
            "",
        ]
    return lines


def _properties(site: SiteContext, page: str, schema: EventSchema, anchor: str) -> list[str]:
    def target(ref: str) -> Mapping[str, Any] | None:
        return site.ref_target(schema, ref)

    def link(ref: str) -> str | None:
        return site.ref_link(schema, page, ref)

    lines: list[str] = []
    rows = list(property_rows(schema.body, target=target, link=link, image_hosts=site.image_hosts))
    if rows:
        lines += [f"### Properties {{ #{anchor}-properties }}", "", *_table(rows)]
    assert schema.version is not None
    version = schema.version
    definitions = list(
        definition_rows(
            schema.body,
            target=target,
            link=link,
            anchor=lambda name: definition_anchor(version, name),
            image_hosts=site.image_hosts,
        )
    )
    if definitions:
        lines += [f"### Definitions {{ #{anchor}-definitions }}", "", *_table(definitions)]
    return lines


def _table(rows: Sequence[Row]) -> list[str]:
    lines = [
        '<div class="tr-properties" markdown>',
        "",
        "| Property | Type | Required | Constraints | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        indent = "&emsp;" * max(row.depth - 1, 0) + ("└&nbsp;" if row.depth else "")
        marks = [badge("deprecated", "status")] if row.deprecated else []
        marks += [badge(category, "category") for category in row.categories]
        name = indent + row.name + ("<br>" + " ".join(marks) if marks else "")
        required = "**yes**" if row.required else "no"
        lines.append(
            f"| {name} | {row.type} | {required} | {row.constraints} | {row.description} |"
        )
    return [*lines, "", "</div>", ""]


def _example(site: SiteContext, schema: EventSchema, anchor: str) -> list[str]:
    example = site.example(schema)
    if example is None:
        return []
    source = "From the schema's `examples`." if example.authored else "Made from the schema."
    text = json.dumps(example.event, indent=2, ensure_ascii=False)
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", text)), default=0))
    return [
        f"### Example {{ #{anchor}-example }}",
        "",
        f"{source} It validates against this version.",
        "",
        f"{fence}json",
        text,
        fence,
        "",
    ]


def _history(history: FileHistory, anchor: str) -> list[str]:
    lines = [
        f"### History {{ #{anchor}-history }}",
        "",
        "| Commit | Date | Author | Subject |",
        "| --- | --- | --- | --- |",
    ]
    for commit in history.commits:
        lines.append(
            f"| `{commit.short}` | {commit.date[:10]} | {plain_html(commit.author)} "
            f"| {plain_html(commit.subject)} |"
        )
    return [*lines, ""]
