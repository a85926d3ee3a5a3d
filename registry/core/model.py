"""The registry's plain data: schema references, versions, schemas, findings and changes.

Nothing here does I/O. Everything is frozen so that stages can share values freely.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import semver

from registry.errors import RegistryError

JSON = Any
"""A JSON value as Python holds it: dict, list, str, int, float, bool or None."""

_INTEGER_VERSION = re.compile(r"^(0|[1-9][0-9]{0,8})$")


class VersionError(RegistryError, ValueError):
    """A `version` value that is neither a positive integer nor a semantic version."""

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(
            f"version {value!r} is neither an integer (1, 2, ...) nor a semantic version "
            "(MAJOR.MINOR.PATCH, e.g. 1.2.0)"
        )


class VersionStyle(str, enum.Enum):
    """How an event numbers its versions; one event keeps to one style."""

    INTEGER = "integer"
    SEMVER = "semver"


@dataclass(frozen=True)
class Version:
    """A schema version: an integer `N` or a semantic version `MAJOR.MINOR.PATCH`.

    Integers order as `N.0.0`, so `2` sorts after `1.4.0`; within one event lint requires a
    single style, which keeps that case out of real trees.
    """

    text: str
    style: VersionStyle
    key: tuple[int, int, int, tuple[tuple[int, int | str], ...]] = field(compare=False, repr=False)

    @classmethod
    def parse(cls, value: object) -> Version:
        """Read a `version` from a schema body or a file name; raise VersionError."""
        if isinstance(value, bool):
            raise VersionError(value)
        if isinstance(value, int):
            if value < 0:
                raise VersionError(value)
            return cls(str(value), VersionStyle.INTEGER, (value, 0, 0, ((1, ""),)))
        if not isinstance(value, str):
            raise VersionError(value)
        if _INTEGER_VERSION.match(value):
            return cls.parse(int(value))
        try:
            parsed = semver.Version.parse(value)
        except (ValueError, TypeError):
            raise VersionError(value) from None
        if parsed.build:
            raise VersionError(value)
        return cls(value, VersionStyle.SEMVER, _semver_key(parsed))

    @property
    def major(self) -> int:
        return self.key[0]

    @property
    def minor(self) -> int:
        return self.key[1]

    @property
    def patch(self) -> int:
        return self.key[2]

    @property
    def body_value(self) -> int | str:
        """The value as it is written in a schema's `version` field."""
        return int(self.text) if self.style is VersionStyle.INTEGER else self.text

    def __str__(self) -> str:
        return self.text

    def __lt__(self, other: Version) -> bool:
        return self.key < other.key

    def __le__(self, other: Version) -> bool:
        return self.key <= other.key

    def __gt__(self, other: Version) -> bool:
        return self.key > other.key

    def __ge__(self, other: Version) -> bool:
        return self.key >= other.key


def _semver_key(parsed: semver.Version) -> tuple[int, int, int, tuple[tuple[int, int | str], ...]]:
    """Order like semver: a pre-release sorts before its release, identifiers part by part."""
    if not parsed.prerelease:
        return (parsed.major, parsed.minor, parsed.patch, ((1, ""),))
    parts = tuple(_pre(part) for part in str(parsed.prerelease).split("."))
    return (parsed.major, parsed.minor, parsed.patch, ((0, ""), *parts))


def _pre(part: str) -> tuple[int, int | str]:
    # numeric identifiers sort before alphanumeric ones (semver 11.4.3)
    return (0, int(part)) if part.isdigit() else (1, part)


@dataclass(frozen=True, order=True)
class SchemaRef:
    """Names one schema version: its `$id` and its version."""

    id: str
    version: Version

    def __str__(self) -> str:
        return f"{self.id} version {self.version}"


LineLookup = Callable[[str], "int | None"]


def _no_lines(pointer: str) -> int | None:
    return None


@dataclass(frozen=True)
class EventSchema:
    """One schema file, loaded: where it came from, what it says, and where each key stands.

    `rel_path` is the file's path below the schema root (POSIX form), which the tree layout
    ties to the `$id` and version. `line_of` maps a JSON pointer to a 1-based line number.
    """

    rel_path: PurePosixPath
    body: Mapping[str, JSON]
    id: str | None
    version: Version | None
    source: str = ""
    line_of: LineLookup = field(default=_no_lines, compare=False, repr=False)

    @property
    def ref(self) -> SchemaRef | None:
        if self.id is None or self.version is None:
            return None
        return SchemaRef(self.id, self.version)

    @property
    def title(self) -> str:
        title = self.body.get("title")
        return title if isinstance(title, str) else ""


class Severity(str, enum.Enum):
    """How much a finding matters; `error` findings make a command exit 1."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True)
class Finding:
    """One problem a command found, with enough context to fix it without reading code."""

    rule: str
    severity: Severity
    message: str
    hint: str
    path: str
    line: int | None = None
    pointer: str = ""
    column: int | None = None


class Mode(str, enum.Enum):
    """A compatibility mode between two versions of one event (Confluent's names)."""

    BACKWARD = "backward"
    FORWARD = "forward"
    FULL = "full"
    NONE = "none"
    BACKWARD_TRANSITIVE = "backward_transitive"
    FORWARD_TRANSITIVE = "forward_transitive"
    FULL_TRANSITIVE = "full_transitive"

    @property
    def pairwise(self) -> Mode:
        """The mode the engine checks for one pair (`*_transitive` drops to its base)."""
        return Mode(self.value.removesuffix("_transitive"))

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_transitive")


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a schema, and what it breaks.

    `type` is a stable name (Confluent's where one exists), the pointers locate the change in
    each schema, and `breaks` names the pairwise modes (backward, forward) it violates.
    """

    type: str
    old_path: str
    new_path: str
    description: str
    old_value: JSON = None
    new_value: JSON = None
    breaks: frozenset[Mode] = frozenset()

    @property
    def path(self) -> str:
        return self.new_path or self.old_path


def pointer_join(pointer: str, *parts: str | int) -> str:
    """Extend a JSON pointer (RFC 6901), escaping `~` and `/` in each part."""
    for part in parts:
        pointer += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return pointer


def json_type_name(value: JSON) -> str:
    """The JSON type of a Python value, as JSON Schema spells it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
