"""Lint: the rules every schema file must follow, checked over a whole snapshot at once.

Each rule has a stable id, a one-line summary (listed by `telemetry-registry rules`) and a
default severity that the configuration may change. Checks return Problems; `lint` turns them
into Findings with the file, line and severity, so every problem in every file is reported in
one run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import referencing
import referencing.exceptions

from registry.core.config import Settings
from registry.core.model import EventSchema, Finding, Severity, Version, VersionError, pointer_join
from registry.core.refs import (
    ReferenceOutsideRegistry,
    UnknownDialect,
    build_registry,
    dialect_of,
    metaschema_errors,
    resource_of,
)
from registry.core.walk import subschemas
from registry.sources.snapshot import Snapshot

if TYPE_CHECKING:
    from referencing._core import Resolver


@dataclass(frozen=True)
class Rule:
    """A named rule: what it requires and what to do when it is broken."""

    id: str
    summary: str
    hint: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class Problem:
    """What a check found, before the file, line and severity are attached."""

    rule: str
    message: str
    pointer: str = ""
    hint: str = ""


RULES: tuple[Rule, ...] = (
    Rule("parse-error", "The file is UTF-8 JSON or YAML holding one mapping.", "fix the syntax"),
    Rule("file-too-large", "The file is no larger than `max-file-bytes`.", "split the schema"),
    Rule(
        "yaml-alias", "YAML anchors and aliases are not used.", "write the part out, or use `$ref`"
    ),
    Rule("duplicate-key", "No mapping repeats a key.", "keep one of the entries"),
    Rule(
        "dialect-known",
        "`$schema`, when present, names a known JSON Schema draft (4, 6, 7, 2019-09, 2020-12).",
        "use e.g. `$schema: https://json-schema.org/draft/2020-12/schema`",
    ),
    Rule(
        "metaschema",
        "The schema is valid against its draft's metaschema.",
        "correct the keyword's value as the JSON Schema specification defines it",
    ),
    Rule("id-present", "The schema has an `$id`.", "add `$id: <base-url><namespace>/<event>`"),
    Rule(
        "id-format",
        "`$id` is an absolute http(s) URI without query, fragment, `.`/`..` segments or "
        "trailing slash.",
        "write the `$id` as <base-url><namespace>/<event>",
    ),
    Rule(
        "id-under-base",
        "`$id` lives under the registry's configured base URL.",
        "start the `$id` with the base URL, or change `base-url` in the configuration",
    ),
    Rule(
        "id-matches-path",
        "The file's folder below the schema root is its `$id` below the base URL.",
        "move the file, or correct its `$id`",
    ),
    Rule("version-present", "The schema has a `version`.", "add `version: 1` (or `1.0.0`)"),
    Rule(
        "version-format",
        "`version` is a positive integer or a semantic version MAJOR.MINOR.PATCH.",
        "write e.g. `version: 2` or `version: 1.2.0`",
    ),
    Rule(
        "version-matches-filename",
        "The file is named after its version (`<version>.yaml` or `.json`).",
        "rename the file to its version",
    ),
    Rule(
        "version-style",
        "All versions of one event use the same style: all integers or all semantic versions.",
        "renumber the odd version out in the event's style",
    ),
    Rule(
        "duplicate-version",
        "No two files declare the same `$id` and `version`.",
        "give the newer file a new version, or delete the copy",
    ),
    Rule("title-present", "The schema has a non-empty `title`.", "add a short `title`"),
    Rule(
        "description-present",
        "The schema has a non-empty `description`.",
        "add a `description` of when the event is recorded",
    ),
    Rule(
        "property-description",
        "Every property has a `description` (or is a `$ref` to a documented definition).",
        "describe what the property holds",
    ),
    Rule("type-object", "The top-level `type` is `object`.", "set `type: object` at the top"),
    Rule(
        "reserved-property",
        "No top-level property name starts with `__` (reserved for the event envelope).",
        "rename the property without the leading underscores",
    ),
    Rule(
        "ref-in-registry",
        "Every `$ref` names a local definition or a schema under this registry's base URL.",
        "copy the definition into this registry and point at it",
    ),
    Rule(
        "ref-resolves",
        "Every `$ref` resolves to a schema or definition that exists.",
        "correct the reference, or add the schema version it names",
    ),
    Rule(
        "pattern-compiles",
        "Every `pattern` and `patternProperties` key is a valid regular expression.",
        "correct the regular expression",
    ),
    Rule(
        "categories-vocabulary",
        "`categories` is a list of labels from the configured personal-data vocabulary.",
        "use labels listed under `categories` in the configuration",
    ),
)
RULES_BY_ID: Mapping[str, Rule] = {rule.id: rule for rule in RULES}

Check = Callable[[EventSchema, "Context"], Iterator[Problem]]


@dataclass(frozen=True)
class Context:
    """What the per-file checks share: the settings and the snapshot's reference registry."""

    settings: Settings
    references: referencing.Registry[Any]


def lint(
    snapshot: Snapshot, settings: Settings, *, only: Iterable[PurePosixPath] | None = None
) -> list[Finding]:
    """Check every file of the snapshot; report those in `only` (all when None)."""
    wanted = None if only is None else set(only)
    context = Context(settings, build_registry(snapshot.schemas, base_url=settings.base_url))
    findings: list[Finding] = []

    def report(schema_path: PurePosixPath, problems: Iterable[Problem], line_of: Any) -> None:
        if wanted is not None and schema_path not in wanted:
            return
        for problem in problems:
            rule = RULES_BY_ID[problem.rule]
            severity = settings.severity(rule.id, rule.severity)
            if severity is Severity.OFF:
                continue
            findings.append(
                Finding(
                    rule=rule.id,
                    severity=severity,
                    message=problem.message,
                    hint=problem.hint or rule.hint,
                    path=snapshot.display_path(schema_path),
                    line=line_of(problem.pointer),
                    pointer=problem.pointer,
                )
            )

    for failure in snapshot.failures:
        error = failure.error
        report(
            failure.rel_path,
            [Problem(error.rule, error.message, hint=error.hint)],
            lambda _pointer, line=error.line: line,
        )
    for schema in snapshot.schemas:
        if wanted is not None and schema.rel_path not in wanted:
            continue  # the others still resolve `$ref`s and count in the tree checks
        problems: list[Problem] = []
        for check in CHECKS:
            problems.extend(check(schema, context))
        report(schema.rel_path, problems, schema.line_of)
    for rel_path, problem, line_of in _tree_problems(snapshot):
        report(rel_path, [problem], line_of)
    findings.sort(key=lambda f: (f.path, f.line or 0, f.rule))
    return findings


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.severity is Severity.ERROR for finding in findings)


# -- per-file checks ---------------------------------------------------------------------


def check_dialect(schema: EventSchema, context: Context) -> Iterator[Problem]:
    try:
        dialect = dialect_of(schema.body)
    except UnknownDialect as error:
        yield Problem("dialect-known", str(error), "/$schema")
        return
    for invalid in metaschema_errors(dialect, schema.body):
        pointer = "".join(pointer_join("", part) for part in invalid.absolute_path)
        yield Problem("metaschema", f"{invalid.message} (draft {dialect.name})", pointer)


def check_id(schema: EventSchema, context: Context) -> Iterator[Problem]:
    raw = schema.body.get("$id")
    if raw is None:
        yield Problem("id-present", "the schema has no `$id`")
        return
    if not isinstance(raw, str):
        yield Problem("id-format", f"`$id` must be a string, not {raw!r}", "/$id")
        return
    reason = _id_format_problem(raw)
    if reason:
        yield Problem("id-format", f"`$id` {raw!r} {reason}", "/$id")
        return
    base = context.settings.base_url
    if not raw.startswith(base) or raw == base:
        yield Problem("id-under-base", f"`$id` {raw!r} is not under the base URL {base!r}", "/$id")
        return
    expected = PurePosixPath(raw[len(base) :])
    if schema.rel_path.parent != expected:
        yield Problem(
            "id-matches-path",
            f"the file is in {schema.rel_path.parent}/ but its `$id` places it in {expected}/",
            "/$id",
            f"move the file to {expected}/ below the schema root, or correct its `$id`",
        )


def _id_format_problem(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "is not an absolute http(s) URI"
    if parts.query or parts.fragment or "#" in uri:
        return "has a query or fragment"
    segments = parts.path.split("/")
    decoded = [unquote(segment) for segment in segments]
    if any(segment in (".", "..") for segment in decoded):
        return "has `.` or `..` segments"
    if any("/" in segment or "\\" in segment for segment in decoded):
        return "has an encoded slash or a backslash in a segment"
    if uri.endswith("/"):
        return "ends with a slash"
    if any(segment == "" for segment in segments[1:]):
        return "has an empty path segment"
    return ""


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
            f"rename the file to {version}{schema.rel_path.suffix}",
        )


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

    for pointer, node in subschemas(schema.body):
        if _is_property(pointer) and not _is_documented(node, lookup):
            yield Problem(
                "property-description",
                f"property {pointer.rsplit('/', 1)[1]!r} has no `description`",
                pointer,
            )
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            problem = _regex_problem(pattern)
            if problem:
                yield Problem(
                    "pattern-compiles", f"pattern {pattern!r} {problem}", pointer + "/pattern"
                )
        pattern_properties = node.get("patternProperties")
        if isinstance(pattern_properties, Mapping):
            for key in pattern_properties:
                problem = _regex_problem(key)
                if problem:
                    yield Problem(
                        "pattern-compiles",
                        f"patternProperties key {key!r} {problem}",
                        pointer_join(pointer + "/patternProperties", key),
                    )
        if "categories" in node and _is_property(pointer):
            yield from _check_categories(node["categories"], vocabulary, pointer)
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield from _check_ref(ref, pointer + "/$ref", schema, context, lookup)


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
    except referencing.exceptions.Unresolvable:
        return True


def _regex_problem(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as error:
        return f"does not compile: {error}"
    except (RecursionError, OverflowError):
        return "is too complex to compile"
    return ""


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
    target, _fragment = urldefrag(urljoin(schema.id or "", ref))
    if target and not target.startswith(base):
        yield Problem(
            "ref-in-registry",
            f"`$ref` {ref!r} points outside this registry ({base})",
            pointer,
        )
        return
    try:
        lookup(ref)
    except referencing.exceptions.Unresolvable as error:
        cause = _root_cause(error)
        if isinstance(cause, referencing.exceptions.PointerToNowhere):
            reason = f"the pointer {cause.ref!r} names nothing in the schema it points into"
        else:
            reason = str(cause)
        yield Problem("ref-resolves", f"`$ref` {ref!r} does not resolve: {reason}", pointer)


def _root_cause(error: BaseException) -> BaseException:
    """referencing wraps our retrieval error in its own; the innermost one of either explains."""
    cause = error.__cause__
    while cause is not None:
        if isinstance(cause, (ReferenceOutsideRegistry, referencing.exceptions.Unresolvable)):
            error = cause
        cause = cause.__cause__
    return error


CHECKS: tuple[Check, ...] = (
    check_dialect,
    check_id,
    check_version,
    check_documented,
    check_subschemas,
)


# -- checks across the tree --------------------------------------------------------------


def _tree_problems(
    snapshot: Snapshot,
) -> Iterator[tuple[PurePosixPath, Problem, Callable[[str], int | None]]]:
    claimed: dict[Any, EventSchema] = {}
    for schema in snapshot.schemas:
        ref = schema.ref
        if ref is None:
            continue
        first = claimed.setdefault(ref, schema)
        if first is not schema:
            yield (
                schema.rel_path,
                Problem(
                    "duplicate-version",
                    f"{ref} is also declared by {snapshot.display_path(first.rel_path)}",
                    "/version",
                ),
                schema.line_of,
            )
    for versions in snapshot.by_id.values():
        styles = {schema.version.style for schema in versions if schema.version}
        if len(styles) > 1:
            majority = max(
                styles,
                key=lambda style: sum(
                    1 for s in versions if s.version and s.version.style is style
                ),
            )
            for schema in versions:
                if schema.version and schema.version.style is not majority:
                    yield (
                        schema.rel_path,
                        Problem(
                            "version-style",
                            f"version {schema.version} is a {schema.version.style.value} while "
                            f"other versions of {schema.id} are {majority.value}s",
                            "/version",
                        ),
                        schema.line_of,
                    )
