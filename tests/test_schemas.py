"""The repository's own example registry: complete, and every example event valid."""

from __future__ import annotations

import pytest

from registry.core.config import load_settings
from registry.core.model import EventSchema
from registry.core.refs import build_registry, validator_for
from registry.sources.snapshot import Snapshot
from registry.sources.tree import load_folder
from tests.paths import PROJECT

SETTINGS = load_settings(PROJECT / "pyproject.toml")
TREE: Snapshot = load_folder(SETTINGS.schema_root)
EVENTS = [schema for schema in TREE.schemas if "examples" in schema.body]


def test_the_example_registry_has_enough_events_namespaces_and_versions() -> None:
    namespaces = {schema_id[len(SETTINGS.base_url) :].split("/")[0] for schema_id in TREE.by_id}
    assert len(TREE.by_id) >= 12 and len(namespaces) >= 3
    assert sum(1 for versions in TREE.by_id.values() if len(versions) >= 2) >= 4
    assert not TREE.failures


@pytest.mark.parametrize("schema", EVENTS, ids=[str(s.rel_path) for s in EVENTS])
def test_every_example_event_is_valid_under_its_schema(schema: EventSchema) -> None:
    validator = validator_for(schema.body, build_registry(TREE.schemas, base_url=SETTINGS.base_url))
    for example in schema.body["examples"]:
        errors = [error.message for error in validator.iter_errors(example)]
        assert errors == []
