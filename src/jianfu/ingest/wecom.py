"""WeCom / 政务微信 会话内容存档, decrypted: JSONL (one message a line) or a JSON array.

Only `text` and `collect` (群内填表) carry text we scan; every other msgtype (image, voice,
revoke, ...) and the `recall`/`switch` actions are skipped, not errors. WeCom re-sends messages,
so `units()` drops repeated `msgid`s within a bounded window, cheaply, without parsing the line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from jianfu.errors import InputError
from jianfu.ingest.jielong import is_jielong, jielong_entries
from jianfu.ingest.source import Source, Unit
from jianfu.ingest.streams import iter_lines, json_layout, load_json, record_of
from jianfu.ingest.timeparse import epoch_field
from jianfu.records import Message

FORMAT = "wecom"
DEDUP_WINDOW = 200_000  # ids remembered; WeCom re-sends arrive close to the original

_SKIPPED_ACTIONS = frozenset({"recall", "switch"})
_WRAPPER_KEYS = ("chatdata", "msgs", "messages", "msg_list", "items", "data", "list")


class RecentIds:
    """A set of the last `size` ids: O(1) add/lookup, memory bounded by `size`."""

    def __init__(self, size: int = DEDUP_WINDOW) -> None:
        self._size = size
        self._seen: set[str] = set()
        self._order: deque[str] = deque()

    def seen_before(self, key: str) -> bool:
        """True if `key` is in the window; otherwise remember it (evicting the oldest)."""
        if key in self._seen:
            return True
        self._seen.add(key)
        self._order.append(key)
        if len(self._order) > self._size:
            self._seen.discard(self._order.popleft())
        return False


def units(src: Source) -> Iterator[Unit]:
    recent = RecentIds()
    if json_layout(src) == "lines":
        for number, raw in iter_lines(src):
            msgid = raw_msgid(raw)
            if msgid is not None and recent.seen_before(msgid):
                src.skipped += 1
                continue
            yield number, raw
        return
    for at, record in _document_records(src):
        msgid = record.get("msgid") if type(record) is dict else None
        if type(msgid) is str and recent.seen_before(msgid):
            src.skipped += 1
            continue
        yield None, {"at": at, "record": record}


def _document_records(src: Source) -> Iterator[tuple[str, Any]]:
    doc = load_json(src)
    if isinstance(doc, dict):
        if "msgid" in doc:
            yield "$", doc
            return
        for key in _WRAPPER_KEYS:
            if isinstance(doc.get(key), list):
                for i, record in enumerate(doc[key]):
                    yield f"{key}[{i}]", record
                return
        raise InputError("JSON object holds no WeCom messages (no msgid, no message list)", src.file)
    if not isinstance(doc, list):
        raise InputError("expected a JSON array of WeCom messages", src.file)
    for i, record in enumerate(doc):
        yield f"[{i}]", record


def raw_msgid(line: str) -> str | None:
    """The `msgid` value of a raw JSON line by plain string search (no JSON parse)."""
    i = line.find('"msgid"')
    if i < 0:
        return None
    colon = line.find(":", i + 7)
    if colon < 0:
        return None
    start = colon + 1
    while start < len(line) and line[start] in " \t":
        start += 1
    if start >= len(line) or line[start] != '"':
        return None
    end = line.find('"', start + 1)
    return line[start + 1 : end] if end > start else None


def parse(file: str, line: int | None, unit: Any) -> Message | None:
    rec, where = record_of(file, line, unit)
    if rec.get("action") in _SKIPPED_ACTIONS:
        return None
    msgtype = rec.get("msgtype")
    extras: dict[str, Any] = {}
    if msgtype == "text":
        body = rec.get("text")
        text = body.get("content") if type(body) is dict else None
        if type(text) is not str:
            raise InputError(f"{where}text message without text.content", file, line)
        if is_jielong(text):
            extras["jielong_entries"] = jielong_entries(text)
    elif msgtype == "collect":
        text = _collect_text(rec.get("collect"), extras)
        if text is None:
            raise InputError(f"{where}collect message without a collect object", file, line)
    else:
        return None  # image, voice, revoke, file, ...: nothing to scan
    msgid = rec.get("msgid")
    if type(msgid) is not str or not msgid:
        raise InputError(f"{where}missing msgid", file, line)
    sent_at = epoch_field(rec, "msgtime", where, file, line)
    if not text.strip():
        return None
    sender = rec.get("from")
    if sender is not None and type(sender) is not str:
        sender = str(sender)
    role = "bot" if sender is not None and sender.startswith("wb") else None  # WeCom bot ids start "wb"
    tolist = rec.get("tolist")
    size = len(tolist) + 1 if type(tolist) is list else None
    room = rec.get("roomid")
    group = room if type(room) is str and room else None
    return Message(msgid, text, sent_at, sender, role, group, size, FORMAT, file, line, extras)


def _collect_text(collect: Any, extras: dict[str, Any]) -> str | None:
    """"【填表】<title>：问题1；问题2" and the questions as extras["form_fields"]."""
    if type(collect) is not dict:
        return None
    title = str(collect.get("title") or "").strip()
    fields: list[dict[str, Any]] = []
    details = collect.get("details")
    for item in details if type(details) is list else ():
        if type(item) is dict and item.get("ques"):
            fields.append({"id": item.get("id"), "ques": str(item["ques"]), "type": item.get("type")})
    extras["form_fields"] = fields
    if title:
        extras["form_title"] = title
    for key, name in (("creator", "form_creator"), ("create_time", "form_create_time"),
                      ("room_name", "group_name")):
        if collect.get(key):
            extras[name] = collect[key]
    questions = "；".join(f["ques"] for f in fields)
    return f"【填表】{title}：{questions}" if questions else f"【填表】{title}"
