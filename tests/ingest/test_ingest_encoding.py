"""Encodings are detected from the bytes: UTF-8 (± BOM), GBK, GB18030 and Big5."""

from __future__ import annotations

from pathlib import Path

import pytest

from jianfu.ingest import open_source
from jianfu.ingest.encoding import SAMPLE_BYTES, detect_bytes_encoding, detect_encoding

from .support import SAMPLES, read_all

SIMPLIFIED_CSV = (
    "id,text,sent_at,sender,group\r\n"
    "x-1,请各位今晚九点前在群里接龙打卡,2024-06-10 20:15:00,王科长,XX镇网格员工作群\r\n"
    "x-2,排名倒数前三的镇街写检讨,2024-06-11 09:00:00,县督查室,县级部门联络群\r\n"
)
TRADITIONAL_PASTE = (
    "2024/6/10 8:03 王科長\r\n請各位今晚九點前在群裡接龍打卡\r\n"
    "2024/6/10 8:05 李網格員\r\n收到\r\n"
)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_generated_simplified_csv_decodes(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / f"messages_{encoding}.csv"
    path.write_bytes(SIMPLIFIED_CSV.encode(encoding))
    assert detect_encoding(path) == expected
    messages, problems = read_all(path)
    assert problems == []
    assert [m.text for m in messages] == ["请各位今晚九点前在群里接龙打卡", "排名倒数前三的镇街写检讨"]
    assert messages[0].sender == "王科长" and messages[1].group == "县级部门联络群"


def test_generated_big5_paste_decodes(tmp_path: Path) -> None:
    path = tmp_path / "paste_big5.txt"
    path.write_bytes(TRADITIONAL_PASTE.encode("big5"))
    assert detect_encoding(path) == "big5"
    messages, problems = read_all(path)
    assert problems == []
    assert [(m.sender, m.text) for m in messages] == [
        ("王科長", "請各位今晚九點前在群裡接龍打卡"), ("李網格員", "收到")]


def test_traditional_text_saved_as_gb18030_stays_gb18030() -> None:
    assert detect_bytes_encoding("請各位關注公眾號並轉發朋友圈截圖".encode("gb18030")) == "gb18030"


@pytest.mark.parametrize("text", ["收到", "好的", "防汛值班请按时到岗签到", "下载注册率要达到100%"])
def test_short_simplified_texts_are_not_taken_for_big5(text: str) -> None:
    assert detect_bytes_encoding(text.encode("gbk")) == "gb18030"


@pytest.mark.parametrize("text", ["收到", "請各位今晚九點前在群裡接龍打卡", "以後不再要求截圖打卡"])
def test_short_traditional_texts_are_big5(text: str) -> None:
    assert detect_bytes_encoding(text.encode("big5")) == "big5"


def test_utf8_cut_inside_a_character_at_the_sample_end_is_still_utf8(tmp_path: Path) -> None:
    body = "a" * (SAMPLE_BYTES - 1) + "接龙打卡" * 10  # the 64 KB sample ends 1 byte into "接"
    path = tmp_path / "cut.txt"
    path.write_bytes(body.encode("utf-8"))
    assert detect_encoding(path) == "utf-8"


def test_gbk_sample_cut_inside_a_character_is_still_gb18030() -> None:
    raw = ("截图发群" * 20).encode("gbk")
    assert detect_bytes_encoding(raw[:-1], truncated=True) == "gb18030"


@pytest.mark.parametrize(
    ("name", "encoding", "fmt", "count", "first_text"),
    [
        ("encodings/gbk/网格员群_utf8.csv", "gb18030", "wechatmsg", 8, "请大家把今天的入户照片截图发群里留痕"),
        ("encodings/messages_gb18030.csv", "gb18030", "generic-csv", 4, "请王䶮同志今晚九点前在群里接龙打卡"),
        ("encodings/messages_utf8bom.csv", "utf-8-sig", "generic-csv", 4, "请王岩同志今晚九点前在群里接龙打卡"),
        ("encodings/粘贴_big5.txt", "big5", "paste", 5, "請各位今晚九點前在群裡接龍打卡，沒打卡的明天通報"),
        ("wechatmsg/网格员群_utf8.csv", "utf-8-sig", "wechatmsg", 8, "请大家把今天的入户照片截图发群里留痕"),
        ("chatlog/chatlog.csv", "utf-8", "chatlog-csv", 5, "请各位今晚九点前在群里接龙打卡"),
    ],
)
def test_committed_encoding_variants(name: str, encoding: str, fmt: str,
                                     count: int, first_text: str) -> None:
    source = open_source(SAMPLES / name)
    assert (source.encoding, source.format) == (encoding, fmt)
    messages, _ = read_all(SAMPLES / name)
    assert len(messages) == count
    assert messages[0].text == first_text
    assert all("\ufffd" not in m.text for m in messages)


def test_gbk_resave_reads_the_same_as_the_original() -> None:
    original, original_problems = read_all(SAMPLES / "wechatmsg/网格员群_utf8.csv")
    resaved, resaved_problems = read_all(SAMPLES / "encodings/gbk/网格员群_utf8.csv")
    assert [(m.id, m.text, m.sent_at, m.sender) for m in original] == [
        (m.id, m.text, m.sent_at, m.sender) for m in resaved
    ]
    assert [(p.line, p.reason) for p in original_problems] == [(p.line, p.reason) for p in resaved_problems]
