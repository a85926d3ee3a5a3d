"""Two schema files compared as the configuration says their event must be.

The mode and policy come from the caller when given, else from the configured settings for
the event's `$id`. The `$ref`s of each file resolve against the schema tree, in which the file
takes the place of the version it declares, so an edited version is compared as written. Either
file may hold any JSON Schema: without `$id` or `version`, or a bare boolean (read as 2020-12).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from registry.compat import Budget, CompatReport, InvalidSchema, check
from registry.core.config import Settings
from registry.core.model import JSON, EventSchema, Mode
from registry.core.refs import build_registry
from registry.sources.named import UnreadableSchema, read_document
from registry.sources.tree import load_folder


def mode_and_policy(
    settings: Settings, schema_id: str, *, mode: Mode | None = None, policy: str | None = None
) -> tuple[Mode, str]:
    """The pairwise mode and the policy to compare two versions of `schema_id` under."""
    event = settings.for_event(schema_id)
    return (mode or event.compatibility.pairwise, policy or event.policy)


def compare_files(
    old_path: Path,
    new_path: Path,
    settings: Settings,
    *,
    mode: Mode | None = None,
    policy: str | None = None,
    steps: int | None = None,
    shown: Callable[[Path], str] = str,
    warn: Callable[[str], None] = lambda message: None,
) -> CompatReport:
    """The compatibility report of `new_path` against `old_path`, labelled with their paths.

    Each direction may take `steps` (default: the configured `compat-budget`). Raises
    PathNotFound for a missing file and UnreadableSchema for a file that cannot be read or is
    not a valid JSON Schema. Two files holding different `$id`s are compared all the same,
    and `warn` is told: they are two events, not two versions of one.
    """
    old, new = (
        read_document(path, max_bytes=settings.max_file_bytes, shown=shown)
        for path in (old_path, new_path)
    )
    old_id, new_id = _id_of(old), _id_of(new)
    if old_id and new_id and old_id != new_id:
        warn(
            f"{shown(old_path)} holds `$id` {old_id} and {shown(new_path)} holds {new_id}: "
            "two events, not two versions of one"
        )
    chosen_mode, chosen_policy = mode_and_policy(
        settings, _id_of(new) or _id_of(old) or "", mode=mode, policy=policy
    )
    tree: Sequence[EventSchema] = ()
    if settings.schema_root.is_dir():
        tree = load_folder(settings.schema_root, max_bytes=settings.max_file_bytes).schemas

    def registry_with(schema: EventSchema | bool) -> Any:
        if isinstance(schema, bool):
            return build_registry(tree, base_url=settings.base_url)
        others = [s for s in tree if s.ref is None or s.ref != schema.ref]
        return build_registry([*others, schema], base_url=settings.base_url)

    try:
        report = check(
            _body(old),
            _body(new),
            mode=chosen_mode,
            policy=chosen_policy,
            old_registry=registry_with(old),
            new_registry=registry_with(new),
            budget=Budget(steps=settings.compat_budget if steps is None else steps),
        )
    except InvalidSchema as error:
        path = old_path if error.side == "the old schema" else new_path
        raise UnreadableSchema(shown(path), "metaschema", str(error)) from None
    return replace(
        report,
        old_label=f"{shown(old_path)} ({report.old_label})",
        new_label=f"{shown(new_path)} ({report.new_label})",
    )


def _id_of(document: EventSchema | bool) -> str | None:
    return None if isinstance(document, bool) else document.id


def _body(document: EventSchema | bool) -> Mapping[str, JSON] | bool:
    return document if isinstance(document, bool) else document.body
