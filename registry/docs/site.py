"""The docs site's pages, as Markdown: a catalogue, a page per namespace, a page per event.

`render_site` is pure: a Snapshot (plus, when the caller has them, each version's changes from
its predecessor, its git history, and where the published registry sits in the site) in,
Markdown pages out. Any static-site tool can take the pages; `registry.mkdocs_plugin` hands them
to MkDocs. Examples are validated here, with validators from `registry.refs`; what the build
should warn about is returned as `problems`, never printed.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin

import referencing
import referencing.exceptions

from registry.core import ids
from registry.core.authored import markdown_html, plain_html
from registry.core.index import lifecycle_status
from registry.core.model import EventSchema, SchemaRef
from registry.core.refs import build_registry, resource_of
from registry.docs.changes import VersionChanges
from registry.docs.event import event_markdown
from registry.docs.examples import Example, choose_example
from registry.docs.pages import (
    EventEntry,
    catalogue_page,
    definition_anchor,
    event_title,
    namespace_page,
    version_anchor,
)
from registry.errors import RegistryError
from registry.sources.history import FileHistory
from registry.sources.snapshot import Snapshot
from registry.sources.validity import INVALID_RULES

__all__ = [
    "DocsError",
    "DocsSite",
    "Namespace",
    "Page",
    "SiteContext",
    "VersionChanges",
    "event_slug",
    "namespace_of",
    "render_site",
]


class DocsError(RegistryError, ValueError):
    """The pages cannot be generated (two events would share a page); the message says why."""


@dataclass(frozen=True)
class Page:
    """One Markdown page, at a path below the docs folder (POSIX, ending in `.md`)."""

    path: str
    markdown: str


@dataclass(frozen=True)
class Namespace:
    """A namespace's index page and its events' pages, in order: what a navigation lists."""

    name: str
    index: str
    events: tuple[str, ...]


@dataclass(frozen=True)
class DocsSite:
    pages: tuple[Page, ...]
    catalogue: str
    namespaces: tuple[Namespace, ...]
    problems: tuple[str, ...] = ()
    """What a build should warn about: authored examples their schema rejects, unreadable files."""


class SiteContext:
    """What every event page needs from the whole site: where pages are, how `$ref`s resolve."""

    def __init__(
        self,
        snapshot: Snapshot,
        *,
        base_url: str,
        events_dir: str,
        registry_dir: str | None,
        changelog: Mapping[SchemaRef, VersionChanges],
        history: Mapping[SchemaRef, FileHistory],
        image_hosts: Collection[str] = (),
    ) -> None:
        self.snapshot = snapshot
        self.image_hosts = frozenset(image_hosts)
        self.base_url = base_url
        self.events_dir = events_dir
        self.registry_dir = registry_dir
        self.changelog = changelog
        self.history = history
        # crawled once here: every resolver below adds only its own root to crawl
        self.references = build_registry(snapshot.schemas, base_url=base_url).crawl()
        self.problems: list[str] = []
        self.pages_by_id: dict[str, str] = {}
        self.by_version_uri: dict[str, SchemaRef] = {}
        for schema_id, versions in snapshot.by_id.items():
            self.pages_by_id[schema_id] = f"{events_dir}/{event_slug(schema_id, base_url)}.md"
            for schema in versions:
                assert schema.ref is not None
                self.by_version_uri[ids.version_uri(schema.ref)] = schema.ref

    @property
    def catalogue(self) -> str:
        return f"{self.events_dir}/index.md"

    def namespace_page(self, namespace: str) -> str:
        if not namespace:
            return self.catalogue
        return f"{self.events_dir}/{_safe_path(namespace)}/index.md"

    def namespace_of(self, schema_id: str) -> str:
        return namespace_of(schema_id, self.base_url)

    def inline(self, text: str) -> str:
        """Author Markdown as one line of HTML, with images from the hosts the site allows."""
        return markdown_html(text, image_hosts=self.image_hosts)

    def title_of(self, schema_id: str) -> str:
        versions = self.snapshot.by_id.get(schema_id)
        return event_title(versions[-1], schema_id) if versions else schema_id

    def example(self, schema: EventSchema) -> Example | None:
        """The example to show for one version; authored examples that fail are problems."""
        example, problems = choose_example(schema.body, self.references)
        for problem in problems:
            self.problems.append(
                f"{self.snapshot.display_path(schema.rel_path)}: examples[{problem.index}] does "
                f"not validate against its schema: {problem.message}"
            )
        return example

    def ref_target(self, schema: EventSchema, ref: str) -> Mapping[str, Any] | None:
        """The subschema a `$ref` in `schema` resolves to, or None."""
        try:
            resolver = self.references.resolver_with_root(resource_of(schema.body))
            contents = resolver.lookup(ref).contents
        except referencing.exceptions.Unresolvable:
            return None
        return contents if isinstance(contents, Mapping) else None

    def ref_link(self, schema: EventSchema, page: str, ref: str) -> str | None:
        """A Markdown link from `page` to where the docs describe what `ref` points at."""
        target, fragment = urldefrag(urljoin(schema.id or "", ref))
        if not target or target == schema.id:
            if schema.ref is None:
                return None
            target_ref, target_page = schema.ref, page
        else:
            found = self.by_version_uri.get(target)
            if found is None and target in self.snapshot.by_id:
                found = self.snapshot.by_id[target][-1].ref
            if found is None:
                return None
            target_ref, target_page = found, self.pages_by_id[found.id]
        anchor = version_anchor(target_ref.version)
        definition = re.fullmatch(r"/(?:\$defs|definitions)/([^/]+)", fragment)
        if definition:
            anchor = definition_anchor(target_ref.version, definition.group(1))
        if target_page == page:
            label = definition.group(1) if definition else f"version {target_ref.version}"
            href = f"#{anchor}"
        else:
            label = f"{event_slug(target_ref.id, self.base_url)} {target_ref.version}"
            label += f" → {definition.group(1)}" if definition else ""
            href = f"{posixpath.relpath(target_page, posixpath.dirname(page))}#{anchor}"
        return f"[{plain_html(label)}]({href})"

    def raw_json(self, ref: SchemaRef) -> str | None:
        """The docs-relative path of one version's published JSON, when the site has it."""
        rest = ids.published_path(ref, self.base_url)
        if self.registry_dir is None or rest is None:
            return None
        return f"{self.registry_dir}/{rest}" if self.registry_dir else rest


def render_site(
    snapshot: Snapshot,
    *,
    base_url: str,
    events_dir: str = "events",
    changelog: Mapping[SchemaRef, VersionChanges] | None = None,
    history: Mapping[SchemaRef, FileHistory] | None = None,
    registry_dir: str | None = None,
    image_hosts: Collection[str] = (),
) -> DocsSite:
    """Every page of the events section, below `events_dir`.

    `registry_dir` is where the published registry sits below the docs root (each version at
    `<registry_dir>/<$id below base_url>/<version>.json`); without it pages have no raw-JSON
    links. `changelog` and `history` are keyed by the schema version they describe. Images in
    descriptions load only from the site itself and from `image_hosts`; others become links.
    """
    site = SiteContext(
        snapshot,
        base_url=base_url,
        events_dir=events_dir.strip("/"),
        registry_dir=registry_dir.strip("/") if registry_dir is not None else None,
        changelog=changelog or {},
        history=history or {},
        image_hosts=image_hosts,
    )
    for failure in snapshot.failures:
        error = failure.error
        why = "is not a valid schema" if error.rule in INVALID_RULES else "cannot be read"
        site.problems.append(
            f"{snapshot.display_path(failure.rel_path)}: not documented, it {why} "
            f"([{error.rule}] {error.message})"
        )
    for schema in snapshot.schemas:
        if schema.ref is None:
            site.problems.append(
                f"{snapshot.display_path(schema.rel_path)}: not documented, it has no usable "
                "`$id` and `version` (see `telemetry-registry lint`)"
            )
    groups: dict[str, list[str]] = {}
    for schema_id in snapshot.by_id:
        groups.setdefault(namespace_of(schema_id, base_url), []).append(schema_id)
    pages: list[Page] = []
    namespaces: list[Namespace] = []
    entries: list[EventEntry] = []
    for name in sorted(groups):
        index = site.namespace_page(name)
        ns_entries = [_entry(site, schema_id) for schema_id in groups[name]]
        entries.extend(ns_entries)
        for schema_id in groups[name]:
            page = site.pages_by_id[schema_id]
            pages.append(Page(page, event_markdown(site, schema_id, page)))
        if name:
            pages.append(Page(index, namespace_page(name, index, site.catalogue, ns_entries)))
        events = tuple(site.pages_by_id[schema_id] for schema_id in groups[name])
        namespaces.append(Namespace(name, index, events))
    pages.append(Page(site.catalogue, catalogue_page(site.catalogue, entries)))
    _refuse_collisions(pages)
    return DocsSite(
        pages=tuple(sorted(pages, key=lambda page: page.path)),
        catalogue=site.catalogue,
        namespaces=tuple(namespaces),
        problems=tuple(site.problems),
    )


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def event_slug(schema_id: str, base_url: str) -> str:
    """The event's page path below the events folder: its `$id` below the base URL (as
    `registry.core.ids` maps it), each segment made safe as a file name. An `$id` with no place
    below the base URL, which lint reports, is placed by its host and path."""
    path = ids.below(schema_id, base_url)
    return _safe_path(path if path is not None else schema_id.split("://", 1)[-1])


def namespace_of(schema_id: str, base_url: str) -> str:
    """The event's namespace, `acme/billing` for `<base URL>acme/billing/invoice_paid`, as
    `registry.core.ids` defines it; an `$id` with no place below the base URL is grouped with
    the events whose pages share its folder."""
    namespace = ids.namespace(schema_id, base_url)
    if namespace is None:
        return posixpath.dirname(event_slug(schema_id, base_url))
    return namespace


def _safe_path(path: str) -> str:
    segments = [_UNSAFE.sub("-", part).strip(".") or "-" for part in path.split("/") if part]
    return "/".join(segments) or "-"


def _refuse_collisions(pages: Sequence[Page]) -> None:
    """Two pages that MkDocs would write to one URL (`a/b.md` and `a/b/index.md`)."""
    seen: dict[str, str] = {}
    for page in pages:
        url = page.path.removesuffix(".md").removesuffix("/index").removesuffix("index")
        if url in seen:
            raise DocsError(
                f"{seen[url]} and {page.path} would be published at the same address; an event's "
                "`$id` must not name a namespace of other events"
            )
        seen[url] = page.path


def _entry(site: SiteContext, schema_id: str) -> EventEntry:
    latest = site.snapshot.by_id[schema_id][-1]
    owner = latest.body.get("x-owner")
    namespace = namespace_of(schema_id, site.base_url)
    return EventEntry(
        schema_id=schema_id,
        name=ids.event_name(schema_id),
        title=event_title(latest, schema_id),
        namespace=namespace,
        namespace_page=site.namespace_page(namespace),
        page=site.pages_by_id[schema_id],
        latest=str(latest.version),
        status=lifecycle_status(latest),
        owner=owner if isinstance(owner, str) else "",
        summary=_summary(latest.body.get("description")),
    )


def _summary(description: object) -> str:
    if not isinstance(description, str):
        return ""
    text = " ".join(description.split())
    sentence = re.match(r"(.+?[.!?])(\s|$)", text)
    text = sentence.group(1) if sentence else text
    return markdown_html(text if len(text) <= 200 else text[:197].rstrip() + "…")
