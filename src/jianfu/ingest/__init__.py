"""Read chat exports into `jianfu.records.Message` records.

Two steps, so the scanner can parallelise the second: `open_source(path).units()` cuts a file
into raw units cheaply in the main process (streaming, bounded memory), and `parse_unit()` — pure,
no I/O — turns one unit into a Message in a worker. `read_messages()` chains both for callers that
do not need that split. Per principle 9, a bad record becomes an `InputProblem` naming file and
line; it never stops the rest of the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from jianfu.errors import InputError, UsageError
from jianfu.ingest import chatlog, feishu, generic, paste, slack, telegram, wechatmsg, wecom
from jianfu.ingest.encoding import detect_encoding
from jianfu.ingest.sniff import sniff_format
from jianfu.ingest.source import Broken, Source, Unit
from jianfu.records import InputProblem, Message

__all__ = ["FORMATS", "Source", "open_source", "parse_unit", "read_messages", "sniff_format"]


class _Format(NamedTuple):
    units: Callable[[Source], Iterator[Unit]]
    parse: Callable[[str, int | None, Any], Message | None]
    has_encoding: bool = True  # False for containers (Slack ZIP/directory)


_REGISTRY: dict[str, _Format] = {
    "generic": _Format(generic.jsonl_units, generic.parse_jsonl),
    "generic-csv": _Format(generic.csv_units, generic.parse_csv),
    "wecom": _Format(wecom.units, wecom.parse),
    "wechatmsg": _Format(wechatmsg.units, wechatmsg.parse),
    "chatlog": _Format(chatlog.json_units, chatlog.parse_json),
    "chatlog-csv": _Format(chatlog.csv_units, chatlog.parse_csv),
    "feishu": _Format(feishu.units, feishu.parse),
    "slack": _Format(slack.units, slack.parse, has_encoding=False),
    "telegram": _Format(telegram.units, telegram.parse),
    "paste": _Format(paste.units, paste.parse),
}
_PARSERS = {name: fmt.parse for name, fmt in _REGISTRY.items()}

FORMATS: tuple[str, ...] = tuple(_REGISTRY)

# Unexpected shapes inside a record (a list where a dict was due, ...) that slipped past the
# parsers' own checks: recorded as that record's problem rather than crashing the batch.
_RECORD_FAULTS = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def open_source(path: str | os.PathLike[str], fmt: str | None = None) -> Source:
    """Sniff (unless `fmt` names the format) and detect the encoding; nothing is parsed yet."""
    file = os.fspath(path)
    if fmt is None:
        fmt = sniff_format(file)
    elif fmt not in _REGISTRY:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    spec = _REGISTRY[fmt]
    if not os.path.exists(file):
        raise InputError("no such file or directory", file)
    encoding = detect_encoding(file) if spec.has_encoding and not os.path.isdir(file) else None
    return Source(file=file, format=fmt, encoding=encoding, reader=spec.units)


def parse_unit(fmt: str, file: str, line: int | None, unit: Any) -> Message | None:
    """One raw unit → Message; None if it carries no text; InputError(reason, file, line) if malformed."""
    if type(unit) is Broken:
        raise InputError(unit.reason, file, line)
    try:
        parse = _PARSERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}") from None
    try:
        return parse(file, line, unit)
    except _RECORD_FAULTS as exc:
        raise InputError(f"malformed record ({type(exc).__name__}: {exc})", file, line) from exc


def read_messages(path: str | os.PathLike[str], fmt: str | None = None,
                  strict: bool = False) -> Iterator[Message | InputProblem]:
    """Messages and problems of one file in order; `strict=True` raises the first problem instead."""
    file = os.fspath(path)
    try:
        source = open_source(file, fmt)
        units = source.units()
        for line, unit in units:
            try:
                message = parse_unit(source.format, source.file, line, unit)
            except InputError as exc:
                if strict:
                    raise
                yield InputProblem(exc.file or file, exc.line, exc.message)
                continue
            if message is not None:
                yield message
    except InputError as exc:
        # A file-level problem (unreadable, unknown format, invalid JSON document): the file's row.
        if strict:
            raise
        yield InputProblem(exc.file or file, exc.line, exc.message)
