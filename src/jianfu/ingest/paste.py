"""Text copied out of a chat window (DingTalk, 浙政钉, QQ, WeChat PC ...).

Each message is a header line followed by its text lines, up to the next header. Headers:

* `2024-05-01 08:03:12 张三`, `2024/5/1 8:03 张三`, `[2024-05-01 08:03] 张三`   (time first)
* `张三 2024-05-01 08:03:12`, `张三(13800000000) 2024/5/1 8:03`               (name first)
* `张三 08:03` after a date line such as `2024-05-01` or `—— 2024年5月1日 星期三 ——` (WeChat PC)

The first header fixes the file's style (variant, date separator, seconds or not); later lines of
another style are message text. That keeps a message body like "2024年6月10日 15:00 开会" from
being taken for a header in a file whose headers look like "2024-06-10 15:00:00 张三".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any

from jianfu.errors import InputError
from jianfu.ingest.encoding import open_text
from jianfu.ingest.source import Broken, Source, Unit
from jianfu.ingest.timeparse import parse_time
from jianfu.records import Message

FORMAT = "paste"
MAX_HEADER_CHARS = 80  # headers are short; longer lines are text (and bound the regex work)

_DATE = r"(\d{4}([-/.年])\d{1,2}[-/.月]\d{1,2}日?)"
_TIME = r"(\d{1,2}[:：]\d{2}([:：]\d{2})?)"
_TIME_FIRST = re.compile(rf"\[?{_DATE}\s+{_TIME}\]?\s+(\S.*)")
_NAME_FIRST = re.compile(rf"(\S.*?)\s+\[?{_DATE}\s+{_TIME}\]?")
_TIME_ONLY = re.compile(rf"(\S.*?)\s+{_TIME}")
_DECOR = "\\s—\\-=─_·*"
_DATE_LINE = re.compile(rf"[{_DECOR}]*{_DATE}(?:\s*(?:星期|周)[一二三四五六日天])?[{_DECOR}]*")
_DECORATED = re.compile(r"[—\-=─]{2}")
_NOT_IN_NAME = frozenset("，。！？；,!?;、“”\"")

Style = tuple[str, ...]
Header = tuple[Style, str, str]  # (style, time text, sender)


def match_header(line: str, style: Style | None, day: str | None) -> Header | None:
    """The header on `line` if it is one (of `style`, once a style is fixed), else None."""
    if not line or len(line) > MAX_HEADER_CHARS:
        return None
    line = line.strip()
    first, last = line[:1], line[-1:]
    if first.isdigit() or first == "[":
        m = _TIME_FIRST.fullmatch(line)
        if m is not None:
            date, sep, clock, secs, name = m.groups()
            found: Header | None = _header(("time-first", sep, str(bool(secs))), date, clock, name)
            if found is not None and (style is None or found[0] == style):
                return found
    if last.isdigit() or last == "]":
        m = _NAME_FIRST.fullmatch(line)
        if m is not None:
            name, date, sep, clock, secs = m.groups()
            found = _header(("name-first", sep, str(bool(secs))), date, clock, name)
            if found is not None and (style is None or found[0] == style):
                return found
        if day is not None and (style is None or style[0] == "time-only"):
            m = _TIME_ONLY.fullmatch(line)
            if m is not None and not m.group(1)[:1].isdigit():
                name, clock, secs = m.groups()
                found = _header(("time-only", str(bool(secs))), day, clock, name)
                if found is not None and (style is None or found[0] == style):
                    return found
    return None


def _header(style: Style, date: str, clock: str, name: str) -> Header | None:
    name = name.strip().rstrip(":：").strip()
    if not name or len(name) > 30 or any(ch in _NOT_IN_NAME for ch in name) or name.isdigit():
        return None
    return style, f"{date} {clock.replace('：', ':')}", name


def match_date_line(line: str) -> str | None:
    """The date of a date-separator line (`2024-05-01`, `—— 2024年5月1日 星期三 ——`), else None."""
    if len(line) > 40:
        return None
    m = _DATE_LINE.fullmatch(line)
    return m.group(1) if m is not None else None


def looks_like_paste(lines: Iterable[str]) -> bool:
    """Sniffing: does any of these lines start a pasted message?"""
    day: str | None = None
    for line in lines:
        date = match_date_line(line.strip())
        if date is not None:
            day = date
            continue
        if match_header(line, None, day) is not None:
            return True
    return False


def units(src: Source) -> Iterator[Unit]:
    style: Style | None = None
    day: str | None = None
    pending: tuple[int, tuple[str, str, list[str]]] | None = None
    orphan: int | None = None  # first line of text before any header
    with open_text(src.file, src.encoding or "utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            head = match_header(line, style, day)
            if head is not None:
                if pending is not None:
                    yield pending
                elif orphan is not None:
                    yield orphan, Broken("text before the first message header")
                    orphan = None
                style = head[0]
                pending = (number, (head[1], head[2], []))
                continue
            if style is None or style[0] == "time-only" or _DECORATED.search(line):
                date = match_date_line(line)
                if date is not None:
                    day = date
                    continue
            if pending is not None:
                pending[1][2].append(line)
            elif orphan is None and line.strip():
                orphan = number
    if pending is not None:
        yield pending
    elif orphan is not None:
        yield orphan, Broken("no message header found (expected e.g. '2024-05-01 08:03:12 张三')")


def parse(file: str, line: int | None, unit: Any) -> Message | None:
    stamp, sender, lines = unit
    try:
        sent_at, assumed = parse_time(stamp)
    except ValueError as exc:
        raise InputError(f"bad time in message header: {exc}", file, line) from None
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    if start == end:
        return None  # a header with no text (an image or sticker was copied)
    text = "\n".join(lines[start:end])
    extras: dict[str, Any] = {"time_assumed_zone": True} if assumed else {}
    # Copied text carries no chat name; the file name is what the user called it.
    group = PurePath(file).stem if file else None
    return Message(f"paste-{line}", text, sent_at, sender, None, group, None, FORMAT, file, line, extras)
