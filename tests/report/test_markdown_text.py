"""Author text in the review comment: quoted, never obeyed.

The review is parsed as GitHub would read it (CommonMark with raw HTML and tables, by
markdown-it-py): no image, raw HTML, link or mention may come from what an author wrote, and
nothing may close the report's own `<details>`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from registry.cli import main
from registry.core.authored import plain
from registry.report.markdown_text import code, prose, text
from tests.checks.test_governance import published
from tests.gitrepo import GitRepo

MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
AUTOLINK = re.compile(r"(?i)(https?|ftp)://|\bwww\.|#\d")
PIECES = (
    "<img src=x>", "![i](https://evil.example/x.png)", "[l](https://evil.example)", "@octocat",
    "@org/team", "</details>", "<!--", "-->", "`", "``", "|", "*", "_", "#12", "https://e.x/",
    "www.e.x", "\n", "\n\n", "- ", "1. ", "> ", "<https://e.x>", "\\", "&lt;", "&#60;", "<b>",
    "a@b.co", "~~", "$x$", "[x]: https://e.x", " ", "x",
)  # fmt: skip
author = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=10).map("".join)


def tokens(markdown: str) -> Iterator[Token]:
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    for token in parser.parse(markdown):
        yield token
        yield from token.children or ()


def author_made(markdown: str) -> list[str]:
    """Images, links, raw HTML and mentions a rendering of `markdown` would hold."""
    found = []
    for token in tokens(markdown):
        if token.type in ("image", "link_open", "html_inline", "html_block"):
            found.append(f"{token.type}: {token.content or token.attrs}")
        if token.type == "text" and (
            MENTION.search(token.content) or AUTOLINK.search(token.content)
        ):
            found.append(f"text: {token.content!r}")
    return found


@given(author)
def test_quoted_text_never_makes_markup_a_link_or_a_mention(value: str) -> None:
    assert author_made(text(value)) == []
    assert author_made(f"> [!WARNING]\n> {text(value)}") == []
    assert author_made(prose(f"property `{value}` was removed: {value}")) == []


@given(author, st.booleans())
def test_a_code_span_shows_the_text_whatever_backticks_it_holds(value: str, cell: bool) -> None:
    span = code(value, cell=cell)
    markdown = f"| a |\n| --- |\n| {span} |\n" if cell else span
    codes = [token.content for token in tokens(markdown) if token.type == "code_inline"]
    assert codes == [plain(value) or " "] or codes == [f" {plain(value)} "]


HOSTILE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://events.example.org/schemas/shop/basket_view",
    "version": "2.0.0",
    "title": "Basket view",
    "description": "Recorded when a customer opens their basket.",
    "deprecated": True,
    "x-deprecated-reason": "See ![x](https://evil.example/t.png) <img src=x> @octocat #1 "
    "</details> <!-- the rest is hidden",
    "x-replaced-by": "`` </details><img src=https://evil.example/r.png> `",
    "x-breaking-change": "[click](https://evil.example) @org/team\n\n</details>\n\n<!--",
    "type": "object",
    "required": ["items"],
    "properties": {
        "items": {
            "description": "How many items.",
            "type": "integer",
            "categories": ["unrestricted"],
        },
        "a`</details>`@octocat": {"type": "string", "categories": ["unrestricted"]},
    },
}


def test_the_review_of_hostile_schemas_quotes_them_as_text(
    git_repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo.root)
    repo = published(git_repo, "basket-1.0.0.yaml")
    repo.write("schemas/shop/basket_view/2.0.0.json", json.dumps(HOSTILE))
    repo.commit("A hostile version")
    code_ = main(["--config", str(repo.root / "pyproject.toml"), "review", "--base", "main"])
    markdown = capsys.readouterr().out
    assert code_ in (0, 1)
    assert "octocat" in markdown and "evil.example" in markdown  # quoted, as text
    found = list(tokens(markdown))
    assert [t.type for t in found if t.type in ("image", "link_open")] == []
    own_html = re.compile(
        r"^(<!-- telemetry-registry review -->|<details>|</details>|<sub>|</sub>)"
    )
    html = [t.content.strip() for t in found if t.type in ("html_inline", "html_block")]
    assert [part for part in html if not own_html.match(part)] == []
    assert [part for part in html if "evil" in part or "octocat" in part] == []
    opened = sum(part.count("<details>") for part in html)
    assert opened == sum(part.count("</details>") for part in html) >= 1
    texts = [t.content for t in found if t.type == "text"]
    assert [t for t in texts if MENTION.search(t) or AUTOLINK.search(t)] == []
    codes = [t.content for t in found if t.type == "code_inline"]
    assert any("</details><img" in c for c in codes)  # x-replaced-by, whole, in a code span
