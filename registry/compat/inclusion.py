"""The core judgement: is every instance of one schema also an instance of another?

`Inclusion.check(subs, sup, domain)` answers for a conjunction of subschemas `subs` (the writer:
OLD for backward, NEW for forward) against one subschema `sup` (the reader), restricted to the
type atoms in `domain`. It answers True only when it can prove the inclusion; every False comes
with at least one recorded `Found` that names the change (in old-to-new terms), says what breaks
and remembers where in an instance it happens, for the witness search. When the engine cannot
decide (unrelated patterns, keywords it does not model), it records that as a change of its own.

Recursive schemas are handled co-inductively: a question met again while it is being answered is
assumed to hold if an instance level was descended in between (instances are finite), and is
undecided otherwise. Every question spends a step of the comparison's budget and nests at most
`MAX_NESTING` deep (see `budget`); what cannot be decided within them, or at all (`undecided`),
is recorded as a change that breaks the direction, never guessed and never raised.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from registry.compat import enums, families
from registry.compat.budget import (
    BUDGET_EXHAUSTED,
    DEFAULT_BUDGET,
    MAX_NESTING,
    Allowance,
    Budget,
)
from registry.compat.failures import Descent, Found, Frame
from registry.compat.nodes import Node
from registry.compat.resolution import deref, expand_all
from registry.compat.side import Side
from registry.compat.undecided import Undecided
from registry.compat.values import ALL_TYPES, value_atom, value_key
from registry.core.model import JSON, Change, Mode

MAX_DEPTH = 64
MAX_BRANCHES = 4096
"""Alternatives the writer side may be split into per comparison before the engine gives up."""

GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"properties", "patternProperties", "additionalProperties", "unevaluatedProperties"}),
    frozenset({"items", "prefixItems", "additionalItems", "unevaluatedItems"}),
    frozenset({"contains", "minContains", "maxContains"}),
    frozenset({"if", "then", "else"}),
    frozenset({"minimum", "exclusiveMinimum"}),
    frozenset({"maximum", "exclusiveMaximum"}),
)
_GROUP_OF = {keyword: group for group in GROUPS for keyword in group}


class Inclusion:
    """One direction of one comparison: writer subschemas against reader subschemas."""

    def __init__(
        self, old: Side, new: Side, direction: Mode, budget: Budget = DEFAULT_BUDGET
    ) -> None:
        self.old, self.new = old, new
        self.direction = direction
        self.backward = direction is Mode.BACKWARD
        self.found: list[Found] = []
        self.frames: list[Frame] = []
        self.open_content = 0
        self._quiet = 0
        self._active: dict[tuple[Any, ...], int] = {}
        self._memo: dict[tuple[Any, ...], bool] = {}
        self._keep: list[object] = []
        self._splits = 0
        self._nesting = 0
        self.allowance = Allowance(budget)
        self._out = False
        self._deep = False

    # -- labels and recording ---------------------------------------------------------

    @property
    def writer(self) -> str:
        return self.old.label if self.backward else self.new.label

    @property
    def reader(self) -> str:
        return self.new.label if self.backward else self.old.label

    def as_old_new(self, sub: Any, sup: Any) -> tuple[Any, Any]:
        """Put a (writer, reader) pair in (old, new) order."""
        return (sub, sup) if self.backward else (sup, sub)

    def consequence(self, example: str) -> str:
        if self.backward:
            return f"events recorded under {self.old.label} {example} would now be rejected"
        return (
            f"events recorded under {self.new.label} {example} would be rejected by readers "
            f"still on {self.old.label}"
        )

    def fail(
        self,
        change_type: str,
        headline: str,
        example: str,
        subs: tuple[Node, ...],
        sup: Node | None,
        *,
        keyword: str = "",
        sub_value: JSON = None,
        sup_value: JSON = None,
        candidates: Iterable[JSON] = (),
        sub_pointer: str | None = None,
        sup_pointer: str | None = None,
        always: bool = False,
    ) -> bool:
        """Record a change that breaks this direction (unless only probing, or out of budget:
        then every failure may be the budget's, not the schemas'; `always` records it even
        so); return False."""
        if (self._quiet or self._out) and not always:
            return False
        sub_path = sub_pointer
        if sub_path is None:
            sub_path = (subs[0].pointer if subs else "") + (f"/{keyword}" if keyword else "")
        sup_path = sup_pointer
        if sup_path is None:
            sup_path = (sup.pointer if sup is not None else "") + (f"/{keyword}" if keyword else "")
        old_path, new_path = self.as_old_new(sub_path, sup_path)
        old_value, new_value = self.as_old_new(sub_value, sup_value)
        open_content = self.open_content > 0
        description = f"{headline}: {self.consequence(example)}"
        if open_content:
            description += (
                f"; this is only because {self.writer}'s content model is open (it accepts "
                "properties it does not name): declare `additionalProperties: false`, or use "
                "the lenient policy for this event"
            )
        change = Change(
            type=change_type,
            old_path=old_path,
            new_path=new_path,
            description=description,
            old_value=old_value,
            new_value=new_value,
            breaks=frozenset({self.direction}),
        )
        self.found.append(
            Found(change, tuple(self.frames), subs, sup, list(candidates), open_content)
        )
        return False

    @property
    def probing(self) -> bool:
        """Whether failures are only probed for: `fail` records nothing then, so a caller
        whose description costs work to build may return False without building it."""
        return self._quiet > 0

    def probe(self, subs: tuple[Node, ...], sup: Node, domain: frozenset[str]) -> bool:
        """Check without recording anything: for trying alternatives."""
        self._quiet += 1
        try:
            return self.check(subs, sup, domain)
        finally:
            self._quiet -= 1

    def descend(self, key: str | int, parent: tuple[Node, ...]) -> Descent:
        return Descent(self.frames, Frame(key, parent))

    def keep(self, value: object) -> None:
        """Hold a made-up schema alive so that its id is never reused while caches hold it."""
        self._keep.append(value)

    # -- the judgement -------------------------------------------------------------------

    def check(self, subs: tuple[Node, ...], sup: Node, domain: frozenset[str] = ALL_TYPES) -> bool:
        """Whether every instance of all `subs` (with a type in `domain`) is valid under `sup`.

        What cannot be decided here is recorded as a change and answered False.
        """
        if not self.allowance.spend():
            return self._out_of_budget(subs, sup)
        if self._nesting >= MAX_NESTING:
            return self._too_deep(f"the questions nest deeper than {MAX_NESTING} levels", subs, sup)
        self._nesting += 1
        try:
            return self._check(subs, sup, domain)
        except Undecided as error:
            return self.undecided(error.change_type, error.message, subs, sup)
        finally:
            self._nesting -= 1

    def _check(self, subs: tuple[Node, ...], sup: Node, domain: frozenset[str]) -> bool:
        expanded = self.expand(subs)
        if expanded is None:
            return True
        types = domain
        for node in expanded:
            types &= node.types
        if not types:
            return True
        ok = True
        for part in deref(sup):
            ok = self._against(expanded, part, types) and ok
        return ok

    def _out_of_budget(self, subs: tuple[Node, ...], sup: Node) -> bool:
        """Record, once, that the budget ran out here (even while probing: the direction is
        undecided from here on); every question after it is undecided too.

        The open-content count is not restored: callers unwinding subtract what they added,
        and nothing after this is recorded, so its value no longer matters.
        """
        if not self._out:
            self._out = True
            self.open_content = 0  # past here nothing is decided: no policy may forgive it
            self.fail(
                BUDGET_EXHAUSTED,
                f"{self.allowance.reason} at {sup.pointer or '/'}; the engine cannot prove that "
                f"{self.reader} accepts everything {self.writer} does, so it counts as breaking",
                "(possibly some)",
                subs,
                sup,
                always=True,
            )
        return False

    def _too_deep(self, what: str, subs: tuple[Node, ...], sup: Node) -> bool:
        """Record that the engine stops here; the first time even while probing, since the
        probe's failure may then be the depth's, not the schemas'."""
        first = not self._deep
        self._deep = True
        return self.fail(
            "NESTING_TOO_DEEP",
            f"{what} at {sup.pointer or '/'}; the engine stops there",
            "(any)",
            subs,
            sup,
            always=first,
        )

    def expand(self, subs: Iterable[Node]) -> tuple[Node, ...] | None:
        """Follow `$ref`s and flatten `allOf` on the writer side; None when one is `false`."""
        return expand_all(subs)

    def _against(self, subs: tuple[Node, ...], sup: Node, types: frozenset[str]) -> bool:
        if sup.is_false:
            if self.probing:
                return False
            change = "FALSE_SCHEMA_ADDED" if self.backward else "FALSE_SCHEMA_REMOVED"
            return self.fail(
                change,
                f"the schema at {sup.pointer or '/'} became `false` in {self.new.label}"
                if self.backward
                else f"the schema at {sup.pointer or '/'} was `false` in {self.old.label}",
                "holding any value here",
                subs,
                sup,
            )
        if sup.is_true:
            return True
        if (
            len(subs) == 1
            and subs[0].side.dialect is sup.side.dialect
            and sup.side.interner.same(subs[0].schema, sup.schema)
        ):
            return True
        key = (tuple(id(n.schema) for n in subs), id(sup.schema), types, self.open_content > 0)
        memo = self._memo.get(key)
        if memo is not None and (memo or self._quiet):
            return memo
        depth = self._active.get(key)
        if depth is not None:
            if len(self.frames) > depth:
                return True
            return self.fail(
                "REFERENCE_CYCLE_UNDECIDED",
                f"the references at {sup.pointer or '/'} loop without nesting",
                "(any)",
                subs,
                sup,
            )
        if len(self.frames) > MAX_DEPTH:
            return self._too_deep(f"the schemas nest deeper than {MAX_DEPTH} levels", subs, sup)
        self._active[key] = len(self.frames)
        try:
            result = self._decide(subs, sup, types)
        finally:
            del self._active[key]
        if result or not self._quiet:
            self._memo[key] = result
        return result

    def _decide(self, subs: tuple[Node, ...], sup: Node, types: frozenset[str]) -> bool:
        reduced = self.reduce(subs, sup)
        if reduced is None or reduced.is_true:
            return True
        sup = reduced
        outcome = self._by_values(subs, sup, types)
        if outcome is not None:
            return outcome
        split = next((n for n in subs if n.has("anyOf") or n.has("oneOf")), None)
        if split is not None:
            return self._split(subs, split, sup, types)
        return families.check_all(self, subs, sup, types)

    def reduce(self, subs: tuple[Node, ...], sup: Node) -> Node | None:
        """`sup` without the keywords some writer conjunct states identically (so holds);
        None when that is every keyword `sup` validates with."""
        if not isinstance(sup.schema, dict):
            return sup
        reader = sup.schema
        writers = [n.schema for n in subs if n.side.dialect is sup.side.dialect]
        same = sup.side.interner.same
        drop: set[str] = set()
        for keyword in sup.assertions:
            if keyword in drop:
                continue
            group = _GROUP_OF.get(keyword) or (keyword,)
            for writer in writers:
                if _states_same(writer, reader, group, same):
                    drop.update(group)
                    break
        if not drop:
            return sup
        if drop >= sup.assertions:
            return None
        rest = {k: v for k, v in reader.items() if k not in drop}
        self.keep(rest)
        return sup.cut(rest)

    def _by_values(self, subs: tuple[Node, ...], sup: Node, types: frozenset[str]) -> bool | None:
        """When the writer is an enumeration, decide exactly by validating each value."""
        enumerated = [n for n in subs if n.values is not None]
        if not enumerated:
            return None
        smallest = min(enumerated, key=lambda n: len(n.values or ()))
        values: list[JSON] = []
        seen: set[object] = set()
        for value in smallest.values or ():
            key = value_key(value)
            if key in seen or _atom(value, smallest) not in types:
                continue
            seen.add(key)
            if all(n is smallest or n.accepts(value) for n in subs):
                values.append(value)
        rejected = [v for v in values if not sup.accepts(v)]
        if not rejected:
            return True
        if sup.values is not None:
            return enums.enum_change(self, subs, sup, rejected)
        before = len(self.found)
        families.check_all(self, subs, sup, types)
        if len(self.found) == before:
            self.fail(
                "ENUM_VALUE_REJECTED",
                f"{_show(rejected[0])}, allowed at {smallest.pointer or '/'} in {self.writer}, "
                f"is rejected by {self.reader}",
                f"holding {_show(rejected[0])} there",
                subs,
                sup,
                candidates=rejected,
            )
        return False

    def _split(self, subs: tuple[Node, ...], split: Node, sup: Node, types: frozenset[str]) -> bool:
        keyword = "anyOf" if split.has("anyOf") else "oneOf"
        branches = split.get(keyword)
        if not isinstance(branches, list) or not branches:
            return True
        assert isinstance(split.schema, dict)
        remainder = split.cut(split.side.without(split.schema, keyword))
        others = tuple(n for n in subs if n is not split)
        self._splits += len(branches)
        if self._splits > MAX_BRANCHES:
            return self.undecided(
                "TOO_MANY_ALTERNATIVES",
                f"the alternatives at {split.pointer or '/'} combine into too many cases",
                subs,
                sup,
            )
        ok = True
        for index, branch in enumerate(branches):
            extra = self.expand((remainder, split.child(branch, keyword, index)))
            if extra is None:
                continue
            ok = self.check((*others, *extra), sup, types) and ok
            if not ok and self._quiet:
                return False
        return ok

    def undecided(
        self, change_type: str, what: str, subs: tuple[Node, ...], sup: Node, keyword: str = ""
    ) -> bool:
        """Record that the engine cannot decide; it counts as breaking, never as compatible."""
        return self.fail(
            change_type,
            f"{what}; the engine cannot prove that {self.reader} accepts everything "
            f"{self.writer} does, so it counts as breaking",
            "(possibly some)",
            subs,
            sup,
            keyword=keyword,
        )


def _states_same(
    writer: JSON, reader: dict[str, JSON], group: Iterable[str], same: Callable[[JSON, JSON], bool]
) -> bool:
    """Whether the writer states each keyword of `group` exactly as the reader does, or not
    at all where the reader does not."""
    assert isinstance(writer, dict)
    for keyword in group:
        if keyword in reader:
            if keyword not in writer or not same(writer[keyword], reader[keyword]):
                return False
        elif keyword in writer:
            return False
    return True


def _atom(value: JSON, node: Node) -> str:
    return value_atom(value, node.side.dialect)


def _show(value: JSON) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
