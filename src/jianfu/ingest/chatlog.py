"""sjzar/chatlog: JSON messages (API array, a wrapper object, webhook JSONL) and its CSV export.

JSON fields: seq, time (RFC 3339 with offset), talker, talkerName, isChatRoom, sender, senderName,
isSelf, type, subType, content, contents. CSV header:
Time,Talker,TalkerName,Sender,SenderName,IsSelf,Type,TypeDesc,Content (Time local, no zone).
System messages (sender "系统消息") and non-text types are skipped; a type-49 群接龙 is kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

from jianfu.errors import InputError
from jianfu.ingest.jielong import is_jielong, jielong_entries
from jianfu.ingest.source import CsvRow, Source, Unit
from jianfu.ingest.streams import csv_index, iter_csv, iter_lines, json_layout, load_json, record_of
from jianfu.ingest.timeparse import from_epoch, parse_time
from jianfu.records import Message

FORMAT = "chatlog"
CSV_FORMAT = "chatlog-csv"
SYSTEM_SENDER = "系统消息"
SELF_NAME = "我"
CSV_COLUMNS = ("Time", "Talker", "TalkerName", "Sender", "SenderName", "IsSelf", "Type", "TypeDesc", "Content")
_WRAPPER_KEYS = ("items", "messages", "data", "list", "chatlog", "results")
_TRUE = frozenset({"1", "true", "True", "TRUE"})


def json_units(src: Source) -> Iterator[Unit]:
    if json_layout(src) == "lines":
        yield from iter_lines(src)
        return
    for at, record in _records(load_json(src), src.file):
        yield None, {"at": at, "record": record}


def _records(doc: Any, file: str, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(doc, list):
        for i, record in enumerate(doc):
            yield f"{prefix}[{i}]", record
        return
    if isinstance(doc, dict):
        if "content" in doc or "seq" in doc:
            yield prefix or "$", doc  # one message (a webhook body)
            return
        for key in (*_WRAPPER_KEYS, *doc):
            value = doc.get(key)
            if isinstance(value, list) or (isinstance(value, dict) and not prefix):
                yield from _records(value, file, f"{prefix}.{key}" if prefix else key)
                return
    raise InputError("JSON document holds no chatlog messages", file)


def csv_units(src: Source) -> Iterator[Unit]:
    return iter_csv(src, ("Time", "Type", "Content"))


def parse_json(file: str, line: int | None, unit: Any) -> Message | None:
    rec, where = record_of(file, line, unit)
    sender_id = _text(rec.get("sender"))
    sender_name = _text(rec.get("senderName"))
    if SYSTEM_SENDER in (sender_id, sender_name):
        return None
    content = rec.get("content")
    extras: dict[str, Any] = {}
    if not _keep(rec.get("type"), content, extras):
        return None
    if type(content) is not str:
        raise InputError(f"{where}text message without content", file, line)
    seq = rec.get("seq")
    sent_at = _json_time(rec.get("time"), seq, extras)
    if sent_at is None:
        raise InputError(f"{where}bad time: {rec.get('time')!r}", file, line)
    if not content.strip():
        return None
    talker = _text(rec.get("talker"))
    if seq is not None:
        mid = f"{talker}:{seq}" if talker else str(seq)
    else:
        mid = f"{talker or 'chatlog'}:{line if line is not None else unit['at']}"
    is_self = rec.get("isSelf") is True
    return _message(mid, content, sent_at, sender_id, sender_name, is_self, talker,
                    _text(rec.get("talkerName")), FORMAT, file, line, extras)


@lru_cache(maxsize=64)
def _index(header: tuple[str, ...]) -> dict[str, int]:
    return csv_index(header)


def parse_csv(file: str, line: int | None, unit: CsvRow) -> Message | None:
    header, values = unit
    if len(values) != len(header):
        raise InputError(f"expected {len(header)} fields, found {len(values)}", file, line)
    index = _index(header)

    def cell(name: str) -> str:
        i = index.get(name)
        return values[i] if i is not None else ""

    sender_id = cell("Sender").strip()
    sender_name = cell("SenderName").strip()
    if SYSTEM_SENDER in (sender_id, sender_name):
        return None
    content = cell("Content")
    extras: dict[str, Any] = {}
    if not _keep(cell("Type").strip(), content, extras):
        return None
    stamp = cell("Time").strip()
    try:
        sent_at, assumed = parse_time(stamp)
    except ValueError:
        raise InputError(f"bad Time: {stamp!r}", file, line) from None
    if assumed:
        extras["time_assumed_zone"] = True
    if not content.strip():
        return None
    talker = cell("Talker").strip()
    mid = f"{talker}:{line}" if talker else f"line-{line}"  # the CSV export has no seq
    is_self = cell("IsSelf").strip() in _TRUE
    return _message(mid, content, sent_at, sender_id, sender_name, is_self, talker,
                    cell("TalkerName").strip(), CSV_FORMAT, file, line, extras)


def _keep(kind: Any, content: Any, extras: dict[str, Any]) -> bool:
    """Type 1 is text; type 49 only when it is a 群接龙 (its entries go to extras)."""
    if kind == 1 or kind == "1":
        return True
    if (kind == 49 or kind == "49") and type(content) is str and is_jielong(content):
        extras["jielong_entries"] = jielong_entries(content)
        return True
    return False


def _json_time(stamp: Any, seq: Any, extras: dict[str, Any]) -> datetime | None:
    """`time` (RFC 3339) first; `seq` = epoch seconds * 1000 + a counter as the fallback."""
    if stamp:
        try:
            sent_at, assumed = parse_time(stamp)
        except ValueError:
            return None
        if assumed:
            extras["time_assumed_zone"] = True
        return sent_at
    if type(seq) is int and seq > 0:
        try:
            return from_epoch(seq // 1000)
        except ValueError:
            return None
    return None


def _message(mid: str, text: str, sent_at: datetime, sender_id: str, sender_name: str, is_self: bool,
             talker: str, talker_name: str, source: str, file: str, line: int | None,
             extras: dict[str, Any]) -> Message:
    sender = sender_name or (SELF_NAME if is_self else sender_id or None)
    if is_self:
        extras["is_self"] = True
    if sender_id and sender_id != sender:
        extras["sender_id"] = sender_id
    if talker and talker_name:
        extras["group_id"] = talker
    return Message(mid, text, sent_at, sender, None, talker_name or talker or None, None, source, file, line,
                   extras)


def _text(value: Any) -> str:
    return value.strip() if type(value) is str else "" if value is None else str(value)
