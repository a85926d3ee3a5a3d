"""Read a YAML schema file safely: YAML 1.2 booleans, dates kept as strings, no aliases.

The loader follows YAML 1.2's idea of booleans (only true/false), keeps dates as strings, and
refuses anchors and aliases, which no schema needs and which make "billion laughs" documents
possible, and merge keys (`<<:`) with them, which copy one part into another as aliases do.
What JSON cannot hold is a finding at its line, not an error further on: a key that is itself a
list or a mapping (`? [a, b]`), and an integer longer than Python reads from text. Its own
module, so that reading JSON never imports YAML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from registry.core.model import JSON, pointer_join
from registry.sources.files import SchemaLoadError, _not_a_mapping

_Loader: type[yaml.SafeLoader]
try:
    _Loader = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class _SchemaLoader(_Loader):  # type: ignore[valid-type,misc]
    """A safe loader with YAML 1.2 booleans and no timestamps."""


_SchemaLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
_SchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def read_yaml(text: str) -> tuple[dict[str, JSON], Callable[[str], int | None]]:
    """The mapping in `text` and the line of each JSON pointer's key."""
    loader = _SchemaLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SchemaLoadError(
                "parse-error",
                "the file holds no YAML document",
                "write a schema (a mapping) or delete the file",
            )
        lines = _node_lines(node)
        body = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        from registry.sources.yaml_slips import diagnose  # only a broken file needs it

        slip = diagnose(error, text)
        raise SchemaLoadError(
            "parse-error", slip.message, slip.hint, slip.line, slip.column
        ) from None
    except yaml.YAMLError as error:
        raise SchemaLoadError(
            "parse-error", f"invalid YAML: {error}", "fix the YAML syntax"
        ) from None
    except RecursionError:
        raise SchemaLoadError(
            "parse-error", "the YAML is nested too deeply", "flatten the schema"
        ) from None
    except ValueError as error:  # a constructor's refusal the node walk did not foresee
        raise SchemaLoadError(
            "parse-error", f"a value cannot be read: {error}", "fix the value"
        ) from None
    finally:
        loader.dispose()
    if not isinstance(body, dict):
        raise _not_a_mapping(body)
    return body, lines.get


_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"
MAX_DIGITS = 4300
"""The longest integer, in characters, that Python reads from text (its default limit)."""


def _at(node: yaml.Node, rule: str, message: str, hint: str) -> SchemaLoadError:
    mark = node.start_mark
    return SchemaLoadError(rule, message, hint, mark.line + 1, mark.column + 1)


def _node_lines(root: yaml.Node) -> dict[str, int]:
    """Map each JSON pointer to its key's line, refusing aliases and duplicate keys."""
    lines: dict[str, int] = {"": root.start_mark.line + 1}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, pointer = stack.pop()
        if id(node) in seen:
            raise SchemaLoadError(
                "yaml-alias",
                "the YAML uses an anchor and alias (`&name` / `*name`)",
                "write the repeated part out, or share it with `$ref` to a definition",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT and len(node.value) > MAX_DIGITS:
            raise _at(
                node,
                "parse-error",
                f"an integer of {len(node.value):,} characters, over the {MAX_DIGITS:,} a "
                "number may have",
                "write a smaller number",
            )
        if isinstance(node, yaml.MappingNode):
            keys: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE:
                    raise _at(
                        key_node,
                        "yaml-alias",
                        "the YAML uses a merge key (`<<:`), which copies another mapping in",
                        "write the merged keys out, or share them with `$ref` to a definition",
                    )
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _at(
                        key_node,
                        "parse-error",
                        "a mapping key is itself a list or a mapping (`? [a, b]`); JSON keys "
                        "are strings",
                        "write the key as a plain string",
                    )
                key = key_node.value
                if key in keys:
                    raise SchemaLoadError(
                        "duplicate-key",
                        f"key {key!r} appears twice in one mapping",
                        f"keep one of the two entries (the first is on line {keys[key]})",
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                    )
                keys[key] = key_node.start_mark.line + 1
                child = pointer_join(pointer, key)
                lines[child] = key_node.start_mark.line + 1
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = pointer_join(pointer, index)
                lines[child] = item.start_mark.line + 1
                stack.append((item, child))
    return lines
