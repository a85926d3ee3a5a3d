"""The docs site: pages generated from a snapshot (pure), and real `mkdocs build --strict` runs
over a temporary tree whose HTML is parsed and whose every internal link is followed."""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from registry.checks.lint import RULES
from registry.core.config import Settings
from registry.core.model import SchemaRef, Version
from registry.docs.properties import code, inline
from registry.docs.site import DocsError, DocsSite, render_site
from registry.sources.snapshot import Snapshot
from registry.sources.tree import load_folder
from tests.docsbuild import HOOKS, build, copy_tree
from tests.gitrepo import GitRepo
from tests.paths import DOCS_FIXTURES, PROJECT
from tests.sitehtml import broken_links, page_of

BASE = "https://registry.example.com/schemas/"
CHECKOUT = BASE + "shop/checkout"
GOOD = DOCS_FIXTURES / "good" / "schemas"


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return load_folder(GOOD)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The `good` fixture tree, committed to git and built once for the module's tests."""
    root = tmp_path_factory.mktemp("docs")
    tree = copy_tree("good", root / "tree")
    yield build(tree / "mkdocs.yml", root / "site")


# -- pages, as the pure function makes them ------------------------------------------------


def test_every_event_gets_a_page_below_its_namespace_and_the_catalogue_lists_them_all(
    snapshot: Snapshot,
) -> None:
    site = render_site(snapshot, base_url=BASE)
    paths = {page.path for page in site.pages}
    assert paths == {
        "events/index.md",
        "events/common/index.md",
        "events/common/definitions.md",
        "events/legacy/index.md",
        "events/legacy/ping.md",
        "events/shop/index.md",
        "events/shop/basket_view.md",
        "events/shop/cart_view.md",
        "events/shop/checkout.md",
    }
    catalogue = next(page.markdown for page in site.pages if page.path == site.catalogue)
    for schema_id in snapshot.by_id:
        name = schema_id.rsplit("/", 1)[1]
        assert code(name) in catalogue
    assert [ns.name for ns in site.namespaces] == ["common", "legacy", "shop"]
    assert site.problems == ()


def test_pages_are_plain_markdown_and_the_same_for_the_same_snapshot(snapshot: Snapshot) -> None:
    first = render_site(snapshot, base_url=BASE, registry_dir="schemas")
    second = render_site(load_folder(GOOD), base_url=BASE, registry_dir="schemas")
    assert first == second


def test_raw_json_links_appear_only_when_the_site_holds_the_registry(snapshot: Snapshot) -> None:
    def checkout(site: DocsSite) -> str:
        return next(p.markdown for p in site.pages if p.path.endswith("checkout.md"))

    without = checkout(render_site(snapshot, base_url=BASE))
    with_registry = checkout(render_site(snapshot, base_url=BASE, registry_dir="reg"))
    assert "Raw JSON" not in without
    assert "[Raw JSON](../../reg/shop/checkout/2.0.0.json)" in with_registry


def test_changelog_entries_are_shown_in_the_engines_words_with_a_breaking_badge(
    snapshot: Snapshot,
) -> None:
    from registry.docs.changes import changelog

    changes = changelog(snapshot, Settings(base_url=BASE))
    v2 = changes[SchemaRef(CHECKOUT, Version.parse("2.0.0"))]
    assert (v2.previous, v2.bump, v2.breaking, v2.compatible) == (
        Version.parse("1.1.0"),
        "major",
        True,
        False,
    )
    v11 = changes[SchemaRef(CHECKOUT, Version.parse("1.1.0"))]
    assert (v11.bump, v11.breaking, v11.compatible) == ("minor", False, True)
    assert SchemaRef(CHECKOUT, Version.parse("1.0.0")) not in changes
    site = render_site(snapshot, base_url=BASE, changelog=changes)
    page = next(p.markdown for p in site.pages if p.path.endswith("checkout.md"))
    section_2 = page.split("## Version 2.0.0", 1)[1].split("## Version 1.1.0", 1)[0]
    assert "### Changes from 1.1.0 { #v2-0-0-changes }" in section_2
    assert "tr-change-breaking" in section_2
    assert "does **not** pass this event's `backward` compatibility check" in section_2
    required = next(c for c in v2.changes if c.type.startswith("REQUIRED_PROPERTY_ADDED"))
    assert inline(required.description) in section_2
    assert '<span class="tr-badge tr-change-breaks-backward">breaks backward</span>' in section_2
    section_1 = page.split("## Version 1.1.0", 1)[1].split("## Version 1.0.0")[0]
    assert "tr-change-compatible" in section_1
    assert '??? note "1 documentation change"' in section_1


def test_an_authored_example_the_schema_rejects_is_a_problem(tmp_path: Path) -> None:
    snapshot = load_folder(DOCS_FIXTURES / "bad-example" / "schemas")
    site = render_site(snapshot, base_url=BASE)
    assert len(site.problems) == 1
    assert "shop/checkout/1.0.0.yaml: examples[1] does not validate" in site.problems[0]
    assert "'A-1' is not of type 'integer'" in site.problems[0]
    page = next(p.markdown for p in site.pages if p.path.endswith("checkout.md"))
    assert '"order_id": 7' in page  # the valid example is still shown


def test_files_that_cannot_be_documented_are_problems(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop/broken.yaml").write_text("title: [unclosed\n")
    (tmp_path / "shop/anonymous.yaml").write_text("title: No id\ntype: object\n")
    site = render_site(load_folder(tmp_path), base_url=BASE)
    assert len(site.problems) == 2
    assert any("shop/broken.yaml: not documented, it cannot be read" in p for p in site.problems)
    assert any("shop/anonymous.yaml: not documented, it has no usable" in p for p in site.problems)
    assert [page.path for page in site.pages] == ["events/index.md"]


def test_an_example_holding_backticks_stays_inside_its_code_block(tmp_path: Path) -> None:
    (tmp_path / "app/note").mkdir(parents=True)
    (tmp_path / "app/note/1.yaml").write_text(
        f"$id: {BASE}app/note\nversion: 1\ntype: object\n"
        "properties: {text: {type: string}}\nexamples: [{text: '```'}]\n"
    )
    pages = {
        page.path: page.markdown for page in render_site(load_folder(tmp_path), base_url=BASE).pages
    }
    assert '````json\n{\n  "text": "```"\n}\n````' in pages["events/app/note.md"]


def test_an_event_whose_id_names_a_namespace_of_other_events_is_refused(tmp_path: Path) -> None:
    for rel, schema_id in (("shop/1.yaml", "shop"), ("shop/cart/1.yaml", "shop/cart")):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"$id: {BASE}{schema_id}\nversion: 1\ntype: object\n")
    with pytest.raises(DocsError, match="would be published at the same address"):
        render_site(load_folder(tmp_path), base_url=BASE)


# -- the built site ---------------------------------------------------------------------------


def test_the_catalogue_lists_each_event_with_namespace_version_status_and_owner(
    built: Path,
) -> None:
    page = page_of(built, "events/")
    table = page.tables[0]
    assert table.header == ["Event", "Namespace", "Latest", "Status", "Owner", "Summary"]
    rows = {row[0]: row for row in table.rows}
    assert rows["Checkout checkout"][1:5] == ["shop", "2.0.0", "stable", "payments-team"]
    assert rows["Basket view basket_view"][3] == "deprecated"
    assert rows["Cart view cart_view"][2:4] == ["1.1.0-rc.1", "draft"]
    assert rows["Ping ping"][4] == ""
    assert "select" in (built / "events/index.html").read_text()
    namespace = page_of(built, "events/shop/")
    assert {row[0] for row in namespace.tables[0].rows} == {
        "Basket view basket_view",
        "Cart view cart_view",
        "Checkout checkout",
    }


def test_an_event_page_has_its_id_status_and_a_permalinked_section_per_version(
    built: Path,
) -> None:
    page = page_of(built, "events/shop/checkout/")
    assert page.headings[0].text == "Checkout"
    assert CHECKOUT in [block.strip() for block in page.code_blocks]
    versions = [h for h in page.headings if h.tag == "h2"]
    assert [(h.id, h.text) for h in versions] == [
        ("v2-0-0", "Version 2.0.0"),
        ("v1-1-0", "Version 1.1.0"),
        ("v1-0-0", "Version 1.0.0"),
    ]
    selector = [link.href for link in page.links if link.href.startswith("#v")]
    assert {"#v2-0-0", "#v1-1-0", "#v1-0-0"} <= set(selector)
    assert "Breaking change New required customer and lines." in page.text


def test_property_tables_nest_objects_and_arrays_and_link_refs(built: Path) -> None:
    page = page_of(built, "events/shop/checkout/")
    table = page.table_after("v2-0-0-properties")
    assert table.header == ["Property", "Type", "Required", "Constraints", "Description"]
    names = [row[0] for row in table.rows]
    assert names == [
        "order_id unrestricted",
        "total unrestricted",
        "coupon unrestricted",
        "customer user-identifier",
        "└ id user-identifier",
        "└ email user-identifiable-information",
        "lines unrestricted",
        "└ sku unrestricted",
        "└ quantity unrestricted",
    ]
    quantity = table.rows[8]
    assert quantity[1:4] == ["integer", "yes", "≥ 1; ≤ 99"]
    assert table.rows[6][1:4] == ["array of object", "yes", "items ≥ 1"]
    assert table.rows[1][1] == "object (common/definitions 1.0.0 → money)"
    ref_links = [link.href for link in page.links if "definitions" in link.href]
    assert "../../common/definitions/#v1-0-0-def-money" in ref_links
    definitions = page_of(built, "events/common/definitions/")
    assert "v1-0-0-def-money" in definitions.ids
    coupon = page.table_after("v1-1-0-properties").rows[2]
    assert coupon[4] == "The coupon code | if one was used."


def test_personal_data_categories_are_badges(built: Path) -> None:
    html = (built / "events/shop/checkout/index.html").read_text()
    assert '<span class="tr-badge tr-category-user-identifier">user-identifier</span>' in html


def test_each_version_shows_an_example_that_validates_against_it(built: Path) -> None:
    from registry.core.refs import build_registry, validator_for

    page = page_of(built, "events/shop/checkout/")
    examples = [json.loads(block) for block in page.code_blocks if block.lstrip().startswith("{")]
    assert len(examples) == 3
    snapshot = load_folder(GOOD)
    references = build_registry(snapshot.schemas, base_url=BASE)
    for example, version in zip(examples, ("2.0.0", "1.1.0", "1.0.0"), strict=True):
        schema = snapshot.get(SchemaRef(CHECKOUT, Version.parse(version)))
        assert schema is not None
        validator_for(schema.body, references).validate(example)
    assert examples[1] == {"order_id": "A-1", "total": {"amount": 1250, "currency": "EUR"}}
    assert examples[0]["lines"][0]["sku"].startswith("SKU-")  # made from the pattern


def test_a_deprecated_event_names_its_replacement_with_a_link(built: Path) -> None:
    page = page_of(built, "events/shop/basket_view/")
    assert "Deprecated Stop recording this event. It is replaced by Cart view" in page.text
    assert any(link.href == "../cart_view/" for link in page.links)


def test_raw_json_links_serve_the_published_schema_version(built: Path) -> None:
    page = page_of(built, "events/shop/checkout/")
    raw = [link.href for link in page.links if link.text == "Raw JSON"]
    assert raw == [
        "../../../schemas/shop/checkout/2.0.0.json",
        "../../../schemas/shop/checkout/1.1.0.json",
        "../../../schemas/shop/checkout/1.0.0.json",
    ]
    published = json.loads((built / "events/shop/checkout" / raw[1]).resolve().read_text())
    assert (published["$id"], published["version"]) == (CHECKOUT, "1.1.0")
    index = json.loads((built / "schemas/index.json").read_text())
    assert index["baseUrl"] == BASE
    assert CHECKOUT in {event["id"] for event in index["events"]}


def test_each_version_names_the_commit_that_introduced_it(built: Path) -> None:
    page = page_of(built, "events/shop/checkout/")
    assert re.search(r"introduced in [0-9a-f]{10} on 2024-01-01 by Ada Example", page.text)


def test_the_rules_page_lists_every_rule(built: Path) -> None:
    from registry.checks import governance

    page = page_of(built, "rules/")
    every_rule = [rule.id for rule in (*RULES, *governance.RULES)]
    assert [row[0] for row in page.tables[0].rows] == every_rule


def test_the_navigation_does_not_list_every_event_on_every_page(built: Path) -> None:
    home = page_of(built, "")
    checkout = page_of(built, "events/shop/checkout/")
    assert not [link for link in home.links if "events/shop/checkout" in link.href]
    assert [link for link in checkout.links if link.href == "../cart_view/"]
    assert not [link for link in checkout.links if "legacy/ping" in link.href]


def test_every_internal_link_of_the_built_site_resolves(built: Path) -> None:
    assert broken_links(built) == []


def test_the_link_checker_reports_a_missing_page_and_a_missing_anchor(
    built: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(built, site)
    shutil.rmtree(site / "events/legacy/ping")
    page = site / "events/shop/checkout/index.html"
    page.write_text(page.read_text().replace('id="v1-0-0-def-money"', 'id="gone"'))
    definitions = site / "events/common/definitions/index.html"
    definitions.write_text(definitions.read_text().replace('id="v1-0-0-def-money"', 'id="x"'))
    broken = broken_links(site)
    assert any("legacy/ping" in problem for problem in broken)
    assert any("no id #v1-0-0-def-money" in problem for problem in broken)


def test_a_strict_build_fails_on_an_example_its_schema_rejects(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tree = copy_tree("good", tmp_path / "tree", commit=False)
    shutil.rmtree(tree / "schemas")
    shutil.copytree(DOCS_FIXTURES / "bad-example" / "schemas", tree / "schemas")
    with pytest.raises(Abort, match="1 warning"):
        build(tree / "mkdocs.yml", tmp_path / "site")
    assert "examples[1] does not validate against its schema" in caplog.text


def test_a_strict_build_of_a_tree_with_a_non_schema_names_the_file_and_line_not_a_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tree = copy_tree("good", tmp_path / "tree")
    broken = tree / "schemas/shop/checkout/2.0.0.yaml"
    text = broken.read_text()
    broken.write_text(text.replace("properties:\n", "properties:\n  note: string\n", 1))
    line = text.splitlines().index("properties:") + 2
    with pytest.raises(Abort, match="Aborted with a BuildError"):
        build(tree / "mkdocs.yml", tmp_path / "site")
    [error] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    first, *findings = error.splitlines()
    assert first.startswith("telemetry-registry: 1 schema file cannot be read as a schema")
    assert findings == [
        f"{broken}:{line}: [metaschema] `properties/note` must be a "
        "schema (a mapping), not the string 'string' (2020-12 metaschema: 'string' is not of "
        "type 'object', 'boolean'); did you mean `note: {type: string}`?"
    ]
    assert "Traceback" not in caplog.text


def test_a_build_outside_git_has_no_history_and_writes_nothing_into_the_tree(
    tmp_path: Path,
) -> None:
    tree = copy_tree("good", tmp_path / "tree", commit=False)
    before = sorted(path.relative_to(tree) for path in tree.rglob("*"))
    site = build(tree / "mkdocs.yml", tmp_path / "site")
    assert "introduced in" not in page_of(site, "events/shop/checkout/").text
    assert sorted(path.relative_to(tree) for path in tree.rglob("*")) == before


def test_a_build_in_a_repository_without_commits_has_no_history(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tree = copy_tree("good", tmp_path / "tree", commit=False)
    GitRepo(tree)  # `git init`, nothing committed yet
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.telemetry-registry"):
        site = build(tree / "mkdocs.yml", tmp_path / "site")
    assert "introduced in" not in page_of(site, "events/shop/checkout/").text
    assert "no version history (the git revision 'HEAD' does not exist" in caplog.text


@pytest.mark.parametrize(
    ("site_url", "registry_dir"),
    [
        ("https://registry.example.com/", "schemas"),
        ("https://registry.example.com/schemas/", ""),
        ("https://docs.example.org/shop/", "schemas"),
    ],
)
def test_the_registry_sits_at_the_base_url_below_the_site_url(
    tmp_path: Path, site_url: str, registry_dir: str
) -> None:
    tree = copy_tree("good", tmp_path / "tree", commit=False)
    config = tree / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "site_url: https://registry.example.com/", f"site_url: {site_url}"
        )
    )
    site = build(config, tmp_path / "site")
    assert (site / registry_dir / "index.json").is_file()
    raw = [
        link.href
        for link in page_of(site, "events/shop/checkout/").links
        if link.text == "Raw JSON"
    ]
    latest = (site / "events/shop/checkout" / raw[0]).resolve()
    assert latest == (site / registry_dir / "shop/checkout/2.0.0.json").resolve()
    assert json.loads(latest.read_text())["version"] == "2.0.0"


def test_a_docs_file_where_a_page_would_be_generated_is_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tree = copy_tree("good", tmp_path / "tree", commit=False)
    (tree / "docs/events").mkdir()
    (tree / "docs/events/index.md").write_text("# Mine\n")
    with pytest.raises(Abort):
        build(tree / "mkdocs.yml", tmp_path / "site")
    assert "events/index.md is in the docs folder and would be replaced" in caplog.text


def test_the_plugin_entry_point_names_the_adapter() -> None:
    import importlib

    from mkdocs.plugins import BasePlugin

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    target = project["project"]["entry-points"]["mkdocs.plugins"]["telemetry-registry"]
    module, _, name = target.partition(":")
    plugin = getattr(importlib.import_module(module), name)
    assert issubclass(plugin, BasePlugin)


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(PROJECT / "mkdocs.yml", tmp_path_factory.mktemp("own") / "public")


def test_the_repositorys_own_site_builds_strictly_with_every_link_resolving(
    own_site: Path,
) -> None:
    assert (own_site / "events/jupyter_server/kernel_lifecycle/index.html").is_file()
    assert (own_site / "schemas/jupyter_server/kernel_lifecycle/2.0.0.json").is_file()
    assert broken_links(own_site) == []


def test_another_repository_names_the_plugin_in_one_line(tmp_path: Path) -> None:
    from importlib.metadata import entry_points

    if not entry_points(group="mkdocs.plugins", name="telemetry-registry"):
        pytest.skip("the package is not installed (pip install -e .): no plugin entry point")
    tree = copy_tree("good", tmp_path / "tree", commit=False)
    config = tree / "mkdocs.yml"
    text = config.read_text().replace(f"hooks:\n  - {HOOKS}\n", "")
    config.write_text(text.replace("  - search\n", "  - search\n  - telemetry-registry\n"))
    site = build(config, tmp_path / "site")
    assert page_of(site, "events/shop/checkout/").headings[0].text == "Checkout"
    assert (site / "schemas/shop/checkout/2.0.0.json").is_file()


def test_without_a_nav_the_events_section_follows_the_other_pages(tmp_path: Path) -> None:
    tree = copy_tree("good", tmp_path / "tree", commit=False)
    config = tree / "mkdocs.yml"
    config.write_text(config.read_text().split("nav:", 1)[0])
    (tree / "docs/zeta.md").write_text("# Zeta\n")
    site = build(config, tmp_path / "site")
    page = page_of(site, "events/shop/checkout/")
    nav = [link.text.strip() for link in page.links if "md-nav__link" in link.classes]
    assert nav[nav.index("Zeta") :][:6] == [
        "Zeta",
        "Events",
        "common",
        "legacy",
        "shop",
        "Basket view",
    ]


def test_a_registry_placed_over_the_events_section_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tree = copy_tree("good", tmp_path / "tree", commit=False)
    config = tree / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://registry.example.com/", ""))
    (tree / "pyproject.toml").write_text(
        '[tool.telemetry-registry]\nbase-url = "https://registry.example.com/events/"\n'
    )
    shutil.rmtree(tree / "schemas")
    shutil.copytree(GOOD, tree / "schemas")
    for path in (tree / "schemas").rglob("*.yaml"):
        path.write_text(path.read_text().replace("example.com/schemas/", "example.com/events/"))
    with pytest.raises(Abort):
        build(config, tmp_path / "site")
    assert "would both be written to events/" in caplog.text
