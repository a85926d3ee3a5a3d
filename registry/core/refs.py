"""The one place validators are built: a crawled `referencing.Registry`, and no network.

jsonschema fetches unknown `$ref`s over the network unless told otherwise. Every validator in this
project is built here, over an explicit registry whose `retrieve` never leaves the registry:
a reference outside it fails with an error that says what to do, and nothing is fetched.

A schema version is registered under its version URI (`$id/<version>.json`, where publishing puts
it) and the bare `$id` names the latest version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import referencing
import referencing.exceptions
import referencing.jsonschema
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.protocols import Validator
from jsonschema_specifications import REGISTRY as SPECIFICATIONS  # type: ignore[import-untyped]

from registry.core.dialects import compiled_class, dialect_or_default
from registry.core.ids import version_uri, within
from registry.core.matching import bounded_validator_class, linear_validator_class
from registry.core.model import JSON, EventSchema
from registry.errors import RegistryError


class ReferenceOutsideRegistry(RegistryError, LookupError):
    """A `$ref` to something this registry does not hold; nothing was fetched.

    referencing wraps it in `Unretrievable`, whose `__cause__` it then is.
    """

    def __init__(self, uri: str, base_url: str) -> None:
        self.uri = uri
        self.base_url = base_url
        if within(uri, base_url):
            super().__init__(
                f"{uri} is under this registry's base URL but no schema version has that URI",
                "pin a version that exists (`$id/<version>.json`) or add the schema",
            )
        else:
            super().__init__(
                f"{uri} is outside this registry ({base_url or 'no base URL'})",
                "references may only name local definitions or schemas in this registry",
            )


def refuse_retrieval(base_url: str) -> Callable[[str], referencing.Resource[Any]]:
    """A `retrieve` for referencing that never fetches: anything unknown is an error."""

    def retrieve(uri: str) -> referencing.Resource[Any]:
        raise ReferenceOutsideRegistry(uri, base_url)

    return retrieve


def retrieving_registry(
    base_url: str, fetch: Callable[[str], Mapping[str, JSON]]
) -> referencing.Registry[Any]:
    """A registry that fetches, on demand, the schemas under `base_url` through `fetch`.

    `fetch(uri)` receives a URI under `base_url` (fragment removed) and returns the schema body;
    a URI anywhere else raises ReferenceOutsideRegistry before `fetch` is called, so a schema
    can never make its reader connect to another host.
    """

    def retrieve(uri: str) -> referencing.Resource[Any]:
        if not within(uri, base_url):
            raise ReferenceOutsideRegistry(uri, base_url)
        return resource_of(fetch(uri))

    return referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]


def build_registry(
    schemas: Iterable[EventSchema],
    *,
    base_url: str = "",
    retrieve: Callable[[str], referencing.Resource[Any]] | None = None,
) -> referencing.Registry[Any]:
    """A crawled registry holding every version (by version URI) and each latest (by `$id`)."""
    versions, latest = schema_uris(schemas)
    resources = {id(schema): resource_of(schema.body) for _, schema in versions}
    registry: referencing.Registry[Any] = referencing.Registry(
        retrieve=retrieve or refuse_retrieval(base_url)  # type: ignore[call-arg]
    )
    registry = registry.with_resources(
        (uri, resources[id(schema)]) for uri, schema in versions
    ).crawl()
    return registry.with_resources((uri, resources[id(schema)]) for uri, schema in latest)


def schema_uris(
    schemas: Iterable[EventSchema],
) -> tuple[list[tuple[str, EventSchema]], list[tuple[str, EventSchema]]]:
    """The URIs a registry serves: each version at its version URI, and each latest at its `$id`."""
    versions: list[tuple[str, EventSchema]] = []
    latest: dict[str, EventSchema] = {}
    for schema in schemas:
        ref = schema.ref
        if ref is None or not _parses(ref.id):
            continue  # lint reports it; `referencing` cannot hold what no URL parser reads
        versions.append((version_uri(ref), schema))
        current = latest.get(ref.id)
        if current is None or (current.version is not None and current.version < ref.version):
            latest[ref.id] = schema
    return versions, list(latest.items())


def _parses(uri: str) -> bool:
    try:
        urlsplit(uri)
    except ValueError:  # an unclosed `[` in the host, and the like
        return False
    return True


def resource_of(body: Mapping[str, JSON]) -> referencing.Resource[Any]:
    return dialect_or_default(body).specification.create_resource(body)


def validator_for(
    body: Mapping[str, JSON],
    registry: referencing.Registry[Any] | None = None,
    *,
    linear_patterns: bool = False,
    bounded_patterns: bool = False,
) -> Validator:
    """A validator for one schema body, resolving `$ref`s only through `registry`.

    `linear_patterns` matches `pattern`s with the runtime's bounded engine (`core.matching`)
    instead of Python's backtracking `re`: for validating untrusted events. `bounded_patterns`
    matches them with the tooling's (`core.matching.search_within`): linear where it can be,
    else raising `PatternTimeout` past a budget, for a caller that must say "undecided".

    jsonschema adds the drafts' metaschemas to the registry each time a validator is built,
    which costs time proportional to the registry; the combination is made once per registry.
    Validators are immutable, so the one built for a body and a registry is kept and reused
    (for the most recent few hundred): comparing a version with the one before it and the one
    after it builds it once. A body whose `$schema` or `$id` changed meanwhile gets a new one.
    """
    if registry is None:
        registry = _NO_REFERENCES
    key = (id(body), id(registry), linear_patterns, bounded_patterns)
    stamp = (body.get("$schema"), body.get("$id"), body.get("id"))
    known = _VALIDATORS.get(key)
    if known is not None and known[0] is body and known[1] is registry and known[2] == stamp:
        return known[3]
    dialect = dialect_or_default(body)
    cls = dialect.validator
    if bounded_patterns:
        cls = bounded_validator_class(cls)
    elif linear_patterns:
        cls = linear_validator_class(cls)
    resolver = _with_metaschemas(registry).resolver_with_root(resource_of(body))
    validator: Validator = cls(
        body,
        registry=registry,
        _resolver=resolver,  # type: ignore[call-arg]
    )
    with _VALIDATORS_LOCK:
        if len(_VALIDATORS) >= _VALIDATORS_KEPT:
            _VALIDATORS.pop(next(iter(_VALIDATORS)))
        _VALIDATORS[key] = (body, registry, stamp, validator)
    return validator


_NO_REFERENCES: referencing.Registry[Any] = referencing.Registry(
    retrieve=refuse_retrieval("")  # type: ignore[call-arg]
)
"""The registry of a schema that may reference nothing but itself (immutable, so shared)."""
_VALIDATORS_KEPT = 512
_VALIDATORS: dict[
    tuple[int, int, bool, bool],
    tuple[Mapping[str, JSON], referencing.Registry[Any], tuple[JSON, ...], Validator],
] = {}
"""Validators by the identities of their body and registry, which each entry keeps alive."""
_VALIDATORS_LOCK = threading.Lock()
"""Held while the cache evicts and adds (event logs may register schemas from threads)."""


def compiled_check(schema: Mapping[str, JSON]) -> Callable[[JSON], bool]:
    """A fast yes/no check against `schema` (compiled by jsonschema-rs), for large documents.

    Any `$ref` outside the schema itself is refused, never fetched. Explain a failure with
    `validator_for`, so messages read the same as everywhere else.
    """
    compiled = compiled_class(dialect_or_default(schema))(schema, retriever=_refuse_compiled)
    check: Callable[[JSON], bool] = compiled.is_valid
    return check


def _refuse_compiled(uri: str) -> JSON:
    raise ReferenceOutsideRegistry(uri, "")


_COMBINED: dict[int, tuple[referencing.Registry[Any], referencing.Registry[Any]]] = {}


def _with_metaschemas(registry: referencing.Registry[Any]) -> referencing.Registry[Any]:
    """`registry` plus the metaschemas, as jsonschema itself would combine them (cached)."""
    known = _COMBINED.get(id(registry))
    if known is not None and known[0] is registry:
        return known[1]
    combined: referencing.Registry[Any] = SPECIFICATIONS.combine(registry)
    if len(_COMBINED) >= 32:
        _COMBINED.pop(next(iter(_COMBINED)))
    _COMBINED[id(registry)] = (registry, combined)
    return combined


class EventValidator:
    """Validates events quickly and explains rejections exactly as jsonschema does.

    A compiled validator (jsonschema-rs) answers whether an event is valid. When it says no,
    jsonschema, the reference, decides and explains: its best-match error is raised, the same
    one `jsonschema.validate` raises. The reference matches `pattern`s with jsonschema-rs's
    own engine (`core.matching`), never with a backtracking one, so the two read patterns
    alike (as ECMA-262) and explaining costs about what validating does. Where they still
    disagree on a rejection, the reference wins and the event is accepted. A schema the
    compiled validator cannot build is validated by the reference alone.
    """

    __slots__ = ("_is_valid", "compiled", "reference", "references")

    def __init__(
        self, fast: Any | None, reference: Validator, references: referencing.Registry[Any]
    ) -> None:
        self.compiled = fast
        """The jsonschema-rs validator, or None where the reference validates alone."""
        self._is_valid: Callable[[Any], bool] = (
            fast.is_valid if fast is not None else reference.is_valid
        )
        self.reference = reference
        self.references = references

    def validate(self, instance: Any) -> None:
        """Return if `instance` is valid; raise `jsonschema.ValidationError` if not."""
        if not self.accepts(instance):
            self.explain(instance)

    def accepts(self, instance: Any) -> bool:
        """The quick answer: True when the instance is certainly valid."""
        try:
            return self._is_valid(instance)
        except ValueError:
            return False  # a value JSON cannot hold (a datetime, a non-string key): explain

    def explain(self, instance: Any) -> None:
        """Raise jsonschema's best-match error for `instance`; return if it finds none."""
        error = best_match(self.reference.iter_errors(instance))
        if error is not None:
            raise error

    def is_valid(self, instance: Any) -> bool:
        try:
            self.validate(instance)
        except ValidationError:
            return False
        return True


class UnresolvableReference(RegistryError, ValueError):
    """A schema whose `$ref` names nothing known; nothing was fetched."""

    def __init__(self, schema_id: str, ref: str, detail: str) -> None:
        self.schema_id = schema_id
        self.ref = ref
        self.detail = detail
        super().__init__(
            f"schema {schema_id!r}: `$ref` {ref!r} cannot be resolved ({detail})",
            "a `$ref` may name a local definition or a schema registered before this one "
            "(`$id/<version>.json` for one version, the bare `$id` for its latest)",
        )


def event_validator_for(
    schema: EventSchema, others: Iterable[EventSchema] = (), *, base_url: str = ""
) -> EventValidator:
    """An EventValidator for `schema`, whose `$ref`s may name itself or `others`.

    Both validators resolve references only among these schemas: jsonschema through a
    `referencing.Registry`, jsonschema-rs through its own registry, each with a retriever that
    refuses. A reference that names nothing known raises UnresolvableReference here, when the
    schema is registered, rather than when an event is recorded. Formats are annotations, as in
    jsonschema without a format checker.
    """
    pool = [*others, schema]
    references = build_registry(pool, base_url=base_url)
    _check_references(schema, references)
    reference = validator_for(schema.body, references, linear_patterns=True)
    return EventValidator(_compiled_validator(schema, pool, base_url), reference, references)


_REFERENCE_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
"""Each names a document to resolve at validation; every one must be known beforehand."""


def _check_references(schema: EventSchema, references: referencing.Registry[Any]) -> None:
    root = resource_of(schema.body)
    stack = [(root, references.resolver_with_root(root))]
    while stack:
        resource, resolver = stack.pop()
        contents = resource.contents
        refs = (
            [contents.get(key) for key in _REFERENCE_KEYWORDS]
            if isinstance(contents, Mapping)
            else []
        )
        for ref in refs:
            if not isinstance(ref, str):
                continue
            try:
                resolver.lookup(ref)
            except referencing.exceptions.Unresolvable as error:
                cause: BaseException = error
                while cause.__cause__ is not None:  # the retriever's own explanation, if any
                    cause = cause.__cause__
                detail = str(cause) if cause is not error else f"nothing at {error.ref!r}"
                raise UnresolvableReference(schema.id or "", ref, detail) from None
        for child in resource.subresources():
            stack.append((child, resolver.in_subresource(child)))


def _compiled_validator(schema: EventSchema, pool: list[EventSchema], base_url: str) -> Any | None:
    """A jsonschema-rs validator, or None where it cannot build one (the reference then serves).

    It can fail where jsonschema succeeds: a regular expression its engine does not support,
    or a `$ref` between schemas whose `$id`s are not absolute URIs.
    """
    refuse: Any = refuse_retrieval(base_url)  # it raises, so its return type does not matter
    try:
        compiled_registry = jsonschema_rs.Registry(_compiled_resources(pool), retriever=refuse)
        return compiled_class(dialect_or_default(schema.body))(
            dict(schema.body), registry=compiled_registry, retriever=refuse, validate_formats=False
        )
    except ValueError:  # jsonschema-rs reports schemas it cannot build as ValueErrors
        return None


def _compiled_resources(pool: list[EventSchema]) -> list[tuple[str, dict[str, Any]]]:
    """The resources of `build_registry` for jsonschema-rs, without two claiming one `$id`.

    jsonschema-rs also files a resource under its own `$id`, and picks arbitrarily between
    versions that share one. So each version other than the latest gets an `$id` of its own,
    `<$id>?version=<version>`, which keeps the base that its relative `$ref`s resolve against.
    """
    versions, latest = schema_uris(pool)
    newest = {id(schema) for _, schema in latest}
    resources: list[tuple[str, dict[str, Any]]] = []
    for uri, schema in versions:
        body = dict(schema.body)
        if id(schema) not in newest and schema.ref is not None and "$id" in body:
            separator = "&" if "?" in schema.ref.id else "?"
            body["$id"] = f"{schema.ref.id}{separator}version={schema.ref.version}"
        resources.append((uri, body))
    resources.extend((uri, dict(schema.body)) for uri, schema in latest)
    return resources
