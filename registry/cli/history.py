"""`telemetry-registry history ID`: every version of an event, when and by whom it was added, its
bump and its verdict against the version before under the event's mode."""

from __future__ import annotations

import argparse
import sys
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from registry.cli.events import load_tree, versions_of
from registry.cli.options import add_format
from registry.core.config import Settings
from registry.errors import EXIT_OK, RegistryError
from registry.report.events import table
from registry.report.forms import dumps

if TYPE_CHECKING:
    from registry.sources.history import CommitInfo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "id", metavar="ID", help="the event's `$id`, or its path below the base URL"
    )
    add_format(parser, ("text", "json"))


def run(args: argparse.Namespace, settings: Settings) -> int:
    from registry import compat
    from registry.checks.governance.versions import bump_between
    from registry.core.refs import build_registry

    snapshot = load_tree(settings)
    versions = versions_of(snapshot, args.id, settings)
    commits = _commits(settings)
    event = settings.for_event(versions[0].id or "")
    references = build_registry(snapshot.schemas, base_url=settings.base_url)
    rows = []
    for before, schema in zip((None, *versions), versions, strict=False):
        verdict, bump = "first version", "first"
        if before is not None:
            changes = compat.diff(
                before.body,
                schema.body,
                policy=event.policy,
                old_registry=references,
                new_registry=references,
            )
            ok = compat.is_compatible(changes, event.compatibility.pairwise)
            verdict = "compatible" if ok else "breaking"
            verdict += " (declared)" if not ok and "x-breaking-change" in schema.body else ""
            bump = bump_between(before, schema)
        commit = commits.get(schema.rel_path)
        rows.append(
            {
                "version": str(schema.version),
                "commit": commit.short if commit else None,
                "date": commit.date[:10] if commit else None,
                "author": commit.author if commit else None,
                "bump": bump,
                "verdict": verdict,
            }
        )
    if args.format == "json":
        document = {"id": versions[0].id, "mode": event.compatibility.value, "versions": rows}
        sys.stdout.write(dumps(document))
        return EXIT_OK
    print(f"{versions[0].id} (mode {event.compatibility.value})")
    sys.stdout.write(
        table(
            ("version", "commit", "date", "author", "bump", "verdict"),
            [
                (
                    str(r["version"]),
                    str(r["commit"] or "not committed"),
                    str(r["date"] or "—"),
                    str(r["author"] or "—"),
                    str(r["bump"]),
                    str(r["verdict"]),
                )
                for r in rows
            ],
        )
    )
    return EXIT_OK


def _commits(settings: Settings) -> dict[PurePosixPath, CommitInfo]:
    """The commit that introduced each file, when the tree is in a git repository with commits."""
    import git

    from registry.sources.history import file_histories

    try:
        repo = git.Repo(settings.schema_root, search_parent_directories=True)
        files = file_histories(repo, settings)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError, RegistryError):
        return {}
    return {path: history.introduced for path, history in files.items()}
