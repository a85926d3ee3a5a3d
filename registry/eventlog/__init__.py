"""The runtime: record events against registered (or published) schemas, one JSON line each.

`EventLog` is the face; the modules beside this one are its parts (traits, the schemas in use,
envelope, personal-data filter, hooks, remote schemas, errors). This package imports no
tooling or git code, YAML only to read a schema file, and no HTTP code until a
`registry_url` is used.
"""

from __future__ import annotations

from registry.eventlog.errors import (
    DuplicateSchema,
    EventTooDeep,
    InvalidEvent,
    PreloadFailed,
    SchemaNotRegistered,
    SchemaUnavailable,
    SchemaViolation,
)
from registry.eventlog.event_log import EventLog
from registry.eventlog.schemas import LOGGER_NAME
from registry.eventlog.schematable import Registered, SchemaTable

__all__ = [
    "LOGGER_NAME",
    "DuplicateSchema",
    "EventLog",
    "EventTooDeep",
    "InvalidEvent",
    "PreloadFailed",
    "Registered",
    "SchemaNotRegistered",
    "SchemaTable",
    "SchemaUnavailable",
    "SchemaViolation",
]
