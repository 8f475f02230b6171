"""Clock: the stored form of datetimes, the wire form, parsing, and id checks."""

from datetime import datetime, timedelta, timezone

import pytest

from app.core import clock
from app.core.errors import Invalid


def test_to_storage_makes_aware_times_naive_utc():
    paris = timezone(timedelta(hours=2))
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=paris)
    assert clock.to_storage(moment) == datetime(2024, 5, 1, 10, 30)
    assert clock.to_storage(moment).tzinfo is None


def test_to_storage_cuts_to_milliseconds_and_keeps_naive_times():
    assert clock.to_storage(datetime(2024, 5, 1, 10, 0, 0, 123_999)) == datetime(
        2024, 5, 1, 10, 0, 0, 123_000
    )
    naive = datetime(2024, 5, 1, 10, 0, 0, 5_000)
    assert clock.to_storage(naive) == naive


def test_utcnow_is_in_stored_form():
    now = clock.utcnow()
    assert now.tzinfo is None and now.microsecond % 1000 == 0


def test_to_iso_is_utc_with_milliseconds_and_z():
    assert clock.to_iso(datetime(2024, 5, 1, 10, 0, 0, 7_000)) == "2024-05-01T10:00:00.007Z"
    aware = datetime(2024, 5, 1, 12, 0, 0, 999_999, tzinfo=timezone(timedelta(hours=2)))
    assert clock.to_iso(aware) == "2024-05-01T10:00:00.999Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, 0)),
        ("  2024-05-01T12:00:00.250+02:00 ", datetime(2024, 5, 1, 10, 0, 0, 250_000)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, 0)),
        (1_714_557_600, datetime(2024, 5, 1, 10, 0)),
        (1_714_557_600.1234, datetime(2024, 5, 1, 10, 0, 0, 123_000)),
    ],
)
def test_parse_time_reads_iso_text_and_epoch_seconds(value, expected):
    assert clock.parse_time(value) == expected


@pytest.mark.parametrize("value", [None, True, False, "", "   ", "yesterday", 1e20, [1], {}])
def test_parse_time_gives_none_for_null_or_bad_input(value):
    assert clock.parse_time(value) is None


def test_parse_time_round_trips_to_iso():
    moment = datetime(2023, 12, 31, 23, 59, 59, 999_000)
    assert clock.parse_time(clock.to_iso(moment)) == moment


def test_require_id_accepts_plain_strings():
    assert clock.require_id("abc") == "abc"
    assert clock.require_id("x" * 200) == "x" * 200


@pytest.mark.parametrize("value", ["", "x" * 201, None, 5, {"$ne": ""}, ["a"], b"id"])
def test_require_id_rejects_everything_else(value):
    with pytest.raises(Invalid) as caught:
        clock.require_id(value, "conversation id")
    assert str(caught.value) == "conversation id must be a non-empty string"


def test_new_ids_are_distinct_uuid_strings():
    first, second = clock.new_id(), clock.new_id()
    assert first != second
    assert len(first) == 36 and first.count("-") == 4
    assert first != clock.ROOT_PARENT_ID
