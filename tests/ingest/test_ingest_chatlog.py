"""sjzar/chatlog: JSON array, wrapper object, webhook JSONL, and the CSV export."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jianfu.ingest import open_source, sniff_format

from .support import SAMPLES, read_all

SH = ZoneInfo("Asia/Shanghai")
JSON_SAMPLE = SAMPLES / "chatlog/chatlog.json"
CSV_SAMPLE = SAMPLES / "chatlog/chatlog.csv"
ROOM = "27136547890@chatroom"


def test_json_sample() -> None:
    messages, problems = read_all(JSON_SAMPLE)
    assert [m.text for m in messages] == [
        "所有人十分钟内回复收到",
        "收到",
        "把入户照片截图发群里留痕@@每户至少３张[抱拳]",
        "#接龙\n6月10日入户走访打卡\n1. 李网格员 已完成\n2. 周师傅 已完成",
        "關注公眾號並轉發朋友圈截圖，今晚九點統計",
        "防汛值班请按时到岗签到",
        "以后不再要求截图打卡，这个表上周报过了就不用再报一遍",
        "下载注册率要达到100%，排名倒数前三的镇街写检讨",
    ]
    first = messages[0]
    assert first.id == f"{ROOM}:1718002800000"
    assert (first.sender, first.group, first.source) == ("王科长", "XX镇网格员工作群", "chatlog")
    assert first.sent_at == datetime(2024, 6, 10, 15, 0, tzinfo=SH)
    assert first.extras == {"sender_id": "wxid_abc123", "group_id": ROOM}
    assert messages[1].sender == "我" and messages[1].extras["is_self"] is True
    assert messages[3].extras["jielong_entries"] == [{"n": 1, "text": "李网格员 已完成"},
                                                    {"n": 2, "text": "周师傅 已完成"}]
    # No `time`: seq (epoch ms * 1000 + counter) gives the second.
    assert messages[4].sent_at == datetime(2024, 6, 10, 16, 0, tzinfo=SH)
    assert messages[5].sent_at == datetime(2024, 6, 11, 10, 0, tzinfo=SH)  # "...T02:00:00Z"
    assert [(p.line, p.reason) for p in problems] == [(None, "[8]: bad time: '2024-06-10 25:61:00'")]


def test_csv_sample() -> None:
    messages, problems = read_all(CSV_SAMPLE)
    assert [(m.line, m.sender, m.text) for m in messages] == [
        (2, "王科长", "请各位今晚九点前在群里接龙打卡"),
        (4, "我", "收到"),
        (6, "王科长", "这个表上周报过了还要再报一遍,今天下班前交"),
        (9, "周师傅", "防汛值班请按时到岗签到"),
        (10, "王科长", "今晚每人交一篇心得体会\n明早八点前发群里"),
    ]
    assert messages[0].sent_at == datetime(2024, 6, 12, 8, 30, tzinfo=SH)
    assert all(m.extras["time_assumed_zone"] is True for m in messages)
    assert all(m.group == "XX镇网格员工作群" and m.source == "chatlog-csv" for m in messages)
    assert messages[1].extras["is_self"] is True
    assert [(p.line, p.reason) for p in problems] == [(7, "expected 9 fields, found 8"),
                                                      (8, "bad Time: '2024-06-12 9点半'")]


def _records() -> list[dict[str, object]]:
    return json.loads(JSON_SAMPLE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("wrapper", ["items", "data"])
def test_wrapped_json_object(tmp_path: Path, wrapper: str) -> None:
    path = tmp_path / "chatlog.json"
    path.write_text(json.dumps({"total": 12, wrapper: _records()}, ensure_ascii=False, indent=2), encoding="utf-8")
    assert sniff_format(path) == "chatlog"
    messages, problems = read_all(path)
    assert len(messages) == 8
    assert problems[0].reason == f"{wrapper}[8]: bad time: '2024-06-10 25:61:00'"


def test_nested_wrapper(tmp_path: Path) -> None:
    path = tmp_path / "chatlog.json"
    path.write_text(json.dumps({"code": 0, "data": {"items": _records()}}, ensure_ascii=False), encoding="utf-8")
    assert len(read_all(path, "chatlog")[0]) == 8


def test_webhook_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "webhook.json"  # JSONL even without the .jsonl suffix
    lines = [json.dumps(r, ensure_ascii=False) for r in _records()]
    lines.insert(3, '{"seq": 1, "content": "broken')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    source = open_source(path)
    assert source.format == "chatlog"
    assert all(isinstance(unit, str) for _, unit in source.units())
    messages, problems = read_all(path)
    assert len(messages) == 8
    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [(4, "invalid JSON"), (10, "bad time")]
    assert messages[0].line == 1


def test_single_webhook_body(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(_records()[0], ensure_ascii=False), encoding="utf-8")
    [message] = read_all(path, "chatlog")[0]
    assert message.text == "所有人十分钟内回复收到"
