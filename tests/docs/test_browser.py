"""The repository's own docs site in real headless Chromium: a reader's journey from the catalogue
through search, an event's older version and a `$ref` link to the raw JSON it links to.

Uses Debian's chromium through Playwright (`executable_path`); no browser is ever downloaded.
Skipped only when no chromium binary exists. On failure, screenshots of the catalogue and an
event page are saved under test-output/.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from registry.publish.serve import RegistryRequestHandler, make_server, server_url
from tests.docsbuild import build
from tests.paths import PROJECT

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = PROJECT / "test-output"
KERNEL_LIFECYCLE = "https://events.example.org/schemas/jupyter_server/kernel_lifecycle"
DEFINITIONS = "https://events.example.org/schemas/common/definitions"


class QuietHandler(RegistryRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def title(page: Any) -> str:
    """The article's heading, without its permalink sign."""
    text: str = page.locator("article h1").first.inner_text()
    return text.replace("¶", "").strip()


def chromium_path() -> str | None:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository's own site, built strictly and served on 127.0.0.1 like a static host."""
    site = build(PROJECT / "mkdocs.yml", tmp_path_factory.mktemp("browser") / "public")
    server = make_server(site, handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_url(server)
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no chromium binary (Debian: apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@contextmanager
def screenshots_on_failure(browser: Any, site_url: str, name: str) -> Iterator[None]:
    """Re-raise any failure after saving the catalogue and an event page as PNGs."""
    try:
        yield
    except BaseException:
        OUTPUT.mkdir(exist_ok=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        for label, path in (
            ("catalogue", "events/"),
            ("event", "events/jupyter_server/kernel_lifecycle/"),
        ):
            page.goto(site_url + path)
            page.screenshot(path=str(OUTPUT / f"{name}-{label}.png"), full_page=True)
        page.close()
        raise


def scrolled_to(page: Any, element_id: str) -> bool:
    """Wait (up to 5 s, as scrolling may be animated) until the element is in the viewport."""
    script = """id => {
        const element = document.getElementById(id);
        if (!element) return false;
        const top = element.getBoundingClientRect().top;
        return top >= -2 && top < window.innerHeight;
    }"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(script, arg=element_id, timeout=5_000)
    except PlaywrightTimeout:
        return False
    return True


def test_a_reader_finds_an_event_by_search_reads_an_older_version_and_its_raw_json(
    browser: Any, site_url: str
) -> None:
    with screenshots_on_failure(browser, site_url, "journey"):
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(site_url + "events/")
        assert title(page) == "Events"

        # search by a word of the description only (not of the title)
        search = page.locator("input.md-search__input")
        search.click()
        search.press_sequentially("healthy", delay=20)  # typed, as the search box listens to keys
        result = page.locator(".md-search-result__item a").first
        result.wait_for(timeout=10_000)
        assert "Kernel lifecycle" in result.inner_text()
        result.click()
        page.wait_for_url("**/events/jupyter_server/kernel_lifecycle/**")
        assert title(page) == "Kernel lifecycle"
        assert KERNEL_LIFECYCLE in page.locator("article pre").first.inner_text()

        # the version list switches to an older version's permalinked section
        page.locator(".tr-versions a", has_text="1.1.0").first.click()
        page.wait_for_url("**#v1-1-0")
        assert scrolled_to(page, "v1-1-0")

        # a `$ref` in that version's properties leads to the referenced definition
        section = page.locator('[id="v1-1-0-properties"] ~ div table').first
        section.locator("a", has_text="uuid").first.click()
        page.wait_for_url("**/events/common/definitions/#v1-0-0-def-uuid")
        assert title(page) == "Shared definitions"
        assert scrolled_to(page, "v1-0-0-def-uuid")

        # the raw JSON of that version is the published schema
        raw = page.locator('[id="v1-0-0"] ~ p a.tr-raw').first
        href = raw.get_attribute("href")
        assert href is not None and href.endswith("schemas/common/definitions/1.0.0.json")
        with page.expect_navigation():
            raw.click()
        schema = json.loads(page.locator("body").inner_text())
        assert (schema["$id"], schema["version"]) == (DEFINITIONS, "1.0.0")
        page.close()


def test_the_catalogue_filters_to_one_namespace(browser: Any, site_url: str) -> None:
    with screenshots_on_failure(browser, site_url, "filter"):
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(site_url + "events/")
        rows = page.locator("article table tbody tr")
        total = rows.count()
        page.select_option("select[data-tr-filter='namespace']", "extensions")
        shown = [row for row in rows.all() if row.is_visible()]
        assert 0 < len(shown) < total
        assert all(row.locator("td").nth(1).inner_text() == "extensions" for row in shown)
        page.close()
