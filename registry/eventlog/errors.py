"""What an EventLog raises to the application: each error carries its data and what to do next.

Every error derives from `registry.errors.RegistryError` and, first, from the builtin an
application written for jupyter_telemetry already catches (`ValueError` for a schema it named
wrongly, `LookupError` for one the registry cannot provide). An application logs `str(error)`,
and no command line prints the hint for it, so `str()` says both what went wrong and what to do.
This module imports no HTTP code: the errors of remote schemas exist without a registry client.
"""

from __future__ import annotations

from jsonschema.exceptions import ValidationError

from registry.core.model import SchemaRef
from registry.errors import RegistryError


class EventLogError(RegistryError):
    """An error of the runtime: `str()` is the message followed by the hint."""

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class InvalidEvent(EventLogError, ValidationError):
    """An event the EventLog refuses to record; still a `jsonschema.ValidationError`.

    Applications written for jupyter_telemetry catch `jsonschema.ValidationError` for an
    invalid event; every refusal of an event's content is one, so that one `except` holds.
    Subclasses say which rule the event broke (`validator`) and carry its data. Neither the
    schema nor the event is part of `str()`: an event may be huge or nested deeply.
    """

    def __init__(self, message: str, hint: str, *, keyword: str) -> None:
        EventLogError.__init__(self, message, hint)
        self.validator = keyword


class EventTooDeep(InvalidEvent):
    """An event nested deeper than `limit` (or cyclic); refused before anything walks it.

    Validators, the JSON encoder and copies all descend recursively; the limit keeps every
    one of them far from the end of its stack.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        InvalidEvent.__init__(
            self,
            f"the event is nested more than {limit} levels deep (or refers to itself)",
            "flatten the event, or raise the EventLog's max_event_depth",
            keyword="max_event_depth",
        )


class SchemaNotRegistered(ValueError, EventLogError):
    """`record_event` named a schema version that was never registered."""

    def __init__(self, schema_id: str, version: object) -> None:
        self.schema_id = schema_id
        self.version = version
        EventLogError.__init__(
            self,
            f"schema {schema_id!r} version {version!r} is not registered",
            "register it first with register_schema(...) or register_schema_file(...)",
        )


class DuplicateSchema(ValueError, EventLogError):
    """A schema version registered twice; the first registration stands."""

    def __init__(self, ref: SchemaRef) -> None:
        self.ref = ref
        EventLogError.__init__(
            self,
            f"schema {ref.id!r} version {ref.version} is already registered",
            "a schema version is immutable: give the changed schema a new version",
        )


UNAVAILABLE_HINT = (
    "Check registry_url and the network, register the schema locally, or call preload() at "
    "start-up to find out early"
)
"""What to do when the cause of a failed fetch says nothing more precise."""


class SchemaUnavailable(LookupError, EventLogError):
    """A schema version is neither registered locally nor available from the registry.

    `reason` says why the registry could not provide it; `hint` what to do about that cause.
    """

    def __init__(
        self,
        schema_id: str,
        version: str | None,
        url: str,
        reason: str,
        hint: str = UNAVAILABLE_HINT,
    ) -> None:
        self.schema_id = schema_id
        self.version = version
        self.url = url
        self.reason = reason
        EventLogError.__init__(
            self,
            f"schema {schema_id!r} version {version or 'latest'} is not registered and the "
            f"registry at {url} cannot provide it: {reason}",
            hint,
        )

    def __str__(self) -> str:
        # the reason ends a sentence of its own, and the hint starts the next one
        return f"{self.message}. {self.hint}" if self.hint else self.message


class PreloadFailed(LookupError, EventLogError):
    """`preload()` could not resolve some schemas; `errors` holds one SchemaUnavailable each.

    Each error carries the hint for its own cause, so the list is the message.
    """

    def __init__(self, errors: list[SchemaUnavailable]) -> None:
        self.errors = errors
        EventLogError.__init__(self, "; ".join(str(error) for error in errors))
