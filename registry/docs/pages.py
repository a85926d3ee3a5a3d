"""The list pages of the docs site (the catalogue and one page per namespace) and the small
Markdown pieces every page shares: badges, anchors, relative links.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from registry.core.authored import plain_html
from registry.core.model import EventSchema, Version
from registry.docs.properties import code

CSS_CLASS = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class EventEntry:
    """One event as the catalogue lists it."""

    schema_id: str
    name: str
    title: str
    namespace: str
    namespace_page: str
    page: str
    latest: str
    status: str
    owner: str
    summary: str


def badge(text: str, kind: str) -> str:
    """An inline badge: `kind` picks its colour (a status, `category`, `breaking`, ...)."""
    css = CSS_CLASS.sub("-", f"{kind}-{text}".lower())
    return f'<span class="tr-badge tr-{css}">{plain_html(text)}</span>'


def version_anchor(version: Version | str) -> str:
    """The permalink anchor of one version on its event's page: `v2.0.0`."""
    return "v" + CSS_CLASS.sub("-", str(version).lower())


def definition_anchor(version: Version | str, name: str) -> str:
    """The anchor of one `$defs` entry of one version: `v1.0.0-def-user`."""
    return f"{version_anchor(version)}-def-{CSS_CLASS.sub('-', name.lower())}"


def event_title(schema: EventSchema, schema_id: str) -> str:
    return " ".join(schema.title.split()) or schema_id.rstrip("/").rsplit("/", 1)[-1]


def relative(target: str, page: str) -> str:
    """A link from the Markdown file `page` to the file `target` (both docs paths), quoted so
    that no character of a path (which may come from an `$id`) ends the link early."""
    return quote(posixpath.relpath(target, posixpath.dirname(page) or "."), safe="/")


def heading_text(text: str) -> str:
    """Plain text for a Markdown heading, inert to the heading's own syntax and to the page."""
    return plain_html(text) or "(untitled)"


def front_matter(title: str, *, wide: bool = False) -> list[str]:
    """A page's front matter: its title as inert HTML, which the theme shows as it is (the
    title the theme would otherwise take from the heading passes a filter that unescapes)."""
    hide = ["hide:", "  - toc"] if wide else []
    return ["---", f'title: "{heading_text(title)}"', *hide, "---", ""]


def catalogue_page(path: str, entries: Sequence[EventEntry]) -> str:
    """Every event in one table, with a namespace filter."""
    namespaces = sorted({entry.namespace for entry in entries})
    lines = [
        *front_matter("Events", wide=True),
        "# Events",
        "",
        f"{_count(len(entries), 'event')} in {_count(len(namespaces), 'namespace')}. "
        "Search finds an event by any word of its page; the filter below narrows the table "
        "to one namespace.",
        "",
        '<div class="tr-filter"><label>Namespace <select data-tr-filter="namespace">'
        '<option value="">all</option>'
        + "".join(
            f'<option value="{plain_html(name)}">{plain_html(name)}</option>' for name in namespaces
        )
        + "</select></label></div>",
        "",
        "Namespaces: "
        + " · ".join(
            f"[{plain_html(name or '(none)')}]({relative(_index_of(entries, name), path)})"
            for name in namespaces
        ),
        "",
        '<div class="tr-catalogue" markdown>',
        "",
        "| Event | Namespace | Latest | Status | Owner | Summary |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for entry in sorted(entries, key=lambda e: (e.namespace, e.name)):
        lines.append(
            f"| [{plain_html(entry.title)}]({relative(entry.page, path)})<br>{code(entry.name)} "
            f"| {plain_html(entry.namespace)} | {plain_html(entry.latest)} "
            f"| {badge(entry.status, 'status')} | {_owner(entry)} | {entry.summary} |"
        )
    return "\n".join([*lines, "", "</div>"]) + "\n"


def namespace_page(name: str, path: str, catalogue: str, entries: Sequence[EventEntry]) -> str:
    """The events of one namespace."""
    lines = [
        *front_matter(name, wide=True),
        f"# {heading_text(name)}",
        "",
        f"{_count(len(entries), 'event')} in the {code(name)} namespace. "
        f"[All events]({relative(catalogue, path)})",
        "",
        '<div class="tr-namespace" markdown>',
        "",
        "| Event | Latest | Status | Owner | Summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in sorted(entries, key=lambda e: e.name):
        lines.append(
            f"| [{plain_html(entry.title)}]({relative(entry.page, path)})<br>{code(entry.name)} "
            f"| {plain_html(entry.latest)} | {badge(entry.status, 'status')} | {_owner(entry)} "
            f"| {entry.summary} |"
        )
    return "\n".join([*lines, "", "</div>"]) + "\n"


def _index_of(entries: Sequence[EventEntry], namespace: str) -> str:
    return next(entry.namespace_page for entry in entries if entry.namespace == namespace)


def _owner(entry: EventEntry) -> str:
    return plain_html(entry.owner)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
