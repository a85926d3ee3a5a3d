"""Sample values for making instances: one of each JSON type, a string per `format`.

Both the witness search (which proposes values a schema probably accepts) and the docs'
generated examples draw on these, so an example and a witness spell a date alike. Whatever is
made from them is validated before anyone sees it.
"""

from __future__ import annotations

from collections.abc import Mapping

from registry.core.model import JSON

PROBES: tuple[JSON, ...] = (None, 0, "a", True, {}, [])
"""One value of each JSON type, for trying what a place accepts."""

FORMATS: Mapping[str, str] = {
    "date-time": "2024-05-14T09:30:00Z",
    "date": "2024-05-14",
    "time": "09:30:00Z",
    "duration": "PT1M30S",
    "email": "ada@example.org",
    "idn-email": "ada@example.org",
    "hostname": "example.org",
    "idn-hostname": "example.org",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.org/",
    "uri-reference": "https://example.org/",
    "iri": "https://example.org/",
    "iri-reference": "https://example.org/",
    "url": "https://example.org/",
    "uuid": "5f0c3b8e-9a1d-4c47-8e2a-0b6d1f7c2e90",
    "json-pointer": "/a/b",
    "regex": "^a+$",
}
"""A valid string for each `format` the drafts define (and `url`)."""


MAX_MADE_LENGTH = 10_000
"""The longest string the engine makes as a sample or witness: a schema asking for a longer
one gets none (its bound describes it), so no comparison builds a value it cannot hold."""
MAX_MADE_ITEMS = 1_000
"""The most items of an array the engine makes as a sample or witness."""
