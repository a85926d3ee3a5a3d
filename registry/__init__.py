"""telemetry-registry: versioned event schemas, governed in git, published, and recorded.

`registry.EventLog` is loaded on first use, so that `import registry` (and with it every
command of the CLI) does not pay for traitlets, jsonschema and the validators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["EventLog", "__version__"]

if TYPE_CHECKING:
    from registry.eventlog.event_log import EventLog


def __getattr__(name: str) -> Any:
    if name == "EventLog":
        from registry.eventlog.event_log import EventLog

        return EventLog
    raise AttributeError(f"module 'registry' has no attribute {name!r}")
