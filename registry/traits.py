"""Trait types for EventLog's configuration: where events go, and which events are recorded.

Both accept what jupyter_telemetry's configuration files say, so that those files keep working.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from traitlets import HasTraits, TraitError, TraitType

HandlerList = list[logging.Handler]
SchemaOptionsValue = dict[str, dict[str, list[str]]]

OPTION_KEYS = ("allowed_categories", "allowed_properties")


class Handlers(TraitType[HandlerList, Any]):
    """A list of `logging.Handler`s, or a callable returning one.

    The callable form exists because traitlets deep-copies configuration values, and a handler
    (which holds a lock and often a file) cannot be copied; EventLog wraps the list from a
    configuration file in such a callable itself, so `c.EventLog.handlers = [...]` works.
    `None` means no handlers.
    """

    info_text = "a list of logging.Handler instances, or a callable returning one"

    def validate(self, obj: HasTraits | None, value: Any) -> HandlerList:
        if callable(value) and not isinstance(value, logging.Handler):
            value = value()
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            self.error(obj, value)
        for handler in value:
            if not isinstance(handler, logging.Handler):
                raise TraitError(
                    f"every element of the {self.name!r} trait must be a logging.Handler; "
                    f"got {handler!r} ({type(handler).__name__})"
                )
        return list(value)


class SchemaOptions(TraitType[SchemaOptionsValue, Any]):
    """The schemas to record, with what each may record of personal data.

    Either a list of schema `$id`s, or a mapping from `$id` to options:
    `{"allowed_categories": [...], "allowed_properties": [...]}`, both optional. A list names
    schemas with no options. The value is kept as the mapping form; unknown option keys and
    values that are not lists of strings are a TraitError, so a typo never widens or narrows
    what is recorded unnoticed. `None` records nothing.
    """

    info_text = (
        "a list of schema ids, or a dict of schema id to "
        "{'allowed_categories': [...], 'allowed_properties': [...]}"
    )

    def validate(self, obj: HasTraits | None, value: Any) -> SchemaOptionsValue:
        if value is None:
            return {}
        if isinstance(value, (list, tuple, set, frozenset)):
            options: SchemaOptionsValue = {}
            for schema_id in value:
                options[self._schema_id(schema_id)] = {}
            return options
        if not isinstance(value, Mapping):
            self.error(obj, value)
        return {
            self._schema_id(schema_id): self._options(schema_id, given)
            for schema_id, given in value.items()
        }

    def _schema_id(self, schema_id: object) -> str:
        if not isinstance(schema_id, str):
            raise TraitError(f"{self.name!r}: a schema id must be a string, not {schema_id!r}")
        return schema_id

    def _options(self, schema_id: str, given: object) -> dict[str, list[str]]:
        if given is None:
            return {}
        if not isinstance(given, Mapping):
            raise TraitError(
                f"{self.name!r}: the options of {schema_id!r} must be a dict with "
                f"{' and/or '.join(OPTION_KEYS)}, not {given!r}"
            )
        unknown = sorted(str(key) for key in given if key not in OPTION_KEYS)
        if unknown:
            raise TraitError(
                f"{self.name!r}: the options of {schema_id!r} have unknown key(s) "
                f"{', '.join(map(repr, unknown))}; the known keys are {', '.join(OPTION_KEYS)}"
            )
        options: dict[str, list[str]] = {}
        for key, labels in given.items():
            if isinstance(labels, str) or not isinstance(labels, (list, tuple, set, frozenset)):
                raise TraitError(
                    f"{self.name!r}: {key} of {schema_id!r} must be a list of strings, "
                    f"not {labels!r}"
                )
            if not all(isinstance(label, str) for label in labels):
                raise TraitError(
                    f"{self.name!r}: {key} of {schema_id!r} must hold strings only, not {labels!r}"
                )
            options[key] = list(labels)
        return options
