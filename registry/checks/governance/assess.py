"""Assess one version against what it replaces, with the compatibility engine."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import cached_property
from typing import Any

import referencing

from registry import compat
from registry.checks.governance.model import (
    PAIRWISE_MODES,
    Assessment,
    PairVerdict,
    Status,
    breaking_changes,
    broken_against,
)
from registry.checks.governance.rules import BREAKING_KEY, finding, present
from registry.checks.governance.versions import (
    bump_between,
    line_since_break,
    next_version,
    satisfies,
)
from registry.core.config import Settings
from registry.core.model import EventSchema, Finding, SchemaRef, VersionStyle
from registry.core.refs import build_registry
from registry.sources.snapshot import Snapshot

UNRESOLVED = "REFERENCE_UNRESOLVED"
"""The engine's change for a `$ref` it cannot follow."""


class Assessor:
    """The rules that need the compatibility engine, with each snapshot's `$ref` registry."""

    def __init__(self, settings: Settings, base: Snapshot, head: Snapshot) -> None:
        self.settings = settings
        self.base = base
        self.head = head

    @cached_property
    def base_registry(self) -> referencing.Registry[Any]:
        """Needed only for published versions edited in place, so built on first use."""
        return build_registry(self.base.schemas, base_url=self.settings.base_url)

    @cached_property
    def head_registry(self) -> referencing.Registry[Any]:
        return build_registry(self.head.schemas, base_url=self.settings.base_url)

    def compare(
        self, old: EventSchema, new: EventSchema, policy: str, *, published: bool = False
    ) -> PairVerdict:
        """Diff two versions; `published` when `old` is read from the base, not the head.

        Both are valid schemas: a snapshot holds no other (lint reports the others).
        """
        changes = tuple(
            compat.diff(
                old.body,
                new.body,
                policy=policy,
                old_registry=self.base_registry if published else self.head_registry,
                new_registry=self.head_registry,
                budget=compat.Budget(steps=self.settings.compat_budget),
            )
        )
        verdicts = {mode: bool(compat.is_compatible(changes, mode)) for mode in PAIRWISE_MODES}
        assert old.ref is not None
        return PairVerdict(old.ref, changes, verdicts)

    def edited(
        self, ref: SchemaRef, old: EventSchema, new: EventSchema, head: Snapshot
    ) -> Assessment:
        event = self.settings.for_event(ref.id)
        comparison = self.compare(old, new, event.policy, published=True)
        kind = compat.required_bump(comparison.changes)
        path = head.display_path(new.rel_path)
        if kind in ("none", "patch"):
            return Assessment(
                ref, Status.ANNOTATED, path, new, old, event.compatibility, (comparison,)
            )
        changes = comparison.changes
        pointer = changes[0].path if changes else ""
        what = "; ".join(change.description for change in changes[:3])
        more = len(changes) - 3
        problem = finding(
            self.settings,
            "version-immutable",
            f"{ref} is published and may change only in annotations, but this edit changes "
            f"what it accepts: {what}" + (f" (and {more} more)" if more > 0 else ""),
            path,
            new.line_of(pointer) or new.line_of(""),
            pointer=pointer,
        )
        return Assessment(
            ref,
            Status.MODIFIED,
            path,
            new,
            old,
            event.compatibility,
            (comparison,),
            findings=present(problem),
        )

    def added(self, schema: EventSchema, base: Snapshot, head: Snapshot) -> Assessment:
        ref = schema.ref
        assert ref is not None
        event = self.settings.for_event(ref.id)
        path = head.display_path(schema.rel_path)
        earlier = [s for s in head.versions(ref.id) if s.version and s.version < ref.version]
        published = [s.version for s in base.versions(ref.id) if s.version]
        findings: list[Finding | None] = []
        if published and ref.version <= max(published):
            findings.append(
                finding(
                    self.settings,
                    "version-not-greater",
                    f"new version {ref.version} of {ref.id} is not greater than the published "
                    f"version {max(published)}; versions only grow",
                    path,
                    schema.line_of("/version"),
                    pointer="/version",
                )
            )
        predecessor = earlier[-1] if earlier else None
        invalid = [r.version for r in head.unusable if r.id == ref.id and r.version < ref.version]
        before = predecessor.version if predecessor else None
        if invalid and (before is None or before < max(invalid)):
            # the version it follows is not a schema: there is nothing sound to compare with
            findings.append(
                finding(
                    self.settings,
                    "bump-matches-change",
                    f"the bump of {ref.version} cannot be checked: version {max(invalid)} "
                    "is not a valid schema",
                    path,
                    schema.line_of("/version"),
                    pointer="/version",
                    hint=f"fix version {max(invalid)} (`telemetry-registry lint` shows how)",
                )
            )
            return Assessment(
                ref,
                Status.ADDED,
                path,
                schema,
                None,
                event.compatibility,
                findings=present(*findings),
            )
        findings.append(self._skip(schema, predecessor, path))
        if predecessor is None:
            return Assessment(
                ref,
                Status.ADDED,
                path,
                schema,
                None,
                event.compatibility,
                bump="first",
                findings=present(*findings),
                new_event=not published and not any(r.id == ref.id for r in base.unusable),
            )
        compared = [predecessor]
        if event.compatibility.transitive:
            compared += reversed(line_since_break(earlier, ref.version)[:-1])
        comparisons = [self.compare(other, schema, event.policy) for other in compared]
        assessment = Assessment(
            ref,
            Status.ADDED,
            path,
            schema,
            predecessor,
            event.compatibility,
            tuple(comparisons),  # the predecessor's comparison first
        )
        bump = bump_between(predecessor, schema)
        required = self._required(assessment)
        findings.extend(self._bump_findings(assessment, bump, required))
        return replace(assessment, bump=bump, required_bump=required, findings=present(*findings))

    def _skip(
        self, schema: EventSchema, predecessor: EventSchema | None, path: str
    ) -> Finding | None:
        version = schema.version
        assert version is not None
        if predecessor is None or predecessor.version is None:
            if version.major <= 1:
                return None
            expected = "1" if version.style is VersionStyle.INTEGER else "1.0.0 (or 0.1.0)"
            message = f"the first version of {schema.id} is {version}, not {expected}"
        else:
            before = predecessor.version
            if version.major <= before.major + 1 or version.style is not before.style:
                return None
            message = (
                f"version {version} of {schema.id} follows {before}, skipping "
                f"{'version' if version.style is VersionStyle.INTEGER else 'major version'} "
                f"{before.major + 1}"
            )
        return finding(
            self.settings,
            "version-skips-major",
            message,
            path,
            schema.line_of("/version"),
            pointer="/version",
        )

    def _required(self, assessment: Assessment) -> str:
        if not assessment.compatible:
            return "major"
        kind = str(compat.required_bump(assessment.changes))
        return "minor" if kind == "major" else kind

    def _bump_findings(
        self, assessment: Assessment, bump: str, required: str
    ) -> Iterator[Finding | None]:
        schema, before = assessment.schema, assessment.before
        assert schema is not None and before is not None
        assert schema.version is not None and before.version is not None
        unresolved = next(
            (c for p in assessment.comparisons for c in p.changes if c.type == UNRESOLVED), None
        )
        if unresolved is not None:
            # an unresolved `$ref` counts as a break, but the fix is the reference, not a bump
            yield finding(
                self.settings,
                "bump-matches-change",
                f"the bump of {schema.version} cannot be checked while a `$ref` of it does not "
                f"resolve ({unresolved.new_path or unresolved.path})",
                assessment.path,
                schema.line_of("/version"),
                pointer="/version",
                hint="fix the reference first; lint's `ref-resolves` finding says how",
            )
            return
        mode = assessment.mode
        broken = broken_against(assessment)
        count = len(breaking_changes(broken, mode)) if broken else 0
        against = broken.against.version if broken else before.version
        why = (
            f"it breaks {mode.value} compatibility with {against}"
            + (f" in {count} places" if count > 1 else "")
            + (" (see the changes)" if count else "")
        )
        breaking = required == "major"
        undeclared = breaking and not assessment.declared_break
        if schema.version.style is VersionStyle.SEMVER and not satisfies(
            bump, required, before.version
        ):
            target = next_version(before.version, required)
            yield finding(
                self.settings,
                "bump-matches-change",
                f"{schema.version} is a {bump} bump from {before.version}, but the change needs "
                f"a {required} bump ({target})" + (f": {why}" if breaking else ""),
                assessment.path,
                schema.line_of("/version"),
                pointer="/version",
                hint=f"number the version {target} or above"
                + (f" and declare `{BREAKING_KEY}: <why>` at its top" if undeclared else ""),
            )
        elif undeclared:
            yield finding(
                self.settings,
                "breaking-change-undeclared",
                f"version {schema.version} of {schema.id} is a breaking change ({why}) but does "
                f"not declare `{BREAKING_KEY}`",
                assessment.path,
                schema.line_of(""),
            )
        if assessment.declared_break:
            yield finding(
                self.settings,
                "breaking-change-declared",
                f"version {schema.version} of {schema.id} declares a breaking change: "
                f"{assessment.declared_break}",
                assessment.path,
                schema.line_of("/" + BREAKING_KEY),
                pointer="/" + BREAKING_KEY,
            )
