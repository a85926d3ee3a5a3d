"""The MkDocs adapter: hands the pages of `registry.docs` and the published registry to MkDocs.

A schema repository that installs `telemetry-registry[docs]` adds one line to its `mkdocs.yml`
(under `plugins:`, beside `search`): `- telemetry-registry`. At build time the plugin reads the
registry's settings (the `[tool.telemetry-registry]` table of the pyproject.toml nearest to
mkdocs.yml), loads the schema tree, and adds, without writing into the docs folder:

- the catalogue, a page per namespace and a page per event, below `events_dir`;
- the rules page (`rules_page`), from the lint rules and their configured severities;
- the published registry (index.json and every version at `<$id>/<version>.json`), at the path
  of the base URL below the site URL, so that one static deploy serves the docs and the
  registry and each page's raw-JSON link points at it;
- a small stylesheet and script (badges, the catalogue's namespace filter).

Authored examples that their schema rejects are logged as warnings, so `mkdocs build --strict`
fails on them. A schema file that cannot be read, or is not a valid schema, stops the build
through MkDocs' own error path (a PluginError listing each finding on a line of its own).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from registry.core import ids
from registry.core.authored import plain_html
from registry.core.config import ConfigError, Settings, load_settings
from registry.core.index import disk_path
from registry.docs.changes import changelog
from registry.docs.site import DocsError, DocsSite, render_site
from registry.sources.snapshot import Snapshot
from registry.sources.tree import load_folder

if TYPE_CHECKING:
    from registry.core.model import SchemaRef
    from registry.sources.history import FileHistory

log = logging.getLogger("mkdocs.plugins.telemetry-registry")

ASSETS = {"assets/telemetry-registry/site.css": "docs-site.css"}
SCRIPTS = {"assets/telemetry-registry/site.js": "docs-site.js"}
MARKDOWN_EXTENSIONS = (
    "attr_list",
    "md_in_html",
    "admonition",
    "tables",
    "toc",
    "pymdownx.highlight",
    "pymdownx.superfences",
    "pymdownx.details",
)


class RegistryPluginConfig(Config):  # type: ignore[no-untyped-call]
    config = c.Optional(c.Type(str))
    """The registry's settings file (pyproject.toml or TOML), relative to mkdocs.yml."""
    events_dir = c.Type(str, default="events")
    rules_page = c.Type(str, default="rules.md")
    """Where the rules page goes; an empty string leaves it out."""
    registry = c.Type(bool, default=True)
    """Copy the published registry into the site and link each version's raw JSON."""
    registry_dir = c.Optional(c.Type(str))
    """Where the registry goes below the site root; default: the base URL below the site URL."""
    history = c.Type(bool, default=True)
    """Show each version's git history when the schema tree is in a git repository."""
    changelog = c.Type(bool, default=True)
    """Show each version's changes from the one before, from the compatibility engine."""
    image_hosts = c.ListOfItems(c.Type(str), default=[])
    """Hosts that images in schema descriptions may load from; others are shown as links."""


class RegistryPlugin(BasePlugin[RegistryPluginConfig]):  # type: ignore[no-untyped-call]
    """Generates the events section, the rules page and the registry at build time."""

    settings: Settings = Settings()
    site: DocsSite | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        folder = Path(config.config_file_path or ".").resolve().parent
        try:
            if self.config.config:
                self.settings = load_settings(folder / self.config.config)
            else:
                self.settings = load_settings(start=folder)
        except ConfigError as error:
            raise PluginError(f"telemetry-registry: {error}") from None
        for extension in MARKDOWN_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        config.extra_css.extend(path for path in ASSETS if path not in config.extra_css)
        config.extra_javascript.extend(
            path for path in SCRIPTS if path not in config.extra_javascript
        )
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        settings = self.settings
        snapshot = load_folder(
            settings.schema_root, max_bytes=settings.max_file_bytes, display=_shown(settings)
        )
        if snapshot.failures:
            raise PluginError(unusable_files(snapshot))
        registry_files: dict[str, bytes] = {}
        registry_dir = None
        if self.config.registry:
            registry_files, registry_dir = self._registry(snapshot, config)
        try:
            site = render_site(
                snapshot,
                base_url=settings.base_url,
                events_dir=self.config.events_dir,
                history=self._history(snapshot) if self.config.history else None,
                changelog=changelog(snapshot, settings) if self.config.changelog else None,
                registry_dir=registry_dir,
                image_hosts=self.config.image_hosts,
            )
        except DocsError as error:
            raise PluginError(f"telemetry-registry: {error}") from None
        self.site = site
        for problem in site.problems:
            log.warning(problem)
        generated: list[tuple[str, str | bytes, InclusionLevel]] = []
        for page in site.pages:
            shown = page.path == site.catalogue
            level = InclusionLevel.UNDEFINED if shown else InclusionLevel.NOT_IN_NAV
            generated.append((page.path, page.markdown, level))
        if self.config.rules_page:
            generated.append(
                (self.config.rules_page, rules_markdown(settings), InclusionLevel.UNDEFINED)
            )
        for path, asset in _assets():
            generated.append((path, asset, InclusionLevel.UNDEFINED))
        prefix = f"{registry_dir}/" if registry_dir else ""
        for url_path, data in registry_files.items():
            generated.append((f"{prefix}{disk_path(url_path)}", data, InclusionLevel.UNDEFINED))
        written = {file.dest_uri: file.src_uri for file in files}
        for path, content, level in generated:
            if files.get_file_from_path(path) is not None:
                raise PluginError(
                    f"telemetry-registry: {path} is in the docs folder and would be replaced by a "
                    "generated file; move it, or change events_dir, rules_page or registry_dir"
                )
            file = File.generated(config, path, content=content, inclusion=level)
            if file.dest_uri in written:
                raise PluginError(
                    f"telemetry-registry: {path} and {written[file.dest_uri]} would both be "
                    f"written to {file.dest_uri}; give the registry and the events section "
                    "different folders (registry_dir, events_dir)"
                )
            written[file.dest_uri] = path
            files.append(file)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self.site is None:
            return nav
        section = _events_section(self.site, files, config)
        generated = {page.path for page in self.site.pages}
        items, placed = _replace(nav.items, section, generated, self.site.catalogue)
        if not placed:
            items.append(section)
        return _navigation(items)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        server.watch(str(self.settings.schema_root))
        return server

    def _registry(self, snapshot: Snapshot, config: MkDocsConfig) -> tuple[dict[str, bytes], str]:
        from registry.publish.writer import PublishError, render_registry

        try:
            files = render_registry(snapshot, self.settings.base_url)
        except PublishError as error:
            raise PluginError(f"telemetry-registry: {error}") from None
        return files, self._registry_dir(config)

    def _registry_dir(self, config: MkDocsConfig) -> str:
        """Where the registry goes below the site root: the base URL below the site URL, or,
        when the site is served elsewhere, the base URL's own path."""
        if self.config.registry_dir is not None:
            return self.config.registry_dir.strip("/")
        base_url, site_url = self.settings.base_url.rstrip("/"), (config.site_url or "").rstrip("/")
        if site_url and base_url == site_url:
            return ""
        inside = ids.below(base_url, site_url) if site_url else None
        return inside if inside is not None else ids.base_path(base_url)

    def _history(self, snapshot: Snapshot) -> dict[SchemaRef, FileHistory] | None:
        """Each version's git history; none outside a repository, before the first commit, or
        without git, which the site then simply does not show."""
        try:
            from registry.sources.git import GitSourceError, open_repo
            from registry.sources.history import schema_history
        except ImportError as error:  # gitpython is absent, or cannot find a git executable
            log.info(f"telemetry-registry: no version history (git is unavailable: {error})")
            return None
        try:
            repo = open_repo(self.settings.schema_root)
            try:
                return schema_history(repo, self.settings)
            finally:
                repo.close()
        except GitSourceError as error:
            log.info(f"telemetry-registry: no version history ({error})")
            return None


def unusable_files(snapshot: Snapshot) -> str:
    """MkDocs' error for a tree holding files that are not schemas: one line per finding."""
    lines = [
        f"{snapshot.display_path(failure.rel_path)}:{error.line or 1}: [{error.rule}] "
        f"{error.message}; {error.hint}"
        for failure in sorted(snapshot.failures, key=lambda failure: failure.rel_path)
        for error in sorted(failure.errors, key=lambda error: error.line or 0)
    ]
    count = len(snapshot.failures)
    head = (
        f"telemetry-registry: {count} schema file{'s' if count != 1 else ''} cannot be read "
        "as a schema, so the site is not built (`telemetry-registry lint` lists the same):"
    )
    return "\n".join([head, *lines])


def _shown(settings: Settings) -> str:
    try:
        return str(settings.schema_root.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(settings.schema_root)


def _assets() -> Iterator[tuple[str, bytes]]:
    data = resources.files("registry").joinpath("data")
    for path, name in {**ASSETS, **SCRIPTS}.items():
        yield path, data.joinpath(name).read_bytes()


def rules_markdown(settings: Settings) -> str:
    from registry.report.findings import render_rules

    return (
        "# Schema rules\n\n"
        "Every schema file is checked against these rules by `telemetry-registry lint`, in "
        "review and before publishing. Each rule has a stable id; its severity can be set to "
        "`error`, `warning` or `off` in the `[tool.telemetry-registry.rules]` table. The "
        "severities below are this registry's.\n\n" + render_rules(settings, "markdown")
    )


def _events_section(site: DocsSite, files: Files, config: MkDocsConfig) -> Section:
    def page(path: str) -> Page:
        file = files.get_file_from_path(path)
        assert file is not None
        return file.page if isinstance(file.page, Page) else Page(None, file, config)

    children: list[Any] = [page(site.catalogue)]
    for namespace in site.namespaces:
        events = [page(path) for path in namespace.events]
        if namespace.name:
            children.append(Section(plain_html(namespace.name), [page(namespace.index), *events]))
        else:
            children.extend(events)
    return Section("Events", children)


def _replace(
    items: list[Any], section: Section, generated: set[str], catalogue: str
) -> tuple[list[Any], bool]:
    """Put the events section where the catalogue (or a section of only generated pages) was."""
    result: list[Any] = []
    placed = False
    for item in items:
        if not placed and _is_events_item(item, generated, catalogue):
            result.append(section)
            placed = True
        elif isinstance(item, Section):
            item.children, inner = _replace(item.children, section, generated, catalogue)
            placed = placed or inner
            result.append(item)
        else:
            result.append(item)
    return result, placed


def _is_events_item(item: Any, generated: set[str], catalogue: str) -> bool:
    if isinstance(item, Page):
        return item.file.src_uri == catalogue
    if isinstance(item, Section):
        pages = list(_pages(item.children))
        return bool(pages) and all(page.file.src_uri in generated for page in pages)
    return False


def _pages(items: list[Any]) -> Iterator[Page]:
    for item in items:
        if isinstance(item, Page):
            yield item
        elif isinstance(item, Section):
            yield from _pages(item.children)


def _navigation(items: list[Any]) -> Navigation:
    """A Navigation with parent, previous and next links set, as MkDocs builds its own."""

    def link_parents(children: list[Any], parent: Section | None) -> None:
        for child in children:
            child.parent = parent
            if isinstance(child, Section):
                link_parents(child.children, child)

    link_parents(items, None)
    pages = list(_pages(items))
    for index, page in enumerate(pages):
        page.previous_page = pages[index - 1] if index else None
        page.next_page = pages[index + 1] if index + 1 < len(pages) else None
    return Navigation(items, pages)


def hooks() -> dict[str, Callable[..., Any]]:
    """The plugin's events as MkDocs `hooks:` functions, with the plugin's default options.

    For a repository that builds its site from a checkout where the package is importable but
    not installed (so its plugin entry point is not registered): a hooks file says
    `globals().update(hooks())`.
    """
    plugin = RegistryPlugin()
    errors, _warnings = plugin.load_config({})
    assert not errors, errors
    return {
        "on_config": plugin.on_config,
        "on_files": plugin.on_files,
        "on_nav": plugin.on_nav,
        "on_serve": plugin.on_serve,
    }
