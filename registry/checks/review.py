"""The review of a change to the schema tree: governance, lint of what changed, and evidence.

`check_change` is what `check` runs: governance findings and lint findings of the changed files.
`build_review` adds what a reviewer reads in a pull request: a counterexample event for every
break and the unified diff of each version. `registry.report.review` renders it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any

from referencing import Registry

from registry.checks.governance import Assessment, Governance, Status, breaking_changes, govern
from registry.checks.lint import has_errors, lint
from registry.compat import Budget, Witness, check
from registry.core.config import Settings
from registry.core.model import Finding, Mode, SchemaRef, Severity
from registry.core.refs import build_registry
from registry.sources.snapshot import Snapshot

WITNESS_DIRECTIONS = (Mode.BACKWARD, Mode.FORWARD)


@dataclass(frozen=True)
class Review:
    """Everything a change does to the registry, ready to be rendered."""

    base_label: str
    head_label: str
    governance: Governance
    lint_findings: tuple[Finding, ...]
    changed: frozenset[PurePosixPath]
    """Files below the schema root that were added or edited (deleted ones are assessments)."""
    head: Snapshot
    base_url: str = ""
    witnesses: Mapping[SchemaRef, tuple[Witness, ...]] = field(default_factory=dict)
    diffs: Mapping[SchemaRef, str] = field(default_factory=dict)

    @property
    def findings(self) -> tuple[Finding, ...]:
        every = [*self.governance.findings, *self.lint_findings]
        return tuple(sorted(every, key=lambda f: (f.path, f.line or 0, f.rule)))

    @property
    def passed(self) -> bool:
        return not has_errors(self.findings)

    @property
    def assessments(self) -> tuple[Assessment, ...]:
        return self.governance.assessments

    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def lint_for(self, assessment: Assessment) -> tuple[Finding, ...]:
        return tuple(f for f in self.lint_findings if f.path == assessment.path)

    def other_lint(self) -> tuple[Finding, ...]:
        """Lint findings of changed files that are not a version (unreadable ones, say)."""
        paths = {a.path for a in self.assessments}
        return tuple(f for f in self.lint_findings if f.path not in paths)


def changed_files(base: Snapshot, head: Snapshot) -> frozenset[PurePosixPath]:
    """Head files that are new or whose text differs from the base's file at the same path."""
    before = {schema.rel_path: schema.source for schema in base.schemas}
    broken_before = {failure.rel_path for failure in base.failures}
    changed = {
        schema.rel_path for schema in head.schemas if before.get(schema.rel_path) != schema.source
    }
    changed.update(f.rel_path for f in head.failures if f.rel_path not in broken_before)
    return frozenset(changed)


def check_change(
    base: Snapshot,
    head: Snapshot,
    settings: Settings,
    *,
    base_label: str = "the base",
    head_label: str = "the working tree",
    lint_changed: bool = True,
) -> Review:
    """Governance of the head against the base, and (unless `lint_changed` is False, when a
    lint of its own reports them) lint of every changed file."""
    changed = changed_files(base, head)
    governance = govern(base, head, settings, base_label=base_label)
    lint_findings = tuple(lint(head, settings, only=changed)) if changed and lint_changed else ()
    return Review(
        base_label, head_label, governance, lint_findings, changed, head, settings.base_url
    )


def build_review(
    base: Snapshot,
    head: Snapshot,
    settings: Settings,
    *,
    base_label: str = "the base",
    head_label: str = "the working tree",
) -> Review:
    """`check_change` plus a counterexample for every break and the diff of every version."""
    review = check_change(base, head, settings, base_label=base_label, head_label=head_label)
    registries = (
        build_registry(base.schemas, base_url=settings.base_url),
        build_registry(head.schemas, base_url=settings.base_url),
    )
    witnesses: dict[SchemaRef, tuple[Witness, ...]] = {}
    diffs: dict[SchemaRef, str] = {}
    for assessment in review.assessments:
        policy = settings.for_event(assessment.ref.id).policy
        budget = Budget(steps=settings.compat_budget)
        found = tuple(_witnesses(assessment, head, registries, policy, budget))
        if found:
            witnesses[assessment.ref] = found
        text = _unified_diff(assessment, base, head)
        if text:
            diffs[assessment.ref] = text
    return replace(review, witnesses=witnesses, diffs=diffs)


def _witnesses(
    assessment: Assessment,
    head: Snapshot,
    registries: tuple[Registry[Any], Registry[Any]],
    policy: str,
    budget: Budget,
) -> list[Witness]:
    """One event per distinct break of the version, in the directions its mode checks.

    A transitive mode compares with every earlier version, and the same event often breaks
    several of them: it is shown once, naming every version that accepts it.
    """
    new = assessment.schema
    if new is None:
        return []
    found: dict[tuple[Mode, str], tuple[Witness, list[str]]] = {}
    for pair in assessment.comparisons:
        in_place = pair.against == assessment.ref
        old = assessment.before if in_place else head.get(pair.against)
        if old is None:
            continue
        for direction in _directions(assessment, in_place):
            if not breaking_changes(pair, direction):
                continue
            witness = check(
                old.body,
                new.body,
                mode=direction,
                policy=policy,
                old_registry=registries[0] if in_place else registries[1],
                new_registry=registries[1],
                budget=budget,
            ).witness
            if witness is None:
                continue
            if in_place:
                witness = _name_copies(witness, pair.against)
            key = (direction, json.dumps(witness.instance, sort_keys=True))
            if key in found:
                found[key][1].append(str(pair.against.version))
            else:
                found[key] = (witness, [str(pair.against.version)])
    return [_naming_all(witness, versions) for witness, versions in found.values()]


def _directions(assessment: Assessment, in_place: bool) -> tuple[Mode, ...]:
    """The directions the event's mode checks; an edit in place breaks its contract either way."""
    mode = assessment.mode.pairwise
    if in_place or mode is Mode.FULL:
        return WITNESS_DIRECTIONS
    return (mode,) if mode in WITNESS_DIRECTIONS else ()


def _naming_all(witness: Witness, versions: list[str]) -> Witness:
    """The same event breaks several earlier versions: name them all where one was named."""
    if len(versions) == 1:
        return witness
    listed = "versions " + ", ".join(versions[:-1]) + f" and {versions[-1]}"
    if witness.direction is Mode.BACKWARD:
        return replace(witness, valid_under=listed)
    return replace(witness, invalid_under=listed)


def _name_copies(witness: Witness, ref: SchemaRef) -> Witness:
    """An edit in place has one version on both sides: name the published and the edited copy."""
    published, edited = (f"version {ref.version} as {copy}" for copy in ("published", "edited"))
    if witness.direction is Mode.BACKWARD:
        return replace(witness, valid_under=published, invalid_under=edited)
    return replace(witness, valid_under=edited, invalid_under=published)


def _unified_diff(assessment: Assessment, base: Snapshot, head: Snapshot) -> str:
    new, old = assessment.schema, assessment.before
    if new is None:
        return ""
    if old is None:
        before_lines: list[str] = []
        before_name = "/dev/null"
    else:
        before_lines = old.source.splitlines(keepends=True)
        snapshot = base if assessment.status in (Status.ANNOTATED, Status.MODIFIED) else head
        before_name = snapshot.display_path(old.rel_path)
    after_lines = new.source.splitlines(keepends=True)
    lines = difflib.unified_diff(before_lines, after_lines, before_name, assessment.path)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
