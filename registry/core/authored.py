"""The one rendering policy for text that schema authors write.

Schemas arrive in pull requests from other teams, and the docs site, the published registry and
the review quote what their authors wrote, so author text is data, never markup:

- descriptions keep the Markdown people write (emphasis, code, lists, quotes, links) but no raw
  HTML and no attribute lists; links go only to `http`, `https`, `mailto` and relative targets;
  an image is loaded only from the site itself or a host the caller allows, and is otherwise
  shown as a link to it;
- titles, owners, names and every other field are plain text;
- control characters (a terminal's escape sequences) and bidirectional overrides never pass.

The HTML made here is meant to sit inside a Markdown page that other Markdown extensions still
read: every character of author text other than letters, digits and spaces is written as a
numeric character reference, so no Markdown syntax (attribute lists, links, emphasis, table
pipes) can be formed from it, whatever extensions a site enables. Renderers of other formats
(the review's GitHub Markdown, text reports) start from `plain`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
"""The only schemes an author's link may use; any other target is shown as text."""

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_BLOCK_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
_INVISIBLE = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LETTERS = r"A-Za-z0-9 \u00a0-\ud7ff\ue000-\U0010ffff"
_MARKUP = re.compile(f"[^{_LETTERS}]")
_TEXT_MARKUP = re.compile(f"^[^{_LETTERS}]|[^{_LETTERS}.,/?()';%-]")
_PLAIN_PROSE = re.compile(r"(?:[^-+*_`\[\]<>!\\&~#=|0-9\s][^*_`\[\]<>!\\&~|\n]*)?")
"""Text in which no Markdown construct can start: one line, no emphasis, code, link, HTML,
escape or entity marks, not starting as a list, heading or quote would."""
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_STRIPPED = re.compile(r"[\x00-\x20\x7f]")


def plain(text: str) -> str:
    """One line of plain text: whitespace collapsed, control characters and bidirectional
    overrides gone, so it prints as written in a terminal, a table cell or a heading."""
    text = _INVISIBLE.sub("", _CONTROLS.sub(" ", text))
    return " ".join(text.split())


def inert(text: str, *, attribute: bool = False) -> str:
    """Text as HTML that reads as the text itself to a browser and to any Markdown pass.

    Punctuation that no Markdown syntax of a Python-Markdown site starts mid-line (`.,-/?()';%`)
    stays as it is in text, for readable pages; in an attribute value every character but
    letters, digits and spaces is a reference."""
    return (_MARKUP if attribute else _TEXT_MARKUP).sub(_reference, text)


def _reference(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"&#{65533 if 0xD800 <= code <= 0xDFFF else code};"


def plain_html(text: str) -> str:
    """A plain-text field (a title, an owner, a name) as inert HTML on one line."""
    return inert(plain(text))


def link_target(url: str, *, image: bool = False, image_hosts: Collection[str] = ()) -> bool:
    """Whether an author's link (or, with `image`, an image source) may be followed as written.

    Browsers drop whitespace and control characters inside a scheme, and read a leading `//`
    or `\\\\` as another host, so both are judged on the URL as a browser would read it.
    """
    seen = _STRIPPED.sub("", url).replace("\\", "/")
    scheme = _SCHEME.match(seen)
    if scheme is None:
        if not seen.startswith("//"):
            return True  # relative: the site's own
        host = urlsplit("https:" + seen).hostname
        return not image or (host is not None and host in image_hosts)
    name = scheme.group(1).lower()
    if name not in SAFE_SCHEMES:
        return False
    if not image:
        return True
    host = urlsplit(seen).hostname
    return name != "mailto" and host is not None and host.lower() in image_hosts


def markdown_html(text: str, *, block: bool = False, image_hosts: Collection[str] = ()) -> str:
    """Author Markdown as HTML on one line, by the policy above.

    `block` keeps paragraphs, lists, quotes and code blocks (for a description standing on its
    own); otherwise the text is read as one line of inline Markdown (for a table cell or a note).
    """
    hosts = frozenset(host.lower() for host in image_hosts)
    return _markdown_html(text, block, hosts)


@lru_cache(maxsize=4096)
def _markdown_html(text: str, block: bool, hosts: frozenset[str]) -> str:
    """Kept: every version of an event repeats most of its descriptions."""
    if _PLAIN_PROSE.fullmatch(text) and not (block and "\n" in text.strip()):
        line = inert(plain(text))  # no Markdown in it: what the parser would give, faster
        return f"<p>{line}</p>" if block and line else line
    parser = _parser()
    if block:
        lines = _INVISIBLE.sub("", _BLOCK_CONTROLS.sub(" ", text))
        return _Renderer(hosts).blocks(parser.parse(lines))
    tokens = parser.parseInline(plain(text))
    children = tokens[0].children if tokens else None
    return _Renderer(hosts).inline(children or [])


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")


_BLOCK_TAGS = {
    "paragraph_open": "<p>",
    "paragraph_close": "</p>",
    "bullet_list_open": "<ul>",
    "bullet_list_close": "</ul>",
    "ordered_list_close": "</ol>",
    "list_item_open": "<li>",
    "list_item_close": "</li>",
    "blockquote_open": "<blockquote>",
    "blockquote_close": "</blockquote>",
    "heading_open": "<p><strong>",
    "heading_close": "</strong></p>",
    "hr": "<hr>",
}
_INLINE_TAGS = {
    "em_open": "<em>",
    "em_close": "</em>",
    "strong_open": "<strong>",
    "strong_close": "</strong>",
    "s_open": "<del>",
    "s_close": "</del>",
    "hardbreak": "<br>",
    "softbreak": " ",
}


class _Renderer:
    """Tokens to HTML: only the tags named here; every author character through `inert`."""

    def __init__(self, image_hosts: frozenset[str]) -> None:
        self.image_hosts = image_hosts
        self.links: list[bool] = []

    def blocks(self, tokens: Sequence[Token]) -> str:
        out: list[str] = []
        for token in tokens:
            if token.hidden:
                continue  # the paragraphs of a tight list
            if token.type == "inline":
                out.append(self.inline(token.children or []))
            elif token.type in ("fence", "code_block"):
                code = inert(token.content.rstrip("\n"))
                out.append(f"<pre><code>{code}</code></pre>")
            elif token.type == "ordered_list_open":
                start = token.attrGet("start")
                out.append(f'<ol start="{int(start)}">' if isinstance(start, int) else "<ol>")
            else:
                out.append(_BLOCK_TAGS.get(token.type, ""))
        return "".join(out)

    def inline(self, tokens: Sequence[Token]) -> str:
        out: list[str] = []
        for token in tokens:
            kind = token.type
            if kind == "text":
                out.append(inert(token.content))
            elif kind == "code_inline":
                out.append(f"<code>{inert(token.content)}</code>")
            elif kind == "link_open":
                href = str(token.attrGet("href") or "")
                allowed = link_target(href)
                self.links.append(allowed)
                out.append(f'<a href="{inert(href, attribute=True)}">' if allowed else "")
            elif kind == "link_close":
                out.append("</a>" if self.links and self.links.pop() else "")
            elif kind == "image":
                out.append(self._image(token))
            else:
                out.append(_INLINE_TAGS.get(kind, inert(token.content)))
        return "".join(out)

    def _image(self, token: Token) -> str:
        source = str(token.attrGet("src") or "")
        alt = inert(plain(token.content)) or "image"
        if link_target(source, image=True, image_hosts=self.image_hosts):
            src = inert(source, attribute=True)
            return f'<img src="{src}" alt="{inert(plain(token.content), attribute=True)}">'
        if link_target(source) and not self.links:
            return f'<a href="{inert(source, attribute=True)}">{alt}</a>'
        return alt
