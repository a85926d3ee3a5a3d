from __future__ import annotations

import logging
from typing import Any

import pytest
from traitlets import HasTraits, TraitError

from registry.eventlog.traits import Handlers, SchemaOptions


class Holder(HasTraits):
    handlers = Handlers([])
    allowed = SchemaOptions({})


def test_handlers_accept_a_list_of_logging_handlers() -> None:
    handler = logging.NullHandler()
    assert Holder(handlers=[handler]).handlers == [handler]


def test_handlers_accept_a_callable_returning_the_list() -> None:
    handler = logging.NullHandler()
    assert Holder(handlers=lambda: [handler]).handlers == [handler]


def test_no_handlers_is_an_empty_list() -> None:
    assert Holder(handlers=None).handlers == []


@pytest.mark.parametrize("value", [["not a handler"], [logging.NullHandler(), 3], "handlers", 7])
def test_handlers_refuse_anything_but_handlers(value: Any) -> None:
    with pytest.raises(TraitError):
        Holder(handlers=value)


def test_a_list_of_schema_ids_means_those_schemas_with_no_options() -> None:
    assert Holder(allowed=["a", "b"]).allowed == {"a": {}, "b": {}}


def test_a_dict_of_options_is_kept() -> None:
    options = {
        "a": {"allowed_categories": ["user-identifier"], "allowed_properties": ["user"]},
        "b": {},
    }
    assert Holder(allowed=options).allowed == options


def test_no_allowed_schemas_is_an_empty_dict() -> None:
    assert Holder(allowed=None).allowed == {}


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({"a": {"allowed_categorys": ["x"]}}, "unknown key"),
        ({"a": {"allowed_categories": "user-identifier"}}, "list of strings"),
        ({"a": {"allowed_properties": [1]}}, "strings only"),
        ({"a": ["allowed_categories"]}, "must be a dict"),
        ({3: {}}, "must be a string"),
        ([3], "must be a string"),
        ("a", "SchemaOptions|list of schema ids"),
    ],
)
def test_schema_options_refuse_what_they_cannot_mean(value: Any, says: str) -> None:
    with pytest.raises(TraitError, match=says):
        Holder(allowed=value)
