"""The burden estimate: cadre-minutes a demand costs each recipient (docs/burden.md explains it).

Every number the estimate uses is in ASSUMPTIONS, with the basis for it. None of them is a measured
fact: they are working assumptions chosen to be modest, so that a report errs on the low side, and
a unit can argue with each one. policy-rules.md §6.12 lists statistics that circulate without an
official source; none of them is used here.

How a message is costed (per recipient):

1. Each message code counts once, however many findings carry it.
2. A code's minutes are its base minutes, scaled by a count read from the text where the code has
   one ("每人写3篇" → 3 × ARBITRARY_TASK; "5张照片" → PROOF_TRACE plus 4 further photos at a smaller
   rate). Counts above ``count.max`` are unit-level quotas ("每个社区500个点赞"), not one person's
   share, so they are capped.
3. INSTANT_REPLY adds an interruption cost once per message: a message interrupts its reader once,
   whatever else it demands. Other codes' minutes are task time only.
4. Off hours (True) multiply the message total by ``off_hours.multiplier``; unknown (None) does
   not, because missing data is not evidence either way.
5. Codes that are not message demands (ZOMBIE, STALE_CONTENT …) cost nothing here.

The total over a group is ``per recipient × recipients`` (total_burden), where recipients is the
group size when the export tells it; otherwise the figure stays "per recipient".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from jianfu.taxonomy import Code


@dataclass(frozen=True, slots=True)
class Assumption:
    """One number of the estimate, with its unit and the reason for its size."""

    value: float
    unit: str
    basis: str


# The single place where the estimate's numbers live. docs/burden.md mirrors this table and a test
# holds the two together. Keys: "<CODE>.<what>" or "<modifier>.<what>".
ASSUMPTIONS: Final[dict[str, Assumption]] = {
    "FORCED_CHECKIN.minutes": Assumption(
        2,
        "min per check-in",
        "Assumption: unlock, open the app or group, find the chain or button, post. Chains in busy "
        "groups take longer; 2 min is the short end.",
    ),
    "PROOF_TRACE.minutes": Assumption(
        10,
        "min per demand",
        "Assumption: stage and take a photo or screenshot, select it, upload or post, check it arrived. "
        "Includes the first item.",
    ),
    "PROOF_TRACE.minutes_per_extra_item": Assumption(
        1,
        "min per further item",
        'Assumption: each further photo or screenshot in the same demand ("5张照片") reuses the setup, '
        "so it adds little; kept modest on purpose.",
    ),
    "LIKE_SHARE_QUOTA.minutes_per_action": Assumption(
        3,
        "min per like/share/vote",
        "Assumption: open the link, like/share/comment, take the proof screenshot and post it back.",
    ),
    "RANKING.minutes": Assumption(
        5,
        "min per ranking message",
        "Assumption: reading the ranking and checking one's own place. Rankings also carry a risk of "
        "self-criticism (写检讨) for those at the bottom; that cost is real but not estimated here, so "
        "the figure is modest.",
    ),
    "FORCED_ADOPTION.minutes": Assumption(
        15,
        "min per demand",
        "Assumption: find and download the app or mini-program, register, real-name verification, "
        "first login, screenshot as proof.",
    ),
    "INSTANT_REPLY.minutes": Assumption(
        1,
        "min per reply",
        'Assumption: read the message, type "收到" or the demanded confirmation.',
    ),
    "INSTANT_REPLY.interruption_minutes": Assumption(
        5,
        "min per message",
        "Assumption: getting back into the work an immediate-reply demand broke off. Research on task "
        'switching (Monsell 2003, "Task switching", Trends in Cognitive Sciences) measures a cost '
        'for every switch, and on interruptions (Mark, Gudith & Klocke 2008, "The cost of interrupted '
        'work", CHI) finds people make up for them with speed at the price of stress. Neither gives a '
        "figure for this setting; 5 min is ours.",
    ),
    "DUPLICATE_REPORTING.minutes": Assumption(
        30,
        "min per form or data set",
        "Assumption: find the data already reported, re-enter it in the new form or channel, check, "
        "send. Long forms take far more; 30 min is a single short form.",
    ),
    "ARBITRARY_TASK.minutes": Assumption(
        60,
        "min per piece of material",
        'Assumption: writing one short 心得/体会/material of about a page, as in "今晚交一份心得".',
    ),
    "count.max": Assumption(
        10,
        "items per recipient",
        'Cap on a count read from the text. Larger numbers are unit quotas ("每个社区每天500个点赞", '
        "policy-rules.md §5.1) whose split among recipients is unknown.",
    ),
    "off_hours.multiplier": Assumption(
        1.5,
        "× message total",
        "A weighting, not a measurement: time taken from evenings, weekends and holidays is valued "
        "above working time, as overtime rules do. Applied when the message was sent off hours.",
    ),
}

# Per code: the assumption key of its base minutes, and the measure words whose count scales it
# (None: the code is not scaled by counts, e.g. one ranking message is one ranking).
_COUNTED: Final[dict[Code, tuple[str, str | None]]] = {
    Code.FORCED_CHECKIN: ("FORCED_CHECKIN.minutes", "次"),  # 每天打卡2次
    Code.PROOF_TRACE: ("PROOF_TRACE.minutes", "张段个条份"),  # 5张照片, 3段视频
    Code.LIKE_SHARE_QUOTA: ("LIKE_SHARE_QUOTA.minutes_per_action", "次个条篇"),  # 转发3次, 10个点赞
    Code.RANKING: ("RANKING.minutes", None),
    Code.FORCED_ADOPTION: ("FORCED_ADOPTION.minutes", None),
    Code.INSTANT_REPLY: ("INSTANT_REPLY.minutes", None),
    Code.DUPLICATE_REPORTING: ("DUPLICATE_REPORTING.minutes", "张份遍次"),  # 再填3张表, 重报2遍
    Code.ARBITRARY_TASK: ("ARBITRARY_TASK.minutes", "篇份"),  # 每人写3篇
}

# A number and its measure word, unless the word starts a time ("3个工作日", "2个小时", "5个月").
_COUNT_RE: Final = re.compile(r"(\d{1,6})([张段个条份次篇遍])(?!工作日|小时|钟头|月|星期|半|多小时)")


def _value(key: str) -> float:
    return ASSUMPTIONS[key].value


def item_count(normalised_text: str, measure_words: str) -> int:
    """The largest count in the text with one of measure_words, capped at count.max; 1 if none.

    Reads Arabic digits only: text.normalise has already turned "三篇" into "3篇", and leaves "一篇"
    alone because a count of one changes nothing.
    """
    counts = [int(n) for n, word in _COUNT_RE.findall(normalised_text) if word in measure_words and int(n) > 0]
    if not counts:
        return 1
    return int(min(max(counts), _value("count.max")))


def burden_breakdown(codes: Iterable[Code], normalised_text: str, off_hours: bool | None) -> dict[Code, float]:
    """Minutes per recipient for each message code in codes, off-hours weighting included."""
    weight = _value("off_hours.multiplier") if off_hours else 1.0
    out: dict[Code, float] = {}
    for code in dict.fromkeys(codes):  # each code once, in first-seen order
        if code not in _COUNTED:
            continue  # not a message demand
        key, measure_words = _COUNTED[code]
        n = item_count(normalised_text, measure_words) if measure_words else 1
        if code is Code.PROOF_TRACE:
            minutes = _value(key) + (n - 1) * _value("PROOF_TRACE.minutes_per_extra_item")
        else:
            minutes = _value(key) * n
        if code is Code.INSTANT_REPLY:
            minutes += _value("INSTANT_REPLY.interruption_minutes")  # once per message
        out[code] = minutes * weight
    return out


def burden_minutes(codes: Iterable[Code], normalised_text: str, off_hours: bool | None) -> float:
    """Estimated cadre-minutes one recipient spends on one message's demands (see module docstring)."""
    return sum(burden_breakdown(codes, normalised_text, off_hours).values())


@dataclass(frozen=True, slots=True)
class BurdenTotal:
    """A message's burden over its recipients."""

    minutes: float
    recipients: int
    per_recipient_only: bool  # True: the group size is unknown, and minutes is for one recipient


def total_burden(per_recipient: float, group_size: int | None) -> BurdenTotal:
    """per_recipient × recipients, where recipients is group_size when known (≥ 1), else 1."""
    if group_size is None or group_size < 1:
        return BurdenTotal(per_recipient, 1, True)
    return BurdenTotal(per_recipient * group_size, group_size, False)
