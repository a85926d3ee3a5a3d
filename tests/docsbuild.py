"""Building docs sites in tests: a fixture tree copied into a temporary git repository, and a real
`mkdocs build --strict` through MkDocs' own API.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.paths import DOCS_FIXTURES, PROJECT

HOOKS = PROJECT / "tools" / "mkdocs_hooks.py"


def copy_tree(name: str, dest: Path, *, commit: bool = True) -> Path:
    """The fixture tree `name` in `dest`, its mkdocs.yml pointing at this checkout's hooks file;
    committed to a new git repository when `commit`."""
    shutil.copytree(DOCS_FIXTURES / name, dest)
    config = dest / "mkdocs.yml"
    config.write_text(config.read_text().replace("HOOKS", str(HOOKS)))
    if commit:
        GitRepo(dest).commit("Add the shop events")
    return dest


def build(config_file: Path, site_dir: Path) -> Path:
    """`mkdocs build --strict` of one configuration into `site_dir`; raises on any warning."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
    mkdocs_build(config)
    return site_dir
