"""Every accepted time spelling lands on the right Shanghai instant, flagged when the zone was assumed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jianfu.ingest.timeparse import SHANGHAI, from_decimal_epoch, from_epoch, parse_time

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.mark.parametrize(
    ("value", "expected", "assumed"),
    [
        ("2024-06-10T15:00:00+08:00", at(2024, 6, 10, 15, 0), False),
        ("2024-06-10T15:00:00.250+08:00", at(2024, 6, 10, 15, 0, 0, 250000), False),
        ("2024-06-10T07:00:00Z", at(2024, 6, 10, 15, 0), False),
        ("2024-06-10T07:00:00+00:00", at(2024, 6, 10, 15, 0), False),
        ("2024-06-10T09:00:00+10:00", at(2024, 6, 10, 7, 0), False),
        ("2024-06-10 15:00:00", at(2024, 6, 10, 15, 0), True),
        ("2024-06-10 15:00", at(2024, 6, 10, 15, 0), True),
        ("2024-06-10T15:00:00", at(2024, 6, 10, 15, 0), True),
        ("2024/06/10 15:00:00", at(2024, 6, 10, 15, 0), True),
        ("2024/6/1 8:03", at(2024, 6, 1, 8, 3), True),
        ("2024-05-01 8:03:12", at(2024, 5, 1, 8, 3, 12), True),
        ("2024年6月13日 08:03", at(2024, 6, 13, 8, 3), True),
        ("2024/6/10 07:00 +0000", at(2024, 6, 10, 15, 0), False),
        ("1718002800", at(2024, 6, 10, 15, 0), False),
        ("1718002800123", at(2024, 6, 10, 15, 0, 0, 123000), False),
        ("1718002800.000200", at(2024, 6, 10, 15, 0, 0, 200), False),
        (1718002800, at(2024, 6, 10, 15, 0), False),
        (1718002800123, at(2024, 6, 10, 15, 0, 0, 123000), False),
        (1718002800123456, at(2024, 6, 10, 15, 0, 0, 123456), False),
        (1718002800.5, at(2024, 6, 10, 15, 0, 0, 500000), False),
    ],
)
def test_parse_time(value: object, expected: datetime, assumed: bool) -> None:
    got, was_assumed = parse_time(value)
    assert got == expected
    assert got.tzinfo is SHANGHAI
    assert got.utcoffset() == timedelta(hours=8)
    assert (got.hour, got.minute, got.microsecond) == (expected.hour, expected.minute, expected.microsecond)
    assert was_assumed is assumed


@pytest.mark.parametrize(
    "value",
    ["昨天晚上", "", "2024-13-40 25:00", "2024-06-31 08:00:00", "not-a-date", None, [], True, 0, -5, "12:30"],
)
def test_unparsable_times_raise_value_error(value: object) -> None:
    with pytest.raises(ValueError, match="unparsable time"):
        parse_time(value)


def test_fast_path_for_china_offset_matches_conversion() -> None:
    # The +08:00 fast path attaches the zone; it must agree with a real conversion.
    for text in ("2024-06-10T23:59:59+08:00", "2000-01-01T00:00:00+08:00", "2024-02-29T12:00:00.000001+08:00",
                 "2024-06-10T20:00:00Z", "2024-12-31T23:59:59.5Z", "1988-06-10T12:00:00+08:00", "1988-06-10T12:00:00Z"):
        fast, _ = parse_time(text)
        slow = datetime.fromisoformat(text).astimezone(SH)
        assert fast == slow and fast.utcoffset() == slow.utcoffset() and fast.tzinfo is SHANGHAI


def test_epoch_milliseconds_are_exact() -> None:
    assert from_epoch(1718000000123).microsecond == 123000
    assert from_decimal_epoch("1718002860.123456").microsecond == 123456
    assert from_epoch(1718000000123456789) == at(2024, 6, 10, 14, 13, 20, 123456)


def test_epoch_is_a_utc_instant_not_local() -> None:
    # 2024-06-10T00:00:00Z is 08:00 in Shanghai, whatever the machine's own zone is.
    assert parse_time(1717977600)[0] == at(2024, 6, 10, 8, 0)
