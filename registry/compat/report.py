"""The result of one `compat` run (verdicts, changes, witness) and its text and JSON forms."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import referencing

from registry.compat.differ import compare
from registry.compat.verdict import broken_by, is_compatible, required_bump
from registry.compat.witness import search
from registry.core.model import JSON, Change, Mode


@dataclass(frozen=True)
class Witness:
    """An event the writer version accepts and the reader version rejects (checked)."""

    direction: Mode
    instance: JSON
    valid_under: str
    invalid_under: str


@dataclass(frozen=True)
class CompatReport:
    """Everything `compat` says about one pair: verdicts per mode, changes, a witness."""

    mode: Mode
    policy: str
    changes: tuple[Change, ...]
    verdicts: Mapping[str, bool]
    required_bump: str
    witness: Witness | None
    open_content_only: bool
    old_label: str = "old"
    new_label: str = "new"

    @property
    def compatible(self) -> bool:
        return is_compatible(self.changes, self.mode)


def check(
    old: Mapping[str, JSON],
    new: Mapping[str, JSON],
    *,
    mode: Mode = Mode.BACKWARD,
    policy: str = "strict",
    old_registry: referencing.Registry[Any] | None = None,
    new_registry: referencing.Registry[Any] | None = None,
    witness: bool = True,
) -> CompatReport:
    """Compare two versions under `mode` and `policy`; find a witness when incompatible."""
    comparison = compare(
        old, new, policy=policy, old_registry=old_registry, new_registry=new_registry
    )
    changes = tuple(comparison.changes)
    verdicts = {
        m.value: is_compatible(changes, m) for m in (Mode.BACKWARD, Mode.FORWARD, Mode.FULL)
    }
    found: Witness | None = None
    directions = broken_by(mode)
    if witness:
        for direction in (Mode.BACKWARD, Mode.FORWARD):
            if direction not in directions or verdicts[direction.value]:
                continue
            instance = search(comparison, direction)
            if instance is not None or _is_null_witness(comparison, direction, instance):
                writer, reader = (
                    (comparison.old.label, comparison.new.label)
                    if direction is Mode.BACKWARD
                    else (comparison.new.label, comparison.old.label)
                )
                found = Witness(direction, instance, writer, reader)
                break
    failures = [f for direction in directions for f in comparison.found(direction)]
    return CompatReport(
        mode=mode,
        policy=policy,
        changes=changes,
        verdicts=verdicts,
        required_bump=required_bump(changes),
        witness=found,
        open_content_only=policy == "strict"
        and bool(failures)
        and all(f.open_content for f in failures),
        old_label=comparison.old.label,
        new_label=comparison.new.label,
    )


def _is_null_witness(comparison: Any, direction: Mode, instance: JSON) -> bool:
    """`null` can itself be the counterexample; `search` returns it like any other value."""
    if instance is not None:
        return False
    writer, reader = (
        (comparison.old, comparison.new)
        if direction is Mode.BACKWARD
        else (comparison.new, comparison.old)
    )
    try:
        return bool(writer.validator.is_valid(None)) and not reader.validator.is_valid(None)
    except Exception:
        return False


def to_json(report: CompatReport) -> dict[str, JSON]:
    """The report as plain JSON data (the CLI's `--format json` document)."""
    witness = report.witness
    return {
        "compatible": report.compatible,
        "mode": report.mode.value,
        "policy": report.policy,
        "verdicts": dict(report.verdicts),
        "required_bump": report.required_bump,
        "open_content_only": report.open_content_only,
        "changes": [
            {
                "type": change.type,
                "path": change.path,
                "old_path": change.old_path,
                "new_path": change.new_path,
                "description": change.description,
                "breaks": sorted(mode.value for mode in change.breaks),
                "old_value": change.old_value,
                "new_value": change.new_value,
            }
            for change in report.changes
        ],
        "witness": None
        if witness is None
        else {
            "direction": witness.direction.value,
            "instance": witness.instance,
            "valid_under": witness.valid_under,
            "invalid_under": witness.invalid_under,
        },
    }


def render_json(report: CompatReport) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def render_text(report: CompatReport) -> str:
    """The readable form: verdict, every change with what it breaks, and the witness."""
    verdict = "compatible" if report.compatible else "INCOMPATIBLE"
    lines = [
        f"{report.old_label} -> {report.new_label}: {verdict} ({report.mode.value}, "
        f"{report.policy} policy)",
        "  "
        + ", ".join(f"{m}: {'yes' if ok else 'no'}" for m, ok in report.verdicts.items())
        + f"; required version bump: {report.required_bump}",
    ]
    if report.open_content_only and not report.compatible:
        lines.append(
            "  only the open content model makes this incompatible: declare "
            "`additionalProperties: false`, or use the lenient policy for this event"
        )
    if not report.changes:
        lines.append("no changes")
    else:
        lines.append(f"{len(report.changes)} change{'s' if len(report.changes) != 1 else ''}:")
    for change in report.changes:
        breaks = sorted(mode.value for mode in change.breaks)
        tag = f" [breaks {', '.join(breaks)}]" if breaks else ""
        lines.append(f"  {change.type} at {change.path or '/'}{tag}")
        lines.append(f"    {change.description}")
    if report.witness is not None:
        witness = report.witness
        lines.append(
            f"witness ({witness.direction.value}): valid under {witness.valid_under}, "
            f"rejected by {witness.invalid_under}:"
        )
        text = json.dumps(witness.instance, indent=2, ensure_ascii=False)
        lines.extend("  " + line for line in text.splitlines())
    elif not report.compatible:
        lines.append(
            "witness: none found (the verdict stands; the engine counts what it cannot "
            "prove as breaking)"
        )
    return "\n".join(lines) + "\n"
