"""A site built from hostile schemas runs nothing their authors wrote.

The `hostile` fixture puts script, event handlers, `javascript:` links, attribute lists, raw HTML
and outside images in every field an author controls (title, description, owner, comments,
property and definition names, categories, enums, patterns, examples, replacements, commit
subjects). A real `mkdocs build --strict` of it must give pages, a search index and a published
registry with none of that as markup, and real headless Chromium loading them must never see a
dialog or a request to another host.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.docs.site import render_site
from registry.publish.serve import RegistryRequestHandler, make_server, server_url
from registry.sources.files import read_schema
from registry.sources.snapshot import Snapshot
from tests.docs.test_browser import browser, chromium_path  # noqa: F401 - the fixture
from tests.docsbuild import build, copy_tree
from tests.gitrepo import GitRepo
from tests.hostile import MARKER, markup_problems

EVIL_TITLE = "</title><script>alert('PWNED-title')</script>"
PAGES = ("events/", "events/shop/", "events/shop/evil/", "events/shop/plain/")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    tree = copy_tree("hostile", root / "tree")
    plain = tree / "schemas/shop/plain/1.0.0.json"
    plain.write_text(plain.read_text().replace("Links that stay", "Links that still stay"))
    GitRepo(tree).commit("<script>alert('PWNED-commit')</script> [x](javascript:alert(1))")
    return build(tree / "mkdocs.yml", root / "site")


def test_no_page_holds_markup_an_author_wrote(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 5
    problems = {
        str(page.relative_to(site)): found
        for page in pages
        if (found := markup_problems(page.read_text(encoding="utf-8")))
    }
    assert problems == {}
    evil = (site / "events/shop/evil/index.html").read_text(encoding="utf-8")
    assert evil.count(MARKER) > 20  # the hostile text is there, as text


def test_the_page_title_survives_the_themes_filters_as_text(site: Path) -> None:
    page = (site / "events/shop/evil/index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert html.unescape(title.group(1)) == f"{EVIL_TITLE} - Hostile events"
    assert "<script>alert" not in page


def test_the_search_index_holds_author_text_only_as_text(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    texts = [doc["title"] + " " + doc["text"] for doc in index["docs"]]
    assert any(MARKER in text for text in texts)
    assert [problem for text in texts for problem in markup_problems(text)] == []


def article(site: Path, path: str) -> str:
    """The article of a built page, its character references read as a browser reads them."""
    page = (site / path / "index.html").read_text(encoding="utf-8")
    return html.unescape(page.split("<article", 1)[1].split("</article>", 1)[0])


def test_links_and_images_follow_the_policy(site: Path) -> None:
    plain = article(site, "events/shop/plain")
    assert '<a href="https://example.org/docs">docs</a>' in plain
    assert '<a href="mailto:a@example.org">mail</a>' in plain
    assert '<a href="../evil/">page</a>' in plain
    assert '<img src="../../assets/x.png" alt="local">' in plain
    evil = article(site, "events/shop/evil")
    assert '<a href="https://tracker.example.net/PWNED.png">tracker</a>' in evil
    assert "<img" not in evil.replace("<img src=x", "")


def test_the_published_page_of_an_id_shows_the_schema_as_text(site: Path) -> None:
    page = (site / "schemas/shop/evil/index.html").read_text(encoding="utf-8")
    assert markup_problems(page) == []
    shown = html.unescape(page.split("<pre>", 1)[1].split("</pre>", 1)[0])
    assert json.loads(shown) == json.loads((site / "schemas/shop/evil/latest.json").read_text())


POKE = """() => document.querySelectorAll('article *').forEach(element =>
    ['mouseover', 'mouseenter', 'focus', 'toggle', 'load', 'error'].forEach(
        kind => element.dispatchEvent(new Event(kind))))"""
"""What a reader's pointer, focus and the page's own loading would do to every element."""


class QuietHandler(RegistryRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    server = make_server(site, handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_url(server)
    server.shutdown()
    server.server_close()
    thread.join()


def test_chromium_runs_nothing_from_the_hostile_pages(browser: Any, site_url: str) -> None:  # noqa: F811
    dialogs: list[str] = []
    elsewhere: list[str] = []
    page = browser.new_page(viewport={"width": 1366, "height": 900})

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "request",
        lambda request: None if request.url.startswith(site_url) else elsewhere.append(request.url),
    )
    handlers = """() => [...document.querySelectorAll('*')].flatMap(
        element => [...element.attributes].filter(a => a.name.startsWith('on'))
            .map(a => element.tagName + ' ' + a.name))"""
    for path in (*PAGES, "schemas/shop/evil/"):
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        page.evaluate(POKE)
        assert page.evaluate(handlers) == [], path
    page.goto(site_url + "events/")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("plain", delay=20)  # its results quote the hostile catalogue
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    assert page.evaluate(handlers) == []
    page.close()
    assert dialogs == []
    assert [url for url in elsewhere if not url.startswith("data:")] == []


FRAGMENTS = (
    "<script>", "</script>", "<img src=x onerror=alert(1)>", '{: onclick="alert(1)" }', "{:",
    "}", "**", "*", "_", "`", "``", "[", "]", "(", ")", "![", "javascript:", "JaVaScRiPt:",
    "java\tscript:", "data:text/html,", "vbscript:", "<", ">", '"', "'", "&", "&#106;", "&lt;",
    "\n", "\n\n", "    ", "- ", "1. ", "> ", "# ", "|", "\\", "<!--", "-->", "</title>",
    "</div>", "<div markdown>", ":", "@", "x", " ", "onfocus=", "autofocus", "<a href=",
    "</details>", "```", "~~~", "]: ", "<svg/onload=alert(1)>", "%0a", "\x00", "\u202e",
)  # fmt: skip
author_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=3)), max_size=12).map(
    "".join
)


def _page_html(markdown_text: str) -> tuple[str, dict[str, Any]]:
    """A generated page as MkDocs turns it into HTML: front matter apart, the same extensions."""
    import markdown
    from mkdocs.utils.meta import get_data

    from registry.mkdocs_plugin import MARKDOWN_EXTENSIONS

    body, meta = get_data(markdown_text)
    extensions = ["toc", "tables", "fenced_code", *MARKDOWN_EXTENSIONS]
    return markdown.markdown(body, extensions=extensions), meta


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=author_text,
    description=author_text,
    owner=author_text,
    comment=author_text,
    name=author_text,
    category=author_text,
    value=author_text,
)
def test_random_author_text_never_becomes_markup(
    title: str, description: str, owner: str, comment: str, name: str, category: str, value: str
) -> None:
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://registry.example.com/schemas/shop/any",
        "version": "1.0.0",
        "title": title,
        "description": description,
        "x-owner": owner,
        "$comment": comment,
        "x-breaking-change": comment,
        "deprecated": True,
        "x-replaced-by": value,
        "type": "object",
        "properties": {
            name: {"description": description, "categories": [category], "enum": [value]}
        },
    }
    data = json.dumps(body).encode()
    schema = read_schema(PurePosixPath("shop/any/1.0.0.json"), data, max_bytes=len(data))
    snapshot = Snapshot(root="schemas", schemas=(schema,))
    assert snapshot.failures == ()
    site = render_site(snapshot, base_url="https://registry.example.com/schemas/")
    for page in site.pages:
        rendered, meta = _page_html(page.markdown)
        assert markup_problems(rendered) == [], page.path
        assert "<script" not in rendered.lower()
        assert not set(str(meta.get("title", ""))) & set('<>"'), page.path
