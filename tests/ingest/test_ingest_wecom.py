"""WeCom 会话内容存档: text, 填表 (collect), 接龙, skipped types, msgid dedup, JSONL and arrays."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jianfu.errors import InputError
from jianfu.ingest import open_source, parse_unit
from jianfu.ingest.wecom import RecentIds, raw_msgid

from .support import SAMPLES, read_all

SH = ZoneInfo("Asia/Shanghai")
JSONL = SAMPLES / "wecom/archive.jsonl"
ARRAY = SAMPLES / "wecom/archive.json"
ROOM = "wrOgQhDgAAcwMTB7YmDkbeBsgT_AAAAA"


def _counts(path: Path) -> tuple[int, int, int, int]:
    """(messages, skipped by parse_unit, skipped inside units(), problems)."""
    source = open_source(path)
    messages = skipped = problems = 0
    for line, unit in source.units():
        try:
            msg = parse_unit(source.format, source.file, line, unit)
        except InputError:
            problems += 1
            continue
        if msg is None:
            skipped += 1
        else:
            messages += 1
    return messages, skipped, source.skipped, problems


def test_jsonl_sample() -> None:
    messages, problems = read_all(JSONL)
    assert len(messages) == 8
    first = messages[0]
    assert first.id == "CAQQluDa4QUY0On2rYSAgAMgzPrShAE="
    assert first.text == "请各位今晚九点前在群里接龙打卡"
    # msgtime is UTC epoch ms: 1718000000123 = 2024-06-10T06:13:20.123Z.
    assert first.sent_at == datetime(2024, 6, 10, 14, 13, 20, 123000, tzinfo=SH)
    assert (first.sender, first.group, first.group_size, first.source) == ("WangKeZhang", ROOM, 6, "wecom")
    assert first.line == 1

    texts = [m.text for m in messages]
    assert "收到" in texts
    assert "請各位把入戶照片截圖發群裡留痕&nbsp;，每戶至少３張" in texts

    bot = next(m for m in messages if m.sender and m.sender.startswith("wb"))
    assert bot.sender_role == "bot" and bot.line == 11

    one_to_one = next(m for m in messages if m.group is None)
    assert one_to_one.text == "这个表上周报过了还要再报一遍，县里又要"
    assert one_to_one.group_size == 2 and one_to_one.line == 13

    assert [(p.line, p.reason.split(":")[0]) for p in problems] == [(9, "invalid JSON"), (10, "bad msgtime")]
    assert all(p.file == str(JSONL) for p in problems)


def test_jsonl_counts_skipped_and_duplicates() -> None:
    # image, recall, switch, voice are skipped by parse_unit; the resent first message inside units().
    assert _counts(JSONL) == (8, 4, 1, 2)


def test_collect_form_becomes_text_and_form_fields() -> None:
    messages, _ = read_all(JSONL)
    form = next(m for m in messages if "form_fields" in m.extras)
    assert form.text == "【填表】6月第二周入户走访情况统计：姓名；走访户数；走访日期"
    assert form.extras["form_fields"] == [
        {"id": 1, "ques": "姓名", "type": "Text"},
        {"id": 2, "ques": "走访户数", "type": "Number"},
        {"id": 3, "ques": "走访日期", "type": "Date"},
    ]
    assert form.extras["form_title"] == "6月第二周入户走访情况统计"
    assert form.extras["group_name"] == "XX街道网格员工作群"
    assert form.extras["form_create_time"] == "2024-06-10 15:00:00"
    assert form.sent_at == datetime(2024, 6, 10, 15, 0, tzinfo=SH)


def test_jielong_text_keeps_text_and_entries() -> None:
    messages, _ = read_all(JSONL)
    chain = next(m for m in messages if "jielong_entries" in m.extras)
    assert chain.text.startswith("#接龙\n6月10日入户走访打卡")
    assert chain.extras["jielong_entries"] == [
        {"n": 1, "text": "李网格员 已完成12户"},
        {"n": 2, "text": "赵六 已完成[抱拳]"},
        {"n": 3, "text": "周师傅 在路上"},  # full-width "３."
    ]


def test_json_array_sample_with_duplicate() -> None:
    messages, problems = read_all(ARRAY)
    assert problems == []
    assert [m.text for m in messages] == [
        "排名倒数前三的镇街写检讨，周一交到党政办",
        "收到",
        "【填表】今晚每人交一篇心得体会（登记）：姓名；心得题目；提交时间",
        "防汛值班请按时到岗签到，今晚我值班",
    ]
    assert messages[0].sent_at == datetime(2024, 6, 14, 9, 0, tzinfo=SH)
    assert all(m.line is None and m.group_size == 4 for m in messages)
    assert _counts(ARRAY) == (4, 1, 1, 0)


def test_array_item_problem_names_its_position(tmp_path: Path) -> None:
    path = tmp_path / "archive.json"
    good = {"msgid": "a1", "action": "send", "from": "u1", "tolist": ["u2"], "roomid": "r1",
            "msgtime": 1718002800000, "msgtype": "text", "text": {"content": "所有人十分钟内回复收到"}}
    bad = {**good, "msgid": "a2", "text": {"no_content": True}}
    path.write_text(json.dumps([good, bad, {**good, "msgid": "a3"}], ensure_ascii=False), encoding="utf-8")
    messages, problems = read_all(path, "wecom")
    assert [m.id for m in messages] == ["a1", "a3"]
    assert [(p.file, p.line, p.reason) for p in problems] == [
        (str(path), None, "[1]: text message without text.content")
    ]


def test_dedup_window_is_bounded() -> None:
    recent = RecentIds(size=3)
    assert [recent.seen_before(k) for k in ("a", "b", "a", "c", "d")] == [False, False, True, False, False]
    # "a" has left the 3-id window ("b", "c", "d"), so a late resend of it is no longer recognised.
    assert recent.seen_before("a") is False
    assert recent.seen_before("d") is True
    assert len(recent._seen) == 3 and len(recent._order) == 3


def test_raw_msgid_without_parsing() -> None:
    assert raw_msgid('{"msgid":"CAQQ-1","action":"send"}') == "CAQQ-1"
    assert raw_msgid('{"action": "send", "msgid" : "x y"}') == "x y"
    assert raw_msgid('{"text":{"content":"msgid"}}') is None
    assert raw_msgid('{"msgid": 5}') is None


def test_dedup_across_a_large_jsonl_file(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(3000):
            record = {"msgid": f"m{i % 1000}", "action": "send", "from": "u", "tolist": [], "roomid": "r",
                      "msgtime": 1718002800000 + i, "msgtype": "text", "text": {"content": f"消息{i}"}}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    source = open_source(path)
    assert source.format == "wecom"
    units = list(source.units())
    assert len(units) == 1000 and source.skipped == 2000
