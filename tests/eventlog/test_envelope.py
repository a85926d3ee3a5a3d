from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.eventlog.envelope import (
    ENVELOPE_KEYS,
    METADATA_VERSION,
    ReservedKeyError,
    check_event_keys,
    envelope,
    rfc3339_utc,
    timestamp_of_ns,
    to_line,
    utc_now,
)

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
EPOCH = datetime(1970, 1, 1)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
event_keys = st.text(max_size=10).filter(lambda key: not key.startswith("__"))


def parse_utc(text: str) -> datetime:
    assert RFC3339_UTC.match(text), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")


def test_naive_datetimes_are_taken_as_utc() -> None:
    assert rfc3339_utc(datetime(2024, 5, 6, 7, 8, 9, 10)) == "2024-05-06T07:08:09.000010Z"


def test_aware_datetimes_are_converted_to_utc_and_never_written_with_an_offset() -> None:
    paris = timezone(timedelta(hours=2))
    assert rfc3339_utc(datetime(2024, 5, 6, 9, 0, tzinfo=paris)) == "2024-05-06T07:00:00.000000Z"
    text = rfc3339_utc(datetime(2024, 5, 6, 9, 0, tzinfo=timezone.utc))
    assert text == "2024-05-06T09:00:00.000000Z"
    assert "+00:00" not in text


@given(st.datetimes(timezones=st.timezones()))
def test_any_aware_datetime_round_trips_through_its_utc_text(moment: datetime) -> None:
    text = rfc3339_utc(moment)
    # compared as elapsed time: PEP 495 makes times in a gap unequal across zones
    assert parse_utc(text) - EPOCH == moment - EPOCH.replace(tzinfo=timezone.utc)


def test_a_timestamp_that_is_not_a_datetime_is_refused() -> None:
    with pytest.raises(TypeError, match="datetime"):
        rfc3339_utc("2024-01-01T00:00:00Z")  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=4_102_444_800 * 10**9))
def test_nanosecond_timestamps_match_the_calendar(epoch_ns: int) -> None:
    expected = EPOCH + timedelta(microseconds=epoch_ns // 1000)
    assert parse_utc(timestamp_of_ns(epoch_ns)) == expected


def test_timestamps_within_one_second_share_the_date_and_differ_in_microseconds() -> None:
    base = 1_700_000_000 * 10**9
    first, second = timestamp_of_ns(base + 1_000), timestamp_of_ns(base + 999_999_000)
    assert first[:19] == second[:19]
    assert (first[20:26], second[20:26]) == ("000001", "999999")
    assert timestamp_of_ns(base + 10**9)[:19] != first[:19]


def test_now_is_the_current_utc_time() -> None:
    text, now_ns = utc_now()
    assert text == timestamp_of_ns(now_ns)
    delta = parse_utc(text).replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)
    assert abs(delta) < timedelta(seconds=5)


@pytest.mark.parametrize("key", ["__timestamp__", "__schema__", "__anything", 3, None])
def test_event_keys_the_envelope_reserves_or_json_cannot_hold_are_refused(key: object) -> None:
    with pytest.raises(ReservedKeyError) as raised:
        check_event_keys({"fine": 1, key: 2})  # type: ignore[dict-item]
    assert raised.value.key == key
    assert repr(key) in str(raised.value)


def test_keys_with_single_or_inner_underscores_are_fine() -> None:
    check_event_keys({"_private": 1, "a__b": 2, "trailing__": 3, "": 4})


@given(st.dictionaries(event_keys, json_values, max_size=6), st.text(), st.integers(0, 9))
def test_a_line_is_one_json_object_holding_the_envelope_then_the_event(
    event: dict[str, object], schema_id: str, version: int
) -> None:
    wrapped = envelope(schema_id, version, event, "2024-01-01T00:00:00.000000Z")
    line = to_line(wrapped)
    assert "\n" not in line and "\r" not in line
    assert json.loads(line) == wrapped
    assert list(wrapped)[:4] == list(ENVELOPE_KEYS)
    assert wrapped["__metadata_version__"] == METADATA_VERSION
    assert {key: wrapped[key] for key in event} == event


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_numbers_json_cannot_hold_are_refused(value: float) -> None:
    with pytest.raises(ValueError):
        to_line({"x": value})


def test_values_json_cannot_hold_are_refused() -> None:
    with pytest.raises(TypeError):
        to_line({"when": datetime(2024, 1, 1)})
