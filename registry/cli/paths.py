"""Paths as the commands show them, and the folders `publish` and `serve` use by default."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from registry.core import ids
from registry.core.config import Settings


def display(path: Path) -> str:
    """A path as a person would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


def project_folder(settings: Settings) -> Path:
    """The folder holding the configuration file, or the current folder without one."""
    source = Path(settings.source)
    return source.parent if source.is_file() else Path.cwd()


def default_site(settings: Settings) -> Path:
    return project_folder(settings) / "public"


def default_publish_dir(settings: Settings) -> Path:
    """`public/<base URL path>`, so that serving `public` answers at the base URL's path."""
    below = unquote(ids.base_path(settings.base_url))
    return default_site(settings) / below if below else default_site(settings)
