"""ECMA-262 regular expressions, translated into the syntax of the `regex` module.

JSON Schema's patterns are ECMA-262 regular expressions (with the `u` flag). Python reads the
same text differently: `(?<name>...)` is an error, `\\d` and `\\w` match any script's digits
and letters, `$` also matches before a final newline and `.` matches `\\r`. The reader here walks
ECMA-262's grammar once and writes what each part means in the `regex` module's syntax (a common
subset with `re`, so Python's own parser can still read the structure, plus `\\p{...}` and
lookbehinds of any length). What has no faithful translation is refused with the reason, never
read as something else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NoReturn

from registry.errors import RegistryError

WORD = "A-Za-z0-9_"
DIGIT = "0-9"
SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
"""ECMA-262's `\\s`: its WhiteSpace (Unicode's Zs, tab, VT, FF, BOM) and LineTerminator sets."""
_ANY = "(?s:.)"
_NOTHING = "(?!)"
_DOT = "[^\\n\\r\\u2028\\u2029]"
_BOUNDARY = f"(?:(?<=[{WORD}])(?![{WORD}])|(?<![{WORD}])(?=[{WORD}]))"
_NOT_BOUNDARY = f"(?:(?<=[{WORD}])(?=[{WORD}])|(?<![{WORD}])(?![{WORD}]))"
_CONTROL = {"f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPE_CLASSES = {"d": (DIGIT, False), "D": (DIGIT, True), "w": (WORD, False)}
_ESCAPE_CLASSES |= {"W": (WORD, True), "s": (SPACE, False), "S": (SPACE, True)}


class PatternError(RegistryError):
    """A pattern that ECMA-262 does not read, with the reason and its 0-based position."""

    def __init__(self, pattern: str, reason: str, position: int | None = None) -> None:
        self.pattern = pattern
        self.reason = reason
        self.position = position
        where = "" if position is None else f" (at position {position})"
        super().__init__(
            reason + where,
            "correct the regular expression; JSON Schema reads patterns as ECMA-262 does",
        )


@lru_cache(maxsize=4096)
def translate(pattern: str) -> str:
    """The `regex`-module source that means what `pattern` means in ECMA-262; PatternError."""
    reader = _Reader(pattern)
    try:
        return reader.read()
    except RecursionError:
        raise PatternError(pattern, "the pattern is nested too deeply", reader.at) from None


@dataclass
class _Group:
    number: int
    open: bool = True


class _Reader:
    """One pass of a recursive-descent reader over ECMA-262's pattern grammar."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.at = 0
        self.groups: list[_Group] = []
        self.names: dict[str, int] = {}
        self.references: list[tuple[int, Callable[[], int | str]]] = []

    def read(self) -> str:
        parts = self.disjunction()
        if self.at < len(self.text):  # only a `)` stops a top-level disjunction
            self.fail("`)` without an opening `(`")
        for position, target in self.references:
            found = target()
            if isinstance(found, str):
                self.at = position
                self.fail(found)
        return "".join(part if isinstance(part, str) else part() for part in parts)

    def fail(self, reason: str) -> NoReturn:
        raise PatternError(self.text, reason, self.at)

    def peek(self, count: int = 1) -> str:
        return self.text[self.at : self.at + count]

    def take(self, expected: str) -> bool:
        if self.text.startswith(expected, self.at):
            self.at += len(expected)
            return True
        return False

    # -- structure ------------------------------------------------------------------------

    def disjunction(self) -> list[str | Callable[[], str]]:
        parts: list[str | Callable[[], str]] = []
        while self.at < len(self.text) and self.peek() != ")":
            if self.take("|"):
                parts.append("|")
                continue
            start = self.at
            atom, repeatable = self.term()
            parts.append(atom)
            quantifier = self.quantifier()
            if quantifier:
                if not repeatable:
                    self.at = start
                    self.fail("nothing to repeat: an assertion cannot take a quantifier")
                parts.append(quantifier)
        return parts

    def term(self) -> tuple[str | Callable[[], str], bool]:
        """One atom or assertion, translated, and whether a quantifier may follow it."""
        char = self.text[self.at]
        self.at += 1
        if char == "^":
            return "^", False
        if char == "$":
            return "\\Z", False
        if char == ".":
            return _DOT, True
        if char == "(":
            return self.group()
        if char == "[":
            return self.char_class(), True
        if char == "\\":
            return self.atom_escape()
        if char in "*+?":
            self.at -= 1
            self.fail(f"nothing to repeat before `{char}`")
        if char == "{":
            self.at -= 1
            if self.quantifier_ahead():
                self.fail("nothing to repeat before `{`")
            self.fail("a lone `{`; write `\\{` for the character")
        return _literal(char), True

    def group(self) -> tuple[str | Callable[[], str], bool]:
        opener = "("
        repeatable = True
        if self.take("?"):
            for marker in (":", "=", "!", "<=", "<!"):
                if self.take(marker):
                    opener = "(?" + marker
                    repeatable = marker == ":"
                    break
            else:
                if not self.take("<"):
                    self.fail("`(?` is followed by none of `:`, `=`, `!`, `<=`, `<!`, `<name>`")
                self.group_name()
        if opener == "(":
            group = _Group(len(self.groups) + 1)
            self.groups.append(group)
        body = self.disjunction()
        if not self.take(")"):
            self.fail("a `(` is never closed")
        if opener == "(":
            group.open = False

        def joined() -> str:
            return opener + "".join(p if isinstance(p, str) else p() for p in body) + ")"

        return joined, repeatable

    def group_name(self) -> None:
        start = self.at
        end = self.text.find(">", start)
        name = self.text[start:end] if end >= 0 else ""
        if not _is_identifier(name):
            self.fail("a group name must be an identifier followed by `>`")
        if name in self.names:
            self.fail(f"the group name {name!r} is used twice")
        self.names[name] = len(self.groups) + 1
        self.at = end + 1

    def quantifier(self) -> str:
        char = self.peek()
        if char and char in "*+?":
            self.at += 1
            found = char
        elif char == "{" and self.quantifier_ahead():
            found = self.braces()
        else:
            return ""
        if self.take("?"):
            found += "?"
        if (self.peek() and self.peek() in "*+?") or self.quantifier_ahead():
            self.fail("nothing to repeat: two quantifiers in a row")
        return found

    def quantifier_ahead(self) -> bool:
        if self.peek() != "{":
            return False
        end = self.text.find("}", self.at)
        inside = self.text[self.at + 1 : end] if end > 0 else ""
        low, _, high = inside.partition(",")
        return _is_number(low) and (not high or _is_number(high))

    def braces(self) -> str:
        end = self.text.index("}", self.at)
        low, comma, high = self.text[self.at + 1 : end].partition(",")
        if high and int(high) < int(low):
            self.fail("numbers out of order in a `{}` quantifier")
        self.at = end + 1
        return "{" + str(int(low)) + (comma + (str(int(high)) if high else "")) + "}"

    # -- escapes ----------------------------------------------------------------------------

    def atom_escape(self) -> tuple[str | Callable[[], str], bool]:
        start = self.at - 1
        char = self.peek()
        if char == "b":
            self.at += 1
            return _BOUNDARY, False
        if char == "B":
            self.at += 1
            return _NOT_BOUNDARY, False
        if char in _ESCAPE_CLASSES:
            self.at += 1
            members, negated = _ESCAPE_CLASSES[char]
            return ("[^" if negated else "[") + members + "]", True
        if char in "pP" and char:
            return "[" + self.property_escape() + "]", True
        if char.isascii() and char.isdigit() and char != "0":
            return self.backreference(start, self.decimal()), True
        if char == "k":
            self.at += 1
            if not self.take("<"):
                self.fail("`\\k` must be followed by `<name>`")
            end = self.text.find(">", self.at)
            name = self.text[self.at : end] if end >= 0 else ""
            self.at = end + 1 if end >= 0 else len(self.text)
            return self.backreference(start, name), True
        return _literal(self.character_escape(in_class=False)), True

    def decimal(self) -> int:
        start = self.at
        while self.peek().isascii() and self.peek().isdigit():
            self.at += 1
        return int(self.text[start : self.at])

    def backreference(self, position: int, target: int | str) -> Callable[[], str]:
        """`\\N` or `\\k<name>`, checked once every group is known.

        ECMA-262 lets a reference to a group that has not matched (yet) match the empty
        string, where Python fails: `(?(N)\\N)` says the same in the `regex` module.
        """
        inside = [g.number for g in self.groups if g.open]

        def number() -> int | str:
            if isinstance(target, str):
                if target not in self.names:
                    return f"no group is named {target!r}"
                found = self.names[target]
            else:
                found = target
            if not 1 <= found <= len(self.groups):
                return f"a back-reference to group {found}, but the pattern has {len(self.groups)}"
            return found

        self.references.append((position, number))

        def reference() -> str:
            found = number()
            if found in inside:  # its group has not closed: ECMA-262 matches the empty string
                return "(?:)"
            return f"(?:(?({found})\\{found}))"

        return reference

    def property_escape(self) -> str:
        """`\\p{...}` or `\\P{...}`, handed to the `regex` module, which checks the name."""
        negated = self.text[self.at] == "P"
        self.at += 1
        end = self.text.find("}", self.at)
        body = self.text[self.at + 1 : end] if self.peek() == "{" and end > 0 else ""
        name, _, value = body.partition("=")
        if not _is_property_part(name) or (value and not _is_property_part(value)):
            self.fail("`\\p` must be followed by a Unicode property in braces, as `\\p{L}`")
        self.at = end + 1
        return ("\\P{" if negated else "\\p{") + body + "}"

    def character_escape(self, *, in_class: bool) -> str:
        """The one character a `\\` escape (after the backslash) stands for."""
        char = self.peek()
        if not char:
            self.fail("the pattern ends with a lone `\\`")
        self.at += 1
        if char in _CONTROL:
            return _CONTROL[char]
        if char == "c":
            letter = self.peek()
            if not (letter.isascii() and letter.isalpha()) or not letter:
                self.fail("`\\c` must be followed by a letter")
            self.at += 1
            return chr(ord(letter) % 32)
        if char == "0":
            if self.peek().isascii() and self.peek().isdigit() and self.peek():
                self.fail("`\\0` followed by a digit (octal escapes are not allowed)")
            return "\0"
        if char == "x":
            return chr(self.hex_digits(2))
        if char == "u":
            return self.unicode_escape()
        if char.isascii() and not char.isalnum() and char.isprintable():
            return char  # `\\.`, and as engines without the `u` flag read it, `\\:` or `\\@`
        self.at -= 1
        self.fail(f"`\\{char}` is not an escape JSON Schema's patterns know")

    def hex_digits(self, count: int) -> int:
        digits = self.peek(count)
        if len(digits) != count or not _is_hex(digits):
            self.fail(f"expected {count} hexadecimal digits")
        self.at += count
        return int(digits, 16)

    def unicode_escape(self) -> str:
        if self.take("{"):
            end = self.text.find("}", self.at)
            digits = self.text[self.at : end] if end > 0 else ""
            if not _is_hex(digits) or int(digits, 16) > 0x10FFFF:
                self.fail("`\\u{...}` must hold a code point in hexadecimal, at most 10FFFF")
            self.at = end + 1
            return chr(int(digits, 16))
        code = self.hex_digits(4)
        if 0xD800 <= code < 0xDC00 and self.peek(2) == "\\u" and _is_hex(self.peek(6)[2:]):
            low = int(self.peek(6)[2:], 16)
            if 0xDC00 <= low < 0xE000:  # a surrogate pair is one code point
                self.at += 6
                return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
        return chr(code)

    # -- classes ----------------------------------------------------------------------------

    def char_class(self) -> str:
        """`[...]`; class escapes that exclude (`\\D`, `\\W`, `\\S`) become look-aheads."""
        negated = self.take("^")
        members: list[str] = []
        excluded: list[str] = []
        while not self.take("]"):
            if self.at >= len(self.text):
                self.fail("a `[` is never closed")
            first = self.class_atom()
            if self.peek(2)[:1] == "-" and self.peek(2)[1:] not in ("", "]"):
                self.at += 1
                last = self.class_atom()
                if isinstance(first, tuple) or isinstance(last, tuple):
                    self.fail("a class escape cannot end a range")
                if ord(last) < ord(first):
                    self.fail("a range out of order in a character class")
                members.append(_literal(first) + "-" + _literal(last))
            elif isinstance(first, tuple):
                (excluded if first[1] else members).append(first[0])
            else:
                members.append(_literal(first))
        return _class(members, excluded, negated=negated)

    def class_atom(self) -> str | tuple[str, bool]:
        """A character, or (members, excluding) for a class escape."""
        char = self.text[self.at]
        self.at += 1
        if char != "\\":
            return char
        escape = self.peek()
        if escape in _ESCAPE_CLASSES and escape:
            self.at += 1
            return _ESCAPE_CLASSES[escape]
        if escape in "pP" and escape:
            return (self.property_escape(), False)
        if escape == "b":
            self.at += 1
            return "\b"
        return self.character_escape(in_class=True)


def _class(members: list[str], excluded: list[str], *, negated: bool) -> str:
    """A class of `members` and of what each of `excluded` leaves out, negated or not."""
    inside = "".join(members)
    if not excluded:
        if not inside:
            return _ANY if negated else _NOTHING
        return ("[^" if negated else "[") + inside + "]"
    if not negated:
        options = ([f"[{inside}]"] if inside else []) + [f"[^{e}]" for e in excluded]
        return "(?:" + "|".join(options) + ")"
    guards = (f"(?![{inside}])" if inside else "") + "".join(f"(?=[{e}])" for e in excluded)
    return "(?:" + guards + _ANY + ")"


def _literal(char: str) -> str:
    if char.isascii() and (char.isalnum() or char == "_"):
        return char
    if char.isascii() and char.isprintable():
        return "\\" + char
    return f"\\U{ord(char):08x}"


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _is_hex(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdefABCDEF" for c in text)


def _is_property_part(text: str) -> bool:
    return bool(text) and text.isascii() and all(c.isalnum() or c == "_" for c in text)


def _is_identifier(name: str) -> bool:
    """ECMA-262's group names: ID_Start (or `$`, `_`), then ID_Continue (or `$`)."""
    if not name:
        return False
    return name.replace("$", "_").isidentifier()
