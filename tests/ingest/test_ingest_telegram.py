"""Telegram Desktop result.json: full export (chats.list) and a single chat."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jianfu.ingest import sniff_format
from jianfu.ingest.telegram import flatten_text

from .support import SAMPLES, read_all

SH = ZoneInfo("Asia/Shanghai")
SAMPLE = SAMPLES / "telegram/result.json"


def test_full_export() -> None:
    messages, problems = read_all(SAMPLE)
    assert [(m.group, m.sender, m.text) for m in messages] == [
        ("XX镇网格员工作群", "王科长", "请各位今晚九点前在群里接龙打卡"),
        ("XX镇网格员工作群", "李网格员", "收到"),
        ("XX镇网格员工作群", "王科长", "所有人十分钟内回复收到"),
        ("XX镇网格员工作群", "王科长", "@liwangge 把入户照片截图发群里留痕&nbsp;，每户至少３张🙏"),
        ("XX镇网格员工作群", "县督查室", "排名倒數前三的鎮街寫檢討"),
        ("XX镇网格员工作群", "李网格员", "防汛值班请按时到岗签到，今晚我值班"),
        ("王科长", "王科长", "这个表上周报过了还要再报一遍，明早交"),
        ("王科长", "李网格员", "好的"),
        ("王科长", "王科长", "算了，以后不再要求截图打卡了"),
    ]
    first = messages[0]
    assert first.id == "1987654321:2"
    assert first.sent_at == datetime(2024, 6, 10, 15, 0, tzinfo=SH)  # date_unixtime "1718002800"
    assert "time_assumed_zone" not in first.extras
    assert first.extras == {"chat_id": 1987654321, "chat_type": "private_supergroup", "sender_id": "user5012345678"}
    local_only = messages[2]  # no date_unixtime: `date` read as Shanghai local time
    assert local_only.sent_at == datetime(2024, 6, 10, 15, 30, tzinfo=SH)
    assert local_only.extras["time_assumed_zone"] is True
    assert messages[6].id == "5012345678:101" and messages[6].extras["chat_type"] == "personal_chat"
    assert [(p.line, p.reason) for p in problems] == [
        (None, "chats.list[0].messages[5]: bad date: date_unixtime=None, date='not-a-date'")
    ]


def test_single_chat_export(tmp_path: Path) -> None:
    export = json.loads(SAMPLE.read_text(encoding="utf-8"))
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export["chats"]["list"][1], ensure_ascii=False, indent=1), encoding="utf-8")
    assert sniff_format(path) == "telegram"
    messages, problems = read_all(path)
    assert problems == []
    assert [m.text for m in messages] == [
        "这个表上周报过了还要再报一遍，明早交", "好的", "算了，以后不再要求截图打卡了"]
    assert messages[0].sent_at == datetime(2024, 6, 11, 20, 0, tzinfo=SH)


def test_flatten_text() -> None:
    assert flatten_text("收到") == "收到"
    assert flatten_text(["请", {"type": "bold", "text": "今晚"}, {"type": "link", "text": "https://x"}, 5]) == (
        "请今晚https://x")
    assert flatten_text(None) == ""
