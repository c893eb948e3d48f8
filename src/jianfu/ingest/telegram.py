"""Telegram Desktop JSON export (`result.json`): one chat, or a full export with `chats.list[]`.

`text` is a string or a list of strings and entity objects (`{"type": "bold", "text": "..."}`),
concatenated here. `date_unixtime` (seconds, as a string) is the instant; `date` is local time
without offset and only the fallback. Service messages (joins, pins, ...) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from jianfu.errors import InputError
from jianfu.ingest.source import Broken, Source, Unit
from jianfu.ingest.streams import load_json, record_of
from jianfu.ingest.timeparse import from_epoch, parse_time
from jianfu.records import Message

FORMAT = "telegram"
_CHAT_LISTS = ("chats", "left_chats")


def units(src: Source) -> Iterator[Unit]:
    doc = load_json(src)
    if not isinstance(doc, dict):
        raise InputError("expected a Telegram export object (result.json)", src.file)
    chats: list[tuple[str, Any]] = []
    if isinstance(doc.get("messages"), list):
        chats.append(("", doc))
    for key in _CHAT_LISTS:
        holder = doc.get(key)
        listed = holder.get("list") if isinstance(holder, dict) else None
        if isinstance(listed, list):
            chats.extend((f"{key}.list[{i}].", chat) for i, chat in enumerate(listed))
    if not chats:
        raise InputError("no chats found (neither messages[] nor chats.list[])", src.file)
    for prefix, chat in chats:
        if not isinstance(chat, dict) or not isinstance(chat.get("messages"), list):
            yield None, Broken(f"{prefix or '$.'}messages: missing or not a list")
            continue
        context = {"chat": chat.get("name"), "chat_id": chat.get("id"), "chat_type": chat.get("type")}
        for i, msg in enumerate(chat["messages"]):
            yield None, {"at": f"{prefix}messages[{i}]", "record": msg, **context}


def parse(file: str, line: int | None, unit: Any) -> Message | None:
    rec, where = record_of(file, line, unit)
    if rec.get("type") == "service":
        return None
    mid = rec.get("id")
    if mid is None or mid == "":
        raise InputError(f"{where}missing id", file, line)
    extras: dict[str, Any] = {}
    sent_at = _time(rec, extras)
    if sent_at is None:
        raise InputError(f"{where}bad date: date_unixtime={rec.get('date_unixtime')!r}, "
                         f"date={rec.get('date')!r}", file, line)
    text = flatten_text(rec.get("text"))
    if not text.strip():
        return None  # media without caption
    chat_id = unit.get("chat_id")
    chat = unit.get("chat")
    if chat_id is not None:
        extras["chat_id"] = chat_id
    if unit.get("chat_type"):
        extras["chat_type"] = unit["chat_type"]
    sender = rec.get("from") or rec.get("from_id") or None
    if rec.get("from_id"):
        extras["sender_id"] = rec["from_id"]
    mid_text = f"{chat_id}:{mid}" if chat_id is not None else str(mid)
    return Message(mid_text, text, sent_at, sender, None, chat or (str(chat_id) if chat_id is not None else None),
                   None, FORMAT, file, line, extras)


def flatten_text(value: Any) -> str:
    """A string, or a list of strings and {"type": ..., "text": ...} entities, as one string."""
    if type(value) is str:
        return value
    if type(value) is not list:
        return ""
    parts: list[str] = []
    for piece in value:
        if type(piece) is str:
            parts.append(piece)
        elif type(piece) is dict and type(piece.get("text")) is str:
            parts.append(piece["text"])
    return "".join(parts)


def _time(rec: dict[str, Any], extras: dict[str, Any]) -> datetime | None:
    unix = rec.get("date_unixtime")
    if type(unix) is str and unix.isdigit():
        unix = int(unix)
    if type(unix) is int:
        try:
            return from_epoch(unix)
        except ValueError:
            pass  # fall back to the local `date`
    date = rec.get("date")
    if type(date) is str and date:
        try:
            sent_at, assumed = parse_time(date)
        except ValueError:
            return None
        if assumed:
            extras["time_assumed_zone"] = True
        return sent_at
    return None
