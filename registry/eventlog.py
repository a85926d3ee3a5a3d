"""EventLog: record events against registered schemas, one JSON line each, through logging.

An application registers the schemas of its events and calls `record_event`; an operator
decides, through traitlets configuration, where events go (`handlers`) and which are recorded
(`allowed_schemas`, with the personal-data categories each may keep). The API is that of
jupyter_telemetry's EventLog, so switching is a change of import; `emit`, handlers, modifiers
and listeners are jupyter_events' too.

Schemas come from local registrations or, with `registry_url`, from a published registry: an
allowed schema is fetched on first use (never at start-up, never for longer than
`registry_timeout`), cached in memory and on disk, and from then on recorded exactly like a
local one.

Recording an event: check its keys, validate it (a compiled validator per schema version,
jsonschema's own error when it is invalid), set the values the operator does not allow to
null, wrap it in the envelope, and write one line to every handler. Nothing is written when
any step fails, and a failing handler never reaches the caller.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from os import PathLike
from pathlib import Path, PurePosixPath
from typing import IO, Any

from traitlets import Bool, Float, Instance, TraitError, Unicode, Union, observe, validate
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
from registry.hooks import (
    Hooks,
    Listener,
    ListenerEntry,
    ListenerRunner,
    Modifier,
    ModifierFailed,
    apply_modifiers,
)
from registry.loglines import LEVEL, EventLineFormatter, RecordFactory, dispatch
from registry.model import EventSchema, SchemaRef, Version
from registry.refs import check_schema, event_validator_for
from registry.remote import (
    Fetched,
    Flight,
    PreloadFailed,
    RemoteSchemas,
    SchemaUnavailable,
)
from registry.schemafile import SchemaLoadError, read_schema
from registry.schematable import Registered, SchemaTable, parse_version
from registry.traits import HandlerList, Handlers, SchemaOptions

__all__ = [
    "DuplicateSchema",
    "EventLog",
    "PreloadFailed",
    "Registered",
    "SchemaNotRegistered",
    "SchemaTable",
    "SchemaUnavailable",
]

LOGGER_NAME = "registry.eventlog"
logger = logging.getLogger(LOGGER_NAME)
"""Where the EventLog reports its own problems; events go to `EventLog.log` instead."""


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


def _keep_handlers(handlers: object) -> object:
    """Wrap a handler list in a function, which traitlets' deep copy of config leaves alone."""
    if callable(handlers) and not isinstance(handlers, logging.Handler):
        return handlers

    def configured_handlers() -> object:
        return handlers

    return configured_handlers


class EventLog(Configurable):
    """Records events, validated against their schemas, as JSON lines through handlers."""

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

    def __init__(self, **kwargs: Any) -> None:
        self._lock = threading.Lock()
        self._entries: dict[SchemaRef, Registered] = {}
        self._from_registry: frozenset[SchemaRef] = frozenset()
        self._by_call: dict[tuple[str, object], Registered] = {}
        self._latest: dict[str, Registered] = {}
        self._policies: dict[str, Policy] = {}
        self._hooks: Hooks | None = None
        self._listeners = ListenerRunner()
        self._formatter = EventLineFormatter()
        self._attached: HandlerList = []
        self.log = logging.Logger(LOGGER_NAME, LEVEL)
        """The logger holding the handlers; events never propagate to the root logger."""
        self.log.propagate = False
        self._records = RecordFactory(LOGGER_NAME)
        super().__init__(**kwargs)
        self._attach(self.handlers)
        self._policies = _policies(self.allowed_schemas)
        self._remote = self._make_remote()

    @property
    def schemas(self) -> SchemaTable:
        """The schemas in use by (`$id`, version): registered, or read from the registry."""
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

    @validate("registry_timeout")
    def _positive_timeout(self, proposal: Mapping[str, Any]) -> float:
        value = float(proposal["value"])
        if not value > 0:
            raise TraitError(f"registry_timeout must be a positive number of seconds, not {value}")
        return value

    @validate("registry_ttl")
    def _not_negative_ttl(self, proposal: Mapping[str, Any]) -> float:
        value = float(proposal["value"])
        if not value >= 0:
            raise TraitError(f"registry_ttl must be zero or more seconds, not {value}")
        return value

    @observe(
        "registry_url", "registry_cache_dir", "registry_offline", "registry_ttl", "registry_timeout"
    )
    def _registry_changed(self, change: Mapping[str, Any]) -> None:
        if hasattr(self, "_remote"):
            self._remote = self._make_remote()

    def _make_remote(self) -> RemoteSchemas | None:
        """The registry client for the configured URL; no I/O happens here."""
        url = self.registry_url
        if url is None or (isinstance(url, str) and not url.strip()):
            return None
        cache_dir = self.registry_cache_dir or None
        try:
            return RemoteSchemas(
                url if isinstance(url, str) else os.fspath(url),
                cache_dir=cache_dir,
                ttl=self.registry_ttl,
                timeout=self.registry_timeout,
                offline=self.registry_offline,
            )
        except ValueError as error:
            raise TraitError(f"registry_url: {error}") from None

    def _attach(self, handlers: HandlerList) -> None:
        """Make `handlers` the logger's handlers, each writing bare event lines."""
        with self._lock:
            for handler in handlers:
                handler.setFormatter(self._formatter)
            kept = [handler for handler in self.log.handlers if handler not in self._attached]
            # a new list, not the old one changed: recording threads iterate without the lock
            self.log.handlers = [*kept, *handlers]
            self._attached = list(handlers)

    def register_handler(self, handler: logging.Handler) -> None:
        """Add a handler (as jupyter_events does); each event is written to it as one line."""
        if handler not in self.handlers:
            self.handlers = [*self.handlers, handler]

    def remove_handler(self, handler: logging.Handler) -> None:
        """Stop writing events to `handler`; a handler not in use is ignored."""
        self.handlers = [kept for kept in self.handlers if kept is not handler]

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
        changes nothing here. A local registration replaces a copy read from the registry
        (a warning is logged when the two differ).
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
        ref = SchemaRef(schema_id, version)
        event_schema = EventSchema(PurePosixPath(), body, schema_id, version)
        with self._lock:
            replaced = self._entries.get(ref)
            if replaced is not None and ref not in self._from_registry:
                raise DuplicateSchema(ref)
            others = [entry.schema for known, entry in self._entries.items() if known != ref]
            entry = _registered_entry(event_schema, others)
            # replaced, not changed in place: recording threads read without the lock
            self._entries = {**self._entries, ref: entry}
            self._latest = {key: value for key, value in self._latest.items() if key != ref.id}
            if replaced is not None:
                self._from_registry = self._from_registry - {ref}
                self._by_call = {}
        if replaced is not None:
            self._report_shadowing(entry, replaced.schema.body)

    def _report_shadowing(self, local: Registered, registry_body: Mapping[str, Any]) -> None:
        if dict(local.schema.body) == dict(registry_body):
            return
        remote = self._remote
        logger.warning(
            "schema %s version %s is registered locally and differs from the registry's copy "
            "at %s; the local registration is used",
            local.schema.id,
            local.version_value,
            remote.url if remote else "the registry",
        )

    def _adopt(self, fetched: Fetched) -> Registered:
        """Make a schema read from the registry ready to record (a local one stays first)."""
        ref = fetched.schema.ref
        assert ref is not None  # checked by RemoteSchemas.download
        current = self._entries.get(ref)
        if current is not None:
            return current
        check_schema(fetched.schema.body)
        entry = _registered_entry(fetched.schema, fetched.referenced, fetched.base_url)
        with self._lock:
            current = self._entries.get(ref)
            if current is not None:
                return current
            self._entries = {**self._entries, ref: entry}
            self._from_registry = self._from_registry | {ref}
        return entry

    def _registered(self, schema_id: str, version: object) -> Registered:
        """The schema version `record_event` names: registered, or read from the registry."""
        cacheable = type(version) is int or type(version) is str  # not bool, not float
        if cacheable:
            entry = self._by_call.get((schema_id, version))
            if entry is not None:
                return entry
        try:
            ref = SchemaRef(schema_id, parse_version(version))
        except ValueError:
            raise SchemaNotRegistered(schema_id, version) from None
        entry = self._entries.get(ref)
        if entry is None:
            remote = self._remote
            if remote is None:
                raise SchemaNotRegistered(schema_id, version)
            entry = remote.fetch(schema_id, ref.version.text, self._adopt)
        if cacheable:
            self._by_call = {**self._by_call, (schema_id, version): entry}
        return entry

    def _latest_entry(self, schema_id: str) -> Registered:
        """The version `emit` records: the highest registered, else the registry's latest."""
        local = [
            entry
            for ref, entry in self._entries.items()
            if ref.id == schema_id and ref not in self._from_registry
        ]
        remote = self._remote
        if local:
            entry = max(local, key=lambda each: each.schema.version or Version.parse(0))
        elif remote is not None:
            entry = remote.fetch(schema_id, None, self._adopt)
        else:
            raise SchemaNotRegistered(schema_id, "latest")
        self._latest = {**self._latest, schema_id: entry}
        return entry

    def preload(self, schemas: Iterable[tuple[str, int | str]] | None = None) -> None:
        """Read schemas from the registry now, for applications that want to fail at start.

        By default the latest version of every allowed schema not registered locally; or the
        (`$id`, version) pairs given. All are fetched at once, so this waits at most about
        `registry_timeout`. Raises PreloadFailed listing every schema that could not be read.
        Locally registered versions are compared with the registry's copies, and a warning is
        logged for each that differs. Without `registry_url` it does nothing.
        """
        remote = self._remote
        if remote is None:
            return
        wanted: list[tuple[str, str | None]] = (
            [(schema_id, None) for schema_id in self.allowed_schemas]
            if schemas is None
            else [(schema_id, parse_version(version).text) for schema_id, version in schemas]
        )
        fetching: list[tuple[str, str | None, Flight[Registered]]] = []
        comparing: list[tuple[Registered, Flight[dict[str, Any]]]] = []
        for schema_id, version in wanted:
            local = [
                entry
                for ref, entry in self._entries.items()
                if ref.id == schema_id
                and ref not in self._from_registry
                and (version is None or ref.version == Version.parse(version))
            ]
            for entry in local:
                flight = remote.start_body(schema_id, entry.schema.version.text)  # type: ignore[union-attr]
                comparing.append((entry, flight))
            if not local:
                fetching.append((schema_id, version, remote.start(schema_id, version, self._adopt)))
        errors: list[SchemaUnavailable] = []
        for schema_id, version, fetch in fetching:
            try:
                entry = remote.wait(fetch, schema_id, version)
            except SchemaUnavailable as error:
                errors.append(error)
                continue
            if version is None:
                self._latest = {**self._latest, schema_id: entry}
        for entry, compare in comparing:
            try:
                body = remote.wait(compare, entry.schema.id or "", entry.schema.version.text)  # type: ignore[union-attr]
            except SchemaUnavailable as error:
                logger.info("cannot compare a local schema with the registry's: %s", error)
                continue
            self._report_shadowing(entry, body)
        if errors:
            raise PreloadFailed(errors)

    # -- modifiers and listeners ----------------------------------------------------------

    def add_modifier(self, *, schema_id: str | None = None, modifier: Modifier) -> None:
        """Call `modifier(schema_id=..., data=...)` on each event of `schema_id` (None: all)
        before it is validated; it returns the event to record. One that raises drops the
        event (logged), so a failing mask never lets unmasked data through."""
        if not callable(modifier):
            raise TypeError(f"a modifier must be callable, not {type(modifier).__name__}")
        with self._lock:
            self._hooks = _kept((self._hooks or Hooks()).with_modifier(schema_id, modifier))

    def remove_modifier(self, *, schema_id: str | None = None, modifier: Modifier) -> None:
        """Stop calling `modifier` for `schema_id` (None: for every schema)."""
        with self._lock:
            self._hooks = _kept((self._hooks or Hooks()).without_modifier(schema_id, modifier))

    def add_listener(
        self, *, modified: bool = True, schema_id: str | None = None, listener: Listener
    ) -> None:
        """Call `listener(logger=..., schema_id=..., data=...)` after each recorded event of
        `schema_id` (None: all), sync or async. `data` is the event as recorded (modified and
        with disallowed personal data nulled), or as the caller gave it with `modified=False`.
        Listeners run even without handlers; one that raises is logged and ignored."""
        if not callable(listener):
            raise TypeError(f"a listener must be callable, not {type(listener).__name__}")
        entry = ListenerEntry(listener, modified)
        with self._lock:
            self._hooks = _kept((self._hooks or Hooks()).with_listener(schema_id, entry))

    def remove_listener(self, *, schema_id: str | None = None, listener: Listener) -> None:
        """Stop calling `listener` for `schema_id` (None: for every schema)."""
        with self._lock:
            self._hooks = _kept((self._hooks or Hooks()).without_listener(schema_id, listener))

    def flush_listeners(self, timeout: float | None = None) -> bool:
        """Wait for async listeners started from code without a running event loop.

        Returns False when `timeout` seconds passed first. On a running loop, await
        `gather_listeners()` instead.
        """
        return self._listeners.flush(timeout)

    async def gather_listeners(self) -> None:
        """Wait for every async listener started so far, on this loop and the listener thread."""
        await self._listeners.gather()

    def close(self, timeout: float | None = 5.0) -> None:
        """Wait (up to `timeout`) for async listeners, then stop the listener thread."""
        self._listeners.close(timeout)

    def __enter__(self) -> EventLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- recording ------------------------------------------------------------------------

    def record_event(
        self,
        schema_name: str,
        version: int | str,
        event: Mapping[str, Any],
        timestamp_override: datetime | None = None,
    ) -> dict[str, Any] | None:
        """Record one event of schema `schema_name` at `version`; return what was written.

        Returns None, writing nothing, when there are no handlers (nor listeners) or the
        schema is not in `allowed_schemas`. Raises SchemaNotRegistered (a ValueError) for a
        schema version neither registered nor (with `registry_url`) SchemaUnavailable (a
        LookupError) for one the registry cannot provide, ReservedKeyError (a ValueError) for
        an event key starting with `__`, `jsonschema.ValidationError` for an invalid event,
        ValueError or TypeError for values JSON cannot hold; nothing is written then.
        `timestamp_override` (a datetime; naive means UTC) replaces the current time in
        `__timestamp__`.
        """
        handlers = self.log.handlers
        policy = self._policies.get(schema_name)
        hooks = self._hooks
        if policy is None or not (handlers or (hooks is not None and hooks.listening)):
            return None
        entry = self._registered(schema_name, version)
        if hooks is not None:
            return self._record_hooked(hooks, schema_name, entry, policy, event, timestamp_override)
        event = _checked(entry, policy, event)
        return self._write(schema_name, entry, event, timestamp_override)

    def emit(
        self,
        *,
        schema_id: str,
        data: Mapping[str, Any],
        timestamp_override: datetime | None = None,
    ) -> dict[str, Any] | None:
        """Record an event at the schema's latest version, as jupyter_events' `emit` does.

        The latest is the highest locally registered version of `schema_id`, else the
        registry's latest when first emitted (kept for the EventLog's life). Otherwise as
        `record_event`.
        """
        handlers = self.log.handlers
        policy = self._policies.get(schema_id)
        hooks = self._hooks
        if policy is None or not (handlers or (hooks is not None and hooks.listening)):
            return None
        entry = self._latest.get(schema_id)
        if entry is None:
            entry = self._latest_entry(schema_id)
        if hooks is not None:
            return self._record_hooked(hooks, schema_id, entry, policy, data, timestamp_override)
        return self._write(schema_id, entry, _checked(entry, policy, data), timestamp_override)

    def _record_hooked(
        self,
        hooks: Hooks,
        schema_id: str,
        entry: Registered,
        policy: Policy,
        event: Mapping[str, Any],
        timestamp_override: datetime | None,
    ) -> dict[str, Any] | None:
        """Recording with modifiers and listeners: modify, check, write, then notify."""
        original = _mapping(event)
        modifiers = hooks.modifiers_for(schema_id)
        if modifiers:
            try:
                event = apply_modifiers(modifiers, schema_id, original)
            except ModifierFailed:
                return None
        recorded = _checked(entry, policy, event)
        wrapped = self._write(schema_id, entry, recorded, timestamp_override)
        listeners = hooks.listeners_for(schema_id)
        if listeners:
            self._listeners.notify(listeners, self, schema_id, recorded, original)
        return wrapped

    def _write(
        self,
        schema_id: str,
        entry: Registered,
        event: Mapping[str, Any],
        timestamp_override: datetime | None,
    ) -> dict[str, Any]:
        if timestamp_override is None:
            timestamp, now_ns = utc_now()
        else:
            timestamp, now_ns = rfc3339_utc(timestamp_override), time.time_ns()
        wrapped = envelope(schema_id, entry.version_value, event, timestamp)
        line = to_line(wrapped)
        handlers = self.log.handlers
        if handlers:
            dispatch(handlers, self._records.make(line, now_ns))
        return wrapped


def _mapping(event: Any) -> Mapping[str, Any]:
    if type(event) is not dict and not isinstance(event, Mapping):
        raise TypeError(f"an event must be a mapping, not {type(event).__name__}")
    return event


def _checked(entry: Registered, policy: Policy, event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event as it may be written: keys checked, validated, disallowed values nulled."""
    _mapping(event)
    if not entry.closed:
        check_event_keys(event)
    entry.validate(event)
    if entry.redactor is not None:
        return entry.redactor.redact(event, policy)
    return event


def _registered_entry(
    schema: EventSchema, others: Iterable[EventSchema], base_url: str = ""
) -> Registered:
    """Check a valid schema as registration does, and build what recording it needs."""
    body = schema.body
    properties = body.get("properties")
    if isinstance(properties, Mapping):
        reserved = sorted(name for name in properties if name.startswith(RESERVED_PREFIX))
        if reserved:
            raise ValueError(
                f"schema {schema.id!r} has properties starting with {RESERVED_PREFIX!r} "
                f"({', '.join(reserved)}), which the envelope reserves; rename them"
            )
    check_categories(body)
    validator = event_validator_for(schema, others, base_url=base_url)
    redactor = Redactor(body, validator.references)
    return Registered(schema, validator, redactor if redactor.uses_categories else None)


def _kept(hooks: Hooks) -> Hooks | None:
    return None if hooks.empty else hooks


def _policies(allowed: Mapping[str, Mapping[str, list[str]]]) -> dict[str, Policy]:
    return {
        schema_id: Policy.of(
            options.get("allowed_categories", ()), options.get("allowed_properties", ())
        )
        for schema_id, options in allowed.items()
    }
