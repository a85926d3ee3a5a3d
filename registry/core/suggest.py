"""Did-you-mean for `$id`s: the known name closest to one that names nothing.

`$id`s share long prefixes (`https://events.example.org/schemas/...`), so closeness over the
whole string alone would offer any id of the same registry; a suggestion must also be close in
its last segment, the event's own name. A trailing `/`, a typo in the name, or the right name in
another namespace all find their match.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name`, if one is close enough to be a likely slip."""
    candidates = [each for each in known if each != name]
    own = _last_segment(name)
    for match in difflib.get_close_matches(name, candidates, n=5, cutoff=CUTOFF):
        tail = _last_segment(match)
        if difflib.SequenceMatcher(None, own, tail).ratio() >= CUTOFF:
            return match
    return None


def _last_segment(name: str) -> str:
    parts = [part for part in name.replace("#", "/").split("/") if part]
    return parts[-1] if parts else name
