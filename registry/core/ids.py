"""The one mapping between an event's `$id`, its folder in the tree, its namespace and its URLs.

For the base URL `https://events.example.org/schemas/` and the `$id`
`https://events.example.org/schemas/acme/billing/invoice_paid`:

- the path below the base URL is `acme/billing/invoice_paid`;
- the namespace is everything before the last segment, `acme/billing` (empty for an event
  directly below the base URL): a namespace is a folder of the tree, so review, docs and publish
  all mean the same thing by it;
- the event name is the last segment, `invoice_paid`;
- version 1.2.0 lives in the tree at `acme/billing/invoice_paid/1.2.0.yaml` below the schema root,
  is published at `acme/billing/invoice_paid/1.2.0.json` below the registry's root, and its
  version URI is `<$id>/1.2.0.json`; the latest version is also published at
  `acme/billing/invoice_paid/latest.json` and `.../index.html`, which answers the bare `$id`.

An `$id` that is not well formed (`id_problem`) or not below the base URL has no place in any of
these: every function here answers None for it, so no caller can place it differently. Nothing
here does I/O.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from registry.core.model import SchemaRef

__all__ = [
    "FOLDER_INDEX_FILE",
    "LATEST_FILE",
    "base_path",
    "below",
    "event_name",
    "id_for_tree_path",
    "id_problem",
    "latest_paths",
    "namespace",
    "published_path",
    "split_version_uri",
    "tree_path",
    "version_uri",
    "within",
]

LATEST_FILE = "latest.json"
FOLDER_INDEX_FILE = "index.html"
"""Static hosts answer `<$id>/` (and redirect the bare `<$id>` there) with this file."""

_UNSPEAKABLE = re.compile(r"[\x00-\x20\x7f]")
"""Whitespace and control characters: no URI holds them, and URL parsers silently drop some."""


def id_problem(uri: str) -> str:
    """Why `uri` cannot be an event's `$id` (a phrase to follow the `$id`), or "" when it can.

    An `$id` is an absolute http(s) URI whose path segments each name one folder: no query or
    fragment, no empty, `.` or `..` segment (percent-encoded or not), no segment decoding to
    `/`, `\\` or NUL, and no trailing slash.
    """
    if _UNSPEAKABLE.search(uri):
        return "has whitespace or a control character"
    try:
        parts = urlsplit(uri)
    except ValueError:  # e.g. an unclosed `[` in the host
        return "is not an absolute http(s) URI"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "is not an absolute http(s) URI"
    if parts.query or parts.fragment or "?" in uri or "#" in uri:
        return "has a query or fragment"
    segments = parts.path.split("/")[1:]
    decoded = [unquote(segment) for segment in segments]
    if any(segment in (".", "..") for segment in decoded):
        return "has a `.` or `..` segment (perhaps percent-encoded)"
    if any(char in segment for segment in decoded for char in "/\\\x00"):
        return "has a segment that decodes to `/`, `\\` or NUL"
    if uri.endswith("/"):
        return "ends with a slash"
    if any(segment == "" for segment in segments):
        return "has an empty path segment"
    return ""


def within(uri: str, base_url: str) -> bool:
    """Whether `uri` is in the registry's URL space (the base URL or anything below it), the
    only place a `$ref` may point to and a schema may be retrieved from."""
    return bool(base_url) and uri.startswith(_folder(base_url))


def below(uri: str, base_url: str) -> str | None:
    """The path of `uri` below the base URL (`acme/billing/invoice_paid`, or a version's
    `acme/billing/invoice_paid/1.2.0.json`); None when `uri` is outside it, is the base URL
    itself, or is not well formed."""
    prefix = _folder(base_url)
    if not within(uri, base_url) or len(uri) == len(prefix) or id_problem(uri):
        return None
    return uri[len(prefix) :]


def namespace(schema_id: str, base_url: str) -> str | None:
    """The folder of the event below the base URL (`acme/billing`), "" for an event directly
    below it; None for an `$id` that has no place in the registry."""
    path = below(schema_id, base_url)
    return None if path is None else posixpath.dirname(path)


def event_name(schema_id: str) -> str:
    """The last segment of the `$id`: `invoice_paid`."""
    return schema_id.rstrip("/").rsplit("/", 1)[-1]


def version_uri(ref: SchemaRef) -> str:
    """The URI of one version: where publishing puts it, and what a pinned `$ref` names."""
    return f"{ref.id.rstrip('/')}/{ref.version}.json"


def split_version_uri(uri: str) -> tuple[str, str] | None:
    """The `$id` and version text a version URI `<$id>/<version>.json` names (the version may
    be `latest`); None for any other URI."""
    schema_id, _, name = uri.rpartition("/")
    if not schema_id or not name.endswith(".json") or name == ".json":
        return None
    return schema_id, name.removesuffix(".json")


def tree_path(ref: SchemaRef, base_url: str, suffix: str = ".yaml") -> PurePosixPath | None:
    """Where one version's file belongs below the schema root:
    `<namespace>/<event>/<version>.yaml` (or the `suffix` given)."""
    path = below(ref.id, base_url)
    return None if path is None else PurePosixPath(path, f"{ref.version}{suffix}")


def id_for_tree_path(rel_path: PurePosixPath, base_url: str) -> str | None:
    """The `$id` a file at `rel_path` (below the schema root) must declare; None when no `$id`
    can place a file there (directly in the root, or a folder no `$id` can name)."""
    folder = rel_path.parent.as_posix()
    if folder == ".":
        return None
    schema_id = _folder(base_url) + folder
    return schema_id if below(schema_id, base_url) == folder else None


def published_path(ref: SchemaRef, base_url: str) -> str | None:
    """Where one version is published, as a URL path below the registry's root:
    `<namespace>/<event>/<version>.json` (its version URI below the base URL)."""
    if below(ref.id, base_url) is None:
        return None
    return below(version_uri(ref), base_url)


def latest_paths(schema_id: str, base_url: str) -> tuple[str, str] | None:
    """Where an event's latest version is published again (URL paths below the registry's root):
    `<$id path>/latest.json`, and `<$id path>/index.html`, which static hosts serve for the
    bare `$id`."""
    path = below(schema_id, base_url)
    return None if path is None else (f"{path}/{LATEST_FILE}", f"{path}/{FOLDER_INDEX_FILE}")


def _folder(base_url: str) -> str:
    """The base URL as the folder it names: with its final slash."""
    return base_url if base_url.endswith("/") else base_url + "/"


def base_path(base_url: str) -> str:
    """The URL path of the base URL without its slashes (`schemas`), where a site serving the
    registry beside other pages puts it; "" when the registry is served at the host's root."""
    return urlsplit(base_url).path.strip("/")
