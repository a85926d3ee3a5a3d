"""Named paths: sorted against the schema root, or read on their own; missing ones refused."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import pytest

from registry.errors import EXIT_PROBLEMS, EXIT_USAGE, PathNotFound, UsageError
from registry.sources.named import UnreadableSchema, read_named, select
from tests.paths import COMPAT_FIXTURES, FIXTURES

GOOD = FIXTURES / "good"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(GOOD, tmp_path / "schemas")
    return tmp_path / "schemas"


def test_without_paths_the_whole_schema_root_is_selected(root: Path) -> None:
    (selection,) = select([], root, max_bytes=1_000_000)
    assert selection.checked == 4
    assert selection.only == frozenset(
        PurePosixPath(p.relative_to(root).as_posix()) for p in root.rglob("*.*")
    )


def test_paths_inside_the_root_select_files_of_the_whole_tree(root: Path) -> None:
    (selection,) = select(
        [root / "app" / "button-click", root / "common" / "defs" / "1.yaml"],
        root,
        max_bytes=1_000_000,
    )
    assert len(selection.snapshot.schemas) == 4  # `$ref`s resolve against every schema
    assert selection.only == frozenset(
        {
            PurePosixPath("app/button-click/1.0.0.yaml"),
            PurePosixPath("app/button-click/1.1.0.yaml"),
            PurePosixPath("common/defs/1.yaml"),
        }
    )
    assert selection.checked == 3


def test_paths_outside_the_root_stand_alone_and_come_first(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(GOOD / "app" / "page-view", elsewhere)
    single = COMPAT_FIXTURES / "click-1.yaml"
    first, second, tree = select(
        [root / "common", elsewhere, single],
        root,
        max_bytes=1_000_000,
        shown=lambda path: f"<{path.name}>",
    )
    assert (first.only, first.checked, first.snapshot.root) == (None, 1, "<elsewhere>")
    assert (second.only, second.checked) == (None, 1)
    assert second.snapshot.schemas[0].rel_path == PurePosixPath("click-1.yaml")
    assert tree.only == frozenset({PurePosixPath("common/defs/1.yaml")})


def test_a_missing_path_is_a_usage_error_naming_it(root: Path) -> None:
    with pytest.raises(PathNotFound) as raised:
        select([root / "app", root / "nope"], root, max_bytes=1_000_000)
    assert raised.value.exit_code == EXIT_USAGE
    assert raised.value.path == str(root / "nope")
    with pytest.raises(PathNotFound, match="no such file or folder") as raised:
        select([], root / "absent", max_bytes=1_000_000)
    assert "schema-root" in raised.value.hint


def test_read_named_refuses_a_missing_file_a_folder_and_a_broken_file(tmp_path: Path) -> None:
    assert read_named(COMPAT_FIXTURES / "click-1.yaml", max_bytes=1_000_000).version is not None
    with pytest.raises(PathNotFound, match=r"absent\.yaml: no such file"):
        read_named(tmp_path / "absent.yaml", max_bytes=1_000_000)
    with pytest.raises(UsageError, match="a folder, not a schema file"):
        read_named(tmp_path, max_bytes=1_000_000)
    with pytest.raises(UnreadableSchema) as raised:
        read_named(COMPAT_FIXTURES / "broken.yaml", max_bytes=1_000_000, shown=lambda p: p.name)
    error = raised.value
    assert (error.path, error.rule, error.line, error.column, error.exit_code) == (
        "broken.yaml",
        "parse-error",
        4,  # the unclosed `[` itself, not the end of the file where YAML gave up
        6,
        EXIT_PROBLEMS,
    )
    assert error.message.startswith("broken.yaml:4:6: [parse-error] invalid YAML")
    assert error.hint.startswith("close it with `]`")
