"""Property tables for the docs site: one row per property, nested objects and arrays as nested
rows, each with its type, whether it is required, its constraints, description and personal-data
categories.

A `$ref` is shown as a link to the referenced schema's page (found by the caller's `link`) with
the type it resolves to; it is not expanded, so recursive schemas stay finite.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

from registry.core.authored import markdown_html, plain_html
from registry.core.model import JSON, json_type_name

MAX_NESTING = 6

RefLink = Callable[[str], "str | None"]
"""A `$ref` as written -> a Markdown link to where the docs describe its target, or None."""
RefTarget = Callable[[str], "Mapping[str, JSON] | None"]
"""A `$ref` as written -> the subschema it resolves to, or None when it does not resolve."""

_CONSTRAINT_WORDS = (
    ("minimum", "≥ {}"),
    ("exclusiveMinimum", "> {}"),
    ("maximum", "≤ {}"),
    ("exclusiveMaximum", "< {}"),
    ("multipleOf", "multiple of {}"),
    ("minLength", "length ≥ {}"),
    ("maxLength", "length ≤ {}"),
    ("minItems", "items ≥ {}"),
    ("maxItems", "items ≤ {}"),
    ("minProperties", "properties ≥ {}"),
    ("maxProperties", "properties ≤ {}"),
)


@dataclass(frozen=True)
class Row:
    depth: int
    name: str
    type: str
    required: bool
    constraints: str
    description: str
    categories: tuple[str, ...]
    deprecated: bool


def property_rows(
    node: Mapping[str, JSON],
    *,
    target: RefTarget,
    link: RefLink,
    depth: int = 0,
    image_hosts: Collection[str] = (),
) -> Iterator[Row]:
    """The rows for the properties of an object schema, depth first, nested ones indented."""
    if depth > MAX_NESTING:
        return
    properties = node.get("properties")
    if not isinstance(properties, Mapping):
        return
    required = node.get("required")
    required_names = set(required) if isinstance(required, list) else set()
    for name, subschema in properties.items():
        if not isinstance(subschema, Mapping):
            subschema = {}
        yield from _rows_of(
            str(name),
            subschema,
            name in required_names,
            target=target,
            link=link,
            depth=depth,
            image_hosts=image_hosts,
        )


def definition_rows(
    node: Mapping[str, JSON],
    *,
    target: RefTarget,
    link: RefLink,
    anchor: Callable[[str], str],
    image_hosts: Collection[str] = (),
) -> Iterator[Row]:
    """The rows for `$defs` (or `definitions`), each with an anchor a `$ref` can link to."""
    for keyword in ("$defs", "definitions"):
        definitions = node.get(keyword)
        if not isinstance(definitions, Mapping):
            continue
        for name, subschema in definitions.items():
            if not isinstance(subschema, Mapping):
                continue
            rows = _rows_of(
                str(name),
                subschema,
                False,
                target=target,
                link=link,
                depth=0,
                image_hosts=image_hosts,
            )
            for row in rows:
                if row.depth == 0:
                    row = Row(
                        0,
                        f'<span id="{anchor(str(name))}"></span>{row.name}',
                        row.type,
                        row.required,
                        row.constraints,
                        row.description,
                        row.categories,
                        row.deprecated,
                    )
                yield row


def _rows_of(
    name: str,
    node: Mapping[str, JSON],
    required: bool,
    *,
    target: RefTarget,
    link: RefLink,
    depth: int,
    image_hosts: Collection[str],
) -> Iterator[Row]:
    resolved = _resolved(node, target)
    description = node.get("description")
    if not isinstance(description, str) and resolved is not node:
        description = resolved.get("description")
    categories = node.get("categories")
    yield Row(
        depth=depth,
        name=code(name),
        type=type_text(node, target=target, link=link),
        required=required,
        constraints=constraints_text(resolved),
        description=inline(description, image_hosts) if isinstance(description, str) else "",
        categories=tuple(str(c) for c in categories) if isinstance(categories, list) else (),
        deprecated=node.get("deprecated") is True,
    )
    if resolved is not node:
        return  # a `$ref`: its own page describes its properties
    for inner in (node, node.get("items")):
        if inner is node or (isinstance(inner, Mapping) and not isinstance(inner.get("$ref"), str)):
            yield from property_rows(
                inner, target=target, link=link, depth=depth + 1, image_hosts=image_hosts
            )


def _resolved(node: Mapping[str, JSON], target: RefTarget) -> Mapping[str, JSON]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        found = target(ref)
        if found is not None:
            return found
    return node


def type_text(node: Mapping[str, JSON], *, target: RefTarget, link: RefLink) -> str:
    """The type of a subschema in a few words, with a link for a `$ref`."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        found = target(ref)
        kind = type_text(found, target=target, link=link) if found is not None else "?"
        where = link(ref) or code(ref)
        return f"{kind} ({where})"
    declared = node.get("type")
    if isinstance(declared, str):
        kinds = [declared]
    elif isinstance(declared, list):
        kinds = [str(kind) for kind in declared]
    elif "const" in node:
        kinds = [json_type_name(node["const"])]
    elif isinstance(node.get("enum"), list):
        kinds = list(dict.fromkeys(json_type_name(value) for value in node["enum"]))
    elif isinstance(node.get("properties"), Mapping):
        kinds = ["object"]
    else:
        kinds = []
    words = [
        _array_of(node, target, link) if kind == "array" else plain_html(kind) for kind in kinds
    ]
    for keyword, joiner in (("oneOf", "one of"), ("anyOf", "any of"), ("allOf", "all of")):
        branches = node.get(keyword)
        if isinstance(branches, list) and branches:
            parts = [
                type_text(branch, target=target, link=link)
                for branch in branches
                if isinstance(branch, Mapping)
            ]
            words.append(f"{joiner}: " + ", ".join(parts))
    return " or ".join(words) if words else "any"


def _array_of(node: Mapping[str, JSON], target: RefTarget, link: RefLink) -> str:
    items = node.get("items")
    if isinstance(items, Mapping):
        return "array of " + type_text(items, target=target, link=link)
    return "array"


def constraints_text(node: Mapping[str, JSON]) -> str:
    """Enum values, const, bounds, lengths, patterns, formats and defaults, as Markdown."""
    parts: list[str] = []
    if isinstance(node.get("enum"), list):
        parts.append("one of " + ", ".join(_value(value) for value in node["enum"]))
    if "const" in node:
        parts.append("exactly " + _value(node["const"]))
    for keyword, template in _CONSTRAINT_WORDS:
        value = node.get(keyword)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            parts.append(template.format(value))
    if isinstance(node.get("format"), str):
        parts.append(f"format {code(node['format'])}")
    if isinstance(node.get("pattern"), str):
        parts.append(f"pattern {code(node['pattern'])}")
    if node.get("uniqueItems") is True:
        parts.append("unique items")
    if node.get("additionalProperties") is False:
        parts.append("no other properties")
    if "default" in node:
        parts.append("default " + _value(node["default"]))
    return "; ".join(parts)


def _value(value: JSON) -> str:
    return code(json.dumps(value, ensure_ascii=False))


def code(text: str) -> str:
    """Author text shown as code, on one line: a `<code>` element no text can end early."""
    return f"<code>{plain_html(text)}</code>"


def inline(text: str, image_hosts: Collection[str] = ()) -> str:
    """Author Markdown as one line of HTML safe inside a table cell or a note, by the policy of
    `registry.core.authored`."""
    return markdown_html(text, image_hosts=image_hosts)
