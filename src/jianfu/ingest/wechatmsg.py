"""WeChatMsg / 留痕 CSV: one file per contact or group, `<备注>_utf8.csv`.

Header: localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender.
Rows of 1:1 chats carry only the first 9 values — the group-only columns are simply absent, which
is not an error. Type 1 is text; a type-49 app message is kept only when its content is a 群接龙.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from jianfu.errors import InputError
from jianfu.ingest.jielong import is_jielong, jielong_entries
from jianfu.ingest.source import CsvRow, Source, Unit
from jianfu.ingest.streams import csv_index, iter_csv
from jianfu.ingest.timeparse import from_epoch, parse_time
from jianfu.records import Message

FORMAT = "wechatmsg"
SELF_NAME = "我"
GROUP_ONLY = frozenset({"Remark", "NickName", "Sender"})
_FILE_SUFFIXES = ("_utf8", "_utf-8")


def units(src: Source) -> Iterator[Unit]:
    return iter_csv(src, ("Type", "StrContent"))


@lru_cache(maxsize=64)
def _index(header: tuple[str, ...]) -> dict[str, int]:
    return csv_index(header)


@lru_cache(maxsize=256)
def group_from_file(file: str) -> str:
    """`网格员群_utf8.csv` → `网格员群` (WeChatMsg names each file after the chat's 备注)."""
    stem = PurePath(file).stem
    for suffix in _FILE_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)]
    return stem


def parse(file: str, line: int | None, unit: CsvRow) -> Message | None:
    header, values = unit
    if len(values) != len(header) and not _short_row_ok(header, len(values)):
        raise InputError(f"expected {len(header)} fields, found {len(values)}", file, line)
    index = _index(header)
    count = len(values)

    def cell(name: str) -> str:
        i = index.get(name)
        return values[i].strip() if i is not None and i < count else ""

    kind = cell("Type")
    text = values[index["StrContent"]] if index["StrContent"] < count else ""
    extras: dict[str, Any] = {}
    if kind == "49" and is_jielong(text):
        extras["jielong_entries"] = jielong_entries(text)
    elif kind != "1":
        return None  # image, voice, card, link, system notice ...: nothing to scan
    local_id = cell("localId")
    if not local_id:
        raise InputError("missing localId", file, line)
    sent_at = _time(cell("CreateTime"), cell("StrTime"), extras, file, line)
    is_self = cell("IsSender") == "1"
    group = group_from_file(file)
    sender_id = cell("Sender")
    if text.startswith("wxid_"):
        # Raw-database exports prefix the group sender's wxid to the content: "wxid_x:\n正文".
        head, sep, rest = text.partition(":\n")
        if sep and " " not in head and len(head) < 64:
            sender_id = sender_id or head
            text = rest
    if not text.strip():
        return None
    if is_self:
        sender: str | None = SELF_NAME
        extras["is_self"] = True
    else:
        remark = cell("Remark")
        sender = cell("NickName") or remark or sender_id or None
        if sender is None and count <= 9:
            sender = group  # 1:1 chat: the other party is the contact the file is named after
        elif remark and remark != sender:
            extras["sender_remark"] = remark  # the exporting user's own label for this member
    if sender_id:
        extras["sender_id"] = sender_id
    talker = cell("TalkerId")
    mid = f"{talker}-{local_id}" if talker else local_id
    return Message(mid, text, sent_at, sender, None, group, None, FORMAT, file, line, extras)


def _short_row_ok(header: tuple[str, ...], count: int) -> bool:
    """A 1:1 row stops right before the three group-only columns (9 of 12 values), no other short row."""
    return count == len(header) - len(GROUP_ONLY) and set(header[count:]) == GROUP_ONLY


def _time(create_time: str, str_time: str, extras: dict[str, Any], file: str, line: int | None) -> datetime:
    """CreateTime (epoch seconds, an instant) first; StrTime is the exporter machine's local clock."""
    if create_time.isdigit():
        try:
            return from_epoch(int(create_time))
        except ValueError:
            pass  # fall back to StrTime below
    if str_time:
        try:
            sent_at, assumed = parse_time(str_time)
        except ValueError:
            pass
        else:
            if assumed:
                extras["time_assumed_zone"] = True
            return sent_at
    raise InputError(f"bad time: CreateTime={create_time!r}, StrTime={str_time!r}", file, line)
