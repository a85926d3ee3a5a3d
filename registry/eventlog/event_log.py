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

Recording an event: check its keys, validate it (a compiled validator per schema version;
SchemaViolation, a `jsonschema.ValidationError`, when it is invalid), set the values the
operator does not allow to null (a plan compiled per schema version and policy; the first null
at each place is logged at DEBUG), wrap it in the envelope, and write one line to every
handler. Nothing is written when any step fails, and a failing handler never reaches the caller.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from os import PathLike
from typing import IO, TYPE_CHECKING, Any

from traitlets import TraitError, observe

from registry.core.suggest import closest
from registry.eventlog.categories import Policy
from registry.eventlog.envelope import envelope, rfc3339_utc, to_line, utc_now
from registry.eventlog.hooks import EventHooks, Hooks, ModifierFailed, apply_modifiers
from registry.eventlog.loglines import LEVEL, EventLineFormatter, RecordFactory, dispatch
from registry.eventlog.schemas import LOGGER_NAME, SchemaStore, logger, read_schema_file
from registry.eventlog.schematable import (
    Registered,
    SchemaTable,
    as_event,
    check_depth,
    checked_event,
    parse_version,
)
from registry.eventlog.traits import EventLogTraits, HandlerList

if TYPE_CHECKING:
    from registry.eventlog.remote import RemoteSchemas

__all__ = ["EventLog"]

MAX_WARNED_IDS = 1_000
"""Schemas warned about as not allowed are remembered up to this many; then no more warnings."""


class EventLog(EventLogTraits, EventHooks):
    """Records events, validated against their schemas, as JSON lines through handlers.

    Its configurable traits (handlers, allowed_schemas, registry_*) are declared in
    `registry.eventlog.traits.EventLogTraits`; jupyter_events' modifiers and listeners come
    from `registry.eventlog.hooks.EventHooks`; the schemas in use are kept by a
    `registry.eventlog.schemas.SchemaStore`.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._lock = threading.Lock()
        self._store = SchemaStore()
        self._policies: dict[str, Policy] = {}
        self._init_hooks()
        self._formatter = EventLineFormatter()
        self._attached: HandlerList = []
        self.log = logging.Logger(LOGGER_NAME, LEVEL)
        """The logger holding the handlers; events never propagate to the root logger."""
        self.log.propagate = False
        self._records = RecordFactory(LOGGER_NAME)
        super().__init__(**kwargs)
        self._max_depth: int = self.max_event_depth
        self._attach(self.handlers)
        self._policies = _policies(self.allowed_schemas)
        self._remote = self._make_remote()
        self._warned_not_allowed: set[str] = set()

    @property
    def schemas(self) -> SchemaTable:
        """The schemas in use by (`$id`, version): registered, or read from the registry."""
        return self._store.table

    # -- configuration --------------------------------------------------------------------

    @observe("handlers")
    def _handlers_changed(self, change: Mapping[str, Any]) -> None:
        if hasattr(self, "_attached"):
            self._attach(change["new"])

    @observe("allowed_schemas")
    def _allowed_schemas_changed(self, change: Mapping[str, Any]) -> None:
        self._policies = _policies(change["new"])
        self._warned_not_allowed = set()

    @observe("max_event_depth")
    def _max_depth_changed(self, change: Mapping[str, Any]) -> None:
        self._max_depth = change["new"]

    @observe(
        "registry_url",
        "registry_cache_dir",
        "registry_offline",
        "registry_ttl",
        "registry_timeout",
        "registry_backoff",
        "registry_max_schema_bytes",
        "registry_max_index_bytes",
    )
    def _registry_changed(self, change: Mapping[str, Any]) -> None:
        if hasattr(self, "_remote"):
            self._remote = self._make_remote()

    def _make_remote(self) -> RemoteSchemas | None:
        """The registry client for the configured URL; no I/O happens here.

        The client (and HTTP code with it) is imported only when there is a URL.
        """
        url = self.registry_url
        if url is None or (isinstance(url, str) and not url.strip()):
            return None
        from registry.eventlog.remote import RemoteSchemas

        cache_dir = self.registry_cache_dir or None
        try:
            return RemoteSchemas(
                url if isinstance(url, str) else os.fspath(url),
                cache_dir=cache_dir,
                ttl=self.registry_ttl,
                timeout=self.registry_timeout,
                backoff=self.registry_backoff,
                offline=self.registry_offline,
                max_schema_bytes=self.registry_max_schema_bytes,
                max_index_bytes=self.registry_max_index_bytes,
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
        self.register_schema(read_schema_file(path))

    def register_schema(self, schema: Mapping[str, Any]) -> None:
        """Register a JSON Schema for events; its `$id` and `version` name it.

        Raises `jsonschema.SchemaError` for a schema that breaks its draft's metaschema, and
        ValueError for a missing `$id` or `version`, a property whose name starts with `__`,
        a malformed `categories`, a `$ref` that names nothing registered, or a (`$id`,
        version) registered before (DuplicateSchema). The schema is copied: changing the
        caller's dict later changes nothing here. A local registration replaces a copy read
        from the registry (a warning is logged when the two differ).
        """
        self._store.register(schema, self._remote)

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
        self._store.preload(wanted, remote)

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
        schema is not in `allowed_schemas` (a warning names the closest allowed `$id`, once
        per schema). Raises SchemaNotRegistered (a ValueError) for a schema version neither
        registered nor (with `registry_url`) SchemaUnavailable (a LookupError) for one the
        registry cannot provide, ReservedKeyError (a ValueError) for an event key starting
        with `__`, SchemaViolation (a `jsonschema.ValidationError`) for an invalid event,
        ValueError or TypeError for values JSON cannot hold; nothing is written then.
        `timestamp_override` (a datetime; naive means UTC) replaces the current time in
        `__timestamp__`.
        """
        handlers = self.log.handlers
        policy = self._policies.get(schema_name)
        hooks = self._hooks
        if not (handlers or (hooks is not None and hooks.listening)):
            return None
        if policy is None:
            self._not_allowed(schema_name)
            return None
        entry = self._store.named(schema_name, version, self._remote)
        if hooks is not None:
            return self._record_hooked(hooks, schema_name, entry, policy, event, timestamp_override)
        event = checked_event(entry, policy, event, self._max_depth)
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
        if not (handlers or (hooks is not None and hooks.listening)):
            return None
        if policy is None:
            self._not_allowed(schema_id)
            return None
        entry = self._store.latest(schema_id, self._remote)
        if hooks is not None:
            return self._record_hooked(hooks, schema_id, entry, policy, data, timestamp_override)
        checked = checked_event(entry, policy, data, self._max_depth)
        return self._write(schema_id, entry, checked, timestamp_override)

    def _not_allowed(self, schema_id: object) -> None:
        """Warn, once per `$id`, that events of a schema outside `allowed_schemas` are dropped.

        A typo or a trailing `/` in either the code or the configuration would otherwise
        drop every event without a word; the warning names the closest allowed `$id`.
        """
        key = schema_id if isinstance(schema_id, str) else repr(schema_id)
        warned = self._warned_not_allowed
        if key in warned or len(warned) >= MAX_WARNED_IDS:
            return
        warned.add(key)
        allowed = list(self._policies)
        close = closest(key, allowed)
        if close is not None:
            advice = f"did you mean {close!r}?"
        elif allowed:
            shown = ", ".join(repr(each) for each in sorted(allowed)[:5])
            advice = f"allowed_schemas holds {len(allowed)}: {shown}" + (
                ", ..." if len(allowed) > 5 else ""
            )
        else:
            advice = "allowed_schemas is empty, so no event is recorded"
        logger.warning(
            "events of schema %r are not recorded: it is not in allowed_schemas (%s); add it "
            "there to record them (this is logged once per schema)",
            key,
            advice,
        )

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
        original = as_event(event)
        modifiers = hooks.modifiers_for(schema_id)
        if modifiers:
            check_depth(original, self._max_depth)  # modifiers are given a deep copy
            try:
                event = apply_modifiers(modifiers, schema_id, original)
            except ModifierFailed:
                return None
        recorded = checked_event(entry, policy, event, self._max_depth)
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


def _policies(allowed: Mapping[str, Mapping[str, list[str]]]) -> dict[str, Policy]:
    return {
        schema_id: Policy.of(
            options.get("allowed_categories", ()), options.get("allowed_properties", ())
        )
        for schema_id, options in allowed.items()
    }
