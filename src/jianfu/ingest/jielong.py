"""群接龙 messages: "#接龙" (English clients: "#Group Note"), a title, then numbered entries.

WeCom text messages and WeChat type-49 app messages carry them; the entries are evidence for
FORCED_CHECKIN (who was made to sign in), so they are kept as structured extras.
"""

from __future__ import annotations

import re

MARKERS = ("#接龙", "＃接龙", "#Group Note")

# "1. 张三 已打卡", "２、李四", "3) 王五" — digits may be full-width; bounded, linear pattern.
_ENTRY = re.compile(r"\s*([0-9０-９]{1,4})\s*[.．、:：)）]\s*(.*)")


def is_jielong(text: str) -> bool:
    return text.lstrip().startswith(MARKERS)


def jielong_entries(text: str) -> list[dict[str, object]]:
    """The numbered entries of a 接龙 text, as [{"n": 1, "text": "张三 已打卡"}, ...]."""
    entries: list[dict[str, object]] = []
    for line in text.splitlines()[1:]:
        m = _ENTRY.fullmatch(line)
        if m is None:
            continue
        body = m.group(2).strip()
        if body:
            entries.append({"n": int(m.group(1)), "text": body})  # int() reads full-width digits too
    return entries
