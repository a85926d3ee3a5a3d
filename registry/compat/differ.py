"""Compare two schema versions in both directions and merge what each direction found.

Backward runs the inclusion OLD within NEW, forward runs NEW within OLD; a change found by both
breaks both. Annotation and metadata edits are found by a parallel walk of the two documents,
since they change no instance set. When neither direction finds anything yet the validation
keywords differ, the rewrite is reported as equivalent (both inclusions were proven).

Either document may be a bare boolean (`true`, `false`), read as 2020-12. No schema makes a
comparison raise or run unbounded: what the engine cannot decide within its budget is a change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import referencing

from registry.compat.budget import DEFAULT_BUDGET, Budget
from registry.compat.catalogue import (
    ANNOTATION_CHANGE_TYPES,
    DIALECT_CHANGED,
    EQUIVALENT_REWRITE,
    METADATA_CHANGE_TYPES,
    UNKNOWN_KEYWORD_CHANGED,
)
from registry.compat.failures import Found
from registry.compat.inclusion import Inclusion
from registry.compat.interner import Interner
from registry.compat.side import Side
from registry.compat.values import json_equal
from registry.core.dialects import DRAFT4, UnknownDialect, dialect_of, metaschema_errors
from registry.core.model import JSON, Change, Mode, pointer_join
from registry.core.refs import refuse_retrieval
from registry.core.walk import SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS
from registry.errors import RegistryError, UsageError

POLICIES = ("strict", "lenient")


@dataclass
class Comparison:
    """Both directions of one comparison, kept for witnesses and reports."""

    old: Side
    new: Side
    policy: str
    backward: Inclusion
    forward: Inclusion
    changes: list[Change]

    def found(self, direction: Mode) -> list[Found]:
        return (self.backward if direction is Mode.BACKWARD else self.forward).found


def label_of(body: Mapping[str, JSON] | bool, fallback: str) -> str:
    if isinstance(body, bool):
        return fallback
    version = body.get("version")
    if isinstance(version, (str, int)) and not isinstance(version, bool):
        return f"version {version}"
    return fallback


class InvalidSchema(RegistryError, ValueError):
    """A schema the engine cannot compare: it breaks its draft's metaschema.

    The engine's reasoning assumes valid schemas (`multipleOf: 0` would divide by zero, a
    draft-4 schema with a numeric `exclusiveMaximum` means something else to a validator).
    `side` names the schema ("the old schema", "the new schema"), `pointer` the place in it.
    """

    def __init__(self, side: str, message: str, pointer: str) -> None:
        self.side = side
        self.pointer = pointer
        super().__init__(
            f"{side} is not a valid JSON Schema: {message} (at {pointer or '/'})",
            f"fix {side} first: `telemetry-registry lint` lists every problem in it",
        )


class UnknownPolicy(UsageError, ValueError):
    """A compatibility policy the engine does not know (a usage or configuration error)."""

    def __init__(self, policy: str) -> None:
        self.policy = policy
        super().__init__(
            f"policy must be strict or lenient, not {policy!r}",
            "use `strict` (set inclusion) or `lenient` (writers never sent properties their "
            "schema left open and unnamed)",
        )


def require_valid(body: Mapping[str, JSON] | bool, side: str) -> None:
    """Raise InvalidSchema unless `body` is valid against its draft's metaschema (a boolean
    is a schema in every draft this engine reads it in)."""
    if isinstance(body, bool):
        return
    try:
        dialect = dialect_of(body)
    except UnknownDialect as error:
        raise InvalidSchema(side, str(error), "/$schema") from None
    try:
        invalid = next(metaschema_errors(dialect, body), None)
    except RecursionError:  # explaining an invalid schema nested deeper than the stack goes
        raise InvalidSchema(side, "it nests too deeply to be checked", "") from None
    if invalid is not None:
        pointer = "".join(pointer_join("", part) for part in invalid.absolute_path)
        raise InvalidSchema(side, invalid.message, pointer)


def compare(
    old: Mapping[str, JSON] | bool,
    new: Mapping[str, JSON] | bool,
    *,
    policy: str = "strict",
    old_registry: referencing.Registry[Any] | None = None,
    new_registry: referencing.Registry[Any] | None = None,
    budget: Budget = DEFAULT_BUDGET,
) -> Comparison:
    """Run both directions and merge their changes with the annotation edits.

    Each direction may take `budget`; past it, what is left is one `BUDGET_EXHAUSTED` change.
    Raises InvalidSchema when either schema breaks its metaschema, UnknownPolicy for a policy
    other than POLICIES.
    """
    if policy not in POLICIES:
        raise UnknownPolicy(policy)
    require_valid(old, "the old schema")
    require_valid(new, "the new schema")
    old, new = _plain(old), _plain(new)
    interner = Interner()
    old_side = Side(
        old, old_registry or _empty_registry(), label_of(old, "the old schema"), interner
    )
    new_side = Side(
        new, new_registry or _empty_registry(), label_of(new, "the new schema"), interner
    )
    if old_side.label == new_side.label:
        old_side.label, new_side.label = "the old schema", "the new schema"
    backward = Inclusion(old_side, new_side, Mode.BACKWARD, budget)
    backward.check((old_side.root(),), new_side.root())
    forward = Inclusion(old_side, new_side, Mode.FORWARD, budget)
    forward.check((new_side.root(),), old_side.root())
    found = backward.found + forward.found
    changes = merge([_under(policy, f) for f in found])
    changes.extend(_dialect_change(old_side, new_side))
    if not changes and _rewritten(old, old_side, new, new_side):
        changes.append(
            Change(
                EQUIVALENT_REWRITE,
                "",
                "",
                "the validation keywords were rewritten, but the engine proved that both "
                "versions accept exactly the same events",
            )
        )
    changes.extend(annotation_changes(old, new, old_side, new_side))
    return Comparison(old_side, new_side, policy, backward, forward, changes)


def _plain(schema: Mapping[str, JSON] | bool) -> dict[str, JSON] | bool:
    """The schema as the JSON loader gives it (dicts and lists), which the engine expects."""
    if type(schema) is dict or isinstance(schema, bool):
        return schema
    try:
        plain: dict[str, JSON] = json.loads(json.dumps(schema))
    except (TypeError, ValueError, RecursionError) as error:
        raise InvalidSchema("the schema", f"it is not JSON data ({error})", "") from None
    return plain


def _empty_registry() -> referencing.Registry[Any]:
    return referencing.Registry(retrieve=refuse_retrieval(""))  # type: ignore[call-arg]


LENIENT_NOTE = (
    "; it does not break under the lenient policy, which assumes events never carried a "
    "property their schema left open and unnamed"
)


def _under(policy: str, found: Found) -> Change:
    """The change as the policy sees it: lenient forgives open-content failures."""
    if policy == "lenient" and found.open_content:
        change = found.change
        description = change.description.split("; this is only because", 1)[0] + LENIENT_NOTE
        return replace(change, breaks=frozenset(), description=description)
    return found.change


def breaking(comparison: Comparison, direction: Mode) -> list[Found]:
    """The failures that break `direction` under the comparison's policy."""
    return [
        f
        for f in comparison.found(direction)
        if not (comparison.policy == "lenient" and f.open_content)
    ]


def merge(changes: list[Change]) -> list[Change]:
    """One change per (type, old path, new path), breaking every mode any copy breaks."""
    merged: dict[tuple[str, str, str], Change] = {}
    for change in changes:
        key = (change.type, change.old_path, change.new_path)
        seen = merged.get(key)
        if seen is None:
            merged[key] = change
        elif change.breaks - seen.breaks:
            description = seen.description
            tail = change.description.split(": ", 1)[-1]
            if tail not in description:
                description = f"{description}; and {tail}"
            merged[key] = replace(seen, breaks=seen.breaks | change.breaks, description=description)
    return list(merged.values())


def _dialect_change(old: Side, new: Side) -> Iterator[Change]:
    if old.dialect is new.dialect or isinstance(old.body, bool) or isinstance(new.body, bool):
        return  # a boolean means the same in every draft
    # Draft 4 alone counts 1.0 as not an integer, so integer atoms mean different things.
    breaks = (
        frozenset({Mode.BACKWARD, Mode.FORWARD})
        if (old.dialect is DRAFT4) != (new.dialect is DRAFT4)
        else frozenset()
    )
    consequence = (
        "draft 4 does not count 1.0 as an integer while later drafts do, so integer-typed "
        "values may be judged differently"
        if breaks
        else "each version is compared under its own draft"
    )
    yield Change(
        DIALECT_CHANGED,
        "/$schema",
        "/$schema",
        f"the JSON Schema draft changed from {old.dialect.name} to {new.dialect.name}: "
        + consequence,
        old.dialect.name,
        new.dialect.name,
        breaks,
    )


# -- the parallel walk for annotation and metadata edits ---------------------------------


def annotation_changes(
    old: Mapping[str, JSON] | bool, new: Mapping[str, JSON] | bool, old_side: Side, new_side: Side
) -> list[Change]:
    """Edits to keywords that validate nothing, at the places both versions share.

    Only subschemas that differ are visited, and a place's pointer is made only when it is
    visited or reported.
    """
    validating = old_side.keywords | new_side.keywords
    found: list[Change] = []
    stack: list[tuple[str, JSON, JSON]] = [("", old, new)] if _differ(old, new) else []
    while stack:
        pointer, left, right = stack.pop()
        assert isinstance(left, dict) and isinstance(right, dict)
        for key in sorted(set(left) | set(right), reverse=True):
            mine, theirs = left.get(key), right.get(key)
            if key in SCHEMA_MAP_KEYWORDS:
                if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
                    where = pointer_join(pointer, key)
                    for name in sorted(set(mine) & set(theirs), reverse=True):
                        if _differ(mine[name], theirs[name]):
                            stack.append((pointer_join(where, name), mine[name], theirs[name]))
                continue
            if key in SCHEMA_LIST_KEYWORDS and isinstance(mine, list) and isinstance(theirs, list):
                for index in reversed(range(min(len(mine), len(theirs)))):
                    if _differ(mine[index], theirs[index]):
                        where = pointer_join(pointer, key, index)
                        stack.append((where, mine[index], theirs[index]))
                continue
            if key in SCHEMA_KEYWORDS:
                if _differ(mine, theirs):
                    stack.append((pointer_join(pointer, key), mine, theirs))
                continue
            if (key in validating and key not in METADATA_CHANGE_TYPES) or (
                key in ("version", "$schema") and not pointer
            ):
                continue
            if (key in left) == (key in right) and json_equal(mine, theirs):
                continue
            found.append(_annotation_change(key, pointer_join(pointer, key), mine, theirs))
    return sorted(found, key=lambda c: c.old_path)


def _differ(left: JSON, right: JSON) -> bool:
    """Whether two places are both objects, and different ones (so worth visiting)."""
    if not (isinstance(left, dict) and isinstance(right, dict)):
        return False
    try:
        return left != right
    except RecursionError:  # too deep to compare at once: visiting tells, a level at a time
        return True


def _rewritten(old: JSON, old_side: Side, new: JSON, new_side: Side) -> bool:
    """Whether the validation keywords differ (they may be written differently: see
    `_skeleton`); schemas too deep to reduce are compared as they are."""
    try:
        return bool(_skeleton(old, old_side) != _skeleton(new, new_side))
    except RecursionError:
        return not json_equal(old, new)


def _annotation_change(key: str, where: str, old: JSON, new: JSON) -> Change:
    kind = ANNOTATION_CHANGE_TYPES.get(key) or METADATA_CHANGE_TYPES.get(key)
    if kind is None:
        kind = UNKNOWN_KEYWORD_CHANGED
    verb = "added" if old is None else "removed" if new is None else "changed"
    if key in ANNOTATION_CHANGE_TYPES:
        what = "an annotation only; no event is affected"
    elif key == "default":
        what = "validation is unaffected, but readers that fill in defaults see another value"
    elif key == "categories":
        what = "validation is unaffected, but the personal-data labels (and redaction) change"
    elif kind == UNKNOWN_KEYWORD_CHANGED:
        what = "no validator reads it, but tools that do may behave differently"
    else:
        what = "validation is unaffected"
    return Change(kind, where, where, f"`{key}` at {where} {verb}: {what}", old, new)


def _skeleton(schema: JSON, side: Side) -> JSON:
    """The schema with only validating keywords (and where subschemas sit) kept."""
    if isinstance(schema, list):
        return [_skeleton(item, side) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    kept: dict[str, JSON] = {}
    for key, value in schema.items():
        if key in SCHEMA_MAP_KEYWORDS and isinstance(value, Mapping):
            kept[key] = {name: _skeleton(child, side) for name, child in value.items()}
        elif key in SCHEMA_KEYWORDS or key in SCHEMA_LIST_KEYWORDS:
            kept[key] = _skeleton(value, side)
        elif key in side.keywords:
            kept[key] = value
    return kept
