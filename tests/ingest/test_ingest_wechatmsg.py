"""WeChatMsg / 留痕 CSV: group files (12 values), 1:1 files (9 of 12 values), type filtering, time fallback."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jianfu.errors import InputError
from jianfu.ingest import parse_unit
from jianfu.ingest.source import CsvRow
from jianfu.ingest.wechatmsg import group_from_file

from .support import SAMPLES, read_all

SH = ZoneInfo("Asia/Shanghai")
GROUP = SAMPLES / "wechatmsg/网格员群_utf8.csv"
SINGLE = SAMPLES / "wechatmsg/王科长_utf8.csv"
HEADER = ("localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent", "StrTime",
          "Remark", "NickName", "Sender")


def test_group_file() -> None:
    messages, problems = read_all(GROUP)
    assert [m.id for m in messages] == ["7-101", "7-102", "7-104", "7-105", "7-107", "7-108", "7-110", "7-111"]
    first = messages[0]
    assert first.text == "请大家把今天的入户照片截图发群里留痕"
    assert first.sent_at == datetime(2024, 6, 10, 15, 0, tzinfo=SH)  # CreateTime 1718002800 (UTC instant)
    assert (first.sender, first.group, first.source, first.line) == ("老王", "网格员群", "wechatmsg", 2)
    assert first.extras == {"sender_id": "wxid_abc123", "sender_remark": "王科长"}
    assert "time_assumed_zone" not in first.extras

    by_id = {m.id: m for m in messages}
    assert by_id["7-102"].sender == "我" and by_id["7-102"].extras["is_self"] is True
    assert by_id["7-104"].text == "所有人十分钟内回复收到,不回的晚上点名"
    assert by_id["7-111"].sender == "王科长"  # no NickName: the Remark
    # Empty CreateTime: StrTime, the exporter's local clock, read as Shanghai and flagged.
    assert by_id["7-108"].sent_at == datetime(2024, 6, 10, 21, 30, tzinfo=SH)
    assert by_id["7-108"].extras["time_assumed_zone"] is True

    chain = by_id["7-105"]  # type 49 whose content is a 接龙
    assert chain.text.startswith("#接龙")
    assert [e["text"] for e in chain.extras["jielong_entries"]] == ["李网格员 已走访12户", "周师傅 已走访8户", "陈小"]

    assert [(p.line, p.reason) for p in problems] == [
        (15, "bad time: CreateTime='abc', StrTime='昨天'"),
        (18, "expected 12 fields, found 10"),
    ]


def test_one_to_one_file_with_nine_value_rows_is_not_an_error() -> None:
    messages, problems = read_all(SINGLE)
    assert problems == []
    assert [(m.sender, m.text) for m in messages] == [
        ("王科长", "小李，明天上午的会你参加一下"),
        ("我", "好的王科长"),
        ("王科长", "这个表上周报过了还要再报一遍，县里又要"),
        ("王科长", "下载注册率要达到100%，你们村还差12户"),
    ]
    assert all(m.group == "王科长" for m in messages)
    assert messages[-1].sent_at == datetime(2024, 6, 11, 18, 0, tzinfo=SH)


@pytest.mark.parametrize("count", [8, 10, 11, 13])
def test_other_short_or_long_rows_are_errors(count: int) -> None:
    values = ["1", "7", "1", "0", "0", "1718002800", "2", "收到", "2024-06-10 15:00:00", "a", "b", "c", "d"]
    with pytest.raises(InputError, match=f"expected 12 fields, found {count}"):
        parse_unit("wechatmsg", "x_utf8.csv", 3, CsvRow(HEADER, values[:count]))


@pytest.mark.parametrize(("kind", "content"), [("3", "<img/>"), ("34", "<voice/>"), ("10000", "拍了拍"),
                                               ("49", "<msg><appmsg><title>链接</title></appmsg></msg>")])
def test_non_text_types_are_skipped(kind: str, content: str) -> None:
    row = CsvRow(HEADER, ["1", "7", kind, "0", "0", "1718002800", "2", content, "2024-06-10 15:00:00", "", "", ""])
    assert parse_unit("wechatmsg", "x_utf8.csv", 2, row) is None


def test_raw_database_sender_prefix_is_split_off() -> None:
    row = CsvRow(HEADER, ["1", "7", "1", "0", "0", "1718002800", "2", "wxid_li001:\n收到", "", "", "", ""])
    msg = parse_unit("wechatmsg", "网格员群_utf8.csv", 2, row)
    assert msg is not None and msg.text == "收到" and msg.sender == "wxid_li001"


@pytest.mark.parametrize(
    ("file", "group"),
    [("网格员群_utf8.csv", "网格员群"), ("/exports/XX镇 网格员群_utf8.csv", "XX镇 网格员群"), ("王科长.csv", "王科长"),
     ("_utf8.csv", "_utf8")],
)
def test_group_from_file_name(file: str, group: str) -> None:
    assert group_from_file(file) == group


def test_header_without_text_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "坏_utf8.csv"
    path.write_text("localId,TalkerId,Type\n1,2,1\n", encoding="utf-8-sig")
    [problem] = read_all(path, "wechatmsg")[1]
    assert problem.line == 1 and "StrContent" in problem.reason
