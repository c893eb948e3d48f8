"""Working time and deadlines, against the real `holidays` calendar for China."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jianfu.config import Settings
from jianfu.normalise.calendar import WorkCalendar, parse_deadline
from jianfu.normalise.text import normalise

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(Settings())


# 2026-03-10 is a Tuesday.
@pytest.mark.parametrize(
    ("hour", "minute", "off"),
    [
        (8, 29, True), (8, 30, False), (11, 59, False), (12, 0, True), (13, 59, True),
        (14, 0, False), (17, 59, False), (18, 0, True), (23, 0, True), (0, 0, True),
    ],
)  # fmt: skip
def test_working_hours_boundaries(cal: WorkCalendar, hour: int, minute: int, off: bool) -> None:
    assert cal.is_off_hours(at(2026, 3, 10, hour, minute)) is off


def test_seconds_before_the_start_are_off(cal: WorkCalendar) -> None:
    assert cal.is_off_hours(at(2026, 3, 10, 8, 29, 59))
    assert not cal.is_off_hours(at(2026, 3, 10, 11, 59, 59))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 14), False),  # Saturday
        (date(2026, 3, 15), False),  # Sunday
        *[(date(2026, 10, d), False) for d in range(1, 8)],  # National Day 2026
        (date(2026, 9, 20), True),  # Sunday, make-up working day (调休)
        (date(2026, 10, 10), True),  # Saturday, make-up working day
        (date(2026, 1, 4), True),  # Sunday, make-up working day for New Year
        (date(2026, 10, 8), True),
        (date(2027, 1, 1), False),  # New Year 2027
        (date(2026, 3, 10), True),
    ],
)
def test_working_days(cal: WorkCalendar, day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working
    assert cal.is_working_day(day) is working  # the cached answer is the same
    assert cal.is_off_hours(datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=10)) is not working


def test_times_in_other_zones_are_converted(cal: WorkCalendar) -> None:
    assert not cal.is_off_hours(datetime(2026, 3, 10, 0, 30, tzinfo=UTC))  # 08:30 in Shanghai
    assert cal.is_off_hours(datetime(2026, 3, 10, 0, 29, tzinfo=UTC))


def test_naive_times_are_local(cal: WorkCalendar) -> None:
    assert not cal.is_off_hours(datetime(2026, 3, 10, 9, 0))
    assert cal.is_off_hours(datetime(2026, 3, 10, 19, 0))


def test_working_hours_come_from_settings() -> None:
    cal = WorkCalendar(Settings(working_hours=[("09:00", "17:00")]))
    assert cal.is_off_hours(at(2026, 3, 10, 8, 59))
    assert not cal.is_off_hours(at(2026, 3, 10, 12, 30))
    assert cal.is_off_hours(at(2026, 3, 10, 17, 0))
    assert cal.end_of_work(date(2026, 3, 10)) == at(2026, 3, 10, 17, 0)


@pytest.mark.parametrize("hours", [[("12:00", "08:00")], [("08:00", "25:00")], []])
def test_bad_working_hours_are_refused(hours: list[tuple[str, str]]) -> None:
    with pytest.raises(ValueError, match="working"):
        WorkCalendar(Settings(working_hours=hours))


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (at(2026, 3, 10, 8, 0), at(2026, 3, 10, 18, 0), 450),  # one full day: 3.5 h + 4 h
        (at(2026, 3, 10, 11, 0), at(2026, 3, 10, 15, 0), 120),  # across lunch
        (at(2026, 3, 13, 17, 0), at(2026, 3, 16, 9, 0), 90),  # Friday evening to Monday morning
        (at(2026, 9, 30, 17, 0), at(2026, 10, 8, 9, 0), 90),  # across National Day
        (at(2026, 10, 9, 17, 0), at(2026, 10, 10, 12, 0), 60 + 210),  # into a make-up Saturday
        (at(2026, 3, 10, 21, 0), at(2026, 3, 10, 23, 0), 0),  # evening
        (at(2026, 3, 10, 12, 0), at(2026, 3, 10, 11, 0), 0),  # end before start
    ],
)
def test_working_minutes_between(cal: WorkCalendar, start: datetime, end: datetime, minutes: float) -> None:
    assert cal.working_minutes_between(start, end) == pytest.approx(minutes)


def test_add_working_days_skips_holidays(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


# --- deadlines ----------------------------------------------------------------------------------

TUE = (2026, 3, 10)  # a Tuesday


def _minutes(due: datetime, sent: datetime) -> float:
    return (due - sent).total_seconds() / 60


# (raw message, sent at, expected deadline words in the normalised text, expected minutes left)
DEADLINES: list[tuple[str, datetime, str, float | None]] = [
    ("请十分钟内回复收到", at(*TUE, 23, 0), "10分钟内", 10),
    ("今晚十点前报送", at(*TUE, 21, 0), "今晚10点前", 60),
    ("请于下午四点前上报", at(*TUE, 10, 0), "下午4点前", 360),
    ("明早八点前交材料", at(*TUE, 22, 0), "明早8点前", 600),
    ("半小时内回复", at(*TUE, 9, 0), "半小时内", 30),
    ("一小时内完成", at(*TUE, 9, 0), "1小时内", 60),
    ("两个小时之内报送", at(*TUE, 9, 0), "2个小时之内", 120),
    ("一个半小时内", at(*TUE, 9, 0), "1个半小时内", 90),
    ("马上回复确认", at(*TUE, 21, 0), "马上", 0),
    ("立即上报", at(*TUE, 21, 0), "立即", 0),
    ("请立刻转发", at(*TUE, 21, 0), "立刻", 0),
    ("收到请秒回", at(*TUE, 21, 0), "秒回", 0),
    ("今天下午4点前", at(*TUE, 9, 0), "今天下午4点前", 420),
    ("明天上午9:00前", at(*TUE, 9, 0), "明天上午9:00前", 1440),
    ("中午12点前", at(*TUE, 9, 0), "中午12点前", 180),
    ("中午1点前", at(*TUE, 9, 0), "中午1点前", 240),
    ("18:00前", at(*TUE, 9, 0), "18:00前", 540),
    ("１８：００前报送", at(*TUE, 9, 0), "18:00前", 540),
    ("晚上8点半之前", at(*TUE, 9, 0), "晚上8点半之前", 690),
    ("晚上十二点前", at(*TUE, 21, 0), "晚上12点前", 180),
    ("今天下班前", at(*TUE, 9, 0), "今天下班前", 540),
    ("今日17时前", at(*TUE, 9, 0), "今日17时前", 480),
    ("8点前打卡", at(*TUE, 19, 30), "8点前", 30),  # 20:00: the AM time has passed
    ("8点前打卡", at(*TUE, 7, 0), "8点前", 60),  # 08:00 today
    ("8点前打卡", at(*TUE, 21, 0), "8点前", 660),  # 08:00 tomorrow
    ("下午四点前", at(*TUE, 17, 0), "下午4点前", 23 * 60),  # no day word: tomorrow 16:00
    ("今天下午4点前必须报", at(*TUE, 17, 0), "今天下午4点前", -60),  # a chase-up after the deadline
    ("本周五前报送", at(*TUE, 10, 0), "本周五前", _minutes(at(2026, 3, 14, 0, 0), at(*TUE, 10, 0))),
    ("周五下班前", at(*TUE, 10, 0), "周五下班前", _minutes(at(2026, 3, 13, 18, 0), at(*TUE, 10, 0))),
    ("下周一前", at(*TUE, 10, 0), "下周一前", _minutes(at(2026, 3, 17, 0, 0), at(*TUE, 10, 0))),
    ("周五十点前", at(*TUE, 10, 0), "周五10点前", _minutes(at(2026, 3, 13, 10, 0), at(*TUE, 10, 0))),
    ("五月十日前", at(*TUE, 10, 0), "5月10日前", _minutes(at(2026, 5, 11, 0, 0), at(*TUE, 10, 0))),
    ("1月5日前", at(2026, 12, 20, 10, 0), "1月5日前", _minutes(at(2027, 1, 6, 0, 0), at(2026, 12, 20, 10, 0))),
    ("15号前", at(*TUE, 10, 0), "15号前", _minutes(at(2026, 3, 16, 0, 0), at(*TUE, 10, 0))),
    ("请于下月10日前报送", at(*TUE, 10, 0), "下月10日前", _minutes(at(2026, 4, 11, 0, 0), at(*TUE, 10, 0))),
    ("2号前", at(2026, 3, 28, 10, 0), "2号前", _minutes(at(2026, 4, 3, 0, 0), at(2026, 3, 28, 10, 0))),
    ("今晚前报5张活动照片", at(*TUE, 21, 0), "今晚前", 180),
    ("今天内", at(*TUE, 21, 0), "今天内", 180),
    ("截止时间：今晚10点", at(*TUE, 21, 0), "截止时间：今晚10点", 60),
    ("3个工作日内", at(2026, 9, 30, 10, 0), "3个工作日内", _minutes(at(2026, 10, 10, 18, 0), at(2026, 9, 30, 10, 0))),
    ("3天内", at(*TUE, 10, 0), "3天内", 3 * 1440),
    ("尽快报送", at(*TUE, 21, 0), "尽快", None),
    ("请速回", at(*TUE, 21, 0), "速回", None),
    ("几分钟内回复", at(*TUE, 21, 0), "几分钟内", None),
    # the tightest of several
    ("材料本周五前交，收到后十分钟内回复", at(*TUE, 10, 0), "10分钟内", 10),
    ("今晚十点前截图发群，马上回复收到", at(*TUE, 21, 0), "马上", 0),
    ("尽快，最迟今晚十点前", at(*TUE, 21, 0), "今晚10点前", 60),
]


@pytest.mark.parametrize(("raw", "sent", "words", "minutes"), DEADLINES)
def test_deadlines(raw: str, sent: datetime, words: str, minutes: float | None) -> None:
    text = normalise(raw).text
    deadline = parse_deadline(text, sent)
    assert deadline is not None
    assert deadline.text == words
    assert text[deadline.span[0] : deadline.span[1]] == words
    if minutes is None:
        assert deadline.minutes_left is None
    else:
        assert deadline.minutes_left == pytest.approx(minutes)
        if deadline.due is not None:
            assert deadline.due == sent + timedelta(minutes=minutes)


NO_DEADLINE = [
    "前期工作已经完成",
    "会前准备好材料",
    "目前进展顺利",
    "请提前到场",
    "明早8点开网格会，带齐3类台账",  # a meeting time, not a deadline
    "3天前发的通知",
    "2小时前已上报",
    "马上就要过年了",
    "收到",
    "十分重要",
    "",
]


@pytest.mark.parametrize("raw", NO_DEADLINE)
def test_no_deadline(raw: str) -> None:
    assert parse_deadline(normalise(raw).text, at(*TUE, 10, 0)) is None


def test_impossible_times_are_not_guessed() -> None:
    assert parse_deadline("25点前", at(*TUE, 10, 0)) is None
    assert parse_deadline("2月30日前", at(*TUE, 10, 0)) is None
    assert parse_deadline("8点内", at(*TUE, 10, 0)) is None


def test_without_send_time() -> None:
    relative = parse_deadline("10分钟内回复", None)
    assert relative is not None and relative.minutes_left == 10 and relative.due is None
    clock = parse_deadline("今晚10点前", None)
    assert clock is not None and clock.text == "今晚10点前"
    assert clock.due is None and clock.minutes_left is None


def test_end_of_work_follows_the_calendar() -> None:
    cal = WorkCalendar(Settings(working_hours=[("09:00", "12:00"), ("13:00", "17:30")]))
    deadline = parse_deadline("今天下班前", at(*TUE, 9, 0), calendar=cal)
    assert deadline is not None and deadline.due == at(*TUE, 17, 30)


def test_off_work_after_hours_means_the_next_working_day() -> None:
    deadline = parse_deadline("下班前报送", at(2026, 9, 30, 19, 0))
    assert deadline is not None and deadline.due == at(2026, 10, 8, 18, 0)
