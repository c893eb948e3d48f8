"""Feishu im/v1/messages pages: text, post, mentions, recalled and non-text messages, API error pages."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jianfu.ingest import parse_unit, sniff_format
from jianfu.ingest.feishu import flatten_post

from .support import SAMPLES, read_all

SH = ZoneInfo("Asia/Shanghai")
SAMPLE = SAMPLES / "feishu/messages.json"
CHAT = "oc_5ad11d72b830411d72b836c20d3e8f1b"


def test_sample_pages() -> None:
    messages, problems = read_all(SAMPLE)
    assert [m.text for m in messages] == [
        "@李网格员 @所有人 请各位今晚九点前在群里接龙打卡",
        "关于入户走访留痕的通知\n把入户照片截图发群里留痕，@所有人\n每户至少3张，模板见此链接",
        "【打卡提醒】今日打卡率85%，请未打卡同志于18:00前完成打卡并截图发群",
        "收到",
        "经研究，以后不再要求截图打卡，值班签到照常",
        "請關注公眾號並轉發朋友圈，截圖發群裡@王科长",
        "防汛值班请按时到岗签到",
    ]
    first = messages[0]
    assert first.id == "om_dc13264520392913993dd051dba20001"
    assert first.sent_at == datetime(2024, 6, 10, 15, 0, 0, 123000, tzinfo=SH)  # "1718002800123" ms string
    assert (first.sender, first.group, first.source, first.line) == (
        "ou_155184d1e73cbfb8973e5a9e698e74f2", CHAT, "feishu", None)
    assert messages[2].sender_role == "bot" and messages[2].sender == "cli_9f5343c580712013"
    assert [(p.file, p.line, p.reason) for p in problems] == [
        (str(SAMPLE), None, "pages[1].data.items[1]: bad create_time: 'yesterday'"),
        (str(SAMPLE), None, "pages[1].data.items[2]: body.content is not valid JSON: unexpected end of data"),
    ]


def _items() -> list[dict[str, object]]:
    pages = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return [item for page in pages for item in page["data"]["items"]]


def test_bare_items_list(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps(_items(), ensure_ascii=False), encoding="utf-8")
    assert sniff_format(path) == "feishu"
    messages, problems = read_all(path)
    assert len(messages) == 7
    assert [p.reason.split(":")[0] for p in problems] == ["[6]", "[7]"]


def test_single_page_and_error_page(tmp_path: Path) -> None:
    page = {"code": 0, "msg": "success", "data": {"has_more": False, "items": _items()[:2]}}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    assert len(read_all(path)[0]) == 2

    error = {"code": 230002, "msg": "Bot/User can NOT be out of the chat.", "data": {}}
    path.write_text(json.dumps([page, error], ensure_ascii=False), encoding="utf-8")
    messages, problems = read_all(path, "feishu")
    assert len(messages) == 2
    assert [p.reason for p in problems] == ["pages[1]: Feishu API error 230002: Bot/User can NOT be out of the chat."]


def test_mention_keys_do_not_clash() -> None:
    item = _items()[0] | {
        "body": {"content": json.dumps({"text": "@_user_1 与 @_user_10 今晚交心得体会"}, ensure_ascii=False)},
        "mentions": [{"key": "@_user_1", "name": "张三"}, {"key": "@_user_10", "name": "李四"}],
    }
    msg = parse_unit("feishu", "f.json", None, {"at": "[0]", "record": item})
    assert msg is not None and msg.text == "@张三 与 @李四 今晚交心得体会"


@pytest.mark.parametrize(
    "content",
    [
        {"title": "", "content": [[{"tag": "text", "text": "所有人"}, {"tag": "text", "text": "十分钟内回复收到"}]]},
        {"zh_cn": {"title": "", "content": [[{"tag": "text", "text": "所有人十分钟内回复收到"}]]}},
    ],
)
def test_flatten_post_plain_and_locale_wrapped(content: dict[str, object]) -> None:
    assert flatten_post(content) == "所有人十分钟内回复收到"
