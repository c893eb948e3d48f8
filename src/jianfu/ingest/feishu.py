"""Feishu / Lark `GET /open-apis/im/v1/messages` responses.

Accepted: one page `{"code":0,"data":{"items":[...]}}`, a list of such pages, or a bare items list.
`body.content` is itself a JSON string: `{"text": "..."}` for text, a rich-text tree for `post`.
Recalled messages (`deleted: true`) and non-text types are skipped; `@_user_1` mention keys become
`@name`, and `@_all` becomes `@所有人`, as the client shows them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from jianfu.errors import InputError
from jianfu.ingest.source import Broken, Source, Unit
from jianfu.ingest.streams import load_json, record_of
from jianfu.ingest.timeparse import epoch_field
from jianfu.records import Message

FORMAT = "feishu"
ALL_MENTION = ("@_all", "@所有人")
_TEXT_TAGS = frozenset({"text", "a", "code_block", "md"})


def units(src: Source) -> Iterator[Unit]:
    doc = load_json(src)
    pages: list[Any]
    if isinstance(doc, dict):
        pages = [doc]
    elif isinstance(doc, list) and doc and all(isinstance(p, dict) and "data" in p for p in doc):
        pages = doc
    elif isinstance(doc, list):
        for i, item in enumerate(doc):  # a bare items list
            yield None, {"at": f"[{i}]", "record": item}
        return
    else:
        raise InputError("expected a Feishu messages response (object or list)", src.file)
    for p, page in enumerate(pages):
        at = f"pages[{p}]" if len(pages) > 1 else "$"
        code = page.get("code", 0) if isinstance(page, dict) else None
        if code != 0:
            # An error page (e.g. 230002 bot not in chat) is a problem to report, not a crash.
            msg = page.get("msg", "") if isinstance(page, dict) else ""
            yield None, Broken(f"{at}: Feishu API error {code}: {msg}")
            continue
        data = page.get("data")
        items = data.get("items") if isinstance(data, dict) else None
        if items is None:
            items = page.get("items")
        if not isinstance(items, list):
            if isinstance(data, dict) and "items" not in data and not data.get("has_more", True):
                continue  # an empty last page
            yield None, Broken(f"{at}: no data.items list")
            continue
        prefix = "data.items" if at == "$" else f"{at}.data.items"
        for i, item in enumerate(items):
            yield None, {"at": f"{prefix}[{i}]", "record": item}


def parse(file: str, line: int | None, unit: Any) -> Message | None:
    rec, where = record_of(file, line, unit)
    if rec.get("deleted") is True:
        return None  # recalled; the API returns a fixed placeholder text
    msg_type = rec.get("msg_type")
    if msg_type not in ("text", "post"):
        return None  # image, file, interactive card, system, merge_forward ...
    mid = rec.get("message_id")
    if type(mid) is not str or not mid:
        raise InputError(f"{where}missing message_id", file, line)
    sent_at = epoch_field(rec, "create_time", where, file, line)
    body = rec.get("body")
    raw = body.get("content") if type(body) is dict else None
    if type(raw) is not str:
        raise InputError(f"{where}missing body.content", file, line)
    try:
        content = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{where}body.content is not valid JSON: {exc.msg}", file, line) from None
    if type(content) is not dict:
        raise InputError(f"{where}body.content is not a JSON object", file, line)
    text = _text(content) if msg_type == "text" else flatten_post(content)
    text = _resolve_mentions(text, rec.get("mentions"))
    if not text.strip():
        return None
    sender_obj = rec.get("sender")
    sender = None
    role = None
    extras: dict[str, Any] = {}
    if type(sender_obj) is dict:
        sender = sender_obj.get("id") or None
        if sender_obj.get("sender_type") == "app":
            role = "bot"
    for key in ("parent_id", "root_id", "thread_id"):
        if rec.get(key):
            extras[key] = rec[key]
    chat = rec.get("chat_id")
    return Message(mid, text, sent_at, sender, role, chat or None, None, FORMAT, file, line, extras)


def _text(content: dict[str, Any]) -> str:
    text = content.get("text")
    return text if type(text) is str else ""


def flatten_post(content: dict[str, Any]) -> str:
    """Rich text → plain text: title, then one line per paragraph; images and rules dropped."""
    if "content" not in content:
        # Sent (not fetched) posts are wrapped per locale: {"zh_cn": {"title":..., "content":[...]}}.
        for value in content.values():
            if isinstance(value, dict) and "content" in value:
                content = value
                break
    lines: list[str] = []
    title = content.get("title")
    if isinstance(title, str) and title.strip():
        lines.append(title.strip())
    paragraphs = content.get("content")
    for paragraph in paragraphs if isinstance(paragraphs, list) else ():
        parts: list[str] = []
        for node in paragraph if isinstance(paragraph, list) else ():
            if not isinstance(node, dict):
                continue
            tag = node.get("tag")
            if tag in _TEXT_TAGS:
                parts.append(str(node.get("text", "")))
            elif tag == "at":
                name = node.get("user_name") or node.get("user_id") or ""
                parts.append("@所有人" if node.get("user_id") == "all" else f"@{name}")
            elif tag == "emotion":
                parts.append(f"[{node.get('emoji_type', '')}]")
        line = "".join(parts)
        if line.strip():
            lines.append(line)  # a paragraph holding only an image adds no text
    return "\n".join(lines)


def _resolve_mentions(text: str, mentions: Any) -> str:
    if "@_" not in text:
        return text
    if isinstance(mentions, list):
        keyed = [m for m in mentions if isinstance(m, dict) and m.get("key") and m.get("name")]
        # Longest key first, so "@_user_1" does not eat the start of "@_user_10".
        for m in sorted(keyed, key=lambda m: len(m["key"]), reverse=True):
            text = text.replace(m["key"], f"@{m['name']}")
    return text.replace(*ALL_MENTION)
