"""Docs site build time on the iglu-central corpus, beside bare mkdocs-material builds.

Usage: python tools/bench/docs.py [--corpus ../shared/corpora/iglu-central] [--rounds 3]

Imports the corpus (as `telemetry-registry import-iglu` does) and runs, in the same run, each as
`python -m mkdocs build` with the same theme, features (navigation.prune) and extensions:

- registry: the schema tree with the telemetry-registry plugin (through this checkout's hooks
  file): every page generated, examples validated, changelogs from the compatibility engine, the
  published registry copied in (the tree is not a git repository, so no history is read);
- bare, plain pages: the same number of pages at the same paths, each a title and one sentence;
- bare, same Markdown: the plugin's generated pages written as plain files, built without the
  plugin, so the difference is what the plugin itself costs.

Prints the best of --rounds times of each (the builds take turns, start-up included): wall clock,
and CPU time (user + system), which other work on the machine disturbs less; then the HTML page
counts and the size of each output (files, bytes).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from registry.core.config import Settings
from registry.docs.site import render_site
from registry.mkdocs_plugin import rules_markdown
from registry.sources.iglu import import_iglu
from registry.sources.tree import load_folder

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpora" / "iglu-central"
HOOKS = PROJECT / "tools" / "mkdocs_hooks.py"
THEME = """\
site_name: {name}
site_url: https://events.example.org/
theme:
  name: material
  font: false
  features:
    - navigation.instant
    - navigation.indexes
    - navigation.prune
    - content.code.copy
plugins:
  - search
markdown_extensions:
  - attr_list
  - md_in_html
  - admonition
  - tables
  - toc
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.details
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        registry = root / "registry"
        import_iglu(args.corpus, registry / "schemas", Settings().base_url)
        snapshot = load_folder(registry / "schemas")
        versions = sum(len(group) for group in snapshot.by_id.values())
        print(f"corpus: {args.corpus} -> {len(snapshot.by_id)} events, {versions} versions")
        (registry / "pyproject.toml").write_text(
            f'[tool.telemetry-registry]\nbase-url = "{Settings().base_url}"\n'
        )
        write_docs(registry / "docs", {"index.md": "# Iglu Central\n\nEvery event.\n"})
        (registry / "mkdocs.yml").write_text(
            THEME.format(name="Iglu Central events") + f"hooks:\n  - {HOOKS}\n"
        )

        site = render_site(snapshot, base_url=Settings().base_url)
        pages = {page.path: page.markdown for page in site.pages}
        pages["rules.md"] = rules_markdown(Settings())
        pages["index.md"] = "# Iglu Central\n\nEvery event.\n"
        same = root / "same"
        write_docs(same / "docs", pages)
        (same / "mkdocs.yml").write_text(THEME.format(name="Same Markdown"))
        plain = root / "plain"
        write_docs(
            plain / "docs", {path: f"# Page {i}\n\nA plain page.\n" for i, path in enumerate(pages)}
        )
        (plain / "mkdocs.yml").write_text(THEME.format(name="Plain pages"))

        builds = {"registry": registry, "bare, plain pages": plain, "bare, same Markdown": same}
        wall = dict.fromkeys(builds, float("inf"))
        cpu = dict.fromkeys(builds, float("inf"))
        for _ in range(args.rounds):  # interleaved, so that load on the machine hits all alike
            for name, folder in builds.items():
                seconds, cpu_seconds = timed_build(folder)
                wall[name], cpu[name] = min(wall[name], seconds), min(cpu[name], cpu_seconds)
        plain_wall, plain_cpu = wall["bare, plain pages"], cpu["bare, plain pages"]
        print(f"{'build':<22} {'wall':>8} {'ratio':>6} {'cpu':>8} {'ratio':>6}  output")
        for name, folder in builds.items():
            html_pages, files, size = output_size(folder)
            print(
                f"{name:<22} {wall[name]:6.2f} s {wall[name] / plain_wall:5.2f}x "
                f"{cpu[name]:6.2f} s {cpu[name] / plain_cpu:5.2f}x  "
                f"{html_pages} pages, {files} files, {size / 1e6:.1f} MB"
            )
        same_wall, same_cpu = wall["bare, same Markdown"], cpu["bare, same Markdown"]
        print(
            f"the plugin's own cost (registry / same Markdown): "
            f"{wall['registry'] / same_wall:.2f}x wall, {cpu['registry'] / same_cpu:.2f}x cpu"
        )
    return 0


def write_docs(folder: Path, pages: dict[str, str]) -> None:
    for path, text in pages.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def timed_build(folder: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one `python -m mkdocs build --clean` in `folder`."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean"],
        cwd=folder,
        env=env,
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def output_size(folder: Path) -> tuple[int, int, int]:
    """The built site's HTML pages, files and bytes."""
    site = folder / "site"
    files = [path for path in site.rglob("*") if path.is_file()]
    html_pages = sum(1 for path in files if path.name == "index.html" and _is_page(path))
    return html_pages, len(files), sum(path.stat().st_size for path in files)


def _is_page(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(64).lstrip().lower().startswith(b"<!doctype html")


if __name__ == "__main__":
    sys.exit(main())
