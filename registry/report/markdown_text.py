"""Author text quoted in GitHub-flavoured Markdown (the review comment), by the policy of
`registry.core.authored`: what a schema's author wrote is shown, never obeyed.

- `code` puts text in a code span no backtick can end, with table pipes escaped in a cell;
- `text` is plain prose: every mark that starts Markdown is backslash-escaped (and at the start
  of a line, what starts a list or heading), so no link, image, emphasis, raw HTML, comment
  (`<!--`) or closing tag (`</details>`) can be formed, and a
  zero-width space keeps `@name` from notifying anyone, `#12` from linking an issue and bare
  URLs from becoming links (it is what the review's blockquotes hold);
- `prose` is one of our sentences that quotes author values in code spans: its code spans stay
  code, everything between them is `text`;
- `html_code` is text for a `<code>` element inside the comment's own HTML (`<summary>`).
"""

from __future__ import annotations

import html
import re

from registry.core.authored import plain

ZERO_WIDTH = "\u200b"
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#!|<>~&@$^])")
_LINE_START = re.compile(r"^(\s*[-+=]|\s*\d+(?=[.)]))")
_REFERENCES = re.compile(r"(?i)(@|#(?=\d)|:/(?=/)|\bwww(?=\.)|\bgh-(?=\d))")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def code(value: str, *, cell: bool = False) -> str:
    """A code span showing `value` on one line; `cell` when it stands in a table cell."""
    content = plain(value)
    if not content:
        return "` `"
    fence = "`" * (max((len(run) for run in re.findall("`+", content)), default=0) + 1)
    if content.startswith("`") or content.endswith("`"):
        content = f" {content} "
    if cell:
        content = content.replace("|", "\\|")
    return f"{fence}{content}{fence}"


def text(value: str) -> str:
    """Author prose as one line of inert Markdown."""
    return _inert(plain(value), line_start=True)


def _inert(segment: str, *, line_start: bool) -> str:
    """Escapes what starts Markdown anywhere in a line, and at its start what starts a block."""
    defanged = _REFERENCES.sub(lambda match: match.group(0) + ZERO_WIDTH, segment)
    escaped = _PUNCTUATION.sub(r"\\\1", defanged)
    if line_start:
        escaped = _LINE_START.sub(_escape_last, escaped)
    return escaped


def _escape_last(match: re.Match[str]) -> str:
    """`- x` as `\\- x`, `1. x` as `1\\. x`: a list marker escaped."""
    marker = match.group(1)
    if marker.rstrip()[-1:].isdigit():
        return marker + "\\"
    return marker[:-1] + "\\" + marker[-1]


def prose(sentence: str) -> str:
    """One of our sentences, whose code spans quote author values: the spans stay code (a
    code span shows its content literally), the words between them are inert."""
    line = plain(sentence)
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(line):
        out.append(_inert(line[last : match.start()], line_start=last == 0))
        out.append(code(match.group(2)))
        last = match.end()
    out.append(_inert(line[last:], line_start=last == 0))
    return "".join(out)


def html_code(value: str) -> str:
    """Text inside a `<code>` element of the comment's own HTML."""
    return f"<code>{html.escape(plain(value))}</code>"
