"""The `--xlsx report.xlsx` spreadsheet: one row per finding, streamed, plus a 汇总 sheet at the end.

The workbook is openpyxl's write-only kind, so memory stays bounded however many messages a scan
reads: rows go to a temporary file as they are added, and only the `ScanSummary` aggregates are
needed for the summary sheet. Excel's limits are respected: a sheet holds at most 1,048,576 rows
(findings continue on "发现明细(2)", "发现明细(3)", …) and a cell at most 32,767 characters.
Characters XML cannot carry (control characters, lone surrogates) are removed, and text that
starts with "=" is written as text, never as a formula.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jianfu import __version__
from jianfu.evaluate.summary import ScanSummary
from jianfu.records import MessageResult
from jianfu.report import (
    BURDEN_NOTE,
    code_name,
    code_order,
    config_items,
    group_size_label,
    off_hours_label,
    severity_label,
)

MAX_ROWS = 1_048_576  # Excel's rows per sheet, header included
MAX_CELL_CHARS = 32_767  # Excel's characters per cell
FINDINGS_SHEET = "发现明细"
SUMMARY_SHEET = "汇总"

# (header, column width) of the findings sheet, in column order.
FINDING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("消息ID", 14),
    ("群组", 22),
    ("发送人", 12),
    ("发送时间", 17),
    ("非工作时间", 10),
    ("问题类型", 13),
    ("代码", 20),
    ("规则", 24),
    ("证据", 18),
    ("证据位置", 10),
    ("得分", 7),
    ("严重程度", 10),
    ("截止时间", 14),
    ("估计负担(分钟/人)", 12),
    ("政策依据", 30),
    ("原文", 60),
)

# What openpyxl refuses (its ILLEGAL_CHARACTERS_RE) plus what no XML 1.0 file can hold at all.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOLD = Font(bold=True)
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def clean_text(value: str) -> str:
    """A string Excel can hold: illegal XML characters removed, cut to the 32,767-character cell limit."""
    value = _ILLEGAL_XML.sub("", value)
    return value[:MAX_CELL_CHARS - 1] + "…" if len(value) > MAX_CELL_CHARS else value


def excel_datetime(value: datetime | None) -> datetime | None:
    """Excel has no time zones: keep the wall-clock time the message carries, drop the offset."""
    return value.replace(tzinfo=None) if value is not None else None


def _clean(value: object) -> str | None:
    return None if value is None else clean_text(str(value))


class XlsxReport:
    """A findings workbook written as the scan goes.

    >>> report = XlsxReport("report.xlsx")          # doctest: +SKIP
    >>> for result in results: report.add(result)   # rows go to disk as they come
    >>> report.close(summary, detector.describe())  # adds 汇总 and saves

    `max_rows` (rows per findings sheet, header included) defaults to Excel's limit; it is a
    parameter so the rollover to "发现明细(2)" can be tested without a million rows.
    """

    def __init__(self, path: str | Path, *, max_rows: int = MAX_ROWS) -> None:
        if max_rows < 2:
            raise ValueError("max_rows must leave room for the header and one finding")
        self.path = Path(path)
        self.max_rows = max_rows
        self.rows_written = 0  # finding rows over all sheets
        self.sheets: list[str] = []
        self._wb = Workbook(write_only=True)
        self._ws = self._new_findings_sheet()
        self._rows_in_sheet = 1

    def _new_findings_sheet(self) -> WriteOnlyWorksheet:
        n = len(self.sheets) + 1
        title = FINDINGS_SHEET if n == 1 else f"{FINDINGS_SHEET}({n})"
        ws = self._wb.create_sheet(title)
        for i, (_, width) in enumerate(FINDING_COLUMNS, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.append([self._header(ws, name) for name, _ in FINDING_COLUMNS])
        self.sheets.append(title)
        return ws

    @staticmethod
    def _header(ws: WriteOnlyWorksheet, name: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = _BOLD
        return cell

    def add(self, result: MessageResult) -> None:
        """One row per finding of the message; a message without findings adds nothing."""
        if not result.findings:
            return
        msg = result.message
        sent_at: WriteOnlyCell | None = None
        # cleaned once per message, not once per finding (the text may be long)
        msg_id, group, sender, text = (_clean(v) for v in (msg.id, msg.group, msg.sender, msg.text))
        deadline = _clean(result.deadline.text if result.deadline is not None else None)
        burden = round(result.burden_minutes, 1) if result.burden_minutes else None
        for finding in result.findings:
            if self._rows_in_sheet >= self.max_rows:
                self._ws = self._new_findings_sheet()
                self._rows_in_sheet = 1
            if msg.sent_at is not None:  # a styled cell cannot be reused across rows
                sent_at = WriteOnlyCell(self._ws, value=excel_datetime(msg.sent_at))
                sent_at.number_format = _DATETIME_FORMAT
            code = str(finding.code)
            row = [
                self._string(msg_id),
                self._string(group),
                self._string(sender),
                sent_at,
                off_hours_label(result.off_hours),
                code_name(code),
                code,
                self._text(finding.rule),
                self._text(finding.evidence),
                f"{finding.span[0]}–{finding.span[1]}",
                round(finding.score, 3),
                severity_label(finding.severity),
                self._string(deadline),
                burden,
                self._text(finding.policy),
                self._string(text),
            ]
            self._ws.append(row)
            self._rows_in_sheet += 1
            self.rows_written += 1

    def _text(self, value: object) -> str | WriteOnlyCell | None:
        """User text made safe for a cell; text starting with "=" is forced to a string, not a formula."""
        return self._string(_clean(value))

    def _string(self, value: str | None) -> str | WriteOnlyCell | None:
        """Already-clean text as a cell value; openpyxl would take a leading "=" for a formula."""
        if value is None or not value.startswith("="):
            return value
        cell = WriteOnlyCell(self._ws, value=value)
        cell.data_type = "s"
        return cell

    def close(self, summary: ScanSummary, config: dict[str, Any] | None = None) -> None:
        """Add the 汇总 sheet (first in the workbook) from the scan's aggregates, then save."""
        ws = self._wb.create_sheet(SUMMARY_SHEET)
        self._ws = ws
        for letter, width in zip("ABCDEFGH", (30, 22, 14, 16, 12, 36, 12, 30), strict=True):
            ws.column_dimensions[letter].width = width
        for row in self._summary_rows(summary, config):
            ws.append(row)
        self._wb.move_sheet(SUMMARY_SHEET, offset=-len(self.sheets))
        self._wb.active = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._wb.save(self.path)

    def _summary_rows(self, summary: ScanSummary, config: dict[str, Any] | None) -> list[list[Any]]:
        ws = self._ws
        rows: list[list[Any]] = []

        def section(title: str, *headers: str) -> None:
            if rows:
                rows.append([])
            rows.append([self._header(ws, title)])
            if headers:
                rows.append([self._header(ws, h) for h in headers])

        def share(part: float, whole: float) -> WriteOnlyCell | None:
            if not whole:
                return None
            cell = WriteOnlyCell(ws, value=part / whole)
            cell.number_format = "0.0%"
            return cell

        total_burden = summary.burden_total_minutes()
        off_hours = share(summary.off_hours_demands, summary.timed_demands)
        section("总体")
        rows += [
            ["扫描文件数", len(summary.files)],
            ["消息数", summary.messages],
            ["含形式主义要求的消息", summary.with_demands],
            ["发现数", summary.findings],
            ["跳过的非文本消息", summary.skipped],
            ["无法读取的行", summary.problems],
            ["非工作时间占比", off_hours if off_hours is not None else "无时间信息"],
            ["有发送时间的形式主义要求", summary.timed_demands],
            ["负担合计（干部·分钟）", round(total_burden, 1)],
            ["负担合计（干部·小时）", round(total_burden / 60, 1)],
        ]
        for severity, n in sorted(summary.by_severity.items()):
            rows.append([f"严重程度 {severity_label(severity)}", n])

        section("按问题类型", "问题类型", "代码", "消息数", "占比（占含要求消息）")
        for label in code_order(list(summary.by_code)):
            n = summary.by_code[label]
            rows.append([code_name(label), label, n, share(n, summary.with_demands)])

        section("按群组", "群组", "消息数", "形式主义要求数", "占比", "估计人数", "主要问题")
        groups = sorted(summary.group_messages,
                        key=lambda g: (-summary.group_demands[g], -summary.group_messages[g], g))
        for group in groups:
            messages, demands = summary.group_messages[group], summary.group_demands[group]
            codes = summary.group_codes.get(group)
            top = "、".join(f"{code_name(c)} {n}" for c, n in codes.most_common()) if codes else None
            rows.append([self._text(group), messages, demands, share(demands, messages),
                         group_size_label(*summary.group_size(group)), top])

        section("负担（按发送人）", "发送人", "分钟", "小时")
        for sender, minutes in summary.burden_by_sender():
            if minutes > 0:
                rows.append([self._text(sender), round(minutes, 1), round(minutes / 60, 1)])
        rows.append([self._header(ws, "合计"), round(total_burden, 1), round(total_burden / 60, 1)])
        rows.append(["分钟 = 每人估计耗时 × 群组人数（估计人数带 ≥ 者为下限）"])

        if summary.files:
            section("文件", "文件", "格式", "编码", "消息数", "跳过", "状态", "问题", "原因")
            for f in summary.files:
                rows.append([self._text(f.get("file")), self._text(f.get("format")), self._text(f.get("encoding")),
                         f.get("messages"),
                             f.get("skipped"), "正常" if f.get("status") == "ok" else "出错", f.get("problems"),
                             self._text(f.get("reason"))])
        if summary.problem_samples:
            section("无法读取的行（示例）")
            rows += [[self._text(p)] for p in summary.problem_samples]

        section("配置")
        rows.append(["jianfu 版本", __version__])
        rows += [[label, self._text(value)] for label, value in config_items(config)]
        rows.append([BURDEN_NOTE])
        return rows
