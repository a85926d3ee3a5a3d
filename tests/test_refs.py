from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema
import pytest
import referencing.exceptions

from registry.refs import (
    ReferenceOutsideRegistry,
    compiled_check,
    retrieving_registry,
    validator_for,
)

BASE = "https://events.example.org/schemas/"
ADDRESS = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": BASE + "shop/address",
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


def test_retrieving_registry_fetches_uris_under_the_base_through_fetch() -> None:
    asked: list[str] = []

    def fetch(uri: str) -> Mapping[str, Any]:
        asked.append(uri)
        return ADDRESS

    order = {"$ref": BASE + "shop/address/1.json", "$id": BASE + "shop/order"}
    validator = validator_for(order, retrieving_registry(BASE, fetch))
    validator.validate({"city": "Lyon"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"city": 3})
    assert set(asked) == {BASE + "shop/address/1.json"}


def test_retrieving_registry_refuses_other_hosts_without_calling_fetch() -> None:
    asked: list[str] = []

    def fetch(uri: str) -> Mapping[str, Any]:
        asked.append(uri)
        raise AssertionError("fetch must not be called for another host")

    registry = retrieving_registry(BASE, fetch)
    for uri in ("https://elsewhere.example.com/x.json", "https://events.example.org/other/x"):
        with pytest.raises(referencing.exceptions.Unretrievable) as caught:
            registry.get_or_retrieve(uri)
        assert isinstance(caught.value.__cause__, ReferenceOutsideRegistry)
        assert caught.value.__cause__.uri == uri
    assert asked == []


def test_compiled_check_agrees_with_the_reference_validator_and_never_fetches() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"path": {"$ref": "#/$defs/path"}},
        "$defs": {"path": {"type": "string", "pattern": "^(?!/)(?!.*(^|/)\\.\\.(/|$))"}},
    }
    check = compiled_check(schema)
    reference = validator_for(schema)
    for instance in ({"path": "a/b"}, {"path": "../a"}, {"path": "/a"}, {"path": 3}, []):
        assert check(instance) == reference.is_valid(instance), instance
    with pytest.raises(ValueError, match="elsewhere"):
        compiled_check({"$ref": "https://elsewhere.example.com/x.json"})
