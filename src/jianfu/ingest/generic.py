"""The contract's generic message format (contracts.md §1): JSONL and CSV with the same columns.

`parse_jsonl` is the benchmark's hot path (a million calls): one `orjson.loads`, `dict.pop` of the
known fields, and the remaining dict *is* `extras` (unknown fields such as `labels` survive for
evaluation without a copy).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from jianfu.errors import InputError
from jianfu.ingest.source import CsvRow, Source, Unit
from jianfu.ingest.streams import csv_index, iter_csv, iter_lines
from jianfu.ingest.timeparse import parse_time
from jianfu.records import Message

FORMAT = "generic"
CSV_FORMAT = "generic-csv"
REQUIRED = ("id", "text", "sent_at")

_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError


def jsonl_units(src: Source) -> Iterator[Unit]:
    return iter_lines(src)


def csv_units(src: Source) -> Iterator[Unit]:
    return iter_csv(src, REQUIRED)


def parse_jsonl(file: str, line: int | None, unit: str) -> Message | None:
    try:
        obj = _loads(unit)
    except _JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file, line) from None
    if type(obj) is not dict:
        raise InputError(f"expected a JSON object, found {type(obj).__name__}", file, line)
    return _message(obj, file, line, FORMAT)


def parse_csv(file: str, line: int | None, unit: CsvRow) -> Message | None:
    header, values = unit
    if len(values) != len(header):
        raise InputError(f"expected {len(header)} fields, found {len(values)}", file, line)
    index = csv_index(header)
    obj: dict[str, Any] = {}
    for name, i in index.items():
        value = values[i]
        if value == "" and name not in REQUIRED:
            continue  # an empty optional cell means absent, as a missing JSON key would
        obj[name] = value
    labels = obj.get("labels")
    if labels is not None:
        obj["labels"] = _split_labels(labels)
    return _message(obj, file, line, CSV_FORMAT)


def _message(obj: dict[str, Any], file: str, line: int | None, source: str) -> Message | None:
    pop = obj.pop
    mid = pop("id", None)
    text = pop("text", None)
    sent = pop("sent_at", None)
    if type(mid) is not str:
        if type(mid) is int:
            mid = str(mid)
        else:
            raise InputError("missing id" if mid is None or mid == "" else f"id must be a string, not {mid!r}",
                             file, line)
    elif not mid:
        raise InputError("missing id", file, line)
    if type(text) is not str:
        raise InputError("missing text" if text is None else f"text must be a string, not {text!r}", file, line)
    if sent is None or sent == "":
        raise InputError("missing sent_at", file, line)
    try:
        sent_at, assumed = parse_time(sent)
    except ValueError as exc:
        raise InputError(f"bad sent_at: {exc}", file, line) from None
    if not text or text.isspace():
        return None  # a record with no text carries nothing to scan: skipped, not an error
    sender = pop("sender", None)
    role = pop("sender_role", None)
    group = pop("group", None)
    size = pop("group_size", None)
    if sender is not None and type(sender) is not str:
        sender = str(sender)
    if role is not None and type(role) is not str:
        role = str(role)
    if group is not None and type(group) is not str:
        group = str(group)
    if size is not None and type(size) is not int:
        size = _group_size(size, file, line)
    if assumed:
        obj["time_assumed_zone"] = True
    return Message(mid, text, sent_at, sender, role, group, size, source, file, line, obj)


def _group_size(value: Any, file: str, line: int | None) -> int | None:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if value.isdigit():
            return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise InputError(f"group_size must be a whole number, not {value!r}", file, line)


def _split_labels(value: str) -> list[str]:
    """CSV cells hold a label list as JSON (`["A","B"]`) or separated by `;` `,` `|` `、`."""
    value = value.strip()
    if value.startswith("["):
        try:
            parsed = orjson.loads(value)
        except orjson.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return [str(item) for item in parsed]
    for sep in (",", "|", "、"):
        value = value.replace(sep, ";")
    return [part.strip() for part in value.split(";") if part.strip()]
