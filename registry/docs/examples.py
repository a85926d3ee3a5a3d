"""Example events for the docs site: the schema's own `examples`, or one made from the schema.

Whichever is shown, it is validated against the schema first (with a validator from
`registry.refs`), so a page never shows an event its schema rejects. Making an example is a best
effort: it follows `examples`, `const`, `default`, `enum`, types, bounds, formats and simple
patterns, and the result is kept only when it validates.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import referencing
import referencing.exceptions

from registry.compat.regex_sample import CATEGORY_SAMPLES
from registry.compat.samples import FORMATS
from registry.core.model import JSON
from registry.core.patterns import PatternError, translate
from registry.core.refs import resource_of, validator_for

if sys.version_info >= (3, 11):
    from re import _constants as sre_constants
    from re import _parser as sre_parse
else:  # pragma: no cover - exercised on Python 3.10 only
    import sre_constants
    import sre_parse

MAX_DEPTH = 8
MAX_TEXT = 1_000
"""The longest string a made example holds; a schema asking for longer ones gets no example
(its property table says how long its values are)."""
MAX_ITEMS = 100
"""The most items a made example's array holds, by the same rule."""


class _TooLarge(Exception):
    """The schema asks for a value over the bounds above: no example is made."""


@dataclass(frozen=True)
class Example:
    """The event a page shows, and whether it came from the schema's `examples`."""

    event: JSON
    authored: bool


@dataclass(frozen=True)
class ExampleProblem:
    """An authored example that its own schema rejects."""

    index: int
    message: str


def choose_example(
    body: Mapping[str, JSON], references: referencing.Registry[Any]
) -> tuple[Example | None, tuple[ExampleProblem, ...]]:
    """The first valid authored example, or a generated one that validates, or None.

    Every authored example is checked, and each one that does not validate is returned as a
    problem: the schema documents an event it would reject.
    """
    validator = validator_for(body, references, linear_patterns=True)
    problems: list[ExampleProblem] = []
    chosen: Example | None = None
    authored = body.get("examples")
    if isinstance(authored, list):
        for index, candidate in enumerate(authored):
            error = _first_error(validator, candidate)
            if error is not None:
                problems.append(ExampleProblem(index, error))
            elif chosen is None:
                chosen = Example(candidate, authored=True)
    if chosen is None and not problems:
        resolver = references.resolver_with_root(resource_of(body))
        for complete in (True, False):
            try:
                candidate = _Generator(resolver, complete).instance(body, 0)
            except (referencing.exceptions.Unresolvable, RecursionError, _TooLarge):
                break
            if _first_error(validator, candidate) is None:
                chosen = Example(candidate, authored=False)
                break
    return chosen, tuple(problems)


def _first_error(validator: Any, instance: JSON) -> str | None:
    try:
        error = next(iter(validator.iter_errors(instance)), None)
    except referencing.exceptions.Unresolvable as unresolvable:
        return f"a `$ref` does not resolve ({unresolvable})"
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{error.message}" + (f" (at /{where})" if where else "")


class _Generator:
    """Builds one instance from a schema; `complete` includes optional properties too."""

    def __init__(self, resolver: Any, complete: bool) -> None:
        self.resolver = resolver
        self.complete = complete

    def instance(self, node: JSON, depth: int) -> JSON:
        if not isinstance(node, Mapping) or depth > MAX_DEPTH:
            return None
        if isinstance(node.get("$ref"), str):
            resolved = self.resolver.lookup(node["$ref"])
            outer, self.resolver = self.resolver, resolved.resolver
            try:
                return self.instance(resolved.contents, depth + 1)
            finally:
                self.resolver = outer
        for keyword in ("const", "default"):
            if keyword in node:
                return node[keyword]
        for keyword in ("examples", "enum"):
            values = node.get(keyword)
            if isinstance(values, list) and values:
                return values[0]
        branches = node.get("allOf")
        if isinstance(branches, list) and branches:
            return self._all_of(node, branches, depth)
        for keyword in ("oneOf", "anyOf"):
            branches = node.get(keyword)
            if isinstance(branches, list) and branches:
                return self.instance(branches[0], depth + 1)
        return self._typed(node, _first_type(node), depth)

    def _all_of(self, node: Mapping[str, JSON], branches: list[JSON], depth: int) -> JSON:
        merged: dict[str, JSON] = {}
        own = {key: value for key, value in node.items() if key != "allOf"}
        for part in [own, *branches]:
            value = self.instance(part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
            elif part is not own or _first_type(node) != "object":
                return value
        return merged

    def _typed(self, node: Mapping[str, JSON], kind: str, depth: int) -> JSON:
        if kind == "object":
            return self._object(node, depth)
        if kind == "array":
            items = node.get("items")
            if isinstance(items, list):
                return [self.instance(item, depth + 1) for item in items]
            count = max(_int(node.get("minItems"), 0), 1 if isinstance(items, Mapping) else 0)
            if count > MAX_ITEMS:
                raise _TooLarge
            return [self.instance(items, depth + 1) for _ in range(count)]
        if kind == "string":
            return _string(node)
        if kind in ("integer", "number"):
            return _number(node, integer=kind == "integer")
        if kind == "boolean":
            return True
        return None

    def _object(self, node: Mapping[str, JSON], depth: int) -> dict[str, JSON]:
        properties = node.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        required = node.get("required")
        wanted = set(required) if isinstance(required, list) else set()
        made: dict[str, JSON] = {}
        for name, subschema in properties.items():
            if name in wanted or (self.complete and not _is_deprecated(subschema)):
                made[name] = self.instance(subschema, depth + 1)
        for name in sorted(wanted - set(made)):
            made[name] = "example"
        return made


def _first_type(node: Mapping[str, JSON]) -> str:
    declared = node.get("type")
    if isinstance(declared, str):
        return declared
    if isinstance(declared, list):
        for kind in declared:
            if kind != "null":
                return str(kind)
        return "null"
    if "properties" in node or "required" in node:
        return "object"
    if "items" in node:
        return "array"
    return "string" if any(key in node for key in ("pattern", "format", "minLength")) else "null"


def _is_deprecated(node: JSON) -> bool:
    return isinstance(node, Mapping) and node.get("deprecated") is True


def _int(value: JSON, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _string(node: Mapping[str, JSON]) -> str:
    pattern = node.get("pattern")
    text = FORMATS.get(str(node.get("format")), "example")
    if isinstance(pattern, str):
        text = text_matching(pattern) or text
    low, high = _int(node.get("minLength"), 0), _int(node.get("maxLength"), 1 << 30)
    if low > MAX_TEXT:
        raise _TooLarge
    if len(text) < low:
        text += "x" * (low - len(text))
    return text[:high]


def _number(node: Mapping[str, JSON], *, integer: bool) -> int | float:
    value: float = 1
    low, high = node.get("minimum"), node.get("maximum")
    exclusive_low, exclusive_high = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        value = max(value, low) if isinstance(high, (int, float)) else low
    if isinstance(exclusive_low, (int, float)) and not isinstance(exclusive_low, bool):
        value = max(value, exclusive_low + 1)
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        value = min(value, high)
    if isinstance(exclusive_high, (int, float)) and not isinstance(exclusive_high, bool):
        value = min(value, exclusive_high - (1 if integer else 0.5))
    step = node.get("multipleOf")
    if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0:
        value = (value // step + (1 if value % step else 0)) * step
    return int(value) if integer else value


# -- strings for simple regular expressions ------------------------------------------------


def text_matching(pattern: str) -> str | None:
    """A short string holding a match of `pattern` (ECMA-262), for common patterns; else None.

    Handles literals, classes, ranges, groups, alternation (first branch), repeats (their
    minimum, at least once), anchors and look-arounds (skipped); anything else
    (back-references, conditionals) gives None and the caller keeps its sample. The caller
    validates the result anyway.
    """
    try:
        parsed = sre_parse.parse(translate(pattern))
        return _sequence(parsed)
    except (PatternError, _Unsupported, re_error, RecursionError, OverflowError, ValueError):
        return None


class _Unsupported(Exception):
    pass


re_error = sre_constants.error


def _sequence(items: Any) -> str:
    parts: list[str] = []
    length = 0
    for op, value in items:
        parts.append(_item(op, value))
        length += len(parts[-1])
        if length > MAX_TEXT:
            raise _Unsupported("a match longer than an example holds")
    return "".join(parts)


def _item(op: Any, value: Any) -> str:
    c = sre_constants
    if op is c.LITERAL:
        return chr(value)
    if op is c.NOT_LITERAL:
        return "a" if value != ord("a") else "b"
    if op is c.ANY:
        return "a"
    if op is c.IN:
        return _in(value)
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""
    if op is c.SUBPATTERN:
        return _sequence(value[-1])
    if op is c.BRANCH:
        return _sequence(value[1][0])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low: int = value[0]
        count = low if value[1] == 0 else max(low, 1)
        part = _sequence(value[2])
        if len(part) * count > MAX_TEXT:
            raise _Unsupported("a match longer than an example holds")
        return part * count
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sequence(value)
    raise _Unsupported(str(op))


def _in(members: Any) -> str:
    c = sre_constants
    if members and members[0][0] is c.NEGATE:
        excluded = {value for op, value in members[1:] if op is c.LITERAL}
        for candidate in "aA0_-":
            if ord(candidate) not in excluded:
                return candidate
        raise _Unsupported("negated class")
    op, value = members[0]
    if op is c.LITERAL:
        return chr(value)
    if op is c.RANGE:
        return chr(value[0])
    if op is c.CATEGORY:
        return CATEGORY_SAMPLES.get(value, "a")
    raise _Unsupported(str(op))
