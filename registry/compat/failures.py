"""What a comparison records when an inclusion fails, and where in an instance it happened.

The witness search reads these back: the place (a path of frames from the event's root), the
writer and reader subschemas there, and the values the failing check suggests trying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from registry.compat.nodes import Node
from registry.core.model import JSON, Change


class Frame(NamedTuple):
    """One step from an instance to a value inside it: a property name or an item index.

    A named tuple: one is made for every property and item the engine descends into.
    """

    key: str | int
    parent: tuple[Node, ...]


@dataclass
class Found:
    """A recorded failure: the change, where it sits in an instance, and what to try there."""

    change: Change
    frames: tuple[Frame, ...]
    subs: tuple[Node, ...]
    sup: Node | None
    candidates: list[JSON] = field(default_factory=list)
    open_content: bool = False


class Descent:
    """Inside one property or item of the instance for the length of a `with` block."""

    def __init__(self, frames: list[Frame], frame: Frame) -> None:
        self.frames, self.frame = frames, frame

    def __enter__(self) -> None:
        self.frames.append(self.frame)

    def __exit__(self, *exc: object) -> None:
        self.frames.pop()
