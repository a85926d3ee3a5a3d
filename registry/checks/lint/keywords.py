"""`unknown-keyword`: a key in a schema that nothing reads, almost always a typo.

A validator ignores keys it does not know, so `requird: [id]` silently requires nothing. The
known keys are those of the schema's draft (every vocabulary its metaschema names), the
annotations and extensions this registry documents, anything starting with `x-`, and the
configured `allowed-keywords`. Only schema objects are looked at (`core.walk`): the names
under `properties`, `$defs` or `patternProperties` are data, never keywords.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache

import jsonschema_specifications  # type: ignore[import-untyped]

from registry.checks.lint.checks import Context, Problem
from registry.core.dialects import Dialect, dialect_or_default, metaschema_of
from registry.core.model import JSON, EventSchema, pointer_join

PROJECT_KEYWORDS = frozenset(
    {
        "$id",  # every event's name, whatever its draft (draft 4 spells its own `id`)
        "$defs",  # definitions a `$ref` points into, read the same in every draft here
        "version",  # the schema's version (README: Versions)
        "categories",  # personal-data labels of a property
        "deprecated",  # lifecycle, read by every draft here (a keyword of 2019-09 on)
        "examples",  # an annotation from draft 6 on, documented for every draft here
        "$comment",
    }
)
"""The annotations this registry documents beyond the drafts' own keywords."""


def check_keywords(schema: EventSchema, context: Context) -> Iterator[Problem]:
    known = known_keywords(dialect_or_default(schema.body)) | context.settings.allowed_keywords
    for pointer, node in context.subschemas(schema):
        for key in node:
            if not isinstance(key, str) or key in known or key.startswith("x-"):
                continue
            guess = closest(key, known)
            yield Problem(
                "unknown-keyword",
                f"`{key}` is not a keyword of {_draft(schema.body)}, so no validator reads it"
                + (f"; did you mean `{guess}`?" if guess else ""),
                pointer_join(pointer, key),
                f"rename it to `{guess}`"
                if guess
                else "remove it, prefix it with `x-` if it is an extension of yours, or list it "
                "under `allowed-keywords` in the configuration",
            )


def known_keywords(dialect: Dialect) -> frozenset[str]:
    """Every keyword of a draft, from its metaschema and the vocabularies it includes."""
    return _known(dialect.name, dialect)


@cache
def _known(name: str, dialect: Dialect) -> frozenset[str]:
    found: set[str] = set(PROJECT_KEYWORDS)
    pending: list[Mapping[str, JSON]] = [metaschema_of(dialect)]
    seen: set[str] = set()
    base = str(metaschema_of(dialect).get("$id", "")).rstrip("#")
    while pending:
        metaschema = pending.pop()
        properties = metaschema.get("properties")
        if isinstance(properties, Mapping):
            found.update(str(key) for key in properties)
        for part in metaschema.get("allOf") or ():
            ref = part.get("$ref") if isinstance(part, Mapping) else None
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                uri = ref if "://" in ref else base.rsplit("/", 1)[0] + "/" + ref
                pending.append(jsonschema_specifications.REGISTRY.contents(uri))
    return frozenset(found)


def _draft(body: Mapping[str, JSON]) -> str:
    name = dialect_or_default(body).name
    return "draft " + (
        name.removeprefix("draft-").lstrip("0") if name.startswith("draft-") else name
    )


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to `word` by edit distance, when near enough to be a slip."""
    limit = max(1, min(3, len(word) // 3))
    best: tuple[int, str] | None = None
    for candidate in sorted(candidates):
        distance = edit_distance(word.lower(), candidate.lower())
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, a swap of two neighbours counting once (`reqiured`)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
