"""Schemas an EventLog reads from a published registry: fetched on first use, within a deadline.

An application names its registry (`registry_url`) instead of copying schemas into its code. A
schema version is fetched through a `RegistryClient` (verified, cached on disk) the first time an
event of it is recorded, and its `$ref`s to other registry schemas with it. Whoever asks never
waits longer than the timeout: the fetch runs in a worker thread, so a registry that hangs costs
the caller the timeout once, not per event, and a fetch that finishes late still fills the caches.
Callers asking for the same schema at the same time share one fetch, and once the registry has
failed to answer, schemas asked for during the client's back-off come from the cache or fail at
once with that failure's reason: an outage costs one timeout, not one per schema.

Each failure says its cause and the remedy for it: an `$id` the index does not list (with the
closest it does), a version it does not list (with those it does), a registry that cannot be
reached (URL, reason, what the cache holds), offline without a cached copy, a registry too slow.

An EventLog imports this module (and with it the client's HTTP code) only when it is given a
`registry_url`.
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Generic, TypeVar
from urllib.parse import urljoin

from jsonschema.exceptions import SchemaError

from registry.client import (
    DigestMismatch,
    InvalidResponse,
    RegistryClient,
    RegistryError,
    RegistryUnavailable,
    SchemaNotFound,
)
from registry.client.transport import finishing_by
from registry.core import ids
from registry.core.index import MAX_INDEX_BYTES, MAX_SCHEMA_BYTES
from registry.core.model import JSON, EventSchema, Version, VersionError
from registry.core.suggest import closest
from registry.core.walk import subschemas
from registry.eventlog.errors import PreloadFailed, SchemaUnavailable

__all__ = ["Fetched", "Flight", "PreloadFailed", "RemoteSchemas", "SchemaUnavailable"]

V = TypeVar("V")

_SLOW = "Raise registry_timeout if the registry is slow"
_EARLY = ", or call preload() at start-up so that the wait happens once, before events are recorded"
_UNREACHABLE = (
    "Check registry_url and the network, or register the schema locally; once read, a schema "
    "is served from the cache when the registry cannot be reached"
)
_UNLISTED = "Publish this schema version to the registry, or register the schema locally"
_DAMAGED = (
    "Republish the registry, or point registry_url at its original location instead of this copy"
)
_OFFLINE = (
    "Read the registry once with registry_offline off, so that the disk cache holds the "
    "schema, or register the schema locally"
)
_UNUSABLE = (
    "Fix the schema in the registry and publish it as a new version, or register a usable "
    "version locally"
)

RETRIES = 1
BACKOFF = 0.1


@dataclass
class Flight(Generic[V]):
    """One fetch in progress; everyone who asks for its key waits on `future`."""

    started: float
    future: concurrent.futures.Future[V] = field(default_factory=concurrent.futures.Future)

    def wait(self, timeout: float) -> V:
        """The result, waiting at most until `timeout` seconds after the fetch started.

        Raises TimeoutError when that moment has passed (at once, for a late caller) and the
        load's own exception when it failed.
        """
        remaining = max(self.started + timeout - time.monotonic(), 0.0)
        try:
            return self.future.result(timeout=remaining)
        except concurrent.futures.TimeoutError:
            raise TimeoutError from None


class SingleFlight(Generic[V]):
    """Runs one load per key at a time, each in its own daemon thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[Hashable, Flight[V]] = {}

    def start(self, key: Hashable, load: Callable[[], V]) -> Flight[V]:
        """The flight for `key`: the one in progress, else a new one running `load`."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is None:
                flight = Flight(time.monotonic())
                self._flights[key] = flight
                worker = threading.Thread(
                    target=self._run,
                    args=(key, flight, load),
                    name=f"registry-fetch {key}",
                    daemon=True,
                )
                worker.start()
        return flight

    def _run(self, key: Hashable, flight: Flight[V], load: Callable[[], V]) -> None:
        try:
            value = load()
        except BaseException as error:
            flight.future.set_exception(error)
        else:
            flight.future.set_result(value)
        finally:
            with self._lock:
                if self._flights.get(key) is flight:
                    del self._flights[key]


@dataclass(frozen=True)
class Fetched:
    """A schema version from the registry, with the registry schemas its `$ref`s name."""

    schema: EventSchema
    referenced: tuple[EventSchema, ...]
    base_url: str


class RemoteSchemas:
    """A registry as an EventLog uses it: `fetch` by `$id` and version, bounded by `timeout`."""

    def __init__(
        self,
        url: str | os.PathLike[str],
        *,
        cache_dir: str | os.PathLike[str] | None,
        ttl: float,
        timeout: float,
        offline: bool,
        backoff: float = 30.0,
        max_schema_bytes: int = MAX_SCHEMA_BYTES,
        max_index_bytes: int = MAX_INDEX_BYTES,
    ) -> None:
        self.client = RegistryClient(
            url,
            cache_dir=cache_dir,
            ttl=ttl,
            timeout=timeout,
            retries=RETRIES,
            backoff=BACKOFF,
            outage_backoff=backoff,
            offline=offline,
            max_schema_bytes=max_schema_bytes,
            max_index_bytes=max_index_bytes,
        )
        self.timeout = timeout
        self.offline = offline
        self._flights: SingleFlight[object] = SingleFlight()

    @property
    def url(self) -> str:
        return self.client.url

    def start(
        self, schema_id: str, version: str | None, adopt: Callable[[Fetched], V]
    ) -> Flight[V]:
        """Start (or join) fetching one version (None: the latest) and `adopt`ing it."""

        ends = time.monotonic() + self.timeout

        def load() -> V:
            with finishing_by(ends):  # no request outlives the callers' wait
                return adopt(self.download(schema_id, version))

        flight = self._flights.start(("schema", schema_id, version), load)
        return flight  # type: ignore[return-value]  # keys are unique per adopt's result type

    def start_body(self, schema_id: str, version: str) -> Flight[Mapping[str, JSON]]:
        """Start (or join) fetching the registry's body of one version, for comparing."""
        ends = time.monotonic() + self.timeout

        def load() -> Mapping[str, JSON]:
            with finishing_by(ends):
                return self.client.body(schema_id, version)

        flight = self._flights.start(("body", schema_id, version), load)
        return flight  # type: ignore[return-value]

    def wait(
        self, flight: Flight[V], schema_id: str, version: str | None, *, preloading: bool = False
    ) -> V:
        """The flight's result; SchemaUnavailable (naming id, version, URL) when it failed.

        `preloading`: the caller is `preload()`, so no hint suggests calling it.
        """
        early = "" if preloading else _EARLY
        try:
            return flight.wait(self.timeout)
        except TimeoutError:
            reason = f"it did not answer within registry_timeout ({self.timeout:g} s)"
            self.client.outage.declare(reason, slow=True)
            raise self._unavailable(schema_id, version, reason, _SLOW + early) from None
        except SchemaNotFound as error:
            reason, hint = self._not_found(error, early)
            raise self._unavailable(schema_id, version, reason, hint) from error
        except SchemaUnavailable as error:
            raise self._unavailable(schema_id, version, error.reason, error.hint) from error
        except (DigestMismatch, InvalidResponse) as error:
            raise self._unavailable(schema_id, version, str(error), _DAMAGED) from error
        except RegistryError as error:
            hint = _OFFLINE if self.offline else _UNREACHABLE + early
            raise self._unavailable(schema_id, version, str(error), hint) from error
        except SchemaError as error:
            where = "".join(f"/{part}" for part in error.path) or "/"
            reason = f"it is not a valid JSON Schema: {error.message} (at {where})"
            raise self._unavailable(schema_id, version, reason, _UNUSABLE) from error
        except ValueError as error:
            # a registry schema the EventLog cannot use: its own checks, as for register_schema
            raise self._unavailable(schema_id, version, str(error), _UNUSABLE) from error

    def _not_found(self, error: SchemaNotFound, early: str) -> tuple[str, str]:
        """The reason and the remedy for a schema the registry did not provide, by cause."""
        if error.listed:
            close = closest(error.schema_id, error.listed)
            guess = f"Did you mean {close!r}? " if close else ""
            hint = f"{guess}Check the `$id` the application names; {_UNLISTED.lower()}"
            return f"its index lists no event with this `$id` ({len(error.listed)} listed)", hint
        if error.versions:
            return (
                f"it lists versions {', '.join(error.versions)} of this event",
                "Record one of those versions (emit() records the latest); " + _UNLISTED.lower(),
            )
        if error.unreachable and self.offline:
            return error.reason, _OFFLINE
        if error.unreachable:
            slow = isinstance(error.__cause__, RegistryUnavailable) and error.__cause__.timed_out
            return error.reason, (_SLOW if slow else _UNREACHABLE) + early
        return error.reason, _UNLISTED

    def _unavailable(
        self, schema_id: str, version: str | None, reason: str, hint: str
    ) -> SchemaUnavailable:
        return SchemaUnavailable(schema_id, version, self.url, reason, hint)

    def fetch(self, schema_id: str, version: str | None, adopt: Callable[[Fetched], V]) -> V:
        return self.wait(self.start(schema_id, version, adopt), schema_id, version)

    def download(self, schema_id: str, version: str | None) -> Fetched:
        """The schema version and the schemas it references, read through the client."""
        body = self.client.body(schema_id, version)
        schema = _event_schema(body)
        wrong_version = version is not None and schema.version != _parsed(version)
        if schema.ref is None or schema.id != schema_id or wrong_version:
            said = f"`$id` {schema.id!r} version {schema.version}"
            reason = f"the registry's file says {said}"
            raise self._unavailable(schema_id, version, reason, _DAMAGED)
        base_url = self.client.index().base_url
        return Fetched(schema, tuple(self._referenced(schema, base_url)), base_url)

    def _referenced(self, schema: EventSchema, base_url: str) -> Iterator[EventSchema]:
        """Every registry schema reachable through `$ref`s, each fetched once."""
        seen: set[str] = set()
        pending = [schema]
        while pending:
            current = pending.pop()
            for uri in _references(current):
                if uri in seen or not ids.within(uri, base_url):
                    continue  # foreign references are refused when the validator is built
                seen.add(uri)
                found = _event_schema(self.client.body(uri))
                pending.append(found)
                yield found


def _references(schema: EventSchema) -> Iterator[str]:
    """The documents a schema's `$ref`s name (absolute, without fragment), but itself."""
    own = schema.id or ""
    for _, node in subschemas(schema.body):
        ref = node.get("$ref")
        if isinstance(ref, str):
            uri = urljoin(own, ref).partition("#")[0]
            if uri and uri != own:
                yield uri


def _parsed(version: object) -> Version | None:
    try:
        return Version.parse(version)
    except VersionError:
        return None


def _event_schema(body: Mapping[str, JSON]) -> EventSchema:
    schema_id = body.get("$id")
    version = _parsed(body.get("version"))
    return EventSchema(
        rel_path=PurePosixPath(),
        body=body,
        id=schema_id if isinstance(schema_id, str) else None,
        version=version,
    )
