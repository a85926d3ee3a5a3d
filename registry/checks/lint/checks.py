"""Lint's checks: each looks at one schema file and returns the Problems it finds.

They see valid schemas only: whether a body is a schema at all (`dialect-known`, `metaschema`)
is decided when the Snapshot is built (`registry.sources.validity`).

A Problem names its rule (from `registry.checks.lint.rules`) and where in the body it is;
`registry.checks.lint.lint` attaches the file, line and configured severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

import referencing
import referencing.exceptions

from registry.core import ids
from registry.core.config import Settings
from registry.core.model import EventSchema, Version, VersionError, pointer_join
from registry.core.patterns import problem as pattern_problem
from registry.core.patterns import runtime_accepts
from registry.core.refs import ReferenceOutsideRegistry, resource_of
from registry.core.walk import subschemas

if TYPE_CHECKING:
    from referencing._core import Resolver


@dataclass(frozen=True)
class Problem:
    """What a check found, before the file, line and severity are attached."""

    rule: str
    message: str
    pointer: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Context:
    """What the per-file checks share: the settings and the snapshot's reference registry."""

    settings: Settings
    references: referencing.Registry[Any]
    paths: frozenset[PurePosixPath] = frozenset()
    """Every file of the snapshot, so that a hint never says to overwrite one."""
    walks: dict[int, tuple[tuple[str, Mapping[str, Any]], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def subschemas(self, schema: EventSchema) -> tuple[tuple[str, Mapping[str, Any]], ...]:
        """`core.walk.subschemas` of the schema's body, walked once for all the checks: the
        snapshot holds the bodies for the whole run, so their identities stay theirs."""
        key = id(schema.body)
        walked = self.walks.get(key)
        if walked is None:
            walked = self.walks[key] = tuple(subschemas(schema.body))
        return walked


Check = Callable[[EventSchema, "Context"], Iterator[Problem]]


def check_id(schema: EventSchema, context: Context) -> Iterator[Problem]:
    raw = schema.body.get("$id")
    if raw is None:
        yield Problem("id-present", "the schema has no `$id`")
        return
    if not isinstance(raw, str):
        yield Problem("id-format", f"`$id` must be a string, not {raw!r}", "/$id")
        return
    reason = ids.id_problem(raw)
    if reason:
        yield Problem("id-format", f"`$id` {raw!r} {reason}", "/$id")
        return
    base = context.settings.base_url
    folder = ids.below(raw, base)
    if folder is None:
        yield Problem("id-under-base", f"`$id` {raw!r} is not under the base URL {base!r}", "/$id")
        return
    if schema.rel_path.parent != PurePosixPath(folder):
        where = ids.id_for_tree_path(schema.rel_path, base)
        fix = f"change its `$id` to {where}" if where else "correct its `$id`"
        yield Problem(
            "id-matches-path",
            f"the file is in {schema.rel_path.parent}/ but its `$id` places it in {folder}/",
            "/$id",
            f"move the file to {folder}/ below the schema root, or {fix}",
        )


def check_version(schema: EventSchema, context: Context) -> Iterator[Problem]:
    if "version" not in schema.body:
        yield Problem("version-present", "the schema has no `version`")
        return
    raw = schema.body["version"]
    try:
        version = Version.parse(raw)
    except VersionError as error:
        yield Problem("version-format", str(error), "/version")
        return
    if schema.rel_path.stem != str(version):
        yield Problem(
            "version-matches-filename",
            f"the file is named {schema.rel_path.name} but declares version {version}",
            "/version",
            _filename_hint(schema, version, context),
        )


def _filename_hint(schema: EventSchema, version: Version, context: Context) -> str:
    """Rename only when no file holds that name: a copied file is a new version, not a move."""
    folder, stem = schema.rel_path.parent, schema.rel_path.stem
    taken = [p for p in context.paths if p.parent == folder and p.stem == str(version)]
    try:
        named = Version.parse(int(stem) if stem.isdigit() else stem)
    except VersionError:
        named = None
    if taken and named is not None:
        return (
            f"set `version: {named}`: {taken[0].name} already holds version {version}, and "
            "renaming this file would overwrite it"
        )
    rename = f"rename the file to {version}{schema.rel_path.suffix}"
    if named is not None:
        return f"{rename}, or set `version: {named}` if this file is version {named}"
    return rename


def check_documented(schema: EventSchema, context: Context) -> Iterator[Problem]:
    for keyword, rule in (("title", "title-present"), ("description", "description-present")):
        value = schema.body.get(keyword)
        if not isinstance(value, str) or not value.strip():
            yield Problem(rule, f"the schema has no `{keyword}`")
    if schema.body.get("type") != "object":
        yield Problem(
            "type-object",
            f"the top-level `type` is {schema.body.get('type')!r}, not 'object'",
            "/type" if "type" in schema.body else "",
        )
    properties = schema.body.get("properties")
    if isinstance(properties, Mapping):
        for name in properties:
            if isinstance(name, str) and name.startswith("__"):
                yield Problem(
                    "reserved-property",
                    f"property {name!r} starts with `__`, which is reserved for the envelope",
                    pointer_join("/properties", name),
                )


def check_subschemas(schema: EventSchema, context: Context) -> Iterator[Problem]:
    """Rules that apply to every subschema: descriptions, patterns, categories, `$ref`s."""
    vocabulary = context.settings.categories
    resolver: Resolver[Any] | None = None

    def lookup(ref: str) -> Any:
        nonlocal resolver
        if resolver is None:
            resolver = context.references.resolver_with_root(resource_of(schema.body))
        return resolver.lookup(ref).contents

    for pointer, node in context.subschemas(schema):
        if _is_property(pointer) and not _is_documented(node, lookup):
            yield Problem(
                "property-description",
                f"property {pointer.rsplit('/', 1)[1]!r} has no `description`",
                pointer,
            )
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            yield from check_pattern(pattern, "pattern", pointer + "/pattern")
        pattern_properties = node.get("patternProperties")
        if isinstance(pattern_properties, Mapping):
            for key in pattern_properties:
                where = pointer_join(pointer + "/patternProperties", key)
                yield from check_pattern(key, "patternProperties key", where)
        if "categories" in node and _is_property(pointer):
            yield from _check_categories(node["categories"], vocabulary, pointer)
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield from _check_ref(ref, pointer + "/$ref", schema, context, lookup)
        yield from _check_dynamic_refs(node, pointer, schema, context)


def _check_dynamic_refs(
    node: Mapping[str, Any], pointer: str, schema: EventSchema, context: Context
) -> Iterator[Problem]:
    """`$dynamicRef` and `$recursiveRef` may not leave the registry either; nothing is fetched."""
    base = context.settings.base_url
    for keyword in ("$dynamicRef", "$recursiveRef"):
        ref = node.get(keyword)
        if not isinstance(ref, str):
            continue
        try:
            target, _fragment = urldefrag(urljoin(schema.id or "", ref))
        except ValueError as error:
            yield Problem("ref-resolves", _unreadable(ref, error), f"{pointer}/{keyword}")
            continue
        if target and not ids.within(target, base):
            yield Problem(
                "ref-in-registry",
                f"`{keyword}` {ref!r} points outside this registry ({base})",
                f"{pointer}/{keyword}",
            )


def _is_property(pointer: str) -> bool:
    parent = pointer.rsplit("/", 2)
    return len(parent) == 3 and parent[1] == "properties"


def _has_description(node: Any) -> bool:
    description = node.get("description") if isinstance(node, Mapping) else None
    return isinstance(description, str) and bool(description.strip())


def _is_documented(node: Mapping[str, Any], lookup: Callable[[str], Any]) -> bool:
    """Described here, or a `$ref` to a described definition (broken refs are reported apart)."""
    if _has_description(node):
        return True
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return False
    try:
        return _has_description(lookup(ref))
    except (referencing.exceptions.Unresolvable, ValueError):  # ValueError: not a URI
        return True


def check_pattern(pattern: str, what: str, pointer: str) -> Iterator[Problem]:
    """A pattern is read as ECMA-262 here and by jsonschema-rs at run time; both must read it.

    jsonschema-rs also accepts some of Rust's syntax (`(?i)`, `\\pL`, `\\A`) and refuses a few
    ECMA-262 forms (`\\k<name>`, `[^]`): a pattern only one of the two reads is a warning of its
    own, never "does not compile".
    """
    reason = pattern_problem(pattern)
    at_run_time = runtime_accepts(pattern)
    if reason and not at_run_time:
        yield Problem("pattern-compiles", f"{what} {pattern!r} does not compile: {reason}", pointer)
    elif reason:
        yield Problem(
            "pattern-dialect",
            f"{what} {pattern!r} is outside JSON Schema's regular expressions (ECMA-262): "
            f"{reason}; jsonschema-rs accepts it, other validators may not",
            pointer,
        )
    elif not at_run_time:
        yield Problem(
            "pattern-dialect",
            f"{what} {pattern!r} is valid ECMA-262, but jsonschema-rs, the runtime's validator, "
            "does not compile it",
            pointer,
        )


def _check_categories(value: Any, vocabulary: tuple[str, ...], pointer: str) -> Iterator[Problem]:
    where = pointer + "/categories"
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        yield Problem("categories-vocabulary", "`categories` must be a list of labels", where)
        return
    for label in value:
        if label not in vocabulary:
            yield Problem(
                "categories-vocabulary",
                f"category {label!r} is not in the vocabulary ({', '.join(vocabulary)})",
                where,
            )


def _check_ref(
    ref: str,
    pointer: str,
    schema: EventSchema,
    context: Context,
    lookup: Callable[[str], Any],
) -> Iterator[Problem]:
    base = context.settings.base_url
    try:
        target, _fragment = urldefrag(urljoin(schema.id or "", ref))
    except ValueError as error:  # the `$ref`, or the `$id` it is read against, is no URI
        yield Problem("ref-resolves", _unreadable(ref, error), pointer)
        return
    if target and not ids.within(target, base):
        yield Problem(
            "ref-in-registry",
            f"`$ref` {ref!r} points outside this registry ({base})",
            pointer,
        )
        return
    try:
        lookup(ref)
    except ValueError as error:  # a URL parser refused the reference as `referencing` read it
        yield Problem("ref-resolves", _unreadable(ref, error), pointer)
    except referencing.exceptions.Unresolvable as error:
        cause = _root_cause(error)
        if isinstance(cause, referencing.exceptions.PointerToNowhere):
            reason = f"the pointer {cause.ref!r} names nothing in the schema it points into"
        else:
            reason = str(cause)
        yield Problem(
            "ref-resolves",
            f"`$ref` {ref!r} does not resolve: {reason}",
            pointer,
            _local_ref_hint(ref, schema.body) if ref.startswith("#") else "",
        )


def _local_ref_hint(ref: str, body: Mapping[str, Any]) -> str:
    """A reference into this same schema names a definition in it, not another version."""
    container, _, name = ref.removeprefix("#/").rpartition("/")
    if container not in ("$defs", "definitions"):
        return "correct the pointer after `#`, so that it names a part of this schema"
    defined = body.get(container)
    defined = defined if isinstance(defined, Mapping) else {}
    from registry.checks.lint.keywords import closest

    guess = closest(name, [key for key in defined if isinstance(key, str)])
    if guess:
        return f"did you mean `#/{container}/{guess}`?"
    return f"add `{name}` under `{container}` in this schema, or correct the pointer"


def _unreadable(ref: str, error: ValueError) -> str:
    return f"`$ref` {ref!r} cannot be read as a URI against the schema's `$id` ({error})"


def _root_cause(error: BaseException) -> BaseException:
    """referencing wraps our retrieval error in its own; the innermost one of either explains."""
    cause = error.__cause__
    while cause is not None:
        if isinstance(cause, (ReferenceOutsideRegistry, referencing.exceptions.Unresolvable)):
            error = cause
        cause = cause.__cause__
    return error


CHECKS: tuple[Check, ...] = (
    check_id,
    check_version,
    check_documented,
    check_subschemas,
)
