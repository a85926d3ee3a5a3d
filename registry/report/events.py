"""The events of a registry for a terminal: the catalogue (`list`), one event (`show`) and its
versions over time (`history`), as rows of data and as plain-text tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from registry.core import ids
from registry.core.index import lifecycle_status
from registry.core.model import JSON, EventSchema


@dataclass(frozen=True)
class EventRow:
    """One event of the catalogue, as its latest version describes it."""

    id: str
    namespace: str
    name: str
    latest: str
    versions: int
    status: str
    owner: str
    title: str

    def form(self) -> dict[str, JSON]:
        return {
            "id": self.id,
            "namespace": self.namespace or None,
            "name": self.name,
            "latest": self.latest,
            "versions": self.versions,
            "status": self.status,
            "owner": self.owner or None,
            "title": self.title,
        }


def event_row(versions: Sequence[EventSchema], base_url: str) -> EventRow:
    latest = versions[-1]
    assert latest.id is not None
    owner = latest.body.get("x-owner")
    return EventRow(
        id=latest.id,
        namespace=ids.namespace(latest.id, base_url) or "",
        name=ids.event_name(latest.id),
        latest=str(latest.version),
        versions=len(versions),
        status=lifecycle_status(latest),
        owner=owner if isinstance(owner, str) else "",
        title=latest.title,
    )


@dataclass(frozen=True)
class PropertyRow:
    """One property an event records, at any depth (`user.id`)."""

    name: str
    type: str
    required: bool
    categories: str
    description: str


def property_rows(body: Mapping[str, JSON], prefix: str = "") -> list[PropertyRow]:
    """Every property of the schema, nested ones under their parent's name."""
    rows: list[PropertyRow] = []
    properties = body.get("properties")
    required = body.get("required")
    needed = set(required) if isinstance(required, list) else set()
    if not isinstance(properties, Mapping):
        return rows
    for name, node in properties.items():
        if not isinstance(node, Mapping):
            continue
        categories = node.get("categories")
        rows.append(
            PropertyRow(
                name=prefix + str(name),
                type=_type_of(node),
                required=name in needed,
                categories=", ".join(categories) if isinstance(categories, list) else "",
                description=" ".join(str(node.get("description", "")).split()),
            )
        )
        rows.extend(property_rows(node, f"{prefix}{name}."))
        items = node.get("items")
        if isinstance(items, Mapping):
            rows.extend(property_rows(items, f"{prefix}{name}[]."))
    return rows


def _type_of(node: Mapping[str, JSON]) -> str:
    declared = node.get("type")
    if isinstance(declared, str):
        return declared
    if isinstance(declared, list):
        return " | ".join(str(t) for t in declared)
    ref = node.get("$ref")
    if isinstance(ref, str):
        return "→ " + ref.rsplit("/", 1)[-1]
    if "enum" in node:
        return "enum"
    return "any"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, wrap: int = 60) -> str:
    """A plain-text table; long cells are cut at `wrap` characters with an ellipsis."""
    cells = [[_cut(cell, wrap) for cell in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines) + "\n"


def _cut(text: str, wrap: int) -> str:
    text = " ".join(text.split())  # author text stays on one line of its cell
    return text if len(text) <= wrap else text[: wrap - 1] + "…"
