"""What "author text is data" means in HTML, checked on a page as a browser would parse it.

A page built from hostile schemas may hold the theme's own scripts and markup, but nothing an
author wrote may become an event-handler attribute, a `javascript:` (or other non-web) URL, a
script, frame or object, or an image loaded from another host.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

MARKER = "PWNED"
"""Every hostile string in the fixtures carries it, so the theme's own scripts are told apart."""

URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "srcset"})
ACTIVE_TAGS = frozenset({"iframe", "frame", "object", "embed", "applet", "base", "meta"})
_STRIPPED = re.compile(r"[\x00-\x20\x7f]")


class _Collector(HTMLParser):
    def __init__(self, own_host: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.own_host = own_host
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value is not None:
                seen = _STRIPPED.sub("", value).lower()
                scheme = seen.split(":", 1)[0] if re.match(r"^[a-z][a-z0-9+.-]*:", seen) else ""
                if scheme not in ("", "http", "https", "mailto"):
                    self.problems.append(f"<{tag} {name}={value!r}>")
                host = urlsplit(seen if scheme else "https:" + seen).hostname
                outside = (scheme or seen.startswith("//")) and host != self.own_host
                if tag == "img" and name == "src" and outside:
                    self.problems.append(f"<img src={value!r}> loads from another host")
        if tag in ACTIVE_TAGS and not (tag == "meta" and _is_plain_meta(attrs)):
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            self._in_script = True
            if MARKER in str(dict(attrs)):
                self.problems.append(f"<script {attrs}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and MARKER in data:
            self.problems.append(f"script text {data[:80]!r}")


def _is_plain_meta(attrs: list[tuple[str, str | None]]) -> bool:
    """The theme's and our own meta tags: no refresh (a redirect an author could aim)."""
    names = dict(attrs)
    return (names.get("http-equiv") or "").lower() != "refresh"


def markup_problems(html: str, *, own_host: str | None = None) -> list[str]:
    """Every author-made markup the page holds; empty when the page is safe."""
    collector = _Collector(own_host)
    collector.feed(html)
    collector.close()
    return collector.problems
