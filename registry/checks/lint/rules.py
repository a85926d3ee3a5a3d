"""Lint's rule catalogue: each rule's stable id, its one-line summary and hint, and its default
severity, which the configuration may change. `telemetry-registry rules` and the docs list them;
the checks that find each rule's problems live in `registry.checks.lint.checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from registry.core.model import Severity


@dataclass(frozen=True)
class Rule:
    """A named rule: what it requires and what to do when it is broken."""

    id: str
    summary: str
    hint: str
    severity: Severity = Severity.ERROR


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
        "`$id` is an absolute http(s) URI whose path segments can each name a folder: no "
        "query, fragment, whitespace, empty or `.`/`..` segment, or trailing slash.",
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
        "pattern-dialect",
        "Every pattern reads the same in JSON Schema's regular expressions (ECMA-262) and in "
        "the runtime's validator (jsonschema-rs).",
        "use the syntax both read: `(?<name>...)`, `\\p{L}`, `^`/`$`; no inline flags, "
        "`\\k<name>` or `[^]`",
        Severity.WARNING,
    ),
    Rule(
        "unknown-keyword",
        "Every key of a schema is a keyword of its draft, an annotation this registry documents "
        "(`version`, `categories`, `deprecated`, `examples`), starts with `x-`, or is listed "
        "under `allowed-keywords`.",
        "correct the keyword's spelling",
    ),
    Rule(
        "schema-unsatisfiable",
        "The schema, and each property's subschema, accepts at least one value.",
        "make the keywords agree on at least one value",
    ),
    Rule(
        "example-valid",
        "Every `examples` entry, of the event or of a property, is valid against its schema.",
        "correct the example",
    ),
    Rule(
        "categories-vocabulary",
        "`categories` is a list of labels from the configured personal-data vocabulary.",
        "use labels listed under `categories` in the configuration",
    ),
    Rule(
        "no-symlink",
        "No file or folder below the schema root is a symbolic link; links are never followed, "
        "so nothing outside the tree is read.",
        "put the schema itself in the tree; to share definitions, use `$ref`",
    ),
)
RULES_BY_ID: Mapping[str, Rule] = {rule.id: rule for rule in RULES}
