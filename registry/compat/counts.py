"""Count bounds (`minItems`/`maxItems`, `minLength`/`maxLength`): the writer's tightest count
must lie within the reader's.

One proof serves every family that bounds a count; each family says in its own words what an
instance outside the bound holds, and which values to try for a witness.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from registry.compat.catalogue import bound_change
from registry.compat.nodes import Node, Subs
from registry.core.model import JSON

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion


class CountGap(NamedTuple):
    """A reader count bound the writer does not keep: `best` is the writer's tightest (None:
    unbounded)."""

    keyword: str
    lower: bool
    wanted: int
    best: int | None

    def fail(
        self, ch: Inclusion, subs: Subs, sup: Node, example: str, candidates: Iterable[JSON] = ()
    ) -> bool:
        """Record the gap as a `<MIN|MAX>_<COUNT>_<ADDED|...>` change; return False."""
        old, new = ch.as_old_new(self.best, self.wanted)
        prefix = f"{self.keyword[:3]}_{self.keyword[3:]}".upper()
        return ch.fail(
            bound_change(prefix, old, new),
            f"`{self.keyword}` at {sup.pointer or '/'} changed from {old} to {new}",
            example,
            subs,
            sup,
            keyword=self.keyword,
            sub_value=self.best,
            sup_value=self.wanted,
            candidates=candidates,
        )


def count_gaps(
    subs: Subs, sup: Node, least: str, most: str, *, implied_most: Iterable[int] = ()
) -> Iterator[CountGap]:
    """The reader's `least`/`most` bounds that the writer conjuncts do not keep.

    `implied_most` are upper bounds the writer keeps without stating them (a closed tuple
    holds no more items than its positions).
    """
    for keyword, lower in ((least, True), (most, False)):
        wanted = sup.count(keyword)
        if wanted is None or (lower and wanted <= 0):
            continue
        have = [c for n in subs if (c := n.count(keyword)) is not None]
        if not lower:
            have += implied_most
        best = (max(have) if lower else min(have)) if have else None
        if best is not None and (best >= wanted if lower else best <= wanted):
            continue
        yield CountGap(keyword, lower, wanted, best)
