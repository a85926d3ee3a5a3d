"""Read one schema file (YAML or JSON) into an EventSchema, safely.

JSON is read here; YAML by `yaml_reader`, imported only when a YAML file is read. Every failure
is a SchemaLoadError carrying a rule id, a line and column where known, and a hint, so that a
broken file becomes a finding, never a traceback.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from registry.core.model import JSON, EventSchema, Version, VersionError, pointer_join
from registry.errors import RegistryError

SCHEMA_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class SchemaLoadError(RegistryError):
    """A file that cannot be read as a schema, with the rule it breaks and how to fix it.

    `pointer` names the offending place in the body when the file was read but is not a
    valid schema (see `registry.sources.validity`).
    """

    rule: str
    message: str
    hint: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""

    @property
    def where(self) -> str:
        """`:line:column` (or `:line`, or nothing) to follow a file name."""
        if self.line is None:
            return ""
        return f":{self.line}" + (f":{self.column}" if self.column is not None else "")


def read_schema(rel_path: PurePosixPath, data: bytes, *, max_bytes: int = 1_000_000) -> EventSchema:
    """Parse the bytes of one schema file; raise SchemaLoadError for anything unusable."""
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    if not data.strip():
        raise SchemaLoadError(
            "parse-error", "the file is empty", "write a schema (a mapping) or delete the file"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SchemaLoadError(
            "parse-error",
            f"the file is not UTF-8 text (byte {error.start} cannot be decoded)",
            "save the schema as UTF-8 JSON or YAML",
        ) from None
    if "\x00" in text:
        raise SchemaLoadError(
            "parse-error",
            "the file holds NUL characters; it is not a text file",
            "save the schema as UTF-8 JSON or YAML",
        )
    if rel_path.suffix == ".json":
        body, line_of = _read_json(text)
    else:
        from registry.sources.yaml_reader import read_yaml  # YAML only when a file needs it

        body, line_of = read_yaml(text)
    _check_json_values(body, "")
    schema_id = body.get("$id")
    try:
        version: Version | None = Version.parse(body["version"]) if "version" in body else None
    except VersionError:
        version = None
    return EventSchema(
        rel_path=rel_path,
        body=body,
        id=schema_id if isinstance(schema_id, str) else None,
        version=version,
        source=text,
        line_of=line_of,
    )


def symlink_error() -> SchemaLoadError:
    """What a link below the schema root is: reported, never read."""
    return SchemaLoadError(
        "no-symlink",
        "the file or folder is a symbolic link; links below the schema root are not followed",
        "put the schema itself in the tree; to share definitions, use `$ref`",
    )


def too_large(size: int, max_bytes: int) -> SchemaLoadError:
    return SchemaLoadError(
        "file-too-large",
        f"the file is {size:,} bytes, over the limit of {max_bytes:,}",
        "split the schema, or raise `max-file-bytes` in the configuration if it is meant",
    )


def _read_json(text: str) -> tuple[dict[str, JSON], Callable[[str], int | None]]:
    try:
        body = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise SchemaLoadError(
            "parse-error",
            f"invalid JSON: {error.msg}",
            "fix the JSON syntax",
            error.lineno,
            error.colno,
        ) from None
    except (ValueError, RecursionError) as error:
        raise SchemaLoadError(
            "parse-error", f"invalid JSON: {error}", "fix the JSON syntax"
        ) from None
    if not isinstance(body, dict):
        raise _not_a_mapping(body)

    @cache
    def lines() -> dict[str, int]:
        return _json_lines(text)

    def line_of(pointer: str) -> int | None:
        return lines().get(pointer)

    return body, line_of


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _not_a_mapping(body: object) -> SchemaLoadError:
    kind = type(body).__name__
    return SchemaLoadError(
        "parse-error",
        f"the document is a {kind}, not a mapping",
        "a schema file holds one JSON Schema object with `$id`, `version`, `type: object`, ...",
        1,
    )


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:\n]|[^\s{}\[\],:"]+')


def _json_lines(text: str) -> dict[str, int]:
    """Lines of every key and array item of (already valid) JSON text, in one scan."""
    lines: dict[str, int] = {"": 1}
    line = 1
    # one frame per open container: [pointer, is_object, key or index, expecting a key]
    stack: list[list[Any]] = []

    def value_starts() -> str:
        if not stack:
            return ""
        pointer, is_object, slot, _ = stack[-1]
        child = pointer_join(pointer, slot)
        if not is_object:
            lines[child] = line
        return child

    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "{[":
            child = value_starts()
            if not stack:
                lines[""] = line
            stack.append([child, token == "{", 0, token == "{"])
        elif token in "}]":
            stack.pop()
        elif token == ":":
            stack[-1][3] = False
        elif token == ",":
            frame = stack[-1]
            if frame[1]:
                frame[3] = True
            else:
                frame[2] += 1
        elif token[0] == '"' and stack and stack[-1][1] and stack[-1][3]:
            key = json.loads(token) if "\\" in token else token[1:-1]
            stack[-1][2] = key
            lines[pointer_join(stack[-1][0], key)] = line
        else:
            value_starts()
    return lines


def _check_json_values(value: JSON, pointer: str) -> None:
    """Refuse what YAML can hold but JSON cannot: non-string keys, NaN, binary, sets."""
    stack: list[tuple[JSON, str]] = [(value, pointer)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, Mapping):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise SchemaLoadError(
                        "parse-error",
                        f"key {key!r} at {where or '/'} is not a string",
                        "quote the key so that it is a string, as JSON requires",
                    )
                stack.append((child, pointer_join(where, key)))
        elif isinstance(item, list):
            stack.extend((child, pointer_join(where, i)) for i, child in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            raise SchemaLoadError(
                "parse-error",
                f"{item} at {where or '/'} is not a JSON number",
                "use a finite number",
            )
        elif not (item is None or isinstance(item, (str, int, float, bool))):
            raise SchemaLoadError(
                "parse-error",
                f"the value at {where or '/'} is a {type(item).__name__}, which JSON cannot hold",
                "write it as a string, number, boolean, null, list or mapping",
            )
