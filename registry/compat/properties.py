"""What each property may hold: named properties one by one, then the properties matched
by a pattern and those left to `additionalProperties`.

A name the writer does not list but its open content model admits counts as an open-content
failure, which the lenient policy forgives (see `Inclusion.open_content`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compat.content_model import UNNAMED, coverage_of, for_name, writer_for, writer_open
from registry.compat.nodes import Node, Subs
from registry.compat.regex_sample import samples
from registry.compat.values import ALL_TYPES
from registry.core.model import JSON, pointer_join

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion


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


def named(ch: Inclusion, subs: Subs, sup: Node) -> bool:
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
    coverage = coverage_of(subs, name)
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


def pattern_buckets(ch: Inclusion, subs: Subs, sup: Node) -> bool:
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


def additional_bucket(ch: Inclusion, subs: Subs, sup: Node) -> bool:
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


def _pointer(subs: Subs, keyword: str, name: str) -> str:
    for node in subs:
        own = node.property(name)
        if own is not None:
            return own.pointer
    return pointer_join(subs[0].pointer if subs else "", keyword, name)
