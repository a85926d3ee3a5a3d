"""Cheap sameness of schema subtrees, cached per object for one comparison.

Most of a new version repeats the old one; the engine skips every subtree the two versions
state identically, so deciding "identical" must cost far less than comparing.
"""

from __future__ import annotations

import marshal
import re

from registry.core.model import JSON

_REFERENCE = re.compile(r"'\$(?:ref|dynamicRef|recursiveRef)'")
"""A reference keyword as `repr` writes a key."""
_DEEP = "<a value too deep to write out: "


class Interner:
    """Decides cheaply whether two subtrees are the same JSON with no reference inside.

    `==` (C speed) rules out most pairs at the first difference. Equal ones are confirmed on
    an exact encoding, which tells `true` from `1` (Python's `==` does not), `1` from `1.0`
    and sees key order (which JSON does not: such pairs are merely compared the long way).
    The encoding is `marshal`'s in format 2: for JSON data it tells apart exactly what `repr`
    does (format 2 writes interned and other strings alike, and has no back-references) at
    about a third of the cost; values marshal cannot encode are compared on their `repr`.
    Two equal subtrees with a reference inside may mean different things in two documents,
    so a reference keyword in the `repr` makes them not the same; it needs a `$`, which most
    subtrees lack, so the `repr` is made only when the encoding holds one. Everything is
    cached per object for one comparison.
    """

    def __init__(self) -> None:
        self._texts: dict[int, tuple[object, str]] = {}
        self._codes: dict[int, tuple[object, bytes | None, bool]] = {}

    def text(self, value: JSON) -> str:
        """A text that equal values share when built alike (used for identity and dedup)."""
        if type(value) is not dict and type(value) is not list:
            return repr(value)
        known = self._texts.get(id(value))
        if known is None:
            try:
                text = repr(value)
            except RecursionError:  # too deep to write out: a text of its own, equal to none
                text = f"{_DEEP}{id(value)}>"
            known = self._texts[id(value)] = (value, text)
        return known[1]

    def _coded(self, value: dict[str, JSON] | list[JSON]) -> tuple[object, bytes | None, bool]:
        """The value (kept alive), its encoding (None: not plain JSON data) and whether it is
        free of references."""
        known = self._codes.get(id(value))
        if known is None:
            try:
                code: bytes | None = marshal.dumps(value, 2)
            except ValueError:
                code = None
            free = (code is not None and b"$" not in code) or _free_text(self.text(value))
            known = self._codes[id(value)] = (value, code, free)
        return known

    def ref_free(self, value: JSON) -> bool:
        if type(value) is not dict and type(value) is not list:
            return True
        return self._coded(value)[2]

    def same(self, left: JSON, right: JSON) -> bool:
        """JSON-equal and free of references (so equal in meaning in any two documents).

        Values too deep to compare at once are not the same here: the engine then compares
        them a level at a time.
        """
        try:
            if left is not right and left != right:
                return False
        except RecursionError:
            return False
        kind = type(left)
        if kind is not dict and kind is not list:
            return kind is type(right)
        _, mine, free = self._coded(left)
        _, theirs, _ = self._coded(right)
        if mine is None or theirs is None:
            return self.text(left) == self.text(right) and free
        return mine == theirs and free


def _free_text(text: str) -> bool:
    """Whether a value's text shows no reference (one too deep to write out may hold one)."""
    return not text.startswith(_DEEP) and _REFERENCE.search(text) is None
