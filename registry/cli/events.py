"""What the event commands (`list`, `show`, `history`, `new`) share: the tree, and an event by
its `$id` or by its path below the base URL."""

from __future__ import annotations

from registry.cli.paths import display
from registry.core.config import Settings
from registry.core.model import EventSchema
from registry.errors import RegistryError, UsageError
from registry.sources.snapshot import Snapshot


def load_tree(settings: Settings) -> Snapshot:
    from registry.sources.tree import load_folder

    root = settings.schema_root
    if not root.is_dir():
        raise UsageError(
            f"{display(root)}: no schema folder here",
            "run the command in the registry's repository, or set `schema-root`",
        )
    return load_folder(root, max_bytes=settings.max_file_bytes, display=display(root))


def full_id(text: str, settings: Settings) -> str:
    """`jupyterlab/theme_change` and the whole `$id` name the same event."""
    if "://" in text:
        return text
    return settings.base_url + text.strip("/")


class EventNotFound(RegistryError):
    """No valid version of that `$id` in the tree."""

    def __init__(self, schema_id: str, known: list[str]) -> None:
        from registry.checks.lint.keywords import closest

        self.schema_id = schema_id
        guess = closest(schema_id, known)
        super().__init__(
            f"no event {schema_id} in the schema tree",
            f"did you mean {guess}?" if guess else "`telemetry-registry list` lists the events",
        )


def versions_of(snapshot: Snapshot, text: str, settings: Settings) -> tuple[EventSchema, ...]:
    schema_id = full_id(text, settings)
    versions = snapshot.versions(schema_id)
    if not versions:
        raise EventNotFound(schema_id, list(snapshot.by_id))
    return versions
