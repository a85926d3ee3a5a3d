"""What recording does at each place of an event, compiled once per schema version and policy.

A `Redactor` knows what a schema says about each place (its `Shape`); a policy says which
categories may be recorded. A `Plan` joins the two ahead of time: at each place it keeps the
value, writes null, or walks into it, and a walking plan lists only the named properties
whose plans change something. An event of a schema whose restricted places are few pays for
those places only, not for a walk of the whole event.

The first time a value at a place is written as null, a DEBUG record on `registry.eventlog`
names the schema, the place and the category that was not allowed, so that a null in the
output can be traced to the operator's allow-list.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry.eventlog.categories import Policy, Redactor, Shape

logger = logging.getLogger("registry.eventlog")

KEEP = "keep"
NULL = "null"
WALK = "walk"


class Plan:
    """At one place, under one policy: keep the value, write null, or walk into it."""

    __slots__ = (
        "_changes",
        "_named",
        "_nulled",
        "_planner",
        "_unreported",
        "_walked",
        "action",
        "closed",
        "covered",
        "path",
        "reason",
        "reported",
        "shape",
    )

    def __init__(
        self, planner: Planner, shape: Shape, covered: bool, path: str, *, root: bool = False
    ) -> None:
        self._planner = planner
        self.shape = shape
        self.path = path
        self.reported = False
        self.reason = ""
        self._named: dict[str, Plan] = {}
        self._changes: list[tuple[str, Plan]] = []
        self._nulled: tuple[str, ...] = ()
        """The named properties always written as null: no plan to call for them."""
        self._walked: tuple[tuple[str, Plan], ...] = ()
        self._unreported = False
        """Whether some property in `_nulled` has not been logged yet."""
        self.closed = False
        """Whether validation already keeps every key out that the plan does not name."""
        allowed = planner.policy.categories
        self.action = WALK
        if not root:
            declared = shape.categories
            if declared:
                if not declared <= allowed:
                    self.action = NULL
                    missing = ", ".join(sorted(declared - allowed))
                    self.reason = f"its categories include {missing}, not allowed"
                covered = True
            below = shape.categories_below
            if self.action == WALK and covered and below <= allowed:
                self.action = KEEP
            elif self.action == WALK and not below:
                self.action = NULL
                self.reason = "it declares no category"
        self.covered = covered

    def fill(self) -> None:
        """Plan the properties a walking plan names (after it is known, for recursion)."""
        if self.action != WALK:
            return
        named = {
            name: self._planner.plan(self.shape.child(name), self.covered, f"{self.path}/{name}")
            for name in self.shape.property_names
        }
        self._publish(named)

    def keep_whole(self, names: frozenset[str]) -> None:
        """Keep these properties whatever they hold: the policy's allowed properties."""
        self._publish({**self._named, **dict.fromkeys(names, self._planner.keep)})

    def _publish(self, named: dict[str, Plan]) -> None:
        # the changes first: a reader that sees the new names then sees their changes too
        changes = [(name, plan) for name, plan in named.items() if plan.action != KEEP]
        self._changes = changes
        self._nulled = tuple(name for name, plan in changes if plan.action == NULL)
        self._walked = tuple((name, plan) for name, plan in changes if plan.action == WALK)
        self._unreported = bool(self._nulled)
        self._named = named

    def apply(self, value: Any) -> Any:
        """`value` as recorded: itself, None, or a copy with some values inside set to None."""
        action = self.action
        if action is KEEP:
            return value
        if action is NULL:
            if not self.reported:
                self.reported = True
                self._planner.report(self.path, self.reason)
            return None
        if type(value) is dict or isinstance(value, Mapping):
            return self.walk_object(value)
        if isinstance(value, (list, tuple)):
            return [self._item(index).apply(item) for index, item in enumerate(value)]
        if self.covered:
            return value
        self._planner.report(self.path, "it declares no category")
        return None

    def walk_object(self, value: Mapping[str, Any]) -> Mapping[str, Any]:
        """An object through a walking plan: its named properties' plans, and others'."""
        if not (self.closed or value.keys() <= self._named.keys()):
            return {key: self._child(key).apply(item) for key, item in value.items()}
        copied: dict[str, Any] | None = None
        for key in self._nulled:
            if key in value:
                if copied is None:
                    copied = dict(value)
                copied[key] = None
        if copied is not None and self._unreported:
            self._report_nulled(value)
        for key, plan in self._walked:
            if key in value:
                if copied is None:
                    copied = dict(value)
                copied[key] = plan.apply(value[key])
        return value if copied is None else copied

    def _report_nulled(self, value: Mapping[str, Any]) -> None:
        for key, plan in self._changes:
            if plan.action == NULL and key in value:
                plan.apply(None)  # reports it, the first time
        self._unreported = any(
            plan.action == NULL and not plan.reported for _, plan in self._changes
        )

    def _child(self, key: str) -> Plan:
        plan = self._named.get(key)
        if plan is None:
            plan = self._planner.plan(self.shape.child(key), self.covered, f"{self.path}/*")
        return plan

    def _item(self, index: int) -> Plan:
        return self._planner.plan(self.shape.item(index), self.covered, f"{self.path}/*")


class Planner:
    """Compiles and keeps the plans of one policy for one schema version.

    Plans are shared by (shape, covered), so recursive schemas and unbounded keys stay within
    a fixed set of plans. The root is its own: only there do allowed properties apply.
    """

    def __init__(self, redactor: Redactor, policy: Policy) -> None:
        self.redactor = redactor
        self.policy = policy
        self._plans: dict[tuple[int, bool], Plan] = {}
        """Finished plans, read without the lock."""
        self._building: dict[tuple[int, bool], Plan] = {}
        """Plans being filled, seen only under the lock (a recursive schema meets its own)."""
        self._lock = threading.RLock()
        self.keep = Plan(self, redactor.root, True, "")
        self.keep.action = KEEP
        root = Plan(self, redactor.root, False, "", root=True)
        root.fill()
        root.keep_whole(policy.properties)
        root.closed = redactor.closed
        self.root = root

    def plan(self, shape: Shape, covered: bool, path: str) -> Plan:
        key = (id(shape), covered)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        with self._lock:
            plan = self._plans.get(key) or self._building.get(key)
            if plan is not None:
                return plan
            outermost = not self._building
            plan = self._building[key] = Plan(self, shape, covered, path)
            try:
                plan.fill()
                if outermost:
                    self._plans = {**self._plans, **self._building}
            finally:
                if outermost:
                    self._building = {}
        return plan

    def report(self, path: str, reason: str) -> None:
        """Log the first null written at `path` of this schema version (per any policy)."""
        reported = self.redactor.reported
        if path in reported:
            return
        reported.add(path)
        allowed = ", ".join(sorted(self.policy.categories))
        logger.debug(
            "%s: the value at %s is recorded as null: %s (allowed_categories: %s); allow its "
            "category, or name the top-level property in allowed_properties, to record it",
            self.redactor.name,
            path or "/",
            reason,
            allowed,
        )
