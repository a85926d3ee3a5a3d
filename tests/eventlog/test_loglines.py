from __future__ import annotations

import io
import logging
import threading
import time

import pytest

from registry.eventlog.loglines import LEVEL, EventLineFormatter, RecordFactory, dispatch


class Collect(logging.Handler):
    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


class Explode(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        raise RuntimeError("the disk is on fire")


def test_records_carry_every_attribute_a_logrecord_has() -> None:
    record = RecordFactory("events").make("{}", time.time_ns())
    standard = logging.LogRecord("events", LEVEL, "", 0, "{}", None, None)
    assert set(vars(record)) == set(vars(standard))
    assert isinstance(record, logging.LogRecord)
    assert (record.name, record.levelno, record.levelname) == ("events", LEVEL, "INFO")


def test_records_carry_the_recording_time_and_thread() -> None:
    now_ns = time.time_ns()
    record = RecordFactory("events").make("line", now_ns)
    assert record.created == pytest.approx(now_ns / 1e9)
    assert record.msecs == (now_ns // 1_000_000) % 1000
    assert record.thread == threading.get_ident()
    assert record.threadName == threading.current_thread().name
    assert record.relativeCreated > 0
    seen: list[int | None] = []
    worker = threading.Thread(target=lambda: seen.append(RecordFactory("e").make("", 0).thread))
    worker.start()
    worker.join()
    assert seen == [worker.ident]


def test_any_standard_format_can_render_a_record() -> None:
    record = RecordFactory("events").make("the line", time.time_ns())
    text = logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(process)d %(message)s")
    assert text.format(record).endswith("the line")


def test_the_event_formatter_writes_the_line_and_nothing_else() -> None:
    record = RecordFactory("events").make('{"a":1}', time.time_ns())
    assert EventLineFormatter().format(record) == '{"a":1}'


def test_each_handler_whose_level_admits_the_record_receives_it() -> None:
    admitted, refused = Collect(logging.INFO), Collect(logging.WARNING)
    for handler in (admitted, refused):
        handler.setFormatter(EventLineFormatter())
    dispatch([admitted, refused], RecordFactory("events").make("line", time.time_ns()))
    assert (admitted.lines, refused.lines) == (["line"], [])


def test_a_handler_that_raises_reports_through_logging_and_the_others_still_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    after = Collect()
    after.setFormatter(EventLineFormatter())
    dispatch([Explode(), after], RecordFactory("events").make("line", time.time_ns()))
    assert after.lines == ["line"]
    assert "--- Logging error ---" in stderr.getvalue()
    assert "the disk is on fire" in stderr.getvalue()
