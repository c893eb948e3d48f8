"""Tell an export's format from its extension and first bytes (never from its name alone).

JSON is recognised by the keys in the first 64 KB (a regex over the sample, so a document cut
mid-way still counts), CSV by its header, pasted text by a message header line.
"""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

from jianfu.errors import InputError
from jianfu.ingest.encoding import SAMPLE_BYTES, detect_bytes_encoding
from jianfu.ingest.paste import looks_like_paste

_JSON_KEY = re.compile(r'"([A-Za-z_][A-Za-z0-9_]{0,40})"\s*:')
_SLACK_MARKERS = ("channels.json", "users.json")
_PASTE_LINES = 30


def sniff_format(path: str | Path) -> str:
    """The format name (one of jianfu.ingest.FORMATS) of the export at `path`."""
    p = Path(path)
    if p.is_dir():
        if any((p / marker).is_file() for marker in _SLACK_MARKERS) or any(p.glob("*/channels.json")):
            return "slack"
        raise InputError("directory is not a Slack export (no channels.json or users.json)", str(path))
    try:
        with open(p, "rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
            truncated = fh.read(1) != b""
        gzipped = sample.startswith(b"\x1f\x8b")
        if gzipped:  # the readers open gzip directly, so sniff what is inside
            import gzip

            with gzip.open(p, "rb") as fh:
                sample = fh.read(SAMPLE_BYTES)
                truncated = fh.read(1) != b""
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read file: {getattr(exc, 'strerror', None) or exc}", str(path)) from None
    if sample.startswith(b"PK\x03\x04"):
        return _sniff_zip(p)
    text = sample.decode(detect_bytes_encoding(sample, truncated), errors="replace").lstrip("\ufeff")
    head = text.lstrip()
    suffix = (Path(p.stem) if gzipped else p).suffix.lower()
    found = None
    if head.startswith(("{", "[")):
        found = _sniff_json(text)
    if found is None and (suffix == ".csv" or "," in head.split("\n", 1)[0]):
        found = _sniff_csv(head)
    if found is None and looks_like_paste(head.splitlines()[:_PASTE_LINES]):
        found = "paste"
    if found is None:
        raise InputError("cannot tell the export format; name it with --format "
                         "(generic, generic-csv, wecom, wechatmsg, chatlog, chatlog-csv, feishu, slack, "
                         "telegram, paste)", str(path))
    return found


def _sniff_zip(p: Path) -> str:
    try:
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile as exc:
        raise InputError(f"unreadable ZIP file: {exc}", str(p)) from None
    if any(Path(n).name == "channels.json" for n in names):
        return "slack"
    raise InputError("ZIP file is not a Slack export (no channels.json)", str(p))


def _sniff_json(text: str) -> str | None:
    keys = set(_JSON_KEY.findall(text))
    if {"id", "text", "sent_at"} <= keys:
        return "generic"  # first: no other export has a sent_at key, and extra fields are allowed
    if "msgtime" in keys and "msgtype" in keys:
        return "wecom"
    if "talker" in keys and keys & {"talkerName", "senderName", "isChatRoom"}:
        return "chatlog"
    if "create_time" in keys and "body" in keys:
        return "feishu"
    if keys & {"date_unixtime", "personal_information"} or ("messages" in keys and "chats" in keys):
        return "telegram"
    if "messages" in keys and "date" in keys and "from_id" in keys:
        return "telegram"  # an old single-chat export without date_unixtime
    return None


def _sniff_csv(text: str) -> str | None:
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        header = {name.strip() for name in next(csv.reader([first]))}
    except (csv.Error, StopIteration):
        return None
    if "StrContent" in header:
        return "wechatmsg"
    if "TalkerName" in header or {"Talker", "Content"} <= header:
        return "chatlog-csv"
    if {"id", "text", "sent_at"} <= header:
        return "generic-csv"
    return None
