"""Cutting files into units: JSON lines, CSV rows, whole JSON documents.

Shared by the format modules; each helper streams (bounded memory) except `load_json`, which is
only used for formats that are one JSON document by nature (Feishu pages, Telegram result.json).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from jianfu.errors import InputError
from jianfu.ingest.encoding import open_text
from jianfu.ingest.source import Broken, CsvRow, Source, Unit

_LINE_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")


def iter_lines(src: Source) -> Iterator[Unit]:
    """Non-blank lines as raw strings (newline kept: JSON parsers ignore it), numbered from 1."""
    with open_text(src.file, src.encoding or "utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            if raw.isspace():
                continue
            yield number, raw


def iter_csv(src: Source, required: Iterable[str] = ()) -> Iterator[Unit]:
    """CSV records as `CsvRow`s numbered by the line they start on; header checked for `required`."""
    with open_text(src.file, src.encoding or "utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header: tuple[str, ...] | None = None
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, Broken(f"unreadable CSV record: {exc}")
                if reader.line_num < start:
                    return  # the reader consumed nothing: stop rather than spin
                continue
            if not values or not any(values):
                continue  # blank line or a row of empty cells (Excel pads those)
            if header is None:
                header = tuple(name.strip().lstrip("\ufeff") for name in values)
                missing = [name for name in required if name not in header]
                if missing:
                    raise InputError(f"CSV header lacks column(s): {', '.join(missing)}", src.file, start)
                continue
            yield start, CsvRow(header, values)


def json_layout(src: Source) -> str:
    """"lines" for JSONL, "document" for one JSON value (array, wrapper object, pretty-printed)."""
    if Path(src.file).suffix.lower() in _LINE_SUFFIXES:
        return "lines"
    with open_text(src.file, src.encoding or "utf-8") as fh:
        first = fh.read(1)
        while first.isspace():
            first = fh.read(1)
        if first != "{":
            return "document"  # an array (read no further: it may be one huge minified line), or empty
        if not fh.readline().strip():
            return "document"  # "{" alone on its line: an object spread over lines
        # A one-line object: JSONL if more follows (even if this first line is broken), else a
        # single object (a webhook body, a wrapper).
        return "lines" if any(not raw.isspace() for raw in fh) else "document"


def load_json(src: Source) -> Any:
    """The whole file as one JSON value; invalid JSON is an InputError at the reported line."""
    with open_text(src.file, src.encoding or "utf-8") as fh:
        text = fh.read()
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", src.file, exc.lineno) from None


def loads_line(file: str, line: int | None, unit: str) -> dict[str, Any]:
    """One JSONL line → dict, or InputError("invalid JSON: ...") naming file and line."""
    try:
        obj = orjson.loads(unit)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file, line) from None
    if type(obj) is not dict:
        raise InputError(f"expected a JSON object, found {type(obj).__name__}", file, line)
    return obj


def csv_index(header: tuple[str, ...]) -> dict[str, int]:
    """Column name → position (first occurrence wins)."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name, i)
    return index


def record_of(file: str, line: int | None, unit: Any) -> tuple[dict[str, Any], str]:
    """The JSON object behind a unit (a JSONL line, or a record cut from a document) and where it sits."""
    if type(unit) is str:
        return loads_line(file, line, unit), ""
    rec = unit["record"]
    where = f"{unit['at']}: "
    if type(rec) is not dict:
        raise InputError(f"{where}expected a JSON object", file, line)
    return rec, where
