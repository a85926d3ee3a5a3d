"""The envelope every recorded event travels in, its timestamp, and the line it is written as.

An event line is one JSON object: the four envelope fields, then the event's own keys. Keys
starting with `__` belong to the envelope, so an event may never carry one (it could otherwise
overwrite `__schema__` or `__timestamp__`). Timestamps are RFC 3339 in UTC, written with `Z`.
"""

from __future__ import annotations

import json
import json.encoder
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from registry.eventlog.errors import EventLogError

METADATA_VERSION = 1
"""The version of the envelope itself; it changes only when the envelope's fields do."""

RESERVED_PREFIX = "__"
ENVELOPE_KEYS = ("__timestamp__", "__schema__", "__schema_version__", "__metadata_version__")

_ENCODER = json.JSONEncoder(allow_nan=False, separators=(",", ":"))
# JSONEncoder.encode builds a new C encoder on every call, which costs a third of the time of
# encoding an event; build it once. No circular-reference markers: they would be shared by
# threads, and a cyclic event raises RecursionError instead.
_encode_chunks: Callable[[Any, int], Any] | None = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None,
        _ENCODER.default,
        json.encoder.encode_basestring_ascii,
        None,
        ":",
        ",",
        False,
        False,
        False,
    )
    if json.encoder.c_make_encoder is not None  # type: ignore[attr-defined]
    else None
)


class ReservedKeyError(ValueError, EventLogError):
    """An event key that is not a string or starts with `__`, which the envelope reserves."""

    def __init__(self, key: object) -> None:
        self.key = key
        if isinstance(key, str):
            reason = f"starts with {RESERVED_PREFIX!r}, which is reserved for the envelope"
            hint = "rename the property in the event"
        else:
            reason = "is not a string"
            hint = "make the key a string (as JSON requires), or rename the property"
        EventLogError.__init__(self, f"event key {key!r} {reason}", hint)


def check_event_keys(event: Mapping[str, Any]) -> None:
    """Raise ReservedKeyError for a key the envelope owns or JSON cannot hold."""
    for key in event:
        if type(key) is not str or key.startswith(RESERVED_PREFIX):
            raise ReservedKeyError(key)


class _SecondCache:
    """The formatted date and time of the current second, shared by threads.

    Formatting a date is the dearest part of a timestamp; it changes once a second. The pair
    is replaced as a whole, so a thread never sees one second's number with another's text.
    """

    __slots__ = ("current",)

    def __init__(self) -> None:
        self.current: tuple[int, str] = (-1, "")

    def text(self, second: int) -> str:
        current = self.current
        if current[0] != second:
            current = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
            self.current = current
        return current[1]


_SECONDS = _SecondCache()


def utc_now() -> tuple[str, int]:
    """The current time as RFC 3339 UTC text, and in nanoseconds since the epoch."""
    now_ns = time.time_ns()
    return timestamp_of_ns(now_ns), now_ns


def timestamp_of_ns(epoch_ns: int) -> str:
    """Nanoseconds since the epoch as RFC 3339 UTC text, to the microsecond, with `Z`."""
    second, rest = divmod(epoch_ns, 1_000_000_000)
    return f"{_SECONDS.text(second)}.{rest // 1000:06d}Z"


def rfc3339_utc(moment: datetime) -> str:
    """`moment` as RFC 3339 UTC text: aware times are converted, naive ones are taken as UTC."""
    if not isinstance(moment, datetime):
        raise TypeError(f"a timestamp must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def envelope(
    schema_id: str, version: int | str, event: Mapping[str, Any], timestamp: str
) -> dict[str, Any]:
    """The recorded event: the envelope fields first, then the event's own keys."""
    wrapped: dict[str, Any] = {
        "__timestamp__": timestamp,
        "__schema__": schema_id,
        "__schema_version__": version,
        "__metadata_version__": METADATA_VERSION,
    }
    wrapped.update(event)
    return wrapped


def to_line(wrapped: Mapping[str, Any]) -> str:
    """One compact JSON object; ValueError for NaN or infinity, TypeError for non-JSON values.

    An event too deep for the encoder (which recording refuses before it gets here) is a
    ValueError too, like the other values JSON cannot hold.
    """
    try:
        if _encode_chunks is None:  # pragma: no cover - Python built without the C accelerator
            return _ENCODER.encode(wrapped)
        return "".join(_encode_chunks(wrapped, 0))
    except RecursionError:
        raise ValueError("the event is nested too deeply to be written as JSON") from None
