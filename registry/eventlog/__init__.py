"""The runtime: record events against registered (or published) schemas, one JSON line each.

`EventLog` is the face; the modules beside this one are its parts (traits, envelope,
personal-data filter, hooks, remote schemas). This package imports no tooling, git or YAML
code, and no HTTP code until a `registry_url` is used.
"""

from __future__ import annotations

from registry.eventlog.event_log import (
    LOGGER_NAME,
    DuplicateSchema,
    EventLog,
    SchemaNotRegistered,
)
from registry.eventlog.remote import PreloadFailed, SchemaUnavailable
from registry.eventlog.schematable import Registered, SchemaTable

__all__ = [
    "LOGGER_NAME",
    "DuplicateSchema",
    "EventLog",
    "PreloadFailed",
    "Registered",
    "SchemaNotRegistered",
    "SchemaTable",
    "SchemaUnavailable",
]
