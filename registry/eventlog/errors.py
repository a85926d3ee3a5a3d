"""What an EventLog raises to the application: each error carries its data and what to do next.

Every error derives from `registry.errors.RegistryError` and, first, from the builtin an
application written for jupyter_telemetry already catches (`ValueError` for a schema it named
wrongly, `LookupError` for one the registry cannot provide). An application logs `str(error)`,
and no command line prints the hint for it, so `str()` says both what went wrong and what to do.
This module imports no HTTP code: the errors of remote schemas exist without a registry client.
"""

from __future__ import annotations

from collections.abc import Iterable

from jsonschema.exceptions import ValidationError

from registry.core.model import SchemaRef, Version, VersionError
from registry.core.suggest import closest
from registry.errors import RegistryError

MAX_DETAIL = 300
"""The longest part of an event quoted in a message: an event may be huge."""


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


class SchemaViolation(InvalidEvent):
    """An event its schema does not accept: jsonschema's error, said in one line.

    `str()` names the schema's `$id` and version, where in the event the rule failed (a JSON
    pointer) and the keyword that failed, and never prints the schema. Everything else is
    jsonschema's, for code written against it: `message` is jsonschema's own message, and
    `path`, `schema_path`, `instance`, `schema`, `validator_value`, `context`, `cause` are kept.
    """

    def __init__(self, error: ValidationError, schema_id: str, version: object) -> None:
        self.schema_id = schema_id
        self.version = version
        self.pointer = "".join(f"/{part}" for part in error.absolute_path)
        keyword = str(error.validator)
        self.description = (
            f"event of schema {schema_id!r} version {version} is invalid at "
            f"{self.pointer or '/'}: {_shortened(error.message)} (keyword `{keyword}`)"
        )
        InvalidEvent.__init__(
            self,
            self.description,
            "change the event to match the schema, or record it with the version it was "
            "written for",
            keyword=keyword,
        )
        self.message = error.message
        self.path = self.relative_path = error.path
        self.schema_path = self.relative_schema_path = error.schema_path
        self.context = error.context
        self.cause = error.cause
        self.validator_value = error.validator_value
        self.instance = error.instance
        self.schema = error.schema
        self.parent = error.parent

    def __str__(self) -> str:
        return f"{self.description}; {self.hint}"


def _shortened(text: str) -> str:
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


class SchemaNotRegistered(ValueError, EventLogError):
    """`record_event` (or `emit`, `version` None) named a schema that was never registered.

    The hint depends on what is registered: the versions of that `$id`, or the `$id` most
    like it (a typo, a trailing `/`); `record_event(..., "latest")` is pointed to `emit`.
    """

    def __init__(
        self, schema_id: str, version: object, registered: Iterable[SchemaRef] = ()
    ) -> None:
        self.schema_id = schema_id
        self.version = version
        which = "any version" if version is None else f"version {version!r}"
        EventLogError.__init__(
            self,
            f"schema {schema_id!r} {which} is not registered",
            _unregistered_hint(schema_id, version, list(registered)),
        )


def _unregistered_hint(schema_id: str, version: object, registered: list[SchemaRef]) -> str:
    register = "register it first with register_schema(...) or register_schema_file(...)"
    close = closest(schema_id, {ref.id for ref in registered})
    if version is None:
        return f"did you mean {close!r}? Else {register}" if close else register
    if version == "latest":
        return (
            "record_event needs a schema version; emit(schema_id=..., data=...) records the "
            "latest version"
        )
    try:
        Version.parse(version)
    except VersionError:
        return (
            f"{version!r} is not a schema version: give an integer or a version such as "
            '"1.0.0", as the schema\'s `version` says'
        )
    versions = sorted(ref.version for ref in registered if ref.id == schema_id)
    if versions:
        listed = ", ".join(str(each) for each in versions)
        return f"the registered versions of it are {listed}: record one of those, or {register}"
    if close is not None:
        return f"did you mean {close!r}? Else {register}"
    return register


class DuplicateSchema(ValueError, EventLogError):
    """A schema version registered twice; the first registration stands."""

    def __init__(self, ref: SchemaRef) -> None:
        self.ref = ref
        EventLogError.__init__(
            self,
            f"schema {ref.id!r} version {ref.version} is already registered",
            "a schema version is immutable: give the changed schema a new version",
        )


class SchemaUnavailable(LookupError, EventLogError):
    """A schema version is neither registered locally nor available from the registry.

    `reason` says why the registry could not provide it; `hint` what to do about that cause.
    """

    def __init__(
        self, schema_id: str, version: str | None, url: str, reason: str, hint: str
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
