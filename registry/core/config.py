"""The registry's settings, read from `[tool.telemetry-registry]` in pyproject.toml.

An absent table (or an absent pyproject.toml) gives the defaults, so a bare folder of schemas
works. Every key is optional; unknown keys are an error so that a typo never goes unnoticed.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from registry.core.model import Mode, Severity
from registry.errors import EXIT_USAGE, RegistryError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_BASE_URL = "https://events.example.org/schemas/"
DEFAULT_CATEGORIES = (
    "unrestricted",
    "user-identifier",
    "user-identifiable-information",
    "action",
)
POLICIES = ("strict", "lenient")
DEFAULT_COMPAT_BUDGET = 100_000
"""Steps each direction of a compatibility comparison may take (`compat-budget`)."""
TABLE = "telemetry-registry"


class ConfigError(RegistryError, ValueError):
    """The configuration cannot be used; the message names the file, the key and the fix."""

    exit_code = EXIT_USAGE

    def __init__(self, source: str, message: str, hint: str = "") -> None:
        self.source = source
        super().__init__(f"{source}: {message}", hint)


@dataclass(frozen=True)
class EventSettings:
    """What governance applies to one event: its compatibility mode and policy."""

    compatibility: Mode
    policy: str


@dataclass(frozen=True)
class Settings:
    """Everything the commands need to know about one registry."""

    base_url: str = DEFAULT_BASE_URL
    schema_root: Path = Path("schemas")
    compatibility: Mode = Mode.BACKWARD
    policy: str = "strict"
    overrides: Mapping[str, EventSettings] = field(default_factory=dict)
    rules: Mapping[str, Severity] = field(default_factory=dict)
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    main_branch: str = "main"
    max_file_bytes: int = 1_000_000
    allowed_keywords: frozenset[str] = frozenset()
    """Keys the `unknown-keyword` rule accepts beyond the drafts' and the registry's own."""
    compat_budget: int = DEFAULT_COMPAT_BUDGET
    source: str = "(defaults)"

    def for_event(self, schema_id: str) -> EventSettings:
        """The settings for one `$id`: the longest matching override prefix wins."""
        best = ""
        for prefix in self.overrides:
            if schema_id.startswith(prefix) and len(prefix) > len(best):
                best = prefix
        if best:
            return self.overrides[best]
        return EventSettings(self.compatibility, self.policy)

    def severity(self, rule: str, default: Severity) -> Severity:
        return self.rules.get(rule, default)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(path: Path | None = None, *, start: Path | None = None) -> Settings:
    """Read the settings from `path`, or from the nearest pyproject.toml above `start`."""
    if path is None:
        path = find_pyproject(start or Path.cwd())
        if path is None:
            return Settings()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(str(path), f"cannot be read ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(str(path), f"is not valid TOML ({error})") from None
    is_pyproject = path.name == "pyproject.toml"
    table = document.get("tool", {}).get(TABLE, {}) if is_pyproject else document
    return settings_from_table(table, folder=path.parent, source=str(path))


_KEYS = {
    "base-url",
    "schema-root",
    "compatibility",
    "policy",
    "overrides",
    "rules",
    "categories",
    "main-branch",
    "max-file-bytes",
    "allowed-keywords",
    "compat-budget",
}


def settings_from_table(table: Mapping[str, Any], *, folder: Path, source: str) -> Settings:
    """Validate a configuration table and turn it into Settings."""
    where = f"[tool.{TABLE}]" if source.endswith("pyproject.toml") else "the configuration"
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(
            source, f"unknown key {unknown[0]!r} in {where}; known keys: {', '.join(sorted(_KEYS))}"
        )
    base_url = parse_base_url(table.get("base-url", DEFAULT_BASE_URL), source)
    compatibility = _mode(table.get("compatibility", "backward"), source, "compatibility")
    policy = _policy(table.get("policy", "strict"), source, "policy")
    overrides: dict[str, EventSettings] = {}
    raw_overrides = table.get("overrides", {})
    if not isinstance(raw_overrides, Mapping):
        raise ConfigError(source, "'overrides' must be a table of `$id` prefixes")
    for prefix, options in raw_overrides.items():
        if not isinstance(options, Mapping) or set(options) - {"compatibility", "policy"}:
            raise ConfigError(
                source, f"override {prefix!r} may set only 'compatibility' and 'policy'"
            )
        overrides[prefix] = EventSettings(
            _mode(options.get("compatibility", compatibility.value), source, prefix),
            _policy(options.get("policy", policy), source, prefix),
        )
    rules: dict[str, Severity] = {}
    raw_rules = table.get("rules", {})
    if not isinstance(raw_rules, Mapping):
        raise ConfigError(source, "'rules' must be a table of rule id = severity")
    for rule, level in raw_rules.items():
        try:
            rules[rule] = Severity(level)
        except ValueError:
            raise ConfigError(
                source, f"rule {rule!r}: severity must be error, warning or off, not {level!r}"
            ) from None
    categories = table.get("categories", list(DEFAULT_CATEGORIES))
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise ConfigError(source, "'categories' must be a list of strings")
    max_bytes = table.get("max-file-bytes", 1_000_000)
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ConfigError(source, "'max-file-bytes' must be a positive integer")
    allowed = table.get("allowed-keywords", [])
    if not isinstance(allowed, list) or not all(isinstance(k, str) for k in allowed):
        raise ConfigError(source, "'allowed-keywords' must be a list of strings")
    compat_budget = table.get("compat-budget", DEFAULT_COMPAT_BUDGET)
    if not isinstance(compat_budget, int) or isinstance(compat_budget, bool) or compat_budget <= 0:
        raise ConfigError(source, "'compat-budget' must be a positive integer (steps)")
    main_branch = table.get("main-branch", "main")
    if not isinstance(main_branch, str) or not main_branch:
        raise ConfigError(source, "'main-branch' must be a branch name")
    return Settings(
        base_url=base_url,
        schema_root=folder / str(table.get("schema-root", "schemas")),
        compatibility=compatibility,
        policy=policy,
        overrides=overrides,
        rules=rules,
        categories=tuple(categories),
        main_branch=main_branch,
        max_file_bytes=max_bytes,
        allowed_keywords=frozenset(allowed),
        compat_budget=compat_budget,
        source=source,
    )


def parse_base_url(value: object, source: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(source, "'base-url' must be a string")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            source,
            f"'base-url' must be an absolute http(s) URL without query or fragment, not {value!r}",
        )
    return value if value.endswith("/") else value + "/"


def _mode(value: object, source: str, key: str) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        names = ", ".join(mode.value for mode in Mode)
        raise ConfigError(
            source, f"{key}: compatibility must be one of {names}, not {value!r}"
        ) from None


def _policy(value: object, source: str, key: str) -> str:
    if value not in POLICIES:
        raise ConfigError(source, f"{key}: policy must be strict or lenient, not {value!r}")
    return str(value)
