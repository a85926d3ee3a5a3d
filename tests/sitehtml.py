"""Reading a built site as HTML (with html.parser): ids, links, headings, tables, and a checker
that every internal link of every page resolves to a file and, with a fragment, to an id on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


@dataclass
class Table:
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Heading:
    tag: str
    id: str
    text: str
    tables_before: int


@dataclass
class Link:
    href: str
    text: str
    classes: tuple[str, ...]


@dataclass
class HtmlPage:
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    code_blocks: list[str] = field(default_factory=list)
    text: str = ""

    def heading(self, heading_id: str) -> Heading:
        return next(h for h in self.headings if h.id == heading_id)

    def table_after(self, heading_id: str) -> Table:
        """The first table that follows the heading with this id."""
        return self.tables[self.heading(heading_id).tables_before]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()
        self.stack: list[str] = []
        self.link: Link | None = None
        self.heading: list[str] | None = None
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.in_head = False
        self.code: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "br":
            self.handle_data(" ")
            return
        if values.get("id"):
            self.page.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.link = Link(values["href"], "", tuple(values.get("class", "").split()))
            self.page.links.append(self.link)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = [tag, values.get("id", ""), ""]
        elif tag == "table":
            self.page.tables.append(Table())
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "thead":
            self.in_head = True
        elif tag == "code" and "pre" in self.stack:
            self.code = []
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass
        if tag == "a":
            self.link = None
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.heading is not None:
            text = self.heading[2].replace("¶", "").strip()
            tag, id_ = self.heading[0], self.heading[1]
            self.page.headings.append(Heading(tag, id_, text, len(self.page.tables)))
            self.heading = None
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.page.tables:
            table = self.page.tables[-1]
            if self.in_head:
                table.header = self.row
            else:
                table.rows.append(self.row)
            self.row = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "code" and self.code is not None:
            self.page.code_blocks.append("".join(self.code))
            self.code = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.link is not None:
            self.link.text += data
        if self.heading is not None:
            self.heading[2] += data
        if self.cell is not None:
            self.cell.append(data)
        if self.code is not None:
            self.code.append(data)


def read_page(path: Path) -> HtmlPage:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    reader.page.text = " ".join("".join(reader.text).split())
    return reader.page


def page_of(site: Path, url_path: str) -> HtmlPage:
    """The page MkDocs wrote for a site-relative URL such as `events/shop/checkout/`."""
    return read_page(file_for(site, url_path))


def file_for(site: Path, url_path: str) -> Path:
    target = site / unquote(url_path)
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def broken_links(site: Path) -> list[str]:
    """Every internal link in every HTML page of `site` that names no file or no id."""
    broken: list[str] = []
    pages: dict[Path, HtmlPage] = {}

    def load(path: Path) -> HtmlPage:
        if path not in pages:
            pages[path] = read_page(path)
        return pages[path]

    for html_file in sorted(site.rglob("*.html")):
        relative = html_file.relative_to(site).as_posix()
        if not _is_page(html_file):
            continue
        for link in load(html_file).links:
            parts = urlsplit(link.href)
            if parts.scheme or parts.netloc or link.href.startswith("mailto:"):
                continue
            target_url = urljoin("/" + relative, parts.path) if parts.path else "/" + relative
            target = file_for(site, target_url.lstrip("/"))
            if not target.is_file():
                broken.append(f"{relative}: {link.href} (no file {target.relative_to(site)})")
                continue
            if (
                parts.fragment
                and target.suffix == ".html"
                and _is_page(target)
                and unquote(parts.fragment) not in load(target).ids
            ):
                broken.append(f"{relative}: {link.href} (no id #{parts.fragment})")
    return broken


def _is_page(path: Path) -> bool:
    """An HTML page, not a published schema served as the folder's index.html."""
    with path.open("rb") as handle:
        return handle.read(64).lstrip().lower().startswith(b"<!doctype html")
