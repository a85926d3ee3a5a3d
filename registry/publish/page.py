"""The page a static host answers a bare `$id` with (`<$id>/index.html`).

Hosts serve `index.html` as `text/html` on the registry's origin, which is also the docs site's,
so the schema's JSON is shown escaped, never as markup: a `<script>` in any string of a schema
is text on this page. The page also forbids every script, style and fetch of its own, so nothing
a schema holds can run or load there even if a host sniffed it otherwise.
"""

from __future__ import annotations

import html

from registry.core.authored import plain

POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'"


def latest_page(schema_id: str, version: str, title: str, data: bytes) -> bytes:
    """A small HTML page: the event's title, where its JSON is, and the JSON itself, escaped."""
    name = html.escape(plain(title) or schema_id)
    body = html.escape(data.decode("utf-8"))
    lines = [
        "<!doctype html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        f"<title>{name}</title></head>",
        f"<body><h1>{name}</h1>",
        f"<p>The latest version ({html.escape(version)}) of <code>{html.escape(schema_id)}</code>,"
        ' also at <a href="latest.json">latest.json</a>:</p>',
        f"<pre>{body}</pre>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(lines).encode("utf-8")
