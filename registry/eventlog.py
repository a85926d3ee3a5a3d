"""EventLog: record events against registered schemas, one JSON line each, through logging.

An application registers the schemas of its events and calls `record_event`; an operator
decides, through traitlets configuration, where events go (`handlers`) and which are recorded
(`allowed_schemas`, with the personal-data categories each may keep). The API is that of
jupyter_telemetry's EventLog, so switching is a change of import.

Recording an event: check its keys, validate it (a compiled validator per schema version,
jsonschema's own error when it is invalid), set the values the operator does not allow to
null, wrap it in the envelope, and write one line to every handler. Nothing is written when
any step fails, and a failing handler never reaches the caller.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from os import PathLike
from pathlib import Path, PurePosixPath
from typing import IO, Any

from traitlets import observe
from traitlets.config import Config, Configurable

from registry.categories import Policy, Redactor, check_categories
from registry.envelope import (
    RESERVED_PREFIX,
    check_event_keys,
    envelope,
    rfc3339_utc,
    to_line,
    utc_now,
)
from registry.loglines import LEVEL, EventLineFormatter, RecordFactory, dispatch
from registry.model import EventSchema, SchemaRef, Version
from registry.refs import EventValidator, check_schema, event_validator_for
from registry.schemafile import SchemaLoadError, read_schema
from registry.traits import HandlerList, Handlers, SchemaOptions

LOGGER_NAME = "registry.eventlog"


class SchemaNotRegistered(ValueError):
    """`record_event` named a schema version that was never registered."""

    def __init__(self, schema_id: str, version: object) -> None:
        self.schema_id = schema_id
        self.version = version
        super().__init__(
            f"schema {schema_id!r} version {version!r} is not registered; register it first "
            "with register_schema(...) or register_schema_file(...)"
        )


class DuplicateSchema(ValueError):
    """A schema version registered twice; the first registration stands."""

    def __init__(self, ref: SchemaRef) -> None:
        self.ref = ref
        super().__init__(
            f"schema {ref.id!r} version {ref.version} is already registered; a schema version "
            "is immutable: give the changed schema a new version"
        )


@dataclass(frozen=True)
class Registered:
    """One registered schema version, ready to record: its validator and its redactor."""

    schema: EventSchema
    validator: EventValidator
    redactor: Redactor | None
    """None for a schema that declares no categories: its events are recorded unchanged."""

    @cached_property
    def validate(self) -> Callable[[Mapping[str, Any]], None]:
        return self.validator.validate

    @cached_property
    def closed(self) -> bool:
        """Whether the schema admits only the keys it names (`additionalProperties: false`).

        Registration refuses `__` property names, so validation alone then keeps reserved
        and non-string keys out of events, and recording skips checking them.
        """
        body = self.schema.body
        return body.get("additionalProperties") is False and "patternProperties" not in body

    @property
    def version_value(self) -> int | str:
        assert self.schema.version is not None
        return self.schema.version.body_value


class SchemaTable(Mapping[tuple[str, "int | str"], dict[str, Any]]):
    """The registered schemas by (`$id`, version), as jupyter_telemetry's `schemas` dict.

    A version may be given as an int, a string or a `Version`: `(id, 1)` and `(id, "1")` name
    the same schema. Each lookup returns a copy, so the registered schema cannot be changed.
    """

    def __init__(self, entries: Mapping[SchemaRef, Registered]) -> None:
        self._entries = entries

    def __getitem__(self, key: tuple[str, int | str]) -> dict[str, Any]:
        ref = _ref_of(key)
        if ref is None or ref not in self._entries:
            raise KeyError(key)
        return copy.deepcopy(dict(self._entries[ref].schema.body))

    def __contains__(self, key: object) -> bool:
        ref = _ref_of(key)
        return ref is not None and ref in self._entries

    def __iter__(self) -> Iterator[tuple[str, int | str]]:
        return ((ref.id, ref.version.body_value) for ref in self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"SchemaTable({sorted(map(str, self._entries))})"


def _ref_of(key: object) -> SchemaRef | None:
    if not (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str)):
        return None
    try:
        return SchemaRef(key[0], _version(key[1]))
    except ValueError:
        return None


def _version(value: object) -> Version:
    return value if isinstance(value, Version) else Version.parse(value)


def _keep_handlers(handlers: object) -> object:
    """Wrap a handler list in a function, which traitlets' deep copy of config leaves alone."""
    if callable(handlers) and not isinstance(handlers, logging.Handler):
        return handlers

    def configured_handlers() -> object:
        return handlers

    return configured_handlers


class EventLog(Configurable):
    """Records events, validated against registered schemas, as JSON lines through handlers."""

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

    def __init__(self, **kwargs: Any) -> None:
        self._lock = threading.Lock()
        self._entries: dict[SchemaRef, Registered] = {}
        self._by_call: dict[tuple[str, object], Registered] = {}
        self._policies: dict[str, Policy] = {}
        self._formatter = EventLineFormatter()
        self._attached: HandlerList = []
        self.log = logging.Logger(LOGGER_NAME, LEVEL)
        """The logger holding the handlers; events never propagate to the root logger."""
        self.log.propagate = False
        self._records = RecordFactory(LOGGER_NAME)
        super().__init__(**kwargs)
        self._attach(self.handlers)
        self._policies = _policies(self.allowed_schemas)

    @property
    def schemas(self) -> SchemaTable:
        """The registered schemas by (`$id`, version)."""
        return SchemaTable(self._entries)

    # -- configuration --------------------------------------------------------------------

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

    @observe("handlers")
    def _handlers_changed(self, change: Mapping[str, Any]) -> None:
        if hasattr(self, "_attached"):
            self._attach(change["new"])

    @observe("allowed_schemas")
    def _allowed_schemas_changed(self, change: Mapping[str, Any]) -> None:
        self._policies = _policies(change["new"])

    def _attach(self, handlers: HandlerList) -> None:
        """Make `handlers` the logger's handlers, each writing bare event lines."""
        with self._lock:
            for handler in handlers:
                handler.setFormatter(self._formatter)
            kept = [handler for handler in self.log.handlers if handler not in self._attached]
            # a new list, not the old one changed: recording threads iterate without the lock
            self.log.handlers = [*kept, *handlers]
            self._attached = list(handlers)

    # -- schemas --------------------------------------------------------------------------

    def register_schema_file(self, path: str | PathLike[str] | IO[str] | IO[bytes]) -> None:
        """Register the schema in a YAML or JSON file, given by path or as an open file.

        Files are read safely (no YAML tags, anchors or duplicate keys); a file that cannot
        be read as a schema raises ValueError naming the file and the line.
        """
        if hasattr(path, "read"):
            data = path.read()
            name = str(getattr(path, "name", "<file>"))
        else:
            name = str(path)
            data = Path(name).read_bytes()
        raw = data.encode("utf-8") if isinstance(data, str) else data
        suffix = ".json" if name.endswith(".json") else ".yaml"
        try:
            loaded = read_schema(PurePosixPath("schema" + suffix), raw)
        except SchemaLoadError as error:
            where = f"{name}:{error.line}" if error.line else name
            raise ValueError(f"{where}: {error.message} ({error.hint})") from None
        self.register_schema(loaded.body)

    def register_schema(self, schema: Mapping[str, Any]) -> None:
        """Register a JSON Schema for events; its `$id` and `version` name it.

        Raises `jsonschema.SchemaError` for a schema that breaks its draft's metaschema, and
        ValueError for a missing `$id` or `version`, a property whose name starts with `__`,
        a malformed `categories`, a `$ref` that names nothing registered, or a (`$id`,
        version) registered before. The schema is copied: changing the caller's dict later
        changes nothing here.
        """
        if not isinstance(schema, Mapping):
            raise TypeError(f"a schema must be a mapping, not {type(schema).__name__}")
        body: dict[str, Any] = copy.deepcopy(dict(schema))
        check_schema(body)
        schema_id = body.get("$id")
        if not isinstance(schema_id, str) or not schema_id:
            raise ValueError("`$id` is required in a schema (a non-empty string naming the event)")
        if "version" not in body:
            raise ValueError(f"`version` is required in schema {schema_id!r}")
        version = Version.parse(body["version"])
        properties = body.get("properties")
        if isinstance(properties, Mapping):
            reserved = sorted(name for name in properties if name.startswith(RESERVED_PREFIX))
            if reserved:
                raise ValueError(
                    f"schema {schema_id!r} has properties starting with {RESERVED_PREFIX!r} "
                    f"({', '.join(reserved)}), which the envelope reserves; rename them"
                )
        check_categories(body)
        ref = SchemaRef(schema_id, version)
        event_schema = EventSchema(
            rel_path=PurePosixPath(), body=body, id=schema_id, version=version
        )
        with self._lock:
            if ref in self._entries:
                raise DuplicateSchema(ref)
            others = [entry.schema for entry in self._entries.values()]
            validator = event_validator_for(event_schema, others)
            redactor = Redactor(body, validator.references)
            entry = Registered(
                event_schema, validator, redactor if redactor.uses_categories else None
            )
            # replaced, not changed in place: recording threads read without the lock
            self._entries = {**self._entries, ref: entry}

    def _registered(self, schema_id: str, version: object) -> Registered:
        """The registered schema version `record_event` names; SchemaNotRegistered if none."""
        cacheable = type(version) is int or type(version) is str  # not bool, not float
        if cacheable:
            entry = self._by_call.get((schema_id, version))
            if entry is not None:
                return entry
        try:
            ref = SchemaRef(schema_id, _version(version))
        except ValueError:
            raise SchemaNotRegistered(schema_id, version) from None
        entry = self._entries.get(ref)
        if entry is None:
            raise SchemaNotRegistered(schema_id, version)
        if cacheable:
            self._by_call = {**self._by_call, (schema_id, version): entry}
        return entry

    # -- recording ------------------------------------------------------------------------

    def record_event(
        self,
        schema_name: str,
        version: int | str,
        event: Mapping[str, Any],
        timestamp_override: datetime | None = None,
    ) -> dict[str, Any] | None:
        """Record one event of schema `schema_name` at `version`; return what was written.

        Returns None, writing nothing, when there are no handlers or the schema is not in
        `allowed_schemas`. Raises SchemaNotRegistered (a ValueError) for a schema version
        never registered, ReservedKeyError (a ValueError) for an event key starting with
        `__`, `jsonschema.ValidationError` for an invalid event, ValueError or TypeError for
        values JSON cannot hold; nothing is written then. `timestamp_override` (a datetime;
        naive means UTC) replaces the current time in `__timestamp__`.
        """
        handlers = self.log.handlers
        policy = self._policies.get(schema_name)
        if not handlers or policy is None:
            return None
        entry = self._registered(schema_name, version)
        if type(event) is not dict and not isinstance(event, Mapping):
            raise TypeError(f"an event must be a mapping, not {type(event).__name__}")
        if not entry.closed:
            check_event_keys(event)
        entry.validate(event)
        if entry.redactor is not None:
            event = entry.redactor.redact(event, policy)
        if timestamp_override is None:
            timestamp, now_ns = utc_now()
        else:
            timestamp, now_ns = rfc3339_utc(timestamp_override), time.time_ns()
        wrapped = envelope(schema_name, entry.version_value, event, timestamp)
        line = to_line(wrapped)
        dispatch(handlers, self._records.make(line, now_ns))
        return wrapped


def _policies(allowed: Mapping[str, Mapping[str, list[str]]]) -> dict[str, Policy]:
    return {
        schema_id: Policy.of(
            options.get("allowed_categories", ()), options.get("allowed_properties", ())
        )
        for schema_id, options in allowed.items()
    }
