"""The XLSX report: written in write-only mode, read back with openpyxl's normal reader."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from jianfu import __version__
from jianfu.evaluate.summary import ScanSummary
from jianfu.records import Finding, Message, MessageResult
from jianfu.report import BURDEN_NOTE
from jianfu.report.xlsx import FINDING_COLUMNS, MAX_CELL_CHARS, MAX_ROWS, XlsxReport, clean_text
from jianfu.taxonomy import CHINESE_NAME, Code

HEADERS = [name for name, _ in FINDING_COLUMNS]


def write(path: Path, results: list[MessageResult], summary: ScanSummary, config: dict[str, object] | None = None,
          **kwargs: Any) -> openpyxl.Workbook:
    report = XlsxReport(path, **kwargs)
    for result in results:
        report.add(result)
    report.close(summary, config)
    return openpyxl.load_workbook(path)


def rows(ws: Worksheet) -> list[dict[str, Any]]:
    """Data rows of a findings sheet as dicts keyed by the Chinese headers."""
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in values[1:]]


def summary_value(ws: Worksheet, label: str, column: int = 2) -> Any:
    """The value next to the first cell in column A holding `label`."""
    for row in ws.iter_rows():
        if row[0].value == label:
            return row[column - 1].value
    raise AssertionError(f"{label!r} not in sheet {ws.title}")


def section(ws: Worksheet, title: str) -> list[tuple[Any, ...]]:
    """The table under a section title of the 汇总 sheet: rows after its header, up to the blank line."""
    values = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(values) if row[0] == title) + 2
    out = []
    for row in values[start:]:
        if all(v is None for v in row):
            break
        out.append(row)
    return out


def test_findings_sheet(tmp_path: Path, results: list[MessageResult], summary: ScanSummary) -> None:
    wb = write(tmp_path / "report.xlsx", results, summary)
    ws = wb["发现明细"]
    data = rows(ws)
    assert len(data) == summary.findings == sum(len(r.findings) for r in results) == 5
    assert [c.font.b for c in ws[1]] == [True] * len(HEADERS)
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["P"].width == dict(FINDING_COLUMNS)["原文"]

    first = data[0]
    assert first["消息ID"] == "m-1" and first["群组"] == "街道工作群" and first["发送人"] == "王主任"
    assert first["问题类型"] == "过度留痕" and first["代码"] == "PROOF_TRACE"
    assert first["证据"] == "截图发群" and first["证据位置"] == "9–13"
    assert first["得分"] == 0.94 and first["严重程度"] == "S1 红线"
    assert first["非工作时间"] == "是" and first["截止时间"] == "今晚10点前"
    assert first["估计负担(分钟/人)"] == 15 and first["政策依据"] == "若干规定 第三条"
    assert first["原文"] == "请各位今晚10点前截图发群[抱拳]，回复收到！"
    assert {r["问题类型"] for r in data} == {CHINESE_NAME[Code(r["代码"])] for r in data}
    assert [r["非工作时间"] for r in data] == ["是", "是", "否", "否", "未知"]


def test_sent_at_is_an_excel_datetime(tmp_path: Path, results: list[MessageResult], summary: ScanSummary) -> None:
    ws = write(tmp_path / "report.xlsx", results, summary)["发现明细"]
    cell = ws["D2"]
    assert cell.is_date and cell.data_type == "d"
    assert cell.value == datetime(2025, 5, 9, 21, 30)  # naive wall-clock time, as sent
    assert "yyyy" in cell.number_format
    assert ws["D6"].value is None  # m-3 has no time: an empty cell, not a made-up one


def test_illegal_characters_are_removed_and_formulas_stay_text(
        tmp_path: Path, results: list[MessageResult], summary: ScanSummary) -> None:
    ws = write(tmp_path / "report.xlsx", results, summary)["发现明细"]
    original = ws["P6"]
    assert original.value == '=HYPERLINK("x") 每天8点前打卡[31m'  # BEL and ESC gone
    assert original.data_type == "s"  # a string, not a formula
    assert clean_text("a\x00b\x0bc\ud800d\ufffe\te\nf") == "abcd\te\nf"


def test_nasty_strings_everywhere(tmp_path: Path) -> None:
    nasty = "\x01群\x1f=SUM(A1)\x08"
    msg = Message(id="=1+1\x02", text=nasty, sent_at=None, sender=nasty, group=nasty)
    finding = Finding(Code.RANKING, "r\x03", (0, 1), "\x04", 0.5, "=policy\x05")
    result = MessageResult(msg, [finding], off_hours=None)
    summary = ScanSummary()
    summary.add(result)
    summary.add_problem("x.csv:1: bad \x00 byte")
    wb = write(tmp_path / "nasty.xlsx", [result], summary)  # no IllegalCharacterError
    row = rows(wb["发现明细"])[0]
    assert row["消息ID"] == "=1+1" and row["群组"] == "群=SUM(A1)" and row["证据"] is None
    assert summary_value(wb["汇总"], "群=SUM(A1)") == 1


def test_long_text_is_cut_to_the_cell_limit(tmp_path: Path) -> None:
    text = "请截图发群" + "啊" * 40_000
    msg = Message(id="long", text=text, sent_at=None)
    result = MessageResult(msg, [Finding(Code.PROOF_TRACE, "r", (1, 5), "截图发群", 0.9, "p")], off_hours=None)
    summary = ScanSummary()
    summary.add(result)
    row = rows(write(tmp_path / "long.xlsx", [result], summary)["发现明细"])[0]
    assert len(row["原文"]) == MAX_CELL_CHARS and row["原文"].startswith("请截图发群") and row["原文"].endswith("…")


def test_summary_sheet_matches_the_summary(tmp_path: Path, results: list[MessageResult], summary: ScanSummary,
                                           config: dict[str, object]) -> None:
    wb = write(tmp_path / "report.xlsx", results, summary, config)
    assert wb.sheetnames[0] == "汇总"
    ws = wb["汇总"]
    assert summary_value(ws, "消息数") == summary.messages == 5
    assert summary_value(ws, "含形式主义要求的消息") == summary.with_demands == 3
    assert summary_value(ws, "发现数") == summary.findings == 5
    assert summary_value(ws, "跳过的非文本消息") == summary.skipped == 2
    assert summary_value(ws, "无法读取的行") == summary.problems == 1
    assert summary_value(ws, "扫描文件数") == len(summary.files)
    assert summary_value(ws, "非工作时间占比") == pytest.approx(summary.off_hours_share())
    total = summary.burden_total_minutes()
    assert summary_value(ws, "负担合计（干部·分钟）") == pytest.approx(total)
    assert summary_value(ws, "负担合计（干部·小时）") == pytest.approx(round(total / 60, 1))

    by_code = {row[1]: row for row in section(ws, "按问题类型")}
    assert {code: row[2] for code, row in by_code.items()} == dict(summary.by_code)
    assert by_code["PROOF_TRACE"][0] == "过度留痕"
    assert by_code["PROOF_TRACE"][3] == pytest.approx(1 / 3)

    groups = {row[0]: row for row in section(ws, "按群组")}
    assert {g: (row[1], row[2]) for g, row in groups.items()} == {
        g: (summary.group_messages[g], summary.group_demands[g]) for g in summary.group_messages}
    assert groups["街道工作群"][4] == "57" and groups["社区网格群"][4] == "≥2"

    burden = {row[0]: row[1] for row in section(ws, "负担（按发送人）") if row[0] != "合计" and row[1] is not None}
    assert burden == pytest.approx(dict(summary.burden_by_sender()))
    assert summary_value(ws, "合计") == pytest.approx(total)

    assert summary_value(ws, "jianfu 版本") == __version__
    assert summary_value(ws, "规则集版本") == "sha256:3f2a9c"
    assert summary_value(ws, "模型版本") == "无"
    assert summary_value(ws, BURDEN_NOTE, column=1) == BURDEN_NOTE

    files = {row[0]: row for row in section(ws, "文件")}
    assert files["broken[1].csv"][5] == "出错" and files["broken[1].csv"][7] == "无法识别格式 [bad]"


def test_rollover_to_more_sheets(tmp_path: Path, results: list[MessageResult], summary: ScanSummary) -> None:
    report = XlsxReport(tmp_path / "roll.xlsx", max_rows=3)  # header + 2 findings per sheet
    for result in results:
        report.add(result)
    report.close(summary)
    assert report.rows_written == 5
    assert report.sheets == ["发现明细", "发现明细(2)", "发现明细(3)"]
    wb = openpyxl.load_workbook(tmp_path / "roll.xlsx")
    assert wb.sheetnames == ["汇总", "发现明细", "发现明细(2)", "发现明细(3)"]
    per_sheet = [rows(wb[name]) for name in report.sheets]  # each sheet starts with the header
    assert [len(r) for r in per_sheet] == [2, 2, 1]
    assert all(wb[name].max_row <= 3 for name in report.sheets)
    ids_codes = [(r["消息ID"], r["代码"]) for sheet in per_sheet for r in sheet]
    assert ids_codes == [(r.message.id, str(f.code)) for r in results for f in r.findings]


def test_rollover_splits_one_message_across_sheets(tmp_path: Path, results: list[MessageResult],
                                                   summary: ScanSummary) -> None:
    report = XlsxReport(tmp_path / "split.xlsx", max_rows=4)  # m-2's two findings land on two sheets
    for result in results:
        report.add(result)
    report.close(summary)
    wb = openpyxl.load_workbook(tmp_path / "split.xlsx")
    first, second = rows(wb["发现明细"]), rows(wb["发现明细(2)"])
    assert [r["消息ID"] for r in first] == ["m-1", "m-1", "m-2"]
    assert [r["消息ID"] for r in second] == ["m-2", "m-3"]


def test_default_limit_is_excels() -> None:
    assert MAX_ROWS == 1_048_576
    with pytest.raises(ValueError):
        XlsxReport("unused.xlsx", max_rows=1)


def test_empty_scan(tmp_path: Path) -> None:
    wb = write(tmp_path / "empty.xlsx", [], ScanSummary())
    assert wb.sheetnames == ["汇总", "发现明细"]
    assert rows(wb["发现明细"]) == []
    assert summary_value(wb["汇总"], "消息数") == 0
    assert summary_value(wb["汇总"], "非工作时间占比") == "无时间信息"
