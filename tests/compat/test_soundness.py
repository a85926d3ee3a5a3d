"""Soundness, the definition of correctness: a compatible verdict is never contradicted.

Hypothesis draws a schema, mutates it with the change kinds the engine covers, and draws
instances of the old schema (and of the new one). Whenever the engine says backward-compatible,
every instance valid under OLD must validate under NEW; symmetrically for forward. Under the
lenient policy the same holds for instances that carry only properties their schema names.
Every witness the engine returns must really be valid under one schema and invalid under the
other.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from registry.compat import check, diff, is_compatible
from registry.core.dialects import dialect_of, metaschema_errors
from registry.core.model import Mode
from registry.core.refs import validator_for

DIALECTS = (
    "http://json-schema.org/draft-04/schema#",
    "http://json-schema.org/draft-07/schema#",
    "https://json-schema.org/draft/2020-12/schema",
)
NAMES = ("a", "b", "c")
PATTERNS = ("^a", "b$", "^[0-9]+$", "x")
SETTINGS = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Schema = Any

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, -1.5, 2.0]),
    st.sampled_from(["", "a", "ab", "b", "12", "xyz"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from([*NAMES, "z"]), inner, max_size=3),
    ),
    max_leaves=6,
)


def _leaf() -> st.SearchStrategy[Schema]:
    number = st.fixed_dictionaries(
        {"type": st.sampled_from(["integer", "number", ["integer", "null"]])},
        optional={
            "minimum": st.integers(-2, 2),
            "maximum": st.integers(-2, 2),
            "exclusiveMaximum": st.integers(-2, 3),
            "multipleOf": st.sampled_from([1, 2, 0.5]),
        },
    )
    string = st.fixed_dictionaries(
        {"type": st.just("string")},
        optional={
            "minLength": st.integers(0, 2),
            "maxLength": st.integers(0, 3),
            "pattern": st.sampled_from(PATTERNS),
            "enum": st.lists(
                st.sampled_from(["", "a", "ab", "b", "12"]), min_size=1, max_size=3, unique=True
            ),
        },
    )
    return st.one_of(
        number,
        string,
        st.sampled_from(
            [
                {"type": "boolean"},
                {"type": "null"},
                {},
                True,
                {"const": 1},
                {"enum": [1, "a", None]},
            ]
        ),
    )


def _schemas() -> st.SearchStrategy[Schema]:
    def extend(inner: st.SearchStrategy[Schema]) -> st.SearchStrategy[Schema]:
        objects = st.fixed_dictionaries(
            {
                "type": st.just("object"),
                "properties": st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
            },
            optional={
                "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
                "additionalProperties": st.one_of(st.booleans(), inner),
                "patternProperties": st.dictionaries(
                    st.sampled_from(["^a", "^z"]), inner, max_size=1
                ),
                "minProperties": st.integers(0, 2),
                "maxProperties": st.integers(0, 3),
                "propertyNames": st.just({"maxLength": 1}),
                "dependencies": st.dictionaries(
                    st.sampled_from(NAMES),
                    st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
                    max_size=1,
                ),
            },
        )
        arrays = st.fixed_dictionaries(
            {"type": st.just("array")},
            optional={
                "items": inner,
                "minItems": st.integers(0, 2),
                "maxItems": st.integers(0, 3),
                "uniqueItems": st.booleans(),
                "contains": inner,
            },
        )
        combined = st.one_of(
            st.builds(lambda xs: {"anyOf": xs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda xs: {"oneOf": xs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda xs: {"allOf": xs}, st.lists(inner, min_size=1, max_size=2)),
            st.builds(lambda x: {"not": x}, inner),
            st.builds(lambda a, b: {"if": a, "then": b}, inner, inner),
        )
        return st.one_of(objects, arrays, combined)

    return st.recursive(_leaf(), extend, max_leaves=6)


MUTATIONS = (
    "replace",
    "drop_keyword",
    "bump",
    "toggle_required",
    "close",
    "wrap_any_of",
    "add_property",
    "retype",
)


def _mutate(schema: Schema, data: st.DataObject) -> Schema:
    """Apply one edit at a random subschema (or replace it with a fresh schema)."""
    paths: list[list[Any]] = []

    def visit(node: Schema, path: list[Any]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key in ("items", "additionalProperties", "not", "contains", "if", "then"):
                if isinstance(node.get(key), (dict, bool)):
                    visit(node[key], [*path, key])
            for key in ("properties", "patternProperties"):
                for name, child in (node.get(key) or {}).items():
                    visit(child, [*path, key, name])
            for key in ("anyOf", "oneOf", "allOf"):
                for index, child in enumerate(node.get(key) or []):
                    visit(child, [*path, key, index])

    root = copy.deepcopy(schema)
    visit(root, [])
    path = data.draw(st.sampled_from(paths))
    parent, target = None, root
    for part in path:
        parent, target = target, target[part]
    kind = data.draw(st.sampled_from(MUTATIONS))
    if kind == "replace" or not isinstance(target, dict):
        new: Schema = data.draw(_schemas())
    else:
        new = dict(target)
        keys = sorted(new)
        if kind == "drop_keyword" and keys:
            del new[data.draw(st.sampled_from(keys))]
        elif kind == "bump":
            numeric = [k for k in keys if isinstance(new[k], int) and not isinstance(new[k], bool)]
            if numeric:
                key = data.draw(st.sampled_from(numeric))
                floor = 1 if key == "multipleOf" else 0  # a schema needs multipleOf > 0
                new[key] = max(floor, new[key] + data.draw(st.sampled_from([-1, 1])))
        elif kind == "toggle_required":
            name = data.draw(st.sampled_from(NAMES))
            required = list(new.get("required", []))
            new["required"] = (
                [n for n in required if n != name] if name in required else [*required, name]
            )
        elif kind == "close":
            new["additionalProperties"] = data.draw(st.booleans())
        elif kind == "wrap_any_of":
            new = {"anyOf": [new, data.draw(_leaf())]}
        elif kind == "add_property":
            properties = dict(new.get("properties", {}))
            properties[data.draw(st.sampled_from(NAMES))] = data.draw(_leaf())
            new["properties"] = properties
        elif kind == "retype":
            new["type"] = data.draw(
                st.sampled_from(
                    ["string", "integer", "number", "object", "array", ["string", "null"]]
                )
            )
    if parent is None:
        return new
    parent[path[-1]] = new
    return root


def _valid(body: dict[str, Any]) -> bool:
    return next(metaschema_errors(dialect_of(body), body), None) is None


def _with_dialect(schema: Schema, dialect: str) -> dict[str, Any]:
    if dialect == DIALECTS[0]:
        schema = _without_boolean_schemas(schema)
    body = schema if isinstance(schema, dict) else {"allOf": [schema]}
    return {"$schema": dialect, **body}


def _without_boolean_schemas(schema: Schema) -> Schema:
    """Draft 4's spelling: no boolean schemas (only boolean additionalProperties and
    additionalItems), and `exclusiveMaximum` a boolean beside `maximum`."""
    if schema is True:
        return {}
    if schema is False:
        return {"not": {}}
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    if result.get("required") == []:  # draft 4 wants at least one name
        del result["required"]
    if isinstance(result.get("dependencies"), dict):
        result["dependencies"] = {n: d for n, d in result["dependencies"].items() if d != []}
    if "exclusiveMaximum" in result:
        below = result.pop("exclusiveMaximum")
        if "maximum" not in result or below <= result["maximum"]:
            result["maximum"], result["exclusiveMaximum"] = below, True
    for key in ("items", "not", "contains", "if", "then"):
        if key in result:
            result[key] = _without_boolean_schemas(result[key])
    if isinstance(result.get("additionalProperties"), dict):
        result["additionalProperties"] = _without_boolean_schemas(result["additionalProperties"])
    for key in ("properties", "patternProperties"):
        if key in result:
            result[key] = {n: _without_boolean_schemas(c) for n, c in result[key].items()}
    for key in ("anyOf", "oneOf", "allOf"):
        if key in result:
            result[key] = [_without_boolean_schemas(c) for c in result[key]]
    return result


def _instances(schema: Schema, data: st.DataObject, named_only: bool) -> list[Any]:
    """Instances drawn near the schema's shape, plus arbitrary JSON values."""
    found = [data.draw(_near(schema, named_only, depth=0)) for _ in range(6)]
    if not named_only:
        found += [data.draw(json_values) for _ in range(4)]
    return found


def _near(schema: Schema, named_only: bool, depth: int) -> st.SearchStrategy[Any]:
    if not isinstance(schema, dict) or depth > 3:
        return st.one_of(scalars, st.lists(scalars, max_size=2)) if named_only else json_values
    options: list[st.SearchStrategy[Any]] = []
    for key in ("enum",):
        if isinstance(schema.get(key), list) and schema[key]:
            options.append(st.sampled_from(schema[key]))
    if "const" in schema:
        options.append(st.just(schema["const"]))
    for key in ("anyOf", "oneOf", "allOf"):
        for child in schema.get(key) or []:
            options.append(_near(child, named_only, depth + 1))
    properties = schema.get("properties") or {}
    if properties or schema.get("type") == "object":
        optional = {n: _near(s, named_only, depth + 1) for n, s in properties.items()}
        if not named_only:
            optional["z"] = json_values
        options.append(st.fixed_dictionaries({}, optional=optional))
    if schema.get("type") == "array" or "items" in schema:
        options.append(st.lists(_near(schema.get("items", {}), named_only, depth + 1), max_size=3))
    if schema.get("type") in ("integer", "number") or "minimum" in schema:
        options.append(st.integers(-4, 4))
        options.append(st.sampled_from([0.5, -0.5, 1.0, 2.5]))
    if schema.get("type") == "string" or "pattern" in schema:
        options.append(st.sampled_from(["", "a", "ab", "b", "12", "a1", "xb", "abc"]))
    if named_only:
        return st.one_of(options) if options else st.one_of(scalars)
    return st.one_of([*options, json_values])


def _violations(old: dict[str, Any], new: dict[str, Any], instances: list[Any]) -> list[Any]:
    old_validator, new_validator = validator_for(old), validator_for(new)
    return [i for i in instances if old_validator.is_valid(i) and not new_validator.is_valid(i)]


@SETTINGS
@given(st.data())
def test_a_backward_compatible_verdict_is_never_contradicted(data: st.DataObject) -> None:
    dialect = data.draw(st.sampled_from(DIALECTS))
    base = data.draw(_schemas())
    old = _with_dialect(base, dialect)
    new = _with_dialect(_mutate(base, data), dialect)
    assume(_valid(old) and _valid(new))  # the engine's precondition; the generators aim for it
    if is_compatible(diff(old, new), Mode.BACKWARD):
        assert _violations(old, new, _instances(old, data, named_only=False)) == []


@SETTINGS
@given(st.data())
def test_a_forward_compatible_verdict_is_never_contradicted(data: st.DataObject) -> None:
    dialect = data.draw(st.sampled_from(DIALECTS))
    base = data.draw(_schemas())
    old = _with_dialect(base, dialect)
    new = _with_dialect(_mutate(base, data), dialect)
    assume(_valid(old) and _valid(new))  # the engine's precondition; the generators aim for it
    if is_compatible(diff(old, new), Mode.FORWARD):
        assert _violations(new, old, _instances(new, data, named_only=False)) == []


@SETTINGS
@given(st.data())
def test_a_lenient_verdict_holds_for_events_with_only_named_properties(data: st.DataObject) -> None:
    dialect = data.draw(st.sampled_from(DIALECTS))
    base = data.draw(_schemas())
    old = _with_dialect(base, dialect)
    new = _with_dialect(_mutate(base, data), dialect)
    assume(_valid(old) and _valid(new))  # the engine's precondition; the generators aim for it
    if is_compatible(diff(old, new, policy="lenient"), Mode.BACKWARD):
        assert _violations(old, new, _instances(old, data, named_only=True)) == []


@SETTINGS
@given(st.data())
def test_every_witness_is_valid_under_the_writer_and_invalid_under_the_reader(
    data: st.DataObject,
) -> None:
    dialect = data.draw(st.sampled_from(DIALECTS))
    base = data.draw(_schemas())
    old = _with_dialect(base, dialect)
    new = _with_dialect(_mutate(base, data), dialect)
    assume(_valid(old) and _valid(new))  # the engine's precondition; the generators aim for it
    report = check(old, new, mode=Mode.FULL)
    if report.witness is not None:
        writer, reader = (old, new) if report.witness.direction is Mode.BACKWARD else (new, old)
        assert validator_for(writer).is_valid(report.witness.instance)
        assert not validator_for(reader).is_valid(report.witness.instance)
        assert not report.verdicts[report.witness.direction.value]
