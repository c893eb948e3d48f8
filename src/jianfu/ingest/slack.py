"""Slack workspace export: a ZIP or its unzipped directory.

Layout: `users.json`, `channels.json` (also `groups.json`, `mpims.json`, `dms.json` for private
exports) and one folder per conversation holding `YYYY-MM-DD.json` arrays. `ts` ("seconds.micro",
UTC) is the message id within a channel. `units()` resolves user ids to names (it has users.json;
workers do not) and trims each message to the fields `parse` needs, to keep batches small.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import orjson

from jianfu.errors import InputError
from jianfu.ingest.source import Broken, Source, Unit
from jianfu.ingest.streams import record_of
from jianfu.ingest.timeparse import from_decimal_epoch
from jianfu.records import Message

FORMAT = "slack"
SKIPPED_SUBTYPES = frozenset({
    "channel_join", "channel_leave", "group_join", "group_leave",
    "channel_archive", "channel_unarchive", "group_archive", "group_unarchive",
    "message_deleted", "tombstone",
})
_KEPT_FIELDS = ("subtype", "text", "ts", "thread_ts", "user", "bot_id")
_DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
_USER_MENTION = re.compile(r"<@([UWB][A-Z0-9]+)(?:\|[^<>]*)?>")
_ANGLE = re.compile(r"<([^<>]{1,2000})>")
_META_FILES = ("channels.json", "groups.json", "mpims.json", "dms.json")


class Container:
    """Read-only view of an export, ZIP or directory, by slash-separated member names."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        p = Path(path)
        try:
            if p.is_dir():
                self.root = p
                self.names = sorted(f.relative_to(p).as_posix() for f in p.rglob("*.json"))
            else:
                self._zip = zipfile.ZipFile(p)
                self.root = p
                self.names = sorted(n for n in self._zip.namelist() if n.endswith(".json"))
        except (OSError, zipfile.BadZipFile) as exc:
            raise InputError(f"cannot open Slack export: {exc}", path) from None
        # A re-zipped folder puts everything under one top directory: find where channels.json is.
        self.prefix = ""
        metas = [n for n in self.names if PurePosixPath(n).name in ("channels.json", "users.json")]
        if metas:
            self.prefix = min((str(PurePosixPath(n).parent) for n in metas), key=len)
            self.prefix = "" if self.prefix == "." else self.prefix + "/"

    def read(self, name: str) -> bytes:
        if self._zip is not None:
            return self._zip.read(name)
        return (self.root / name).read_bytes()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def units(src: Source) -> Iterator[Unit]:
    box = Container(src.file)
    try:
        users = _users(box, src.file)
        channels = _channels(box, src.file)
        for name in box.names:
            rel = name[len(box.prefix):] if name.startswith(box.prefix) else name
            parts = rel.split("/")
            if len(parts) != 2 or not _DAY_FILE.fullmatch(parts[1]):
                continue
            folder = parts[0]
            try:
                day = orjson.loads(box.read(name))
            except (orjson.JSONDecodeError, OSError, KeyError) as exc:
                yield None, Broken(f"{rel}: unreadable day file: {exc}")
                continue
            if not isinstance(day, list):
                yield None, Broken(f"{rel}: expected a JSON array of messages")
                continue
            meta = channels.get(folder, {})
            for i, msg in enumerate(day):
                yield None, _unit(f"{rel}[{i}]", folder, meta, msg, users)
    finally:
        box.close()


def _unit(at: str, folder: str, meta: dict[str, Any], msg: Any, users: dict[str, str]) -> dict[str, Any]:
    unit: dict[str, Any] = {"at": at, "channel": folder}
    if meta.get("id"):
        unit["channel_id"] = meta["id"]
    members = meta.get("members")
    if isinstance(members, list) and members:
        unit["group_size"] = len(members)
    if not isinstance(msg, dict):
        unit["record"] = msg
        return unit
    unit["record"] = {k: msg[k] for k in _KEPT_FIELDS if k in msg}
    unit["user_name"] = _sender_name(msg, users)
    text = msg.get("text")
    if isinstance(text, str) and "<@" in text:
        unit["mentions"] = {uid: users[uid] for uid in _USER_MENTION.findall(text) if uid in users}
    return unit


def _sender_name(msg: dict[str, Any], users: dict[str, str]) -> str | None:
    profile = msg.get("user_profile")
    if isinstance(profile, dict):
        name = profile.get("real_name") or profile.get("display_name")
        if name:
            return str(name)
    uid = msg.get("user")
    if uid in users:
        return users[uid]
    bot = msg.get("bot_profile")
    return msg.get("username") or (bot.get("name") if isinstance(bot, dict) else None) or uid


def _load_meta(box: Container, name: str, file: str) -> Any:
    full = box.prefix + name
    if full not in box.names:
        return None
    try:
        return orjson.loads(box.read(full))
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{name}: invalid JSON: {exc.msg}", file, exc.lineno) from None


def _users(box: Container, file: str) -> dict[str, str]:
    users: dict[str, str] = {}
    for user in _load_meta(box, "users.json", file) or ():
        if not isinstance(user, dict) or not user.get("id"):
            continue
        profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
        name = (user.get("real_name") or profile.get("real_name") or profile.get("display_name")
                or user.get("name") or user["id"])
        users[user["id"]] = str(name)
    return users


def _channels(box: Container, file: str) -> dict[str, dict[str, Any]]:
    """Conversation metadata by folder name (dms.json folders are named by id)."""
    found: dict[str, dict[str, Any]] = {}
    for meta_file in _META_FILES:
        for chan in _load_meta(box, meta_file, file) or ():
            if isinstance(chan, dict):
                folder = chan.get("name") or chan.get("id")
                if folder:
                    found[str(folder)] = chan
    return found


def parse(file: str, line: int | None, unit: Any) -> Message | None:
    rec, where = record_of(file, line, unit)
    subtype = rec.get("subtype")
    if subtype in SKIPPED_SUBTYPES:
        return None
    text = rec.get("text")
    ts = rec.get("ts")
    if type(ts) is not str:
        raise InputError(f"{where}missing ts", file, line)
    try:
        sent_at = from_decimal_epoch(ts)
    except ValueError as exc:
        raise InputError(f"{where}bad ts: {exc}", file, line) from None
    if type(text) is not str or not text.strip():
        return None  # file shares, attachments-only posts
    if "<" in text or "&" in text:
        text = _plain(text, unit.get("mentions") or {})
    channel = unit["channel"]
    extras: dict[str, Any] = {}
    if unit.get("channel_id"):
        extras["channel_id"] = unit["channel_id"]
    thread = rec.get("thread_ts")
    if thread and thread != ts:
        extras["thread_ts"] = thread
    role = "bot" if subtype == "bot_message" or rec.get("bot_id") else None
    return Message(f"{channel}:{ts}", text, sent_at, unit.get("user_name"), role, channel,
                   unit.get("group_size"), FORMAT, file, line, extras)


def _plain(text: str, mentions: dict[str, str]) -> str:
    """Slack markup → what the client shows: <@U1> → @name, <url|label> → label, &lt; → <."""

    def render(m: re.Match[str]) -> str:
        inner = m.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (mentions.get(target[1:]) or label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        return label or target

    text = _ANGLE.sub(render, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
