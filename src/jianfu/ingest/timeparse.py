"""Message times → aware datetimes in Asia/Shanghai.

Runs once per message for millions of messages, so the common inputs take a fast path:
ISO 8601 strings go straight to `datetime.fromisoformat` (C code, accepts `Z`, `T` or space,
fractions), epoch numbers to `datetime.fromtimestamp`. Only odd spellings (`2024/5/1 8:03`,
`2024年5月1日`, Slack's `"seconds.micro"`) reach the compiled fallback regex.

Rules (contracts.md): a time with an offset keeps its instant; a time without one means
Asia/Shanghai and is flagged as assumed; epoch values are UTC instants.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from jianfu.errors import InputError

SHANGHAI = ZoneInfo("Asia/Shanghai")

_fromisoformat = datetime.fromisoformat
_fromtimestamp = datetime.fromtimestamp
_combine = datetime.combine

# Epoch magnitudes: seconds until year 5138, then ms, µs, ns.
_MS_FROM = 100_000_000_000
_US_FROM = 100_000_000_000_000
_NS_FROM = 100_000_000_000_000_000
_EIGHT_HOURS = timedelta(hours=8)

_FALLBACK = re.compile(
    r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*"
)
_DECIMAL_EPOCH = re.compile(r"\s*(\d{9,19})(?:\.(\d{1,9}))?\s*")


def parse_time(value: object) -> tuple[datetime, bool]:
    """Return (aware Shanghai datetime, zone_assumed); raise ValueError when unparsable."""
    if type(value) is str:
        if value.endswith("+08:00"):
            # China's own offset, the usual case: Shanghai wall time is the written wall time (no DST
            # since 1991), so attach the zone instead of converting (2x faster than astimezone).
            try:
                dt = _fromisoformat(value[:-6])
            except ValueError:
                return _parse_fallback(value)
            if dt.tzinfo is None and dt.year > 1991:
                return _combine(dt, dt.time(), SHANGHAI), False
        elif value.endswith("Z"):
            try:
                dt = _fromisoformat(value[:-1])
            except ValueError:
                return _parse_fallback(value)
            if dt.tzinfo is None and dt.year > 1991:
                dt += _EIGHT_HOURS  # UTC → Shanghai wall time, same fast attach as above
                return _combine(dt, dt.time(), SHANGHAI), False
        elif value.isdigit() and len(value) > 8:  # "1718002800" / "1718002800123"; 8 digits is YYYYMMDD
            return from_epoch(int(value)), False
        try:
            dt = _fromisoformat(value)
        except ValueError:
            return _parse_fallback(value)
        if dt.tzinfo is None:
            # combine() is ~5x faster than dt.replace(tzinfo=...) on CPython 3.11.
            return _combine(dt, dt.time(), SHANGHAI), True
        return dt.astimezone(SHANGHAI), False
    if type(value) is int or type(value) is float:
        return from_epoch(value), False
    raise ValueError(f"unparsable time: {value!r}")


def from_epoch(value: int | float) -> datetime:
    """UTC epoch in s, ms, µs or ns (told apart by magnitude) → Shanghai datetime."""
    if value != value or value <= 0:  # NaN or non-positive: no real message was sent then
        raise ValueError(f"unparsable time: epoch {value!r}")
    try:
        if type(value) is int:
            if _MS_FROM <= value < _US_FROM:
                # ms, the common case: int/int division is correctly rounded, so the float is within
                # 0.25 µs of the true instant and fromtimestamp's µs rounding restores the exact ms.
                return _fromtimestamp(value / 1000, SHANGHAI)
            if value >= _MS_FROM:
                if value >= _NS_FROM:
                    value //= 1000
                seconds, micros = divmod(value, 1_000_000)
                # Integer arithmetic keeps every microsecond exact (no float rounding).
                return _fromtimestamp(seconds, SHANGHAI) + timedelta(microseconds=micros)
            return _fromtimestamp(value, SHANGHAI)
        if value >= _MS_FROM:
            value = value / (1_000_000_000 if value >= _NS_FROM else 1_000_000 if value >= _US_FROM else 1000)
        return _fromtimestamp(value, SHANGHAI)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"unparsable time: epoch {value!r} ({exc})") from None


def from_decimal_epoch(value: str) -> datetime:
    """A `"seconds.fraction"` string (Slack `ts`) → Shanghai datetime, exact to the microsecond."""
    m = _DECIMAL_EPOCH.fullmatch(value)
    if m is None:
        raise ValueError(f"unparsable time: {value!r}")
    seconds = from_epoch(int(m.group(1)))
    frac = m.group(2)
    if not frac:
        return seconds
    return seconds + timedelta(microseconds=int(frac[:6].ljust(6, "0")))


def _parse_fallback(value: str) -> tuple[datetime, bool]:
    m = _FALLBACK.fullmatch(value)
    if m is None:
        if _DECIMAL_EPOCH.fullmatch(value):
            return from_decimal_epoch(value), False
        raise ValueError(f"unparsable time: {value!r}")
    year, month, day, hour, minute, second, frac, zone = m.groups()
    micros = int(frac[:6].ljust(6, "0")) if frac else 0
    try:
        naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                         int(second or 0), micros)
    except ValueError as exc:
        raise ValueError(f"unparsable time: {value!r} ({exc})") from None
    if zone is None:
        return _combine(naive, naive.time(), SHANGHAI), True
    if zone == "Z":
        offset = UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return naive.replace(tzinfo=offset).astimezone(SHANGHAI), False


def epoch_field(rec: dict[str, object], name: str, where: str, file: str, line: int | None) -> datetime:
    """An epoch-milliseconds field (int, or digits as a string) as Shanghai time; InputError names it."""
    stamp = rec.get(name)
    if type(stamp) is str and stamp.isdigit():
        stamp = int(stamp)
    if type(stamp) is not int:
        raise InputError(f"{where}bad {name}: {stamp!r}", file, line)
    try:
        return from_epoch(stamp)
    except ValueError as exc:
        raise InputError(f"{where}bad {name}: {exc}", file, line) from None
