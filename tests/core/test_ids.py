"""The one mapping of `$id` ↔ tree path ↔ namespace ↔ published path, and its agreement with
every stage that places events: lint, governance, the docs site and publish."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.checks.governance import govern
from registry.checks.lint import lint
from registry.core import ids
from registry.core.config import Settings
from registry.core.model import SchemaRef, Version
from registry.docs.site import namespace_of, render_site
from registry.publish.writer import UnsafeId, render_registry
from registry.sources.tree import load_folder

BASE = "https://events.example.org/schemas/"
BASES = st.sampled_from([BASE, "https://events.example.org/", "http://h.example/a/b%20c/"])

segments = st.text(alphabet="abcxyz_-.019", min_size=1, max_size=8).filter(
    lambda s: s not in (".", "..")
) | st.sampled_from(["b%20c", "%C3%A9t%C3%A9", "Upper"])
paths = st.lists(segments, min_size=1, max_size=4).map("/".join)
versions = st.sampled_from(["1", "2", "10", "1.0.0", "2.1.3", "1.0.0-rc.1"]).map(Version.parse)


def ref(schema_id: str, version: str = "1.0.0") -> SchemaRef:
    return SchemaRef(schema_id, Version.parse(version))


# -- the meaning of a nested `$id` --------------------------------------------------------------


def test_a_nested_id_has_its_folder_as_namespace_and_its_last_segment_as_name() -> None:
    schema_id = BASE + "acme/billing/invoice_paid"
    version = ref(schema_id, "1.2.0")
    assert ids.below(schema_id, BASE) == "acme/billing/invoice_paid"
    assert ids.namespace(schema_id, BASE) == "acme/billing"
    assert ids.event_name(schema_id) == "invoice_paid"
    assert ids.tree_path(version, BASE) == PurePosixPath("acme/billing/invoice_paid/1.2.0.yaml")
    assert ids.published_path(version, BASE) == "acme/billing/invoice_paid/1.2.0.json"
    assert ids.version_uri(version) == schema_id + "/1.2.0.json"
    assert ids.latest_paths(schema_id, BASE) == (
        "acme/billing/invoice_paid/latest.json",
        "acme/billing/invoice_paid/index.html",
    )


def test_an_event_directly_below_the_base_url_has_no_namespace() -> None:
    assert ids.namespace(BASE + "click", BASE) == ""


def test_the_base_url_path_is_where_a_site_serves_the_registry() -> None:
    assert ids.base_path(BASE) == "schemas"
    assert ids.base_path("https://events.example.org/") == ""


def test_a_version_uri_names_its_id_and_version_and_nothing_else_does() -> None:
    assert ids.split_version_uri(BASE + "app/click/1.2.0.json") == (BASE + "app/click", "1.2.0")
    assert ids.split_version_uri(BASE + "app/click/latest.json") == (BASE + "app/click", "latest")
    assert ids.split_version_uri(BASE + "app/click") is None
    assert ids.split_version_uri(BASE + "app/.json") is None
    assert ids.split_version_uri("1.json") is None


@pytest.mark.parametrize(
    ("schema_id", "reason"),
    [
        ("urn:acme:click", "is not an absolute http(s) URI"),
        ("http://[broken/click", "is not an absolute http(s) URI"),
        (BASE + "app/click?x=1", "has a query or fragment"),
        (BASE + "app/click#top", "has a query or fragment"),
        (BASE + "app/../click", "has a `.` or `..` segment (perhaps percent-encoded)"),
        (BASE + "app/%2e%2E/click", "has a `.` or `..` segment (perhaps percent-encoded)"),
        (BASE + "app%2Fclick", "has a segment that decodes to `/`, `\\` or NUL"),
        (BASE + "app%00/click", "has a segment that decodes to `/`, `\\` or NUL"),
        (BASE + "app/click/", "ends with a slash"),
        (BASE + "app//click", "has an empty path segment"),
        (BASE + "app/cl ick", "has whitespace or a control character"),
        (BASE + "app/cl\nick", "has whitespace or a control character"),
    ],
)
def test_an_id_that_cannot_name_a_folder_has_no_place(schema_id: str, reason: str) -> None:
    assert ids.id_problem(schema_id) == reason
    assert ids.below(schema_id, BASE) is None
    assert ids.namespace(schema_id, BASE) is None


def test_no_id_is_below_an_empty_base_url_nor_is_the_base_url_itself_an_event() -> None:
    assert ids.below(BASE + "app/click", "") is None
    assert not ids.within(BASE + "app/click", "")
    assert ids.below(BASE, BASE) is None
    assert ids.within(BASE, BASE)


def test_a_file_directly_in_the_schema_root_has_no_id() -> None:
    assert ids.id_for_tree_path(PurePosixPath("1.yaml"), BASE) is None
    assert ids.id_for_tree_path(PurePosixPath("app/click/1.yaml"), BASE) == BASE + "app/click"


# -- for every `$id` ----------------------------------------------------------------------------


@given(BASES, paths)
def test_the_namespace_and_name_make_up_the_path_below_the_base_url(base: str, path: str) -> None:
    schema_id = base + path
    namespace = ids.namespace(schema_id, base)
    assert ids.below(schema_id, base) == path
    assert namespace is not None
    assert path == (f"{namespace}/" if namespace else "") + ids.event_name(schema_id)
    assert path.startswith(namespace)
    assert ids.below(base + namespace, base) in (namespace, None)  # a folder of the tree


@given(BASES, paths, versions, st.sampled_from([".yaml", ".yml", ".json"]))
def test_an_id_round_trips_through_its_tree_path(
    base: str, path: str, version: Version, suffix: str
) -> None:
    version_ref = SchemaRef(base + path, version)
    tree_path = ids.tree_path(version_ref, base, suffix)
    assert tree_path is not None
    assert tree_path == PurePosixPath(path, f"{version}{suffix}")
    assert ids.id_for_tree_path(tree_path, base) == version_ref.id


@given(BASES, paths, versions)
def test_an_id_round_trips_through_its_published_path(
    base: str, path: str, version: Version
) -> None:
    version_ref = SchemaRef(base + path, version)
    published = ids.published_path(version_ref, base)
    assert published is not None
    assert base + published == ids.version_uri(version_ref)
    assert ids.split_version_uri(base + published) == (version_ref.id, str(version))
    latest = ids.latest_paths(version_ref.id, base)
    assert latest is not None
    assert {p.rsplit("/", 1)[0] for p in (published, *latest)} == {path}


@given(BASES, st.text(max_size=40) | paths.map(lambda p: BASE + p + "/") | st.just(BASE))
def test_every_function_agrees_on_which_ids_have_a_place(base: str, text: str) -> None:
    schema_id = base + text if not text.startswith("http") else text
    placed = ids.below(schema_id, base)
    version_ref = SchemaRef(schema_id, Version.parse("1"))
    answers = [
        ids.namespace(schema_id, base),
        ids.tree_path(version_ref, base),
        ids.published_path(version_ref, base),
        ids.latest_paths(schema_id, base),
    ]
    assert all((answer is None) == (placed is None) for answer in answers)
    if placed is not None:
        assert ids.id_problem(schema_id) == ""
        assert ids.within(schema_id, base)


@given(st.text(max_size=30))
def test_any_text_is_judged_without_an_error(text: str) -> None:
    for uri in (text, "http://" + text, BASE + text):
        assert isinstance(ids.id_problem(uri), str)
        assert ids.below(uri, BASE) is None or ids.within(uri, BASE)


# -- every stage agrees ---------------------------------------------------------------------


def write_event(root: Path, path: str, version: str = "1") -> None:
    schema_id = BASE + path
    tree_path = ids.tree_path(ref(schema_id, version), BASE)
    assert tree_path is not None
    file = root / tree_path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(
        f"$id: {schema_id}\nversion: {version}\ntitle: T\ndescription: D.\ntype: object\n",
        encoding="utf-8",
    )


def test_review_and_docs_agree_on_the_namespace_of_a_nested_id(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    write_event(base, "acme/other/x")
    for path in ("acme/other/x", "acme/billing/invoice_paid", "acme/other/y", "click"):
        write_event(head, path)
    settings = Settings(base_url=BASE)
    governance = govern(load_folder(base), load_folder(head), settings)
    opened = {a.ref.id.removeprefix(BASE) for a in governance.assessments if a.new_namespace}
    assert opened == {"acme/billing/invoice_paid"}

    site = render_site(load_folder(head), base_url=BASE)
    assert {n.name for n in site.namespaces} == {"", "acme/billing", "acme/other"}
    for schema_id in load_folder(head).by_id:
        assert namespace_of(schema_id, BASE) == ids.namespace(schema_id, BASE)
    assert any(page.path == "events/acme/billing/index.md" for page in site.pages)


def test_lint_and_publish_place_every_file_where_the_mapping_says(tmp_path: Path) -> None:
    for path, version in (("acme/billing/invoice_paid", "1"), ("acme/billing/invoice_paid", "2")):
        write_event(tmp_path, path, version)
    snapshot = load_folder(tmp_path)
    assert lint(snapshot, Settings(base_url=BASE)) == []
    files = render_registry(snapshot, BASE)
    for schema in snapshot.schemas:
        assert schema.ref is not None
        assert ids.published_path(schema.ref, BASE) in files
        assert ids.tree_path(schema.ref, BASE, schema.rel_path.suffix) == schema.rel_path
    latest = ids.latest_paths(BASE + "acme/billing/invoice_paid", BASE)
    assert latest is not None
    assert all(path in files for path in latest)


def test_lint_names_the_id_a_misplaced_file_would_need(tmp_path: Path) -> None:
    write_event(tmp_path, "acme/billing/invoice_paid")
    (tmp_path / "acme/billing/invoice_paid").rename(tmp_path / "acme/billing/paid")
    (finding,) = lint(load_folder(tmp_path), Settings(base_url=BASE))
    assert finding.rule == "id-matches-path"
    assert finding.hint.endswith(f"change its `$id` to {BASE}acme/billing/paid")


def test_publish_refuses_an_id_outside_the_base_url_with_the_mapping_s_reason(
    tmp_path: Path,
) -> None:
    write_event(tmp_path, "acme/x")
    snapshot = load_folder(tmp_path)
    with pytest.raises(UnsafeId, match="is not below the base URL"):
        render_registry(snapshot, "https://other.example/schemas/")
