"""The schema versions an EventLog records: registered locally, or read from its registry.

`SchemaStore` owns them apart from recording, so that registering (checks, validators,
redactors built once per version) and finding the version an event names are one idea, and
`EventLog` only configures and writes. Recording threads read the store without a lock: every
table is replaced whole on change, never changed in place. A local registration comes first; a
copy read from the registry stands in until one is registered.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Mapping
from os import PathLike
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from jsonschema.exceptions import SchemaError

from registry.core.dialects import check_schema
from registry.core.model import EventSchema, SchemaRef, Version
from registry.eventlog.errors import (
    DuplicateSchema,
    PreloadFailed,
    SchemaNotRegistered,
    SchemaUnavailable,
)
from registry.eventlog.schematable import Registered, SchemaTable, build_entry, parse_version

if TYPE_CHECKING:
    from registry.eventlog.remote import Fetched, Flight, RemoteSchemas

LOGGER_NAME = "registry.eventlog"
logger = logging.getLogger(LOGGER_NAME)
"""Where the EventLog reports its own problems; events go to `EventLog.log` instead."""


def read_schema_file(path: str | PathLike[str] | IO[str] | IO[bytes]) -> dict[str, Any]:
    """The body of the schema in a YAML or JSON file, given by path or as an open file.

    The file is read as the tooling reads a schema tree (no YAML tags, anchors or duplicate
    keys); that reader, and YAML with it, is loaded on the first call only, so an application
    that registers no files never loads either. ValueError names the file and the line.
    """
    from registry.sources.files import SchemaLoadError, read_schema

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
        where = name + error.where
        raise ValueError(f"{where}: {error.message} ({error.hint})") from None
    return dict(loaded.body)


class SchemaStore:
    """Every schema version in use by (`$id`, version), and the lookups recording makes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[SchemaRef, Registered] = {}
        self._from_registry: frozenset[SchemaRef] = frozenset()
        self._by_call: dict[tuple[str, object], Registered] = {}
        self._latest: dict[str, Registered] = {}
        self._registrations = 0
        """Counts registrations; a lookup remembered across one would be stale."""

    @property
    def table(self) -> SchemaTable:
        return SchemaTable(self._entries)

    def register(self, schema: Mapping[str, Any], remote: RemoteSchemas | None) -> None:
        """Check and register one schema; see `EventLog.register_schema` for what is refused."""
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
            entry = build_entry(event_schema, others)
            self._entries = {**self._entries, ref: entry}
            self._latest = {key: value for key, value in self._latest.items() if key != ref.id}
            self._registrations += 1
            if replaced is not None:
                self._from_registry = self._from_registry - {ref}
                self._by_call = {}
        if replaced is not None:
            _report_shadowing(entry, replaced.schema.body, remote)

    def adopt(self, fetched: Fetched) -> Registered:
        """Make a schema read from the registry ready to record (a local one stays first)."""
        ref = fetched.schema.ref
        assert ref is not None  # checked by RemoteSchemas.download
        current = self._entries.get(ref)
        if current is not None:
            return current
        check_schema(fetched.schema.body)
        for referenced in fetched.referenced:  # none reaches a validator's registry unchecked
            try:
                check_schema(referenced.body)
            except SchemaError as error:
                error.message = f"{referenced.id}, which it references: {error.message}"
                raise
        entry = build_entry(fetched.schema, fetched.referenced, fetched.base_url)
        with self._lock:
            current = self._entries.get(ref)
            if current is not None:
                return current
            self._entries = {**self._entries, ref: entry}
            self._from_registry = self._from_registry | {ref}
        return entry

    def named(self, schema_id: str, version: object, remote: RemoteSchemas | None) -> Registered:
        """The schema version `record_event` names: registered, or read from the registry."""
        cacheable = type(version) is int or type(version) is str  # not bool, not float
        if cacheable:
            entry = self._by_call.get((schema_id, version))
            if entry is not None:
                return entry
        try:
            ref = SchemaRef(schema_id, parse_version(version))
        except ValueError:
            raise SchemaNotRegistered(schema_id, version, self._entries) from None
        registrations = self._registrations
        entry = self._entries.get(ref)
        if entry is None:
            if remote is None:
                raise SchemaNotRegistered(schema_id, version, self._entries)
            entry = remote.fetch(schema_id, ref.version.text, self.adopt)
        if cacheable:
            with self._lock:
                if self._registrations == registrations:
                    self._by_call = {**self._by_call, (schema_id, version): entry}
        return entry

    def latest(self, schema_id: str, remote: RemoteSchemas | None) -> Registered:
        """The version `emit` records: the highest registered, else the registry's latest."""
        entry = self._latest.get(schema_id)
        if entry is not None:
            return entry
        registrations = self._registrations
        local = self._local(schema_id)
        if local:
            entry = max(local, key=lambda each: each.schema.version or Version.parse(0))
        elif remote is not None:
            entry = remote.fetch(schema_id, None, self.adopt)
        else:
            raise SchemaNotRegistered(schema_id, None, self._entries)
        self._remember_latest(schema_id, entry, registrations)
        return entry

    def preload(self, wanted: list[tuple[str, str | None]], remote: RemoteSchemas) -> None:
        """Fetch the (`$id`, version or None for the latest) pairs at once; see EventLog."""
        registrations = self._registrations
        fetching: list[tuple[str, str | None, Flight[Registered]]] = []
        comparing: list[tuple[Registered, Flight[Mapping[str, Any]]]] = []
        for schema_id, version in wanted:
            local = self._local(schema_id, None if version is None else Version.parse(version))
            for entry in local:
                flight = remote.start_body(schema_id, _version_text(entry))
                comparing.append((entry, flight))
            if not local:
                fetching.append((schema_id, version, remote.start(schema_id, version, self.adopt)))
        errors: list[SchemaUnavailable] = []
        for schema_id, version, fetch in fetching:
            try:
                entry = remote.wait(fetch, schema_id, version, preloading=True)
            except SchemaUnavailable as error:
                errors.append(error)
                continue
            if version is None:
                self._remember_latest(schema_id, entry, registrations)
        for entry, compare in comparing:
            try:
                schema_id = entry.schema.id or ""
                body = remote.wait(compare, schema_id, _version_text(entry), preloading=True)
            except SchemaUnavailable as error:
                logger.info("cannot compare a local schema with the registry's: %s", error)
                continue
            _report_shadowing(entry, body, remote)
        if errors:
            raise PreloadFailed(errors)

    def _local(self, schema_id: str, version: Version | None = None) -> list[Registered]:
        """The locally registered versions of `schema_id` (only `version`, when given)."""
        return [
            entry
            for ref, entry in self._entries.items()
            if ref.id == schema_id
            and ref not in self._from_registry
            and (version is None or ref.version == version)
        ]

    def _remember_latest(self, schema_id: str, entry: Registered, registrations: int) -> None:
        """Keep `emit`'s version, unless a registration since may have changed which it is."""
        with self._lock:
            if self._registrations == registrations:
                self._latest = {**self._latest, schema_id: entry}


def _version_text(entry: Registered) -> str:
    version = entry.schema.version
    assert version is not None  # every registered schema has one
    return version.text


def _report_shadowing(
    local: Registered, registry_body: Mapping[str, Any], remote: RemoteSchemas | None
) -> None:
    """Warn when a local registration differs from the registry's copy it replaces."""
    if dict(local.schema.body) == dict(registry_body):
        return
    logger.warning(
        "schema %s version %s is registered locally and differs from the registry's copy "
        "at %s; the local registration is used",
        local.schema.id,
        local.version_value,
        remote.url if remote else "the registry",
    )
