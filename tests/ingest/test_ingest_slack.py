"""Slack export as a directory and as a ZIP (also re-zipped under a top folder)."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jianfu.errors import InputError
from jianfu.ingest import open_source, parse_unit, sniff_format

from .support import SAMPLES, read_all

SH = ZoneInfo("Asia/Shanghai")
EXPORT = SAMPLES / "slack"


def _zip(target: Path, top: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(EXPORT.rglob("*")):
            if f.is_file():
                zf.write(f, top + f.relative_to(EXPORT).as_posix())
    return target


def _check(path: Path) -> None:
    messages, problems = read_all(path)
    assert [(m.group, m.sender, m.text) for m in messages] == [
        ("general", "王科长", "經研究，以後不再要求截圖打卡"),
        ("general", "周师傅", "防汛值班请按时到岗签到"),
        ("网格工作", "王科长", "@李网格员 请各位今晚九点前在群里接龙打卡 @channel"),
        ("网格工作", "李网格员", "收到"),
        ("网格工作", "打卡机器人", "每日打卡提醒：未打卡人员请在18:00前完成打卡并截图发群"),
        ("网格工作", "王科长", "把入户照片截图发群里留痕 & 每户3张 <必须>，模板见走访模板"),
        ("网格工作", "王科长", "排名倒数前三的镇街写检讨"),
        ("网格工作", "周师傅", "这个表上周报过了还要再报一遍？"),
    ]
    grid = messages[2]
    assert grid.id == "网格工作:1718002800.000200"
    assert grid.sent_at == datetime(2024, 6, 10, 15, 0, 0, 200, tzinfo=SH)
    assert (grid.group_size, grid.source, grid.file, grid.line) == (4, "slack", str(path), None)
    assert grid.extras == {"channel_id": "C05GRID01"}
    assert messages[3].sent_at == datetime(2024, 6, 10, 15, 1, 0, 123456, tzinfo=SH)
    assert messages[4].sender_role == "bot"
    assert messages[7].extras["thread_ts"] == "1718067600.000100"
    assert [(p.file, p.line, p.reason.split(":")[0]) for p in problems] == [
        (str(path), None, "general/2024-06-12.json"),
        (str(path), None, "网格工作/2024-06-11.json[2]"),
    ]
    assert "unreadable day file" in problems[0].reason
    assert "bad ts" in problems[1].reason


def test_directory_export() -> None:
    assert sniff_format(EXPORT) == "slack"
    _check(EXPORT)


@pytest.mark.parametrize("top", ["", "XX街道 Slack export Jun 10 2024/"])
def test_zip_export(tmp_path: Path, top: str) -> None:
    path = _zip(tmp_path / "export.zip", top)
    assert sniff_format(path) == "slack"
    _check(path)


def test_join_leave_and_file_only_messages_are_skipped() -> None:
    source = open_source(EXPORT)
    outcomes: list[object] = []
    for line, unit in source.units():
        try:
            outcomes.append(parse_unit(source.format, source.file, line, unit))
        except InputError:
            outcomes.append("error")
    assert outcomes.count(None) == 3 and outcomes.count("error") == 2 and source.encoding is None


def test_zip_without_channels_is_not_slack(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(InputError, match="not a Slack export") as err:
        sniff_format(path)
    assert err.value.file == str(path)
