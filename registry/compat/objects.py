"""The object family: properties, patterns, additional and unevaluated properties, `required`,
property counts, dependencies and `propertyNames`.

The content model matters here. A property the writer does not name is governed by the writer's
`additionalProperties` (absent: anything), so adding a typed property to an open object is not
backward-compatible. Failures that arise only because the writer left such properties open are
marked as open-content failures: the lenient policy (Confluent's LENIENT) assumes writers never
sent those properties, and does not count them as breaking. What each property may hold is
compared in `properties`; here, which properties an object has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compat import properties
from registry.compat.catalogue import bound_change
from registry.compat.content_model import (
    UNNAMED,
    coverage_of,
    forbidden,
    readable,
    writer_for,
)
from registry.compat.keywords import IN_PLACE_APPLICATORS
from registry.compat.nodes import Node, Subs
from registry.compat.samples import PROBES
from registry.compat.values import OBJECT, STRING
from registry.core.model import JSON, pointer_join

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

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


def check(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    if OBJECT not in types or not (sup.assertions & HANDLED):
        return True
    if any(not readable(p) for n in (*subs, sup) for p in n.pattern_properties):
        return ch.undecided(
            "KEYWORD_NOT_MODELLED",
            f"a `patternProperties` key at {sup.pointer or '/'} is not a valid regular expression",
            subs,
            sup,
            "patternProperties",
        )
    ok = properties.named(ch, subs, sup)
    ok = properties.pattern_buckets(ch, subs, sup) and ok
    ok = properties.additional_bucket(ch, subs, sup) and ok
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
            elif coverage_of(subs, name) == "open":
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
    return [dict.fromkeys(names, value) for value in PROBES]


def _dependencies(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    ok = True
    required = frozenset().union(*(n.required for n in subs))
    for name, needs in sup.dependent_required.items():
        if forbidden(subs, name):
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
                candidates=[{name: value} for value in PROBES],
            )
            and ok
        )
    for name, schema in sup.dependent_schemas.items():
        if schema.is_true or forbidden(subs, name):
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
                    candidates=[{name: value} for value in PROBES],
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
