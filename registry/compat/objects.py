"""The object family: properties, patterns, additional and unevaluated properties, `required`,
property counts, dependencies and `propertyNames`.

The content model matters here. A property the writer does not name is governed by the writer's
`additionalProperties` (absent: anything), so adding a typed property to an open object is not
backward-compatible. Failures that arise only because the writer left such properties open are
marked as open-content failures: the lenient policy (Confluent's LENIENT) assumes writers never
sent those properties, and does not count them as breaking.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from registry.compat.catalogue import bound_change
from registry.compat.nodes import ALL_TYPES, IN_PLACE_APPLICATORS, OBJECT, STRING, Node
from registry.core.model import JSON, pointer_join

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

Subs = tuple[Node, ...]

HANDLED = frozenset(
    {
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
        "required",
        "minProperties",
        "maxProperties",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "propertyNames",
    }
)
_PROBES: tuple[JSON, ...] = (None, 0, "a", True, {}, [])
UNNAMED = "x-unnamed-property"
"""The property name used in witnesses for a property no schema names."""


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


def matches(pattern: str, name: str) -> bool:
    """As jsonschema decides `patternProperties`: `re.search`; a broken pattern never matches."""
    compiled = _compiled(pattern)
    return compiled is not None and compiled.search(name) is not None


def for_name(node: Node, name: str) -> tuple[list[Node], bool]:
    """The schemas one node applies to property `name`, and whether it names it."""
    parts: list[Node] = []
    named = False
    own = node.property(name)
    if own is not None:
        parts.append(own)
        named = True
    for pattern, child in node.pattern_properties.items():
        if matches(pattern, name):
            parts.append(child)
            named = True
    if not named and node.additional is not None:
        parts.append(node.additional)
    return parts, named


def writer_for(subs: Subs, name: str) -> tuple[tuple[Node, ...], bool]:
    parts: list[Node] = []
    named = False
    for node in subs:
        found, here = for_name(node, name)
        parts.extend(found)
        named = named or here
    return tuple(parts), named


def writer_open(subs: Subs) -> bool:
    """Whether every writer conjunct leaves unnamed properties open (absent or true).

    The lenient policy assumes writers never sent such properties; a writer that describes
    unnamed properties with a schema (partially open) declared that they exist, so those are
    compared strictly under both policies.
    """
    return all(n.additional is None or n.additional.is_true for n in subs)


def _coverage(subs: Subs, name: str) -> str:
    """How the writer treats `name` when it does not list it: open, closed or partial."""
    parts, named = writer_for(subs, name)
    if named:
        return "partial"
    if any(p.is_false for p in parts):
        return "closed"
    return "partial" if parts else "open"


def check(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    if OBJECT not in types or not (sup.assertions & HANDLED):
        return True
    if any(_compiled(p) is None for n in (*subs, sup) for p in n.pattern_properties):
        return ch.undecided(
            "KEYWORD_NOT_MODELLED",
            f"a `patternProperties` key at {sup.pointer or '/'} is not a valid regular expression",
            subs,
            sup,
            "patternProperties",
        )
    ok = _named(ch, subs, sup)
    ok = _pattern_buckets(ch, subs, sup) and ok
    ok = _additional_bucket(ch, subs, sup) and ok
    ok = _required(ch, subs, sup) and ok
    ok = _counts(ch, subs, sup) and ok
    ok = _dependencies(ch, subs, sup) and ok
    ok = _property_names(ch, subs, sup) and ok
    if (
        sup.has("unevaluatedProperties")
        and not sup.has("additionalProperties")
        and sup.assertions & IN_PLACE_APPLICATORS
    ):
        ok = (
            ch.undecided(
                "KEYWORD_NOT_MODELLED",
                f"`unevaluatedProperties` beside in-place applicators at {sup.pointer or '/'}",
                subs,
                sup,
                "unevaluatedProperties",
            )
            and ok
        )
    return ok


def _names(subs: Subs, sup: Node) -> list[str]:
    """The property names to compare one by one, skipping those stated identically.

    With one writer conjunct and no patterns on either side, a name whose two schemas are the
    same text (and reference-free) holds without looking further.
    """
    reader = sup.get("properties")
    reader = reader if isinstance(reader, dict) else {}
    writer: dict[str, JSON] = {}
    if (
        len(subs) == 1
        and subs[0].side.dialect is sup.side.dialect
        and not subs[0].get("patternProperties")
        and not sup.get("patternProperties")
    ):
        found = subs[0].get("properties")
        writer = found if isinstance(found, dict) else {}
    same = sup.side.interner.same
    names = [n for n in reader if not (n in writer and same(writer[n], reader[n]))]
    seen = set(reader)
    for node in subs:
        mine = node.get("properties")
        for name in mine if isinstance(mine, dict) else ():
            if name not in seen:
                seen.add(name)
                names.append(name)
    return names


def _named(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    names = _names(subs, sup)
    ok = True
    for name in names:
        reader, _ = for_name(sup, name)
        if not reader:
            continue
        writer, named = writer_for(subs, name)
        unnamed_open = not named and all(p.is_true for p in writer)
        in_writer = any(name in n.property_names for n in subs)
        in_reader = name in sup.property_names
        with ch.descend(name, subs):
            ch.open_content += unnamed_open
            try:
                for part in reader:
                    if (
                        len(writer) == 1
                        and writer[0].side.dialect is part.side.dialect
                        and part.side.interner.same(writer[0].schema, part.schema)
                    ):
                        continue
                    if in_writer and in_reader and part is sup.property(name):
                        ok = ch.check(writer, part) and ok
                    elif not ch.probe(writer, part, ALL_TYPES):
                        ok = _property_change(ch, subs, sup, name, in_writer, part) and ok
            finally:
                ch.open_content -= unnamed_open
    return ok


def _property_change(
    ch: Inclusion, subs: Subs, sup: Node, name: str, in_writer: bool, part: Node
) -> bool:
    if ch.probing:
        return False
    coverage = _coverage(subs, name)
    required = name in sup.required
    if in_writer:
        # the writer lists it, the reader only covers it by a pattern or additionalProperties
        if ch.backward:
            kind = (
                "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                if part.is_false
                else ("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
            )
            headline = (
                f"property `{name}` was removed and {ch.new.label} does not accept its values"
            )
        else:
            kind = (
                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
                if part.is_false
                else ("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
            )
            headline = f"property `{name}` was added, which {ch.old.label} does not accept"
        example = f"holding `{name}`"
    elif ch.backward:
        if coverage == "open":
            kind = (
                "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
                if required
                else "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            )
        else:
            kind = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
        headline = (
            f"property `{name}` was added with a schema that rejects values "
            f"{ch.old.label} accepted for it"
        )
        example = f"holding such a value in `{name}`"
    else:
        kind = (
            "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"
            if coverage == "open"
            else "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
        )
        headline = (
            f"property `{name}` was removed, so {ch.new.label} accepts values for it that "
            f"{ch.old.label} rejected"
        )
        example = f"holding such a value in `{name}`"
    writer, _ = writer_for(subs, name)
    return ch.fail(
        kind,
        headline,
        example,
        writer,
        part,
        sub_pointer=_pointer(subs, "properties", name),
        sup_pointer=own.pointer if (own := sup.property(name)) is not None else part.pointer,
    )


def _pattern_buckets(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    is_open = writer_open(subs)
    ok = True
    for pattern, schema in sup.pattern_properties.items():
        if schema.is_true:
            continue
        if any(_proves_pattern(ch, node, pattern, schema) for node in subs):
            continue
        same = next(
            (n.pattern_properties[pattern] for n in subs if pattern in n.pattern_properties), None
        )
        ch.open_content += is_open
        name = _unnamed_match(pattern, subs, sup)
        try:
            if same is not None:
                with ch.descend(name, subs):
                    ok = ch.check((same,), schema) and ok
            else:
                ok = (
                    ch.fail(
                        "PATTERN_PROPERTY_CHANGED",
                        f"properties matching {pattern!r} at {sup.pointer or '/'} are governed "
                        f"by a schema in {ch.reader} that {ch.writer} did not apply",
                        "holding such a property with another value",
                        subs,
                        sup,
                        keyword=pointer_join("patternProperties", pattern),
                        sup_value=pattern,
                    )
                    and ok
                )
        finally:
            ch.open_content -= is_open
    return ok


def _unnamed_match(pattern: str, subs: Subs, sup: Node) -> str:
    """A property name matching `pattern` that no schema lists, for placing a witness."""
    from registry.compat.regex_sample import samples

    listed = set(sup.property_names).union(*(n.property_names for n in subs))
    for name in samples(pattern):
        if name not in listed:
            return name
    return UNNAMED


def _proves_pattern(ch: Inclusion, node: Node, pattern: str, schema: Node) -> bool:
    if pattern in node.pattern_properties:
        return ch.probe((node.pattern_properties[pattern],), schema, ALL_TYPES)
    cases = list(node.pattern_properties.values())
    if node.additional is None:
        return False
    cases.append(node.additional)
    return all(ch.probe((case,), schema, ALL_TYPES) for case in cases)


def _additional_bucket(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    reader = sup.additional
    is_open = writer_open(subs)
    if reader is None or reader.is_true:
        return True
    for node in subs:
        cases = [
            node.pattern_properties[p]
            for p in node.pattern_properties
            if p not in sup.pattern_properties
        ]
        if node.additional is None:
            continue
        cases.append(node.additional)
        if all(ch.probe((case,), reader, ALL_TYPES) for case in cases):
            return True
    writer = next((n.additional for n in subs if n.additional is not None), None)
    keyword = "additionalProperties" if sup.has("additionalProperties") else "unevaluatedProperties"
    ch.open_content += is_open
    try:
        with ch.descend(UNNAMED, subs):
            if writer is not None and not writer.is_true and not reader.is_false:
                return ch.check((writer,), reader)
            if reader.is_false:
                name = (
                    "ADDITIONAL_PROPERTIES_REMOVED"
                    if ch.backward
                    else "ADDITIONAL_PROPERTIES_ADDED"
                )
            else:
                name = (
                    "ADDITIONAL_PROPERTIES_NARROWED"
                    if ch.backward
                    else "ADDITIONAL_PROPERTIES_EXTENDED"
                )
            return ch.fail(
                name,
                f"`{keyword}` at {sup.pointer or '/'} in {ch.reader} restricts properties that "
                f"{ch.writer} does not name",
                "holding a property neither schema names",
                (writer,) if writer is not None else (),
                reader,
                sub_pointer=writer.pointer
                if writer is not None
                else (subs[0] if subs else sup).pointer,
                sup_pointer=reader.pointer,
                sub_value=writer.schema if writer is not None else None,
                sup_value=reader.schema,
            )
    finally:
        ch.open_content -= is_open


def _required(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    have = frozenset().union(*(n.required for n in subs))
    missing = sup.required - have
    if missing and ch.probing:
        return False
    ok = True
    for name in sorted(missing):
        named = writer_for(subs, name)[1]
        if ch.backward:
            if named:
                kind = "REQUIRED_ATTRIBUTE_ADDED"
            elif _coverage(subs, name) == "open":
                kind = "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            else:
                kind = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
            headline = f"required property `{name}` added"
        else:
            kind = "REQUIRED_ATTRIBUTE_REMOVED"
            headline = f"property `{name}` is no longer required"
        ok = (
            ch.fail(kind, headline, "without it", subs, sup, keyword="required", sup_value=name)
            and ok
        )
    return ok


def _counts(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    ok = True
    wanted = sup.count("minProperties")
    if wanted is not None and wanted > 0:
        mins = [c for n in subs if (c := n.count("minProperties")) is not None]
        best = max([*mins, len(frozenset().union(*(n.required for n in subs)))])
        if best < wanted:
            old, new = ch.as_old_new(max(mins) if mins else None, wanted)
            ok = (
                ch.fail(
                    bound_change("MIN_PROPERTIES", old, new),
                    f"`minProperties` at {sup.pointer or '/'} changed from {old} to {new}",
                    f"holding fewer than {wanted} properties",
                    subs,
                    sup,
                    keyword="minProperties",
                    sub_value=max(mins) if mins else None,
                    sup_value=wanted,
                    candidates=_objects_of_size(subs, wanted - 1),
                )
                and ok
            )
    wanted = sup.count("maxProperties")
    if wanted is not None:
        maxes: list[int] = [c for n in subs if (c := n.count("maxProperties")) is not None]
        closed: list[int] = [
            sum(1 for p in n.properties.values() if not p.is_false)
            for n in subs
            if n.additional is not None and n.additional.is_false and not n.pattern_properties
        ]
        most = min([*maxes, *closed]) if maxes or closed else None
        if most is None or most > wanted:
            old, new = ch.as_old_new(min(maxes) if maxes else None, wanted)
            ok = (
                ch.fail(
                    bound_change("MAX_PROPERTIES", old, new),
                    f"`maxProperties` at {sup.pointer or '/'} changed from {old} to {new}",
                    f"holding more than {wanted} properties",
                    subs,
                    sup,
                    keyword="maxProperties",
                    sub_value=min(maxes) if maxes else None,
                    sup_value=wanted,
                    candidates=_objects_of_size(subs, wanted + 1),
                )
                and ok
            )
    return ok


def _objects_of_size(subs: Subs, size: int) -> list[JSON]:
    """Objects with `size` properties (named ones first), for witness candidates."""
    names = [name for n in subs for name in n.listed_properties]
    names += [f"{UNNAMED}-{i}" for i in range(size)]
    names = list(dict.fromkeys(names))[:size]
    values: tuple[JSON, ...] = (None, 0, "a", True, {}, [])
    return [dict.fromkeys(names, value) for value in values]


def _forbidden(subs: Subs, name: str) -> bool:
    parts, _ = writer_for(subs, name)
    return any(p.is_false for p in parts)


def _dependencies(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    ok = True
    required = frozenset().union(*(n.required for n in subs))
    for name, needs in sup.dependent_required.items():
        if _forbidden(subs, name):
            continue
        mine = frozenset().union(*(n.dependent_required.get(name, frozenset()) for n in subs))
        missing = needs - required - mine
        if not missing:
            continue
        has_mine = any(name in n.dependent_required for n in subs)
        old, new = ch.as_old_new(sorted(mine) if has_mine else None, sorted(needs))
        if old is None or new is None:
            kind = bound_change("DEPENDENCY_ARRAY", old, new)
        elif set(old) < set(new):
            kind = "DEPENDENCY_ARRAY_EXTENDED"
        elif set(new) < set(old):
            kind = "DEPENDENCY_ARRAY_NARROWED"
        else:
            kind = "DEPENDENCY_ARRAY_CHANGED"
        ok = (
            ch.fail(
                kind,
                f"property `{name}` at {sup.pointer or '/'} requires "
                + ", ".join(f"`{m}`" for m in sorted(missing))
                + f" in {ch.reader}",
                f"holding `{name}` without " + ", ".join(f"`{m}`" for m in sorted(missing)),
                subs,
                sup,
                keyword="dependencies" if sup.has("dependencies") else "dependentRequired",
                sub_value=old if ch.backward else new,
                sup_value=sorted(needs),
                candidates=[{name: value} for value in _PROBES],
            )
            and ok
        )
    for name, schema in sup.dependent_schemas.items():
        if schema.is_true or _forbidden(subs, name):
            continue
        extra = tuple(n.dependent_schemas[name] for n in subs if name in n.dependent_schemas)
        domain = frozenset({OBJECT})
        if extra:
            ok = ch.check((*subs, *extra), schema, domain) and ok
        elif not ch.probe(subs, schema, domain):
            ok = (
                ch.fail(
                    "DEPENDENCY_SCHEMA_ADDED" if ch.backward else "DEPENDENCY_SCHEMA_REMOVED",
                    f"property `{name}` at {sup.pointer or '/'} brings a schema in {ch.reader} "
                    f"that {ch.writer} did not apply",
                    f"holding `{name}`",
                    subs,
                    sup,
                    keyword=pointer_join(
                        "dependencies" if sup.has("dependencies") else "dependentSchemas", name
                    ),
                    candidates=[{name: value} for value in _PROBES],
                )
                and ok
            )
    return ok


def _property_names(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    reader = sup.keyword_child("propertyNames")
    if reader is None or reader.is_true:
        return True
    for node in subs:
        mine = node.keyword_child("propertyNames")
        if mine is not None and ch.probe((mine,), reader, frozenset({STRING})):
            return True
        closed = node.additional is not None and node.additional.is_false
        if (
            closed
            and not node.pattern_properties
            and all(
                p.is_false or sup.side.is_valid(reader, name) for name, p in node.properties.items()
            )
        ):
            return True
    has_mine = any(n.has("propertyNames") for n in subs)
    return ch.fail(
        "PROPERTY_NAMES_CHANGED"
        if has_mine
        else ("PROPERTY_NAMES_ADDED" if ch.backward else "PROPERTY_NAMES_CHANGED"),
        f"`propertyNames` at {sup.pointer or '/'} in {ch.reader} restricts names {ch.writer} "
        "allows",
        "holding a property with such a name",
        subs,
        sup,
        keyword="propertyNames",
    )


def _pointer(subs: Subs, keyword: str, name: str) -> str:
    for node in subs:
        own = node.property(name)
        if own is not None:
            return own.pointer
    return pointer_join(subs[0].pointer if subs else "", keyword, name)
