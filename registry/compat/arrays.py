"""The array family: positional items (draft-7 tuple `items` or 2020-12 `prefixItems`), the
items after them (`additionalItems`, 2020-12 `items`, `unevaluatedItems`), item counts,
`uniqueItems` and `contains` with its counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compat.catalogue import bound_change
from registry.compat.counts import count_gaps
from registry.compat.keywords import IN_PLACE_APPLICATORS
from registry.compat.nodes import Node, Subs
from registry.compat.values import ALL_TYPES, ARRAY, json_equal

if TYPE_CHECKING:
    from registry.compat.inclusion import Inclusion

HANDLED = frozenset(
    {
        "items",
        "prefixItems",
        "additionalItems",
        "unevaluatedItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "contains",
        "minContains",
        "maxContains",
    }
)


def rest_of(node: Node) -> Node | None:
    """What governs the items after the positional ones (None: anything)."""
    rest = node.tuple_items[1]
    if (
        rest is None
        and node.has("unevaluatedItems")
        and not (node.assertions & IN_PLACE_APPLICATORS)
    ):
        return node.keyword_child("unevaluatedItems")
    return rest


def item_at(node: Node, index: int) -> Node | None:
    prefix, _ = node.tuple_items
    return prefix[index] if index < len(prefix) else rest_of(node)


def writer_max_items(subs: Subs) -> int | None:
    counts = [c for n in subs if (c := n.count("maxItems")) is not None]
    return min(counts) if counts else None


def check(ch: Inclusion, subs: Subs, sup: Node, types: frozenset[str]) -> bool:
    if ARRAY not in types or not (sup.assertions & HANDLED):
        return True
    ok = _counts(ch, subs, sup)
    ok = _items(ch, subs, sup) and ok
    ok = _unique(ch, subs, sup) and ok
    ok = _contains(ch, subs, sup) and ok
    return ok


def _counts(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    closed = [len(n.tuple_items[0]) for n in subs if (r := rest_of(n)) and r.is_false]
    ok = True
    for gap in count_gaps(subs, sup, "minItems", "maxItems", implied_most=closed):
        fewer_or_more = "fewer" if gap.lower else "more"
        example = f"holding an array with {fewer_or_more} than {gap.wanted} items"
        ok = gap.fail(ch, subs, sup, example) and ok
    return ok


def _items(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    reader_prefix, _ = sup.tuple_items
    reader_rest = rest_of(sup)
    if (
        reader_rest is None
        and sup.has("unevaluatedItems")
        and sup.assertions & IN_PLACE_APPLICATORS
    ):
        return ch.undecided(
            "KEYWORD_NOT_MODELLED",
            f"`unevaluatedItems` beside in-place applicators at {sup.pointer or '/'}",
            subs,
            sup,
            "unevaluatedItems",
        )
    limit = writer_max_items(subs)
    span = max([len(reader_prefix), *(len(n.tuple_items[0]) for n in subs)])
    ok = True
    for index in range(span):
        if limit is not None and index >= limit:
            return ok
        reader = reader_prefix[index] if index < len(reader_prefix) else reader_rest
        writer = tuple(i for n in subs if (i := item_at(n, index)) is not None)
        if any(w.is_false for w in writer):
            return ok
        if reader is None or reader.is_true:
            continue
        positional_writer = any(index < len(n.tuple_items[0]) for n in subs)
        with ch.descend(index, subs):
            if index < len(reader_prefix) and positional_writer:
                ok = ch.check(writer, reader) and ok
            elif not ch.probe(writer, reader, ALL_TYPES):
                ok = _item_change(ch, subs, sup, index, positional_writer, reader) and ok
    if reader_rest is None or reader_rest.is_true or (limit is not None and limit <= span):
        return ok
    writer = tuple(i for n in subs if (i := item_at(n, span)) is not None)
    if any(w.is_false for w in writer):
        return ok
    with ch.descend(span, subs):
        if writer and not reader_rest.is_false and all(not w.is_true for w in writer):
            return ch.check(writer, reader_rest) and ok
        if ch.probe(writer, reader_rest, ALL_TYPES):
            return ok
        if reader_rest.is_false:
            kind = "ADDITIONAL_ITEMS_REMOVED" if ch.backward else "ADDITIONAL_ITEMS_ADDED"
        else:
            kind = "ADDITIONAL_ITEMS_NARROWED" if ch.backward else "ADDITIONAL_ITEMS_EXTENDED"
        keyword = sup.rest_items_keyword if sup.tuple_items[1] is not None else "unevaluatedItems"
        return (
            ch.fail(
                kind,
                f"`{keyword}` at {sup.pointer or '/'} in {ch.reader} restricts items "
                f"{ch.writer} allowed",
                f"holding an array with such an item at position {span}",
                writer,
                reader_rest,
                sub_pointer=writer[0].pointer if writer else _anchor(subs, sup) + f"/items/{span}",
                sup_pointer=reader_rest.pointer,
                sub_value=writer[0].schema if writer else None,
                sup_value=reader_rest.schema,
            )
            and False
        )


def _item_change(
    ch: Inclusion, subs: Subs, sup: Node, index: int, positional_writer: bool, reader: Node
) -> bool:
    writer_rest = [rest_of(n) for n in subs]
    if positional_writer:
        # the writer lists a position that the reader covers only by its rest schema
        if ch.backward:
            kind = (
                "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                if reader.is_false
                else ("ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
            )
        else:
            kind = (
                "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"
                if reader.is_false
                else ("ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
            )
    else:
        open_rest = all(r is None or r.is_true for r in writer_rest)
        if ch.backward:
            kind = (
                "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
                if open_rest
                else ("ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
            )
        else:
            kind = (
                "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL"
                if open_rest
                else ("ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
            )
    writer = tuple(i for n in subs if (i := item_at(n, index)) is not None)
    return ch.fail(
        kind,
        f"item {index} at {sup.pointer or '/'} is governed by a schema in {ch.reader} that "
        f"rejects items {ch.writer} allowed there",
        f"holding such an item at position {index}",
        writer,
        reader,
        sub_pointer=writer[0].pointer if writer else _anchor(subs, sup) + f"/items/{index}",
        sup_pointer=reader.pointer,
    )


def _unique(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    if sup.get("uniqueItems") is not True:
        return True
    limit = writer_max_items(subs)
    if any(n.get("uniqueItems") is True for n in subs) or (limit is not None and limit <= 1):
        return True
    return ch.fail(
        "UNIQUE_ITEMS_ADDED" if ch.backward else "UNIQUE_ITEMS_REMOVED",
        f"`uniqueItems` at {sup.pointer or '/'} is true in {ch.reader} only",
        "holding an array with a repeated item",
        subs,
        sup,
        keyword="uniqueItems",
        sup_value=True,
    )


def _contains(ch: Inclusion, subs: Subs, sup: Node) -> bool:
    reader = sup.keyword_child("contains")
    if reader is None:
        return True
    least = sup.count("minContains") if sup.has("minContains") else 1
    most = sup.count("maxContains")
    ok = True
    if least is None or least > 0:
        needed = 1 if least is None else least
        proven = reader.is_true and any((n.count("minItems") or 0) >= needed for n in subs)
        for node in subs:
            mine = node.keyword_child("contains")
            if proven or mine is None:
                continue
            mine_least = node.count("minContains") if node.has("minContains") else 1
            if (mine_least or 0) >= needed and ch.probe((mine,), reader, ALL_TYPES):
                proven = True
        if not proven:
            has = any(n.has("contains") for n in subs)
            kind = (
                "CONTAINS_CHANGED"
                if has
                else ("CONTAINS_ADDED" if ch.backward else "CONTAINS_REMOVED")
            )
            if has and all(
                json_equal(n.get("contains"), sup.get("contains"))
                for n in subs
                if n.has("contains")
            ):
                mine_least = next(
                    (n.count("minContains") for n in subs if n.has("minContains")), None
                )
                old, new = ch.as_old_new(1 if mine_least is None else mine_least, needed)
                kind = bound_change("MIN_CONTAINS", old, new)
            ok = (
                ch.fail(
                    kind,
                    f"`contains` at {sup.pointer or '/'} in {ch.reader} asks for at least {needed} "
                    f"matching items, which {ch.writer} did not guarantee",
                    "holding an array without enough such items",
                    subs,
                    sup,
                    keyword="contains",
                )
                and ok
            )
    if most is not None:
        limit = writer_max_items(subs)
        proven = limit is not None and limit <= most
        for node in subs:
            mine = node.get("contains")
            mine_most = node.count("maxContains")
            if (
                mine is not None
                and mine_most is not None
                and mine_most <= most
                and node.side.ref_free(mine)
                and sup.side.ref_free(sup.get("contains"))
                and json_equal(mine, sup.get("contains"))
            ):
                proven = True
        if not proven:
            old, new = ch.as_old_new(
                next((n.count("maxContains") for n in subs if n.has("maxContains")), None), most
            )
            ok = (
                ch.fail(
                    bound_change("MAX_CONTAINS", old, new),
                    f"`maxContains` at {sup.pointer or '/'} changed from {old} to {new}",
                    f"holding an array with more than {most} matching items",
                    subs,
                    sup,
                    keyword="maxContains",
                )
                and ok
            )
    return ok


def _anchor(subs: Subs, sup: Node) -> str:
    """Where the writer's side of a change sits (the reader's place when the writer is empty)."""
    return subs[0].pointer if subs else sup.pointer
