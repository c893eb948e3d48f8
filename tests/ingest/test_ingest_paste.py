"""Pasted chat text: header variants, multi-line bodies, style locking, WeChat PC date lines, errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jianfu.ingest.paste import match_header

from .support import SAMPLES, read_all

SH = ZoneInfo("Asia/Shanghai")
SAMPLE = SAMPLES / "paste/粘贴.txt"


def test_sample() -> None:
    messages, problems = read_all(SAMPLE)
    assert [(m.id, m.sender) for m in messages] == [
        ("paste-3", "王科长"), ("paste-7", "李网格员"), ("paste-10", "王科长"), ("paste-16", "张主任(13800001234)"),
        ("paste-20", "应急办"), ("paste-22", "县督查室"), ("paste-24", "李网格员"), ("paste-28", "王科长"),
    ]
    first = messages[0]
    assert first.text == "请各位今晚九点前在群里接龙打卡\n没打卡的明天通报"
    assert first.sent_at == datetime(2024, 6, 10, 20, 15, 3, tzinfo=SH)
    assert (first.line, first.source, first.group, first.extras) == (3, "paste", "粘贴", {"time_assumed_zone": True})
    # A body line that looks like a header of another style ("HH:MM", no seconds) stays text.
    assert messages[2].text == (
        "所有人十分钟内回复收到！！\n2024-06-10 21:00 开会要点：\n1. 把入户照片截图发群里留痕\n2. 每户至少３张[抱拳]")
    assert messages[3].text == "关注公众号并转发朋友圈截图，&nbsp;今晚统计"
    assert [(p.file, p.line) for p in problems] == [(str(SAMPLE), 1), (str(SAMPLE), 18)]
    assert problems[0].reason == "text before the first message header"
    assert problems[1].reason.startswith("bad time in message header")


def test_name_first_sample() -> None:
    messages, problems = read_all(SAMPLES / "paste/钉钉.txt")
    assert problems == []
    assert [(m.line, m.sender, m.sent_at) for m in messages] == [
        (1, "王科长", datetime(2024, 6, 12, 9, 30, 15, tzinfo=SH)),
        (3, "李网格员", datetime(2024, 6, 12, 9, 31, 2, tzinfo=SH)),
        (5, "县数据局 小刘", datetime(2024, 6, 12, 10, 0, tzinfo=SH)),
        (7, "王科长", datetime(2024, 6, 12, 10, 5, 40, tzinfo=SH)),
    ]


def test_wechat_pc_time_only_headers_after_date_lines() -> None:
    messages, problems = read_all(SAMPLES / "paste/微信PC.txt")
    assert problems == []
    assert [(m.id, m.sender, m.sent_at, m.text) for m in messages] == [
        ("paste-2", "王科长", datetime(2024, 6, 13, 8, 3, tzinfo=SH), "请各位今晚九点前在群里接龙打卡"),
        ("paste-4", "李网格员", datetime(2024, 6, 13, 8, 5, tzinfo=SH), "收到"),
        ("paste-7", "周师傅", datetime(2024, 6, 14, 19, 40, tzinfo=SH), "防汛值班请按时到岗签到，今晚我值班"),
        ("paste-9", "王科长", datetime(2024, 6, 14, 21, 30, tzinfo=SH), "所有人十分钟内回复收到"),
    ]


@pytest.mark.parametrize(
    ("header", "sender", "when"),
    [
        ("2024-05-01 08:03:12 张三", "张三", datetime(2024, 5, 1, 8, 3, 12, tzinfo=SH)),
        ("2024/5/1 8:03 张三", "张三", datetime(2024, 5, 1, 8, 3, tzinfo=SH)),
        ("2024-05-01 08:03 张三", "张三", datetime(2024, 5, 1, 8, 3, tzinfo=SH)),
        ("张三 2024-05-01 08:03:12", "张三", datetime(2024, 5, 1, 8, 3, 12, tzinfo=SH)),
        ("[2024-05-01 08:03:12] 张三", "张三", datetime(2024, 5, 1, 8, 3, 12, tzinfo=SH)),
        ("2024年5月1日 08:03 张三：", "张三", datetime(2024, 5, 1, 8, 3, tzinfo=SH)),
    ],
)
def test_header_variants(tmp_path: Path, header: str, sender: str, when: datetime) -> None:
    path = tmp_path / "paste.txt"
    path.write_text(f"{header}\n今晚每人交一篇心得体会\n\n{header}\n收到\n", encoding="utf-8")
    messages, problems = read_all(path, "paste")
    assert problems == []
    assert [(m.sender, m.sent_at, m.text) for m in messages] == [
        (sender, when, "今晚每人交一篇心得体会"), (sender, when, "收到")]
    assert [m.id for m in messages] == ["paste-1", "paste-4"]


@pytest.mark.parametrize(
    "line",
    ["2024-06-10 15:00 前完成，逾期通报", "所有人十分钟内回复收到", "收到 08:03",
     "2024-06-10 15:00 " + "很长的名字" * 10],
)
def test_text_lines_are_not_headers(line: str) -> None:
    assert match_header(line, None, None) is None


def test_once_the_style_is_fixed_other_styles_are_text() -> None:
    time_first = match_header("2024-06-10 08:00:00 王科长", None, None)
    assert time_first is not None
    assert match_header("请于 2024-06-10 15:00", None, None) is not None  # alone, it reads as a header
    assert match_header("请于 2024-06-10 15:00", time_first[0], None) is None
    assert match_header("2024-06-10 15:00 开会", time_first[0], None) is None  # no seconds: another style
    assert match_header("2024-06-10 15:00:00 李网格员", time_first[0], None) is not None


def test_file_without_any_header_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "paste.txt"
    path.write_text("今晚每人交一篇心得体会\n收到\n", encoding="utf-8")
    messages, problems = read_all(path, "paste")
    assert messages == [] and [(p.line, p.reason.split(" (")[0]) for p in problems] == [(1, "no message header found")]


def test_header_with_no_text_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "paste.txt"
    path.write_text("2024-05-01 08:03:12 张三\n\n2024-05-01 08:04:00 李四\n收到\n", encoding="utf-8")
    messages, problems = read_all(path, "paste")
    assert [m.sender for m in messages] == ["李四"] and problems == []
