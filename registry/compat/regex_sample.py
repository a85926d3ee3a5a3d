"""Strings that a regular expression matches, for building witnesses.

Python's own regex parser gives the structure of the pattern's ECMA-262 reading (as
`core.patterns` translates it); each node is turned into a few short texts (fewest repetitions
first, each alternative in turn). What comes out is a guess: the witness search validates every
instance before it shows one.
"""

from __future__ import annotations

import itertools
import sys
from functools import lru_cache
from typing import Any

from registry.compat.samples import MAX_MADE_LENGTH
from registry.core.patterns import translate

if sys.version_info >= (3, 11):
    import re._constants as _c
    import re._parser as _parser
else:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _parser

_LIMIT = 6
_MAX_REPEAT = MAX_MADE_LENGTH
"""The longest run a sample repeats a part to; a pattern asking for more gets no sample."""
CATEGORY_SAMPLES: dict[Any, str] = {
    _c.CATEGORY_DIGIT: "0",
    _c.CATEGORY_NOT_DIGIT: "a",
    _c.CATEGORY_SPACE: " ",
    _c.CATEGORY_NOT_SPACE: "a",
    _c.CATEGORY_WORD: "a",
    _c.CATEGORY_NOT_WORD: "-",
}
"""A character of each class escape (`\\d`, `\\w`, `\\s` and their negations)."""


def samples(pattern: str, limit: int = _LIMIT) -> list[str]:
    """Up to `limit` strings containing a match of `pattern` (empty if it cannot be read)."""
    return list(_samples(pattern, limit))


@lru_cache(maxsize=1024)
def _samples(pattern: str, limit: int) -> tuple[str, ...]:
    """`samples`, cached: the same few patterns are sampled in search after search."""
    try:
        parsed = _parser.parse(translate(pattern))
        found = _sequence(list(parsed), {}, depth=0)  # type: ignore[call-overload]
    except (Exception, RecursionError):
        return ()
    unique = list(dict.fromkeys(found))
    return tuple(unique[:limit])


def _sequence(items: list[tuple[Any, Any]], groups: dict[int, str], depth: int) -> list[str]:
    if depth > 20:
        raise RecursionError
    results = [""]
    for op, av in items:
        options = _node(op, av, groups, depth + 1)
        if not options:
            return []
        results = [a + b for a, b in itertools.islice(itertools.product(results, options), _LIMIT)]
    return results


def _node(op: Any, av: Any, groups: dict[int, str], depth: int) -> list[str]:
    if op is _c.LITERAL:
        return [chr(av)]
    if op is _c.NOT_LITERAL:
        return ["a" if chr(av) != "a" else "b"]
    if op is _c.ANY:
        return ["a"]
    if op is _c.AT:
        return [""]
    if op is _c.IN:
        return _charset(av)
    if op is _c.CATEGORY:
        return [CATEGORY_SAMPLES.get(av, "a")]
    if op is _c.BRANCH:
        return [s for branch in av[1] for s in _sequence(list(branch), groups, depth)][:_LIMIT]
    if op is _c.SUBPATTERN:
        group, _add, _del, pattern = av
        found = _sequence(list(pattern), groups, depth)
        if group is not None and found:
            groups[group] = found[0]
        return found
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, pattern = av
        inner = _sequence(list(pattern), groups, depth) or [""]
        counts = [low] + ([low + 1] if high is _c.MAXREPEAT or low + 1 <= high else [])
        if low > _MAX_REPEAT or len(inner[0]) * low > _MAX_REPEAT:
            return []  # a sample that long is never built
        return [inner[0] * count for count in counts] + [s * max(low, 1) for s in inner[1:2]]
    if op is _c.GROUPREF:
        return [groups.get(av, "")]
    if op is _c.GROUPREF_EXISTS:  # an ECMA-262 back-reference: the group's text, or ""
        group, matched, _unmatched = av
        return _sequence(list(matched), groups, depth) if group in groups else [""]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [""]
    raise ValueError(f"unsupported regex node {op}")


def _charset(items: list[tuple[Any, Any]]) -> list[str]:
    negated = any(op is _c.NEGATE for op, _ in items)
    if negated:
        excluded: set[str] = set()
        for op, av in items:
            if op is _c.LITERAL:
                excluded.add(chr(av))
            elif op is _c.RANGE:
                excluded.update(chr(c) for c in range(av[0], min(av[1], av[0] + 256) + 1))
        for candidate in "aZ0_-. ":
            if candidate not in excluded:
                return [candidate]
        return []
    found: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            found.append(chr(av))
        elif op is _c.RANGE:
            found.append(chr(av[0]))
        elif op is _c.CATEGORY:
            found.append(CATEGORY_SAMPLES.get(av, "a"))
    return found[:2]
