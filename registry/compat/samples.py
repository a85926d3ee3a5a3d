"""Sample values for making instances: one of each JSON type, a string per `format`.

Both the witness search (which proposes values a schema probably accepts) and the docs'
generated examples draw on these, so an example and a witness spell a date alike. Whatever is
made from them is validated before anyone sees it.
"""

from __future__ import annotations

from registry.core.model import JSON

PROBES: tuple[JSON, ...] = (None, 0, "a", True, {}, [])
"""One value of each JSON type, for trying what a place accepts."""
