"""Chinese numerals in times and counts → Arabic digits ("今晚十点前" → "今晚10点前").

Only a numeral directly followed by a time or count unit is converted, so words that merely contain
numeral characters ("一定", "统一", "十分重要", "万一", "第一书记", "三农", "两委") stay as they are.
The rules, and why each exists:

- A run preceded by 第 (ordinal), 几 or 数 ("几十个" = dozens) is left alone; so is a run that starts
  with 百/千/万 ("百家", "千家万户"), because real counts say "一百个".
- Adjacent digits without 十/百/千 ("三五天", "两三个") are approximate ranges, not numbers, and are
  left alone; the one exception is a four-digit year ("二〇二四年" → "2024年").
- 分 without 钟 counts only as clock minutes right after 点/时 ("八点十五分"); "十分重要", "十分之一"
  stay. 十分钟 → 10分钟.
- 点 up to 12 is a clock only in clock context (a day part or date before it: "下午三点", "5日十点",
  "周五十点"; or 前/半/钟/整/到/… after it: "三点前", "两点半"), so "三点要求" / "两点意见" stay;
  13–24点 can only be a time ("二十三点" → "23点").
- A lone 一 converts only before a duration (小时, 分钟, 秒, 天, 周, 个月, 个工作日, 个半小时 …) or as a
  clock hour ("一点前", "一点半"), and never inside a word (统一, 同一, 唯一, 逐一, 早一点 …) or a formula
  ("一天一报", "一周一次"). Fixed formulations with 一 ("一张表", "一站式", "一网通办", "一件事", "一次性",
  "一把手") therefore stay as written, and count words like "一个" / "一份" stay: a count of 1 never
  changes a burden estimate, so converting it would only make rule patterns harder to write.
- A short list of fixed political formulations ("两个维护", "四个意识", "八项规定" …) is never converted.
"""

from __future__ import annotations

import re
from typing import Final

DIGIT: Final = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_PLACE: Final = {"十": 10, "百": 100, "千": 1000}
_NUM = "零〇一二两三四五六七八九十百千万"

# Longest first, so that 分钟 wins over 分 and 个小时 over 个.
UNITS: Final = (
    "个半小时", "个工作日", "个小时", "个钟头", "个星期", "个月", "分钟", "小时", "钟头", "工作日", "星期",
    "点", "时", "分", "秒", "天", "日", "月", "号", "周", "个", "篇", "张", "次", "份", "条", "人", "名",
    "户", "家", "项", "遍", "位", "期", "年",
)  # fmt: skip
_WEEKDAY = "一二三四五六日天"

# Units after which a lone 一 is converted (durations that deadlines are made of).
_YI_UNITS = "个半小时|个工作日|个小时|个钟头|个星期|个月|分钟|小时|钟头|工作日|星期|秒钟|秒|天|周"
# Characters that, right before a lone 一, make it part of a word (统一, 同一 …, 早一点, 快一点).
_YI_WORD = "统同唯逐单专不之合划均某任另其惟归如早快慢多少好大再有差"

# Fixed formulations whose numerals are part of the name. Checked at the start of a numeral match.
FIXED_PHRASES: Final = (
    "两个维护", "两个确立", "两个务必", "两个一百年", "三个代表", "三个务必", "三个有利于", "四个意识",
    "四个自信", "四个全面", "四个伟大", "四个服从", "五位一体", "八项规定", "四个不摘",
)  # fmt: skip

_CLOCK_AFTER = ("钟", "半", "整", "前", "之前", "以前", "后", "以后", "左右", "到", "至", "~", "-", "—", "～", "过")
_CLOCK_BEFORE = (
    "凌晨", "早上", "早晨", "清晨", "上午", "中午", "下午", "傍晚", "晚上", "夜里", "夜间", "今晚", "明晚",
    "昨晚", "当晚", "今早", "明早", "日", "号", "天", "早", "晚", "午", "到", "至", "~", "-", "—", "～",
)  # fmt: skip

# Candidates: a numeral run and the unit after it. The pattern starts with one character class so
# the regex engine can skip ahead to numeral characters (a leading group or lookbehind makes it try
# every position, 10x slower); the checks that need the character before the run (第, 几, 统一 …) are
# done in Python in numeral_edits. text.py uses the same pattern as its cheap gate, so it must match
# every conversion (candidates may still be rejected) but should not match a plain "一个".
_UNIT_ALTERNATION = "|".join(UNITS)
PATTERN: Final = re.compile(
    rf"[零〇一二两三四五六七八九十](?:"
    rf"(?<!一)[{_NUM}]{{0,11}}(?P<unit>{_UNIT_ALTERNATION})"  # a run not starting with 一
    rf"|(?<=一)[{_NUM}]{{1,11}}(?P<unit_yi>{_UNIT_ALTERNATION})"  # 一百个, 一千五
    # a lone 一 only before a duration or as a clock hour (一点前, 一点半)
    rf"|(?<=一)(?P<yi_unit>{_YI_UNITS}|点(?:钟|半|整|前|之前|以前)))"
)
_NOT_BEFORE_RUN = frozenset(_NUM + "第几数")  # inside a longer run, an ordinal, 几十 / 数十
_NOT_BEFORE_YI = frozenset(_NUM + "第几数" + _YI_WORD)


def to_int(run: str) -> int | None:
    """The value of a Chinese numeral run ("二十三" → 23, "一百零五" → 105, "两千五" → 2500).

    None for anything that is not one well-formed number, e.g. ranges ("三五", "十二三").
    """
    total = 0  # the part already multiplied by 万
    section = 0  # the part below 万
    digit: int | None = None  # a digit waiting for its place
    last_place = 10_000  # places must fall within a section: 千 > 百 > 十
    zero = False  # a 零 since the last place (一百零五: the 五 is units, not 十)
    wan = False
    for ch in run:
        if ch in DIGIT:
            if digit is not None:
                return None  # two digits in a row: a range like 三五
            value = DIGIT[ch]
            if value == 0:
                zero = True
                continue
            digit = value
        elif ch in _PLACE:
            place = _PLACE[ch]
            if place >= last_place:
                return None
            if digit is None:
                if ch != "十" or zero:
                    return None  # "百" alone, "零十"
                digit = 1  # 十二 = 12, 一百十 = 110
            section += digit * place
            digit, last_place, zero = None, place, False
        elif ch == "万":
            if wan:
                return None
            value = section + (digit or 0)
            if value == 0:
                return None
            total, section, digit, last_place, zero, wan = value * 10_000, 0, None, 10_000, False, True
        else:
            return None
    if digit is not None:
        if not zero and section and last_place > 10:
            digit *= last_place // 10  # colloquial 一百五 = 150, 两千五 = 2500
        elif not zero and wan and not section:
            digit *= 1000  # 三万五 = 35000
        section += digit
    elif zero and not section and not total:
        return 0  # 零点
    result = total + section
    return result if result or run in ("零", "〇") else None


def _year(run: str) -> str | None:
    """A four-digit year read digit by digit ("二〇二四" → "2024"); None if run is not one."""
    if len(run) == 4 and all(ch in DIGIT for ch in run):
        return "".join(str(DIGIT[ch]) for ch in run)
    return None


def _clock_context(text: str, start: int, unit_end: int, weekday: bool) -> bool:
    """Whether a numeral + 点 ending at unit_end reads as a time of day rather than "three points"."""
    if weekday or text.startswith(_CLOCK_AFTER, unit_end):
        return True
    if unit_end < len(text) and (text[unit_end].isdigit() or text[unit_end] in DIGIT or text[unit_end] == "十"):
        return True  # 八点十五分, 8点30
    return text[max(0, start - 2) : start].endswith(_CLOCK_BEFORE)


def numeral_edits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every numeral run in text that should become Arabic digits."""
    edits: list[tuple[int, int, str]] = []
    for m in PATTERN.finditer(text):
        start = m.start()
        before = text[start - 1] if start else "\n"  # never "" (which is `in` every string)
        yi_unit = m.group("yi_unit")
        if yi_unit is not None:
            if before not in _NOT_BEFORE_YI and not (
                not yi_unit.startswith("点") and text.startswith("一", m.end())
            ):  # 统一, 早一点; 一天一报, 一周一次
                edits.append((start, start + 1, "1"))
            continue
        unit_group = "unit" if m.group("unit") is not None else "unit_yi"
        run, unit = text[start : m.start(unit_group)], m.group(unit_group)
        weekday = False
        if before in "周期拜" and len(run) > 1 and run[0] in _WEEKDAY:
            # 周五十点 = 周五 + 十点: the first digit names the weekday.
            run, start, before, weekday = run[1:], start + 1, run[0], True
        elif before in _NOT_BEFORE_RUN or text.startswith(FIXED_PHRASES, start):
            continue
        end = start + len(run)
        replacement: str | None
        if unit == "年" and (replacement := _year(run)) is not None:
            edits.append((start, end, replacement))
            continue
        value = to_int(run)
        if value is None:
            continue
        if unit == "分" and before not in ("点", "时", ":"):
            continue  # 十分重要, 三分之一: not minutes
        if unit == "点" and (value > 24 or (value <= 12 and not _clock_context(text, start, m.end(), weekday))):
            continue  # 三点要求; 13–24点 can only be a time
        if unit == "时" and value > 24:
            continue
        if unit in ("分", "秒") and run[0] in "零〇":
            edits.append((start, end, f"{value:02d}"))  # 三点零五分 → 3点05分
            continue
        edits.append((start, end, str(value)))
    return edits
