"""Every command on a tree where one schema holds a non-schema where a schema may stand.

The tree is the project's own schemas and the `good` fixtures, committed to a real git
repository (the base) and published once. Each example corrupts one file of the working tree
and runs lint, check, review, publish, compat both ways, the docs render and
`EventLog.register_schema`: each ends with findings or a clear error (exit 1), never exit 3 or
a traceback, and the other files' findings are those of the tree without the broken file.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry import EventLog, cli
from registry.core.config import Settings
from registry.docs.site import render_site
from registry.mkdocs_plugin import unusable_files
from registry.sources.tree import load_folder
from registry.sources.validity import INVALID_RULES
from tests.broken.corrupt import Corruption, corruptions
from tests.gitrepo import GitRepo
from tests.paths import FIXTURES, PROJECT

BASE_URL = "https://events.example.org/schemas/"
EXAMPLES = 40
"""Each example runs eight commands over a 32-file tree: about 0.3 s, 15 s in all."""


@dataclass
class Tree:
    """The committed tree, its published registry, and the findings without each file."""

    repo: GitRepo
    config: Path
    published: Path
    originals: dict[PurePosixPath, dict[str, Any]]
    without: dict[PurePosixPath, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.repo.root / "schemas"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tree]:
    repo = GitRepo(tmp_path_factory.mktemp("broken") / "repo")
    shutil.copytree(PROJECT / "schemas", repo.root / "schemas")
    shutil.copytree(FIXTURES / "good", repo.root / "schemas", dirs_exist_ok=True)
    config = repo.write("registry.toml", f'base-url = "{BASE_URL}"\nschema-root = "schemas"\n')
    repo.commit("The schemas as published")
    published = repo.root.parent / "public"
    assert command(config, "publish", "--out", str(published))[0] == 0
    snapshot = load_folder(repo.root / "schemas")
    assert not snapshot.failures
    originals = {schema.rel_path: dict(schema.body) for schema in snapshot.schemas}
    yield Tree(repo, config, published, originals)
    repo.close()


def command(config: Path, *argv: str) -> tuple[int, str, str]:
    """`telemetry-registry --config CONFIG ARGV...` in this process: exit code, out, err."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--config", str(config), *argv])
    assert code in (0, 1, 2), f"exit {code}: {err.getvalue()}"
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return code, out.getvalue(), err.getvalue()


def findings(tree: Tree, *argv: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, _ = command(tree.config, *argv, "--format", "json")
    return code, json.loads(out)["findings"]


def of_file(found: list[dict[str, Any]], rel_path: PurePosixPath) -> list[dict[str, Any]]:
    return [f for f in found if f["path"].endswith(f"schemas/{rel_path}")]


def others(found: list[dict[str, Any]], rel_path: PurePosixPath) -> list[dict[str, Any]]:
    return [f for f in found if not f["path"].endswith(f"schemas/{rel_path}")]


def without(tree: Tree, rel_path: PurePosixPath) -> dict[str, list[dict[str, Any]]]:
    """lint's, check's and review's findings of the other files when `rel_path` is absent."""
    if rel_path not in tree.without:
        path = tree.root / rel_path
        text = path.read_text()
        path.unlink()
        try:
            tree.without[rel_path] = {
                name: others(findings(tree, *argv)[1], rel_path)
                for name, argv in (
                    ("lint", ("lint",)),
                    ("check", ("check", "--base", "HEAD")),
                    ("review", ("review", "--base", "HEAD")),
                )
            }
        finally:
            path.write_text(text)
    return tree.without[rel_path]


RAN: list[str] = []
"""Each generated broken input, as it ran (the count is reported by the last test)."""


@given(data=st.data())
@settings(max_examples=EXAMPLES)
def test_a_non_schema_anywhere_is_a_finding_and_every_other_file_is_still_checked(
    tree: Tree, data: st.DataObject
) -> None:
    rel_path = data.draw(st.sampled_from(sorted(tree.originals)), label="file")
    broken: Corruption = data.draw(corruptions(tree.originals[rel_path]), label="corruption")
    path = tree.root / rel_path
    original = path.read_text()
    path.write_text(broken.text(rel_path))
    try:
        RAN.append(f"{rel_path}#{broken.pointer}")
        run_everything(tree, rel_path, broken)
        compare_both_ways(tree, rel_path, original)
        render_the_docs(tree, rel_path)
    finally:
        path.write_text(original)
    with pytest.raises(jsonschema.SchemaError):
        EventLog().register_schema(broken.body)


def run_everything(tree: Tree, rel_path: PurePosixPath, broken: Corruption) -> None:
    expected = without(tree, rel_path)
    code, linted = findings(tree, "lint")
    assert code == 1
    assert {f["rule"] for f in of_file(linted, rel_path)} <= set(INVALID_RULES)
    assert any(f["pointer"] and f["line"] for f in of_file(linted, rel_path))
    assert others(linted, rel_path) == expected["lint"]

    code, checked = findings(tree, "check", "--base", "HEAD")
    assert code == 1
    rules = {f["rule"] for f in of_file(checked, rel_path)}
    assert "metaschema" in rules and "version-deleted" in rules
    assert others(checked, rel_path) == expected["check"]

    code, reviewed = findings(tree, "review", "--base", "HEAD")
    assert code == 1
    assert "metaschema" in {f["rule"] for f in of_file(reviewed, rel_path)}
    assert others(reviewed, rel_path) == expected["review"]

    index = (tree.published / "index.json").read_bytes()
    code, out, err = command(tree.config, "publish", "--out", str(tree.published))
    assert code == 1
    assert f"schemas/{rel_path}" in out and "[metaschema]" in out
    assert "publish refused" in err
    assert (tree.published / "index.json").read_bytes() == index


def compare_both_ways(tree: Tree, rel_path: PurePosixPath, original: str) -> None:
    old = tree.repo.root.parent / "original" / rel_path.name
    old.parent.mkdir(exist_ok=True)
    old.write_text(original)
    new = tree.root / rel_path
    for argv, broken in (((old, new), new), ((new, old), new)):
        code, _, err = command(tree.config, "compat", *map(str, argv))
        assert code == 1
        assert err.startswith(f"error: {broken}:") and "[metaschema]" in err


def render_the_docs(tree: Tree, rel_path: PurePosixPath) -> None:
    snapshot = load_folder(tree.root)
    site = render_site(snapshot, base_url=Settings().base_url)
    assert any(f"{rel_path}: not documented, it is not a valid schema" in p for p in site.problems)
    assert f"{rel_path}:" in unusable_files(snapshot)


def test_the_generated_inputs_were_run() -> None:
    """Runs after the property test in this module: the count of broken inputs it tried."""
    print(f"\n{len(RAN)} broken inputs ran through every command")
    assert len(RAN) >= EXAMPLES // 2
