"""The import rule: what each package may import, proven on the code and in fresh interpreters.

The static half reads every module's imports from its syntax tree and checks them against the
table of allowed edges below (DESIGN's "import rule"), and that neither modules nor packages
import each other in a circle. The dynamic half starts a new interpreter per case and looks at
`sys.modules`: what the runtime or a folder load does not use, it must not load.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.paths import EVENTLOG_FIXTURES, FIXTURES, PROJECT

PACKAGE = PROJECT / "registry"

FACES = frozenset(
    {"registry", "registry.__main__", "registry.mkdocs_plugin", "registry.pytest_plugin"}
)
"""Modules that entry points name: like `cli`, they may import any package."""

ROOT_ATTRIBUTES = frozenset({"__version__"})
"""What any module may take from the root package: it is loaded before every module anyway."""

ALLOWED: Mapping[str, Mapping[str, str]] = {
    # -- tooling: errors <- core <- sources <- compat <- checks <- report ----------------------
    "errors": {},  # the root of every error imports nothing of ours
    "core": {
        "errors": "pure values raise the package's errors",
    },
    "sources": {
        "errors": "a path or revision that cannot be read is an error",
        "core": "files become EventSchemas; settings say where schemas live",
    },
    "compat": {
        "errors": "a schema compat refuses is an error",
        "core": "diffs EventSchemas, builds validators through core.refs, walks subschemas",
        "sources": "compares the versions of a Snapshot",
    },
    "checks": {
        "errors": "checks raise the package's errors",
        "core": "findings, settings, validators, the subschema walk",
        "sources": "lint and governance read Snapshots",
        "compat": "governance and review judge a change by its compatibility",
    },
    "report": {
        "errors": "renderers raise the package's errors",
        "core": "renders Findings and Changes",
        "sources": "shows paths as a Snapshot displays them",
        "compat": "one JSON form of Change, Witness and the compat report",
        "checks": "one JSON form of lint findings and of a Review",
    },
    # -- the stages that write the registry's outputs ------------------------------------
    "publish": {
        "errors": "a registry that cannot be written is an error",
        "core": "the index format, settings, validators for the bundles",
        "sources": "publishes a Snapshot",
        "checks.lint": "a tree with lint errors is not published",
        "client": "`vendor` reads a published registry through the client into a folder",
    },
    "docs": {
        "errors": "pages that cannot be generated are an error",
        "core": "the index format, settings, examples from schemas",
        "sources": "a Snapshot and its git history are what the pages show",
        "compat": "the change log shows the Changes between versions",
        "observe": "pages may show what recorded events look like",
    },
    # -- runtime: core <- client <- eventlog; observe reads recorded events ---------------
    "client": {
        "errors": "failures to read a registry are the package's errors",
        "core": "the index format and the validators the bundles need",
    },
    "eventlog": {
        "errors": "the runtime's errors derive from the root",
        "core": "validators, versions, the subschema walk",
        "client": "schemas read from a registry_url (loaded only when one is set)",
        "sources.files": "register_schema_file reads a file as the tree loader does",
    },
    "observe": {
        "errors": "a summary that cannot be read is an error",
        "core": "validators and versions for recorded events",
        "client": "reads the registry recorded events are checked against",
    },
    # -- generators from a Snapshot ------------------------------------------------------
    "codegen": {
        "errors": "code that cannot be generated is an error",
        "core": "types come from EventSchemas",
        "sources": "generates code for a Snapshot",
        "compat": "widenings are judged as compat judges a change",
    },
    "warehouse": {
        "errors": "a plan that cannot be made is an error",
        "core": "tables come from EventSchemas",
        "sources": "tables for a Snapshot",
        "compat": "migration plans rest on compat's proofs",
        "observe": "loaders read recorded events with observe's readers",
    },
}
"""Each package and the packages (or modules) it may import, with why; the rest is forbidden."""

LAZY_ONLY = frozenset({("eventlog", "sources.files")})
"""Edges allowed only inside functions: what an application never calls must not be loaded."""

KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset()
"""(importing module, imported module) pairs that break the rule today and are to be fixed.

Empty: none are known. Name an edge here, with a comment saying why it is tolerated, only to
merge code that cannot be fixed at once; the test fails when one is fixed and not removed.
"""


@dataclass(frozen=True)
class Import:
    """One import of a module of ours by a module of ours."""

    importer: str
    imported: str
    lazy: bool
    """Made inside a function: it runs when the function is first called."""
    typing_only: bool
    """Made under `if TYPE_CHECKING:`: it never runs."""
    line: int

    def __str__(self) -> str:
        kind = " (lazy)" if self.lazy else " (typing)" if self.typing_only else ""
        return f"{self.importer}:{self.line} imports {self.imported}{kind}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    """The package a module belongs to (`checks` for `registry.checks.governance.rules`)."""
    if module in FACES:
        return "face"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "face"


def _resolve(importer: str, node: ast.ImportFrom | ast.Import) -> Iterator[tuple[str, str]]:
    """The modules an import statement names, each with the name it takes from the module
    (empty when the name is a module itself)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, ""
        return
    base = node.module or ""
    if node.level:
        here = importer.split(".")
        if MODULES[importer].name != "__init__.py":
            here = here[:-1]
        here = here[: len(here) - node.level + 1]
        base = ".".join([*here, base] if base else here)
    for alias in node.names:
        child = f"{base}.{alias.name}"
        yield (child, "") if child in MODULES else (base, alias.name)


def imports_of(module: str) -> list[Import]:
    """Every import of a module of ours in `module`, marked lazy or typing-only."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[Import] = []

    def visit(node: ast.AST, lazy: bool, typing_only: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for imported, attribute in _resolve(module, node):
                if imported.split(".")[0] != "registry":
                    continue
                if imported == "registry" and attribute in ROOT_ATTRIBUTES:
                    continue
                found.append(Import(module, imported, lazy, typing_only, node.lineno))
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            lazy = True
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, lazy, True)
            for child in node.orelse:
                visit(child, lazy, typing_only)
            return
        for inner in ast.iter_child_nodes(node):
            visit(inner, lazy, typing_only)

    visit(tree, False, False)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


IMPORTS = [each for module in MODULES for each in imports_of(module)]


def allowed(each: Import) -> bool:
    source, target = layer_of(each.importer), layer_of(each.imported)
    if source == target or source in ("face", "cli"):
        return True
    below = each.imported.removeprefix("registry.")
    for permitted in ALLOWED.get(source, {}):
        if below == permitted or below.startswith(permitted + "."):
            return True
    return False


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A circle of nodes (first node repeated at the end), or None when the graph has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == 1:
                return [*path[path.index(successor) :], successor]
            if successor not in state:
                found = visit(successor)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


# -- the reader of imports reads them right ---------------------------------------------------


def test_the_import_reader_sees_eager_lazy_and_typing_only_imports() -> None:
    of_eventlog = {
        (i.imported, i.lazy, i.typing_only) for i in imports_of("registry.eventlog.event_log")
    }
    assert ("registry.eventlog.remote", True, False) in of_eventlog  # inside _make_remote
    assert ("registry.eventlog.remote", False, True) in of_eventlog  # for annotations
    assert ("registry.eventlog.schemas", False, False) in of_eventlog
    of_root = {(i.imported, i.lazy) for i in imports_of("registry")}
    assert ("registry.eventlog.event_log", True) in of_root  # the lazy `registry.EventLog`


@pytest.mark.parametrize(
    ("importer", "statement", "named"),
    [
        ("registry.docs.site", "from registry import compat", ("registry.compat", "")),
        ("registry.cli", "from registry import __version__", ("registry", "__version__")),
        ("registry.eventlog.schemas", "from . import errors", ("registry.eventlog.errors", "")),
        ("registry.eventlog.schemas", "from ..core import model", ("registry.core.model", "")),
        (
            "registry.eventlog",
            "from .event_log import EventLog",
            ("registry.eventlog.event_log", "EventLog"),
        ),
        ("registry.eventlog", "import registry.core.walk as walk", ("registry.core.walk", "")),
    ],
)
def test_the_import_reader_resolves_what_a_statement_names(
    importer: str, statement: str, named: tuple[str, str]
) -> None:
    node = ast.parse(statement).body[0]
    assert isinstance(node, (ast.Import, ast.ImportFrom))
    assert list(_resolve(importer, node)) == [named]


def test_the_cycle_finder_finds_a_circle_and_passes_a_tree() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b", "c"], "b": ["c"], "c": []}) is None


# -- the rule --------------------------------------------------------------------------------


def test_every_package_has_a_rule() -> None:
    packages = {layer_of(module) for module in MODULES} - {"face", "cli"}
    assert packages <= set(ALLOWED), f"add a row to ALLOWED for {packages - set(ALLOWED)}"


def test_errors_imports_nothing_of_ours_and_core_only_errors() -> None:
    assert not [each for each in IMPORTS if each.importer == "registry.errors"]
    from_core = {layer_of(each.imported) for each in IMPORTS if layer_of(each.importer) == "core"}
    assert from_core <= {"core", "errors"}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_the_rule_allows(package: str) -> None:
    broken = [
        each
        for each in IMPORTS
        if layer_of(each.importer) == package
        and not allowed(each)
        and (each.importer, each.imported) not in KNOWN_VIOLATIONS
    ]
    assert not broken, "imports across the rule:\n" + "\n".join(map(str, broken))


def test_known_violations_are_still_there() -> None:
    present = {(each.importer, each.imported) for each in IMPORTS if not allowed(each)}
    fixed = KNOWN_VIOLATIONS - present
    assert not fixed, f"fixed, so remove from KNOWN_VIOLATIONS: {sorted(fixed)}"


def test_lazy_only_edges_are_never_made_at_import_time() -> None:
    eager = [
        each
        for each in IMPORTS
        if not each.lazy
        and not each.typing_only
        and any(
            layer_of(each.importer) == source
            and each.imported.removeprefix("registry.").startswith(target)
            for source, target in LAZY_ONLY
        )
    ]
    assert not eager, "\n".join(map(str, eager))


def test_no_module_imports_itself_in_a_circle_when_loaded() -> None:
    graph: dict[str, set[str]] = {}
    for each in IMPORTS:
        if not each.lazy and not each.typing_only:
            graph.setdefault(each.importer, set()).add(each.imported)
    assert find_cycle(graph) is None


def test_no_package_imports_itself_in_a_circle_even_through_lazy_imports() -> None:
    graph: dict[str, set[str]] = {}
    for each in IMPORTS:
        source, target = layer_of(each.importer), layer_of(each.imported)
        if source != target and not each.typing_only:
            graph.setdefault(source, set()).add(target)
    assert find_cycle(graph) is None


# -- in a fresh interpreter ----------------------------------------------------------------

TOOLING = (
    *("registry.checks", "registry.report", "registry.publish", "registry.docs"),
    *("registry.cli", "registry.compat", "registry.mkdocs_plugin"),
)
HTTP = ("urllib.request", "http.client", "registry.client")
NEVER_IN_THE_RUNTIME = (*TOOLING, "registry.sources", "git", "yaml", *HTTP, "asyncio")

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://events.example.org/schemas/test/imports",
    "version": 1,
    "type": "object",
    "properties": {"name": {"type": "string", "categories": ["unrestricted"]}},
}


def loaded_by(code: str) -> set[str]:
    """The modules a new interpreter holds after running `code` in the project folder."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def among(modules: set[str], names: Iterable[str]) -> list[str]:
    """The modules that are, or live inside, one of `names`."""
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


RECORDING = f"""
import logging
from registry import EventLog
log = EventLog(handlers=[logging.NullHandler()], allowed_schemas=[{SCHEMA["$id"]!r}])
log.register_schema({SCHEMA!r})
log.record_event({SCHEMA["$id"]!r}, 1, {{"name": "x"}})
"""
"""An application's life without a registry_url: register a schema, record an event."""


def registering(name: str) -> str:
    return f"from registry import EventLog\nEventLog().register_schema_file({name!r})"


def test_an_eventlog_recording_events_loads_no_tooling_git_yaml_or_http() -> None:
    modules = loaded_by(RECORDING)
    assert "registry.eventlog.event_log" in modules  # the code did run
    assert among(modules, NEVER_IN_THE_RUNTIME) == []


def test_registering_a_yaml_file_loads_yaml_and_the_file_reader_only() -> None:
    modules = loaded_by(registering(str(EVENTLOG_FIXTURES / "basic-1.yaml")))
    assert {"yaml", "registry.sources.files", "registry.sources.yaml_reader"} <= modules
    assert among(modules, ["registry.sources"]) == [
        "registry.sources",
        "registry.sources.files",
        "registry.sources.yaml_reader",
    ]
    assert among(modules, [*TOOLING, "git", *HTTP, "asyncio"]) == []


def test_registering_a_json_file_loads_no_git_http_or_tooling() -> None:
    modules = loaded_by(registering(str(EVENTLOG_FIXTURES / "basic-2.json")))
    assert among(modules, ["registry.sources"]) == ["registry.sources", "registry.sources.files"]
    assert among(modules, [*TOOLING, "git", "yaml", *HTTP, "asyncio"]) == []


def test_an_eventlog_with_a_registry_url_loads_the_client(tmp_path: Path) -> None:
    modules = loaded_by(f"from registry import EventLog\nEventLog(registry_url={str(tmp_path)!r})")
    assert {"registry.client", "registry.eventlog.remote"} <= modules
    assert among(modules, [*TOOLING, "registry.sources", "git", "yaml"]) == []


def test_an_async_listener_loads_asyncio_when_it_first_runs() -> None:
    modules = loaded_by(
        "async def listener(logger, schema_id, data): pass\n"
        + RECORDING.replace(
            "log.record_event", "log.add_listener(listener=listener)\nlog.record_event"
        )
        + "assert log.flush_listeners(5)\nlog.close()\n"
    )
    assert "asyncio" in modules


def test_loading_a_folder_snapshot_loads_no_git_and_no_runtime() -> None:
    modules = loaded_by(
        "from pathlib import Path\n"
        "from registry.sources import load_folder\n"
        f"snapshot = load_folder(Path({str(FIXTURES / 'good')!r}))\n"
        "assert snapshot.schemas\n"
    )
    assert "registry.sources.tree" in modules
    assert among(modules, ["git", "registry.sources.git", "registry.sources.history"]) == []
    assert among(modules, [*TOOLING, "registry.eventlog", *HTTP]) == []
