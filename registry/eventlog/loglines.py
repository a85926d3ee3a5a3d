"""Hand finished event lines to `logging` handlers, cheaply and without ever raising.

Event lines go through standard `logging.Handler`s so that operators keep every destination
logging offers (files, rotation, syslog, queues). Three things differ from `Logger.info`:

- the formatter writes the line as it is, so no logging record field leaks into the output;
- records are copied from a template instead of built by `LogRecord.__init__`, which costs as
  much as validating the event; each record still carries every standard attribute;
- a handler that raises is reported through its own `handleError`, as logging's handlers do
  for their own failures, so the application recording the event never sees the exception.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from typing import Any

LEVEL = logging.INFO


class EventLineFormatter(logging.Formatter):
    """Formats a record as its message alone: the event line, with nothing added."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


class _EventRecord(logging.LogRecord):
    """A LogRecord whose attributes are filled from a template (see `RecordFactory`)."""

    def __init__(self) -> None:
        pass  # RecordFactory.make sets every attribute


class RecordFactory:
    """Makes INFO records for one logger name, with the time the event was recorded."""

    def __init__(self, name: str) -> None:
        model = logging.LogRecord(name, LEVEL, "", 0, "", None, None)
        self._template: dict[str, Any] = dict(model.__dict__)
        if "taskName" in self._template:  # Python 3.12+: not the task that built the template
            self._template["taskName"] = None
        # logging's start time, so that relativeCreated means what it means elsewhere
        self._start = model.created - model.relativeCreated / 1000

    def make(self, line: str, created_ns: int) -> logging.LogRecord:
        record = _EventRecord()
        attributes = self._template.copy()
        created = created_ns / 1e9
        attributes["msg"] = line
        attributes["created"] = created
        attributes["msecs"] = (created_ns % 1_000_000_000) // 1_000_000
        attributes["relativeCreated"] = (created - self._start) * 1000
        current = threading.current_thread()
        attributes["thread"] = current.ident
        attributes["threadName"] = current.name
        attributes["process"] = os.getpid()
        record.__dict__ = attributes
        return record


def dispatch(handlers: Iterable[logging.Handler], record: logging.LogRecord) -> None:
    """Give `record` to each handler whose level admits it; a failing handler reports itself."""
    for handler in handlers:
        if record.levelno >= handler.level:
            try:
                handler.handle(record)
            except Exception:
                handler.handleError(record)
