"""Governance: what a change to the schema tree may do to published versions, as Findings.

A base snapshot (the tree at a git revision) and a head snapshot (the working tree, or another
revision) are compared version by version. Published versions are immutable except for
annotations; versions only grow; a new version's bump matches what the compatibility engine says
the change does under the event's configured mode. Each assessment keeps the changes it was
based on, so the review report can show the reasons behind every verdict.

Integer versions have no minor or patch part: every new version is the previous one plus one,
and a change that is incompatible under the event's mode must be declared in the new version
with a top-level `x-breaking-change: <reason>`, which the review then shows prominently.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import replace

from registry.checks.governance.assess import Assessor
from registry.checks.governance.model import (
    PAIRWISE_MODES,
    Assessment,
    Governance,
    PairVerdict,
    Status,
    breaking_changes,
)
from registry.checks.governance.rules import BREAKING_KEY, RULES, RULES_BY_ID, finding, present
from registry.core import ids
from registry.core.config import Settings
from registry.core.model import JSON, EventSchema, SchemaRef
from registry.sources.snapshot import Snapshot

__all__ = [
    "BREAKING_KEY",
    "PAIRWISE_MODES",
    "RULES",
    "Assessment",
    "Governance",
    "PairVerdict",
    "Status",
    "breaking_changes",
    "govern",
]


def govern(
    base: Snapshot, head: Snapshot, settings: Settings, *, base_label: str = "the base"
) -> Governance:
    """Compare the head with the base (named `base_label` in messages) and apply the rules."""
    engine = Assessor(settings, base, head)
    assessments: list[Assessment] = []
    base_namespaces = {ids.namespace(ref.id, settings.base_url) for ref in base.by_ref}
    added = [ref for ref in head.by_ref if ref not in base.by_ref]
    for ref, old in base.by_ref.items():
        new = head.by_ref.get(ref)
        if new is None:
            assessments.append(_deleted(ref, old, base_label, head, settings, added))
        elif new.body != old.body:
            assessments.append(engine.edited(ref, old, new, head))
    for ref in added:
        schema = head.by_ref[ref]
        assessment = engine.added(schema, base, head)
        if assessment.new_event and _opens_namespace(ref, settings, base_namespaces):
            assessment = replace(assessment, new_namespace=True)
        assessments.append(assessment)
    assessments.sort(key=lambda a: (a.ref.id, a.ref.version.key))
    findings = [finding for a in assessments for finding in a.findings]
    return Governance(tuple(assessments), tuple(findings))


def _opens_namespace(ref: SchemaRef, settings: Settings, known: set[str | None]) -> bool:
    """The event is the first in its folder (an event directly below the base URL opens none)."""
    namespace = ids.namespace(ref.id, settings.base_url)
    return bool(namespace) and namespace not in known


RENAME_SIMILARITY = 0.5
"""How much of a deleted file's text a new version must keep to read as a rename (as git's
rename detection counts it)."""


def _similarity(old: EventSchema, new: EventSchema) -> float:
    return difflib.SequenceMatcher(None, old.source, new.source).ratio()


def _without_identity(body: Mapping[str, JSON]) -> dict[str, JSON]:
    return {key: value for key, value in body.items() if key not in ("$id", "version")}


def _deleted(
    ref: SchemaRef,
    old: EventSchema,
    base_label: str,
    head: Snapshot,
    settings: Settings,
    added: Sequence[SchemaRef],
) -> Assessment:
    renamed_to = next(
        (
            other
            for other in added
            if other.id != ref.id
            and _without_identity(head.by_ref[other].body) == _without_identity(old.body)
        ),
        None,
    )
    newer = [other for other in added if other.id == ref.id]
    unreadable = {failure.rel_path: failure for failure in head.failures}
    if old.rel_path in unreadable and unreadable[old.rel_path].ref is not None:
        why = "its file is no longer a valid schema (see the file's lint findings)"
        hint = "fix the file so that it is the published version again"
    elif old.rel_path in unreadable:
        why = "its file no longer loads (see the file's lint finding)"
        hint = "fix the file so that it loads as the published version again"
    elif renamed_to is not None:
        why = f"its `$id` seems to have been renamed to {renamed_to.id}"
        hint = (
            f"keep {ref} published (mark it `deprecated: true` with `x-replaced-by: "
            f"{renamed_to.id}`) and add the new event beside it"
        )
    elif newer:
        moved = max(newer, key=lambda other: _similarity(old, head.by_ref[other]))
        if _similarity(old, head.by_ref[moved]) >= RENAME_SIMILARITY:
            why = f"the new version {moved.version} holds most of its text"
            hint = (
                f"restore the published file from {base_label}: a new version is a copy beside "
                "the published ones, never a rename of one"
            )
        else:
            why = "the file is gone"
            hint = (
                f"restore the file from {base_label}: published versions stay beside new ones "
                f"such as {moved.version}"
            )
    else:
        why = "the file is gone"
        hint = RULES_BY_ID["version-deleted"].hint
    path = head.display_path(old.rel_path)
    problem = finding(
        settings,
        "version-deleted",
        f"{ref} is published at {base_label} but deleted here: {why}; events "
        "recorded against it could no longer be validated",
        path,
        old.line_of("/version"),
        hint=hint,
        pointer="",
    )
    return Assessment(
        ref,
        Status.DELETED,
        path,
        None,
        old,
        settings.for_event(ref.id).compatibility,
        findings=present(problem),
        renamed_to=renamed_to.id if renamed_to else "",
    )
