"""The iglu-central corpus with every schema broken once, through every command.

Each of the 660 schemas gets one non-schema at one place (chosen by its position in the tree,
so every run breaks the same places), on top of a real git base holding the originals.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from registry import EventLog
from registry.core.config import Settings
from registry.docs.site import render_site
from registry.sources.iglu import import_iglu
from registry.sources.tree import load_folder
from tests.broken.corrupt import corrupt_by_index
from tests.broken.test_commands import BASE_URL, command
from tests.gitrepo import GitRepo


def test_every_iglu_schema_broken_once_is_one_finding_each_and_nothing_crashes(
    shared: Path, tmp_path: Path
) -> None:
    repo = GitRepo(tmp_path / "repo")
    root = repo.root / "schemas"
    import_iglu(shared / "corpora" / "iglu-central", root, BASE_URL)
    config = repo.write("registry.toml", f'base-url = "{BASE_URL}"\nschema-root = "schemas"\n')
    repo.commit("The corpus as published")
    originals = load_folder(root).schemas
    assert len(originals) >= 600
    bodies = {}
    for seed, schema in enumerate(originals):
        broken = corrupt_by_index(schema.body, seed)
        (root / schema.rel_path).write_text(broken.text(schema.rel_path))
        bodies[schema.rel_path] = broken.body

    code, out, _ = command(config, "lint", "--format", "json")
    linted = json.loads(out)["findings"]
    assert code == 1
    assert {f["rule"] for f in linted} == {"metaschema"}
    assert len({f["path"] for f in linted}) == len(originals)
    assert all(f["line"] and f["pointer"] for f in linted)

    code, out, _ = command(config, "check", "--base", "HEAD", "--format", "json")
    checked = json.loads(out)["findings"]
    assert code == 1
    assert {f["rule"] for f in checked} == {"metaschema", "version-deleted"}
    deleted = [f for f in checked if f["rule"] == "version-deleted"]
    assert len(deleted) == len(originals)
    assert all("no longer a valid schema" in f["message"] for f in deleted)

    code, out, err = command(config, "publish", "--out", str(tmp_path / "public"))
    assert code == 1 and "publish refused" in err
    assert not (tmp_path / "public").exists()

    site = render_site(load_folder(root), base_url=Settings().base_url)
    assert len(site.problems) == len(originals)

    original = tmp_path / "original.json"
    for schema in originals:
        original.write_text(schema.source)
        broken_path = root / schema.rel_path
        for argv in ((original, broken_path), (broken_path, original)):
            code, _, err = command(config, "compat", *map(str, argv))
            assert code == 1 and err.startswith(f"error: {broken_path}:")

    for body in bodies.values():
        with pytest.raises(jsonschema.SchemaError):
            EventLog().register_schema(body)
