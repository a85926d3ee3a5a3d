"""Modifiers and listeners: in-process code that rewrites events before validation, or reads them.

Modifiers are called as `modifier(schema_id=..., data=...)` and return the event to record;
listeners as `listener(logger=..., schema_id=..., data=...)`, as in jupyter_events, so code
written for it keeps working. A listener may be a plain function or a coroutine function.

A coroutine listener runs on the event loop of the thread that recorded the event when there is
one, and otherwise on a small loop thread owned by the EventLog, started on first use, so events
recorded from plain synchronous code reach async listeners too. `flush` waits for what runs on
that thread; `gather` (awaited on a loop) waits for both. A listener or modifier that raises is
logged on the `registry.eventlog` logger and never reaches the caller or the other listeners.
asyncio is imported when a listener first returns an awaitable: an application without async
listeners never loads it.
"""

from __future__ import annotations

import concurrent.futures
import copy
import inspect
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from registry.errors import RegistryError

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("registry.eventlog")

Modifier = Callable[..., Mapping[str, Any]]
"""`modifier(schema_id=..., data=...)` returns the event to record (it may change `data`)."""

Listener = Callable[..., Any]
"""`listener(logger=..., schema_id=..., data=...)`; may return an awaitable (async def)."""


class ModifierFailed(RegistryError):
    """A modifier raised or returned something that is not an event; the event was dropped.

    Never leaves EventLog: it is logged there, and the application goes on."""

    def __init__(self) -> None:
        super().__init__(
            "a modifier failed; the event was dropped",
            "fix the modifier: it must return a mapping and not raise",
        )


@dataclass(frozen=True)
class ListenerEntry:
    listener: Listener
    modified: bool


@dataclass(frozen=True)
class Hooks:
    """Modifiers and listeners by schema `$id` (None: every schema). Replaced whole on change,
    so recording threads read a consistent set without a lock."""

    modifiers: Mapping[str | None, tuple[Modifier, ...]] = field(default_factory=dict)
    listeners: Mapping[str | None, tuple[ListenerEntry, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.modifiers and not self.listeners

    @property
    def listening(self) -> bool:
        return bool(self.listeners)

    def modifiers_for(self, schema_id: str) -> tuple[Modifier, ...]:
        return (*self.modifiers.get(None, ()), *self.modifiers.get(schema_id, ()))

    def listeners_for(self, schema_id: str) -> tuple[ListenerEntry, ...]:
        return (*self.listeners.get(None, ()), *self.listeners.get(schema_id, ()))

    def with_modifier(self, schema_id: str | None, modifier: Modifier) -> Hooks:
        present = self.modifiers.get(schema_id, ())
        if modifier in present:
            return self
        return replace(self, modifiers={**self.modifiers, schema_id: (*present, modifier)})

    def without_modifier(self, schema_id: str | None, modifier: Modifier) -> Hooks:
        keys = list(self.modifiers) if schema_id is None else [schema_id]
        modifiers = dict(self.modifiers)
        for key in keys:
            kept = tuple(m for m in modifiers.get(key, ()) if m != modifier)
            if kept:
                modifiers[key] = kept
            else:
                modifiers.pop(key, None)
        return replace(self, modifiers=modifiers)

    def with_listener(self, schema_id: str | None, entry: ListenerEntry) -> Hooks:
        present = self.listeners.get(schema_id, ())
        if entry in present:
            return self
        return replace(self, listeners={**self.listeners, schema_id: (*present, entry)})

    def without_listener(self, schema_id: str | None, listener: Listener) -> Hooks:
        keys = list(self.listeners) if schema_id is None else [schema_id]
        listeners = dict(self.listeners)
        for key in keys:
            kept = tuple(e for e in listeners.get(key, ()) if e.listener != listener)
            if kept:
                listeners[key] = kept
            else:
                listeners.pop(key, None)
        return replace(self, listeners=listeners)


def apply_modifiers(
    modifiers: tuple[Modifier, ...], schema_id: str, event: Mapping[str, Any]
) -> dict[str, Any]:
    """The event after every modifier, each given a copy; ModifierFailed when one fails.

    A failing modifier drops the event rather than skipping the modifier: a modifier often
    masks personal data, and recording the unmasked event would be the worse failure.
    """
    data: dict[str, Any] = copy.deepcopy(dict(event))
    for modifier in modifiers:
        try:
            result = modifier(schema_id=schema_id, data=data)
        except Exception as error:
            logger.error(
                "modifier %r raised on an event of %s; the event was not recorded",
                modifier,
                schema_id,
                exc_info=error,
            )
            raise ModifierFailed from None
        if not isinstance(result, Mapping):
            logger.error(
                "modifier %r returned %s instead of an event for %s; the event was not recorded",
                modifier,
                type(result).__name__,
                schema_id,
            )
            raise ModifierFailed
        data = dict(result)
    return data


class ListenerRunner:
    """Calls listeners; runs coroutine listeners on the caller's loop or on a loop thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._background: _LoopThread | None = None
        self._futures: set[concurrent.futures.Future[Any]] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    def notify(
        self,
        entries: tuple[ListenerEntry, ...],
        owner: object,
        schema_id: str,
        modified: Mapping[str, Any],
        original: Mapping[str, Any],
    ) -> None:
        """Call each listener with its own copy of the event; never raises."""
        for entry in entries:
            data = copy.deepcopy(dict(modified if entry.modified else original))
            try:
                result = entry.listener(logger=owner, schema_id=schema_id, data=data)
            except Exception as error:
                _report(entry.listener, schema_id, error)
                continue
            if inspect.isawaitable(result):
                self._schedule(result, entry.listener, schema_id)

    def _schedule(self, awaitable: Awaitable[Any], listener: Listener, schema_id: str) -> None:
        import asyncio

        coroutine = _awaiting(awaitable)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            task = loop.create_task(coroutine)
            with self._lock:
                self._tasks.add(task)
            task.add_done_callback(lambda done: self._task_done(done, listener, schema_id))
            return
        with self._lock:
            if self._background is None:
                self._background = _LoopThread()
                weakref.finalize(self, self._background.stop)
            background = self._background
            future = asyncio.run_coroutine_threadsafe(coroutine, background.loop)
            self._futures.add(future)
        future.add_done_callback(lambda done: self._future_done(done, listener, schema_id))

    def _task_done(self, task: asyncio.Task[Any], listener: Listener, schema_id: str) -> None:
        with self._lock:
            self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _report(listener, schema_id, task.exception())

    def _future_done(
        self, future: concurrent.futures.Future[Any], listener: Listener, schema_id: str
    ) -> None:
        with self._lock:
            self._futures.discard(future)
        if not future.cancelled() and future.exception() is not None:
            _report(listener, schema_id, future.exception())

    def flush(self, timeout: float | None = None) -> bool:
        """Wait for the listeners running on the loop thread; False if `timeout` ran out.

        Listeners running on the caller's own loop cannot be waited for from synchronous code
        on that loop: await `gather()` there.
        """
        while True:
            with self._lock:
                pending = {future for future in self._futures if not future.done()}
            if not pending:
                return True
            _, not_done = concurrent.futures.wait(pending, timeout)
            if not_done:
                return False

    async def gather(self) -> None:
        """Wait for every listener started so far (and those they start), on any loop."""
        import asyncio

        loop = asyncio.get_running_loop()
        while True:
            with self._lock:
                tasks = [t for t in self._tasks if t.get_loop() is loop and not t.done()]
                futures = [future for future in self._futures if not future.done()]
            if not tasks and not futures:
                return
            waits = [*tasks, *(asyncio.wrap_future(future) for future in futures)]
            await asyncio.gather(*waits, return_exceptions=True)

    def close(self, timeout: float | None = None) -> None:
        """Wait (up to `timeout`) for the loop thread's listeners, then stop the thread."""
        self.flush(timeout)
        with self._lock:
            background, self._background = self._background, None
        if background is not None:
            background.stop()


class _LoopThread:
    """An event loop running forever in a daemon thread, until `stop`."""

    def __init__(self) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="eventlog-listeners", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import asyncio

        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    def stop(self, timeout: float = 5.0) -> None:
        if self.loop.is_closed():
            return
        try:
            self.loop.call_soon_threadsafe(self.loop.stop)
        except RuntimeError:  # closed in between
            return
        if threading.current_thread() is not self.thread:
            self.thread.join(timeout)


async def _awaiting(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def _report(listener: Listener, schema_id: str, error: BaseException | None) -> None:
    logger.error(
        "listener %r raised on an event of %s; the event was recorded and the other listeners ran",
        listener,
        schema_id,
        exc_info=error,
    )


class EventHooks:
    """jupyter_events' modifier and listener API, as mixed into EventLog, and its state.

    `_hooks` is None while there are no modifiers or listeners, so that recording pays for them
    with one attribute check; it is replaced whole on every change.
    """

    _hooks: Hooks | None = None

    def _init_hooks(self) -> None:
        self._hooks_lock = threading.Lock()
        self._hooks = None
        self._listeners = ListenerRunner()

    def add_modifier(self, *, schema_id: str | None = None, modifier: Modifier) -> None:
        """Call `modifier(schema_id=..., data=...)` on each event of `schema_id` (None: all)
        before it is validated; it returns the event to record. One that raises drops the
        event (logged), so a failing mask never lets unmasked data through."""
        if not callable(modifier):
            raise TypeError(f"a modifier must be callable, not {type(modifier).__name__}")
        with self._hooks_lock:
            self._hooks = _kept((self._hooks or Hooks()).with_modifier(schema_id, modifier))

    def remove_modifier(self, *, schema_id: str | None = None, modifier: Modifier) -> None:
        """Stop calling `modifier` for `schema_id` (None: for every schema)."""
        with self._hooks_lock:
            self._hooks = _kept((self._hooks or Hooks()).without_modifier(schema_id, modifier))

    def add_listener(
        self, *, modified: bool = True, schema_id: str | None = None, listener: Listener
    ) -> None:
        """Call `listener(logger=..., schema_id=..., data=...)` after each recorded event of
        `schema_id` (None: all), sync or async. `data` is the event as recorded (modified and
        with disallowed personal data nulled), or as the caller gave it with `modified=False`.
        Listeners run even without handlers; one that raises is logged and ignored."""
        if not callable(listener):
            raise TypeError(f"a listener must be callable, not {type(listener).__name__}")
        entry = ListenerEntry(listener, modified)
        with self._hooks_lock:
            self._hooks = _kept((self._hooks or Hooks()).with_listener(schema_id, entry))

    def remove_listener(self, *, schema_id: str | None = None, listener: Listener) -> None:
        """Stop calling `listener` for `schema_id` (None: for every schema)."""
        with self._hooks_lock:
            self._hooks = _kept((self._hooks or Hooks()).without_listener(schema_id, listener))

    def flush_listeners(self, timeout: float | None = None) -> bool:
        """Wait for async listeners started from code without a running event loop.

        Returns False when `timeout` seconds passed first. On a running loop, await
        `gather_listeners()` instead.
        """
        return self._listeners.flush(timeout)

    async def gather_listeners(self) -> None:
        """Wait for every async listener started so far, on this loop and the listener thread."""
        await self._listeners.gather()

    def close(self, timeout: float | None = 5.0) -> None:
        """Wait (up to `timeout`) for async listeners, then stop the listener thread."""
        self._listeners.close(timeout)


def _kept(hooks: Hooks) -> Hooks | None:
    return None if hooks.empty else hooks
