"""The schema versions an EventLog records: each ready to record, and the table that shows them.

A `Registered` entry holds what recording one schema version needs, built once (`build_entry`):
the compiled validator and the personal-data redactor; `checked_event` applies them to an event.
`SchemaTable` is the read-only view of every entry by (`$id`, version) that `EventLog.schemas`
returns, as jupyter_telemetry's `schemas` dict.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from jsonschema.exceptions import ValidationError

from registry.core.model import EventSchema, SchemaRef, Version
from registry.core.refs import EventValidator, event_validator_for
from registry.eventlog.categories import Policy, Redactor, check_categories
from registry.eventlog.depth import depth_bound, too_deep
from registry.eventlog.envelope import RESERVED_PREFIX, check_event_keys
from registry.eventlog.errors import EventTooDeep, SchemaViolation


@dataclass(frozen=True)
class Registered:
    """One registered schema version, ready to record: its validator and its redactor."""

    schema: EventSchema
    validator: EventValidator
    redactor: Redactor | None
    """None for a schema that declares no categories: its events are recorded unchanged."""
    depth_bound: int | None
    """How deeply the events it accepts can nest; None: unbounded (see `depth`)."""

    @cached_property
    def accepts(self) -> Callable[[Mapping[str, Any]], bool]:
        return self.validator.accepts

    @cached_property
    def closed(self) -> bool:
        """Whether the schema admits only the keys it names (`additionalProperties: false`).

        Registration refuses `__` property names, so validation alone then keeps reserved
        and non-string keys out of events, and recording skips checking them.
        """
        return admits_only_named(self.schema.body)

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
        return SchemaRef(key[0], parse_version(key[1]))
    except ValueError:
        return None


def parse_version(value: object) -> Version:
    return value if isinstance(value, Version) else Version.parse(value)


def as_event(event: Any) -> Mapping[str, Any]:
    if type(event) is not dict and not isinstance(event, Mapping):
        raise TypeError(f"an event must be a mapping, not {type(event).__name__}")
    return event


def checked_event(
    entry: Registered, policy: Policy, event: Mapping[str, Any], max_depth: int
) -> Mapping[str, Any]:
    """The event as it may be written: keys checked, validated, disallowed values nulled.

    An invalid event raises SchemaViolation (a `jsonschema.ValidationError`) naming the
    schema, the place in the event and the keyword that failed.

    No event deeper than `max_depth` reaches a validator: it is walked first when the schema
    does not bound the depth of what it accepts, and before a rejection is explained.
    """
    as_event(event)
    if not entry.closed:
        check_event_keys(event)
    bound = entry.depth_bound
    if bound is None or bound > max_depth:
        check_depth(event, max_depth)
    if not entry.accepts(event):
        check_depth(event, max_depth)
        try:
            entry.validator.explain(event)
        except RecursionError:
            raise EventTooDeep(max_depth) from None
        except ValidationError as error:  # said in one line, without the schema
            raise SchemaViolation(error, entry.schema.id or "", entry.version_value) from None
    if entry.redactor is not None:
        return entry.redactor.redact(event, policy)
    return event


def build_entry(
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
    name = f"schema {schema.id} version {schema.version}"
    redactor = Redactor(body, validator.references, name, closed=admits_only_named(body))
    used = redactor if redactor.uses_categories else None
    return Registered(schema, validator, used, depth_bound(body))


def admits_only_named(body: Mapping[str, Any]) -> bool:
    """Whether a schema admits only the top-level keys it names."""
    return body.get("additionalProperties") is False and "patternProperties" not in body


def check_depth(event: Mapping[str, Any], max_depth: int) -> None:
    """Raise EventTooDeep for an event nested more than `max_depth` levels."""
    if too_deep(event, max_depth):
        raise EventTooDeep(max_depth)
