"""EventLog's configuration: its traits, and the trait types for where events go and which
events are recorded.

The trait types accept what jupyter_telemetry's configuration files say, so that those files
keep working. `EventLogTraits` declares every configurable option of an EventLog, with its help.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from os import PathLike
from typing import Any

from traitlets import (
    Bool,
    Float,
    HasTraits,
    Instance,
    Int,
    TraitError,
    TraitType,
    Unicode,
    Union,
    validate,
)
from traitlets.config import Config, Configurable

from registry.core.index import MAX_INDEX_BYTES, MAX_SCHEMA_BYTES
from registry.eventlog.depth import DEFAULT_MAX_DEPTH

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


class EventLogTraits(Configurable):
    """The configurable options of an EventLog: where events go, which are recorded, and
    where their schemas come from."""

    handlers = Handlers(
        [],
        help="""A list of logging.Handler instances (or a callable returning one) to send
        events to. Each event is written to each handler as one JSON line. With no handlers,
        events are not recorded.""",
    ).tag(config=True)

    allowed_schemas = SchemaOptions(
        {},
        help="""The schemas whose events are recorded: a list of schema $ids, or a dict of
        $id to {"allowed_categories": [...], "allowed_properties": [...]}, naming the
        personal-data categories and the top-level properties each schema may record (other
        values of schemas that declare categories are written as null; "unrestricted" is
        always allowed). Events of other schemas are not recorded.""",
    ).tag(config=True)

    registry_url = Union(
        [Unicode(), Instance(PathLike)],
        default_value=None,
        allow_none=True,
        help="""Where the published registry is served: an http(s) URL, a file:// URL or a
        folder (e.g. one written by `telemetry-registry fetch`). Allowed schemas that are not
        registered locally are read from it on first use. None: local registrations only.""",
    ).tag(config=True)

    registry_cache_dir = Union(
        [Unicode(), Instance(PathLike)],
        default_value=None,
        allow_none=True,
        help="""The folder caching schemas read over http(s); default: $TELEMETRY_REGISTRY_CACHE,
        else the per-user cache folder.""",
    ).tag(config=True)

    registry_offline = Bool(
        False, help="Never use the network: read schemas from the cache (or a local folder)."
    ).tag(config=True)

    registry_ttl = Float(
        300.0, help="Seconds a fetched registry index is used before it is revalidated."
    ).tag(config=True)

    registry_timeout = Float(
        5.0,
        help="""The most seconds a call waits for the registry (first use of a schema,
        preload); a slower registry makes that call raise SchemaUnavailable.""",
    ).tag(config=True)

    registry_backoff = Float(
        30.0,
        help="""Seconds the registry is left alone after it failed to answer (timed out,
        refused the connection, answered 5xx): meanwhile schemas come from the cache or fail at
        once with the same reason, so an outage costs one registry_timeout per period.""",
    ).tag(config=True)

    registry_max_schema_bytes = Int(
        MAX_SCHEMA_BYTES,
        help="""The largest schema file read from the registry, in bytes; a larger one is
        refused unparsed (SchemaUnavailable).""",
    ).tag(config=True)

    registry_max_index_bytes = Int(
        MAX_INDEX_BYTES,
        help="""The largest registry index (index.json) read, in bytes; a larger one is
        refused unparsed (SchemaUnavailable).""",
    ).tag(config=True)

    max_event_depth = Int(
        DEFAULT_MAX_DEPTH,
        help="""How many levels of objects and arrays an event may nest (the event itself is
        the first). A deeper (or self-referring) event raises EventTooDeep, a
        jsonschema.ValidationError, before anything walks it.""",
    ).tag(config=True)

    def _load_config(
        self,
        cfg: Config,
        section_names: list[str] | None = None,
        traits: dict[str, Any] | None = None,
    ) -> None:
        """Load configuration, carrying handler objects past traitlets' deep copy.

        traitlets deep-copies each configured value; logging handlers hold locks and streams
        and cannot be copied, so the list from a configuration file is wrapped in a function.
        The caller's Config is not changed.
        """
        mine = self._find_my_config(cfg)
        if "handlers" in mine:
            mine = Config(mine)
            mine["handlers"] = _keep_handlers(mine["handlers"])
            cfg = Config({type(self).__name__: mine})
            section_names = None
        super()._load_config(cfg, section_names=section_names, traits=traits)

    @validate("registry_timeout")
    def _positive_timeout(self, proposal: Mapping[str, Any]) -> float:
        value = float(proposal["value"])
        if not value > 0:
            raise TraitError(f"registry_timeout must be a positive number of seconds, not {value}")
        return value

    @validate("max_event_depth", "registry_max_schema_bytes", "registry_max_index_bytes")
    def _positive_limit(self, proposal: Mapping[str, Any]) -> int:
        value = int(proposal["value"])
        if value < 1:
            raise TraitError(f"{proposal['trait'].name} must be at least 1, not {value}")
        return value

    @validate("registry_ttl", "registry_backoff")
    def _not_negative_seconds(self, proposal: Mapping[str, Any]) -> float:
        value = float(proposal["value"])
        if not value >= 0:
            name = proposal["trait"].name
            raise TraitError(f"{name} must be zero or more seconds, not {value}")
        return value


def _keep_handlers(handlers: object) -> object:
    """Wrap a handler list in a function, which traitlets' deep copy of config leaves alone."""
    if callable(handlers) and not isinstance(handlers, logging.Handler):
        return handlers

    def configured_handlers() -> object:
        return handlers

    return configured_handlers
