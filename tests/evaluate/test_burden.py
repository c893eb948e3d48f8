"""The burden estimate follows the documented assumptions (expected values come from ASSUMPTIONS)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jianfu.evaluate.burden import (
    ASSUMPTIONS,
    burden_breakdown,
    burden_minutes,
    item_count,
    total_burden,
)
from jianfu.normalise.text import normalise
from jianfu.taxonomy import MESSAGE_CODES, Code

DOC = Path(__file__).resolve().parents[2] / "docs" / "burden.md"


def v(key: str) -> float:
    return ASSUMPTIONS[key].value


OFF = v("off_hours.multiplier")
CAP = v("count.max")


def test_every_assumption_is_documented_with_the_same_value() -> None:
    rows = {
        m.group(1): (float(m.group(2)), m.group(3).strip())
        for m in re.finditer(r"^\| `([A-Za-z_.]+)` \| ([0-9.]+) \| ([^|]+) \|", DOC.read_text("utf-8"), re.M)
    }
    assert set(rows) == set(ASSUMPTIONS)
    for key, assumption in ASSUMPTIONS.items():
        assert rows[key] == (assumption.value, assumption.unit), key


def test_every_assumption_says_why() -> None:
    for key, assumption in ASSUMPTIONS.items():
        assert assumption.basis and assumption.unit, key
        assert assumption.value > 0, key


@pytest.mark.parametrize(
    ("code", "key"),
    [
        (Code.FORCED_CHECKIN, "FORCED_CHECKIN.minutes"),
        (Code.PROOF_TRACE, "PROOF_TRACE.minutes"),
        (Code.LIKE_SHARE_QUOTA, "LIKE_SHARE_QUOTA.minutes_per_action"),
        (Code.RANKING, "RANKING.minutes"),
        (Code.FORCED_ADOPTION, "FORCED_ADOPTION.minutes"),
        (Code.DUPLICATE_REPORTING, "DUPLICATE_REPORTING.minutes"),
        (Code.ARBITRARY_TASK, "ARBITRARY_TASK.minutes"),
    ],
)
def test_base_minutes(code: Code, key: str) -> None:
    assert burden_minutes([code], "请大家落实", off_hours=False) == v(key)


def test_instant_reply_adds_its_interruption() -> None:
    expected = v("INSTANT_REPLY.minutes") + v("INSTANT_REPLY.interruption_minutes")
    assert burden_minutes([Code.INSTANT_REPLY], "收到请回复", off_hours=False) == expected


def test_every_message_code_costs_something() -> None:
    for code in MESSAGE_CODES:
        assert burden_minutes([code], "", None) > 0, code


@pytest.mark.parametrize(
    ("raw", "code", "expected"),
    [
        ("每人写三篇心得", Code.ARBITRARY_TASK, lambda: 3 * v("ARBITRARY_TASK.minutes")),
        ("今晚交一份心得", Code.ARBITRARY_TASK, lambda: v("ARBITRARY_TASK.minutes")),  # one is one
        ("每天打卡两次", Code.FORCED_CHECKIN, lambda: 2 * v("FORCED_CHECKIN.minutes")),
        ("转发3次并截图", Code.LIKE_SHARE_QUOTA, lambda: 3 * v("LIKE_SHARE_QUOTA.minutes_per_action")),
        ("再填三张表", Code.DUPLICATE_REPORTING, lambda: 3 * v("DUPLICATE_REPORTING.minutes")),
        (
            "今晚前报5张活动照片",
            Code.PROOF_TRACE,
            lambda: v("PROOF_TRACE.minutes") + 4 * v("PROOF_TRACE.minutes_per_extra_item"),
        ),
        # a unit quota is capped, not multiplied out
        ("每个社区每天五百个点赞", Code.LIKE_SHARE_QUOTA, lambda: CAP * v("LIKE_SHARE_QUOTA.minutes_per_action")),
        # time spans are not counts
        ("3个工作日内填报", Code.DUPLICATE_REPORTING, lambda: v("DUPLICATE_REPORTING.minutes")),
        ("2个小时之内转发", Code.LIKE_SHARE_QUOTA, lambda: v("LIKE_SHARE_QUOTA.minutes_per_action")),
        # counts do not scale codes that have none
        ("倒数3名写检讨", Code.RANKING, lambda: v("RANKING.minutes")),
    ],
)
def test_counts_scale(raw: str, code: Code, expected) -> None:  # type: ignore[no-untyped-def]
    assert burden_minutes([code], normalise(raw).text, off_hours=False) == pytest.approx(expected())


def test_item_count() -> None:
    assert item_count("写3篇，交2份", "篇份") == 3
    assert item_count("没有数字", "篇") == 1
    assert item_count("0篇", "篇") == 1
    assert item_count("500个", "个") == CAP


def test_off_hours_is_a_weighting_and_unknown_is_neutral() -> None:
    codes = [Code.PROOF_TRACE, Code.INSTANT_REPLY]
    text = normalise("今晚十点前截图发群，收到请回复").text
    working = burden_minutes(codes, text, off_hours=False)
    assert burden_minutes(codes, text, off_hours=True) == pytest.approx(working * OFF)
    assert burden_minutes(codes, text, off_hours=None) == pytest.approx(working)


def test_several_codes_sum_and_each_counts_once() -> None:
    text = normalise("今晚前报五张活动照片，收到请回复").text
    codes = [Code.PROOF_TRACE, Code.INSTANT_REPLY, Code.PROOF_TRACE, Code.INSTANT_REPLY]
    expected = (
        v("PROOF_TRACE.minutes")
        + 4 * v("PROOF_TRACE.minutes_per_extra_item")
        + v("INSTANT_REPLY.minutes")
        + v("INSTANT_REPLY.interruption_minutes")  # once per message
    ) * OFF
    breakdown = burden_breakdown(codes, text, off_hours=True)
    assert list(breakdown) == [Code.PROOF_TRACE, Code.INSTANT_REPLY]
    assert burden_minutes(codes, text, off_hours=True) == pytest.approx(expected)
    assert sum(breakdown.values()) == pytest.approx(expected)


def test_the_documented_example() -> None:
    """docs/burden.md works one message through; the code must agree with it."""
    text = normalise("今晚10点前报5张活动照片，收到请回复").text
    assert burden_minutes([Code.PROOF_TRACE, Code.INSTANT_REPLY], text, off_hours=True) == pytest.approx(30)
    assert "**30 cadre-minutes per\nrecipient**" in DOC.read_text("utf-8")


def test_codes_that_are_not_demands_cost_nothing() -> None:
    assert burden_minutes([Code.ZOMBIE, Code.STALE_CONTENT], "每人写3篇", off_hours=True) == 0
    assert burden_minutes([], "每人写3篇", off_hours=True) == 0


def test_group_size_scales_the_total() -> None:
    per = burden_minutes([Code.ARBITRARY_TASK], "每人写3篇", off_hours=False)
    total = total_burden(per, 40)
    assert total.minutes == pytest.approx(per * 40)
    assert total.recipients == 40 and not total.per_recipient_only


@pytest.mark.parametrize("size", [None, 0])
def test_unknown_group_size_stays_per_recipient(size: int | None) -> None:
    total = total_burden(12.5, size)
    assert total.minutes == 12.5
    assert total.recipients == 1 and total.per_recipient_only
