"""Write the registry (台账) out: XLSX in the layout offices use, JSONL and CSV in the contract's fields.

The XLSX has a 台账 sheet (title row, bold Chinese headers, frozen header, filter, column widths,
dates as real Excel dates) and a 单位 sheet. Headers and enumeration labels come from the one
column table in `jianfu.ingest.registry`, so every file written here reads back to the same
records: `read_registry(write(x)) == x` (apart from `file`/`line`, which say where a row was read).
Sheets are written in openpyxl's write-only mode: memory stays bounded however long the 台账 is.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

from jianfu.ingest.registry import (
    KIND_LABELS,
    LEVEL_LABELS,
    PLATFORM_LABELS,
    TOOL_COLUMNS,
    TOOLS_SHEET,
    UNIT_COLUMNS,
    UNITS_SHEET,
    Column,
    format_working_hours,
)
from jianfu.lifecycle import STATUS_NAME, Status
from jianfu.records import Tool, Unit
from jianfu.report.xlsx import clean_text

__all__ = [
    "TITLE",
    "UNITS_TITLE",
    "tool_to_dict",
    "unit_to_dict",
    "write_registry_csv",
    "write_registry_jsonl",
    "write_registry_xlsx",
    "write_units_csv",
    "write_units_jsonl",
]

TITLE = "政务应用程序、公众账号、工作群组台账"
UNITS_TITLE = "单位及层级"
SEQ_HEADER = "序号"  # the row counter offices put first; the reader skips it
_DATE_FORMAT = "yyyy-mm-dd"
_LIST_JOIN = "、"

_TITLE_FONT = Font(name="宋体", size=16, bold=True)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="808080")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


# --- labels ---------------------------------------------------------------------------------------


def _status_label(status: str) -> str:
    try:
        return STATUS_NAME[Status(status)]
    except ValueError:
        return status


def _tool_cells(tool: Tool) -> list[Any]:
    """The tool's values in TOOL_COLUMNS order, as an office reads them (Chinese labels, joined lists)."""
    out: list[Any] = []
    for col in TOOL_COLUMNS:
        value = getattr(tool, col.field)
        if col.field == "kind":
            value = KIND_LABELS.get(value, value)
        elif col.field == "level":
            value = LEVEL_LABELS.get(value, value) if value else None
        elif col.field == "platform":
            value = PLATFORM_LABELS.get(value, value) if value else None
        elif col.field in ("functions", "features"):
            value = _LIST_JOIN.join(value) if value else None
        elif col.field == "temporary":
            value = "是" if value else ("否" if tool.kind == "work_group" else None)
        elif col.field == "status":
            value = _status_label(value)
        elif value == "":
            value = None
        out.append(value)
    return out


def _unit_cells(unit: Unit) -> list[Any]:
    out: list[Any] = []
    for col in UNIT_COLUMNS:
        value = getattr(unit, col.field)
        if col.field == "level":
            value = LEVEL_LABELS.get(value, value)
        elif col.field == "working_hours":
            value = format_working_hours(value) or None
        out.append(value if value != "" else None)
    return out


# --- XLSX -----------------------------------------------------------------------------------------


class _Sheet:
    """One write-only sheet in the office layout: title row, header row, then data rows."""

    def __init__(self, wb: Workbook, name: str, title: str, columns: tuple[Column, ...]) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(name)
        self.columns = columns
        self.width = len(columns) + 1
        self.rows = 0
        ws = self.ws
        ws.column_dimensions["A"].width = 6
        for i, col in enumerate(columns, 2):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        ws.freeze_panes = "C3"  # header rows and 序号/编号 stay in view
        ws.print_title_rows = "1:2"
        ws.row_dimensions[1].height = 30
        title_cell = WriteOnlyCell(ws, value=title)
        title_cell.font = _TITLE_FONT
        title_cell.alignment = _CENTER
        ws.append([title_cell])
        ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=self.width, max_row=1))
        ws.append([self._header(SEQ_HEADER), *(self._header(col.header) for col in columns)])

    def _header(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = _CENTER
        return cell

    def append(self, values: list[Any]) -> None:
        self.rows += 1
        row: list[Any] = [self.rows]
        for value in values:
            if isinstance(value, str):
                value = clean_text(value)
                if value.startswith("="):  # text, never a formula
                    cell = WriteOnlyCell(self.ws, value=value)
                    cell.data_type = "s"
                    value = cell
            elif isinstance(value, date):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = _DATE_FORMAT
                value = cell
            row.append(value)
        self.ws.append(row)

    def close(self) -> None:
        last = get_column_letter(self.width)
        self.ws.auto_filter.ref = f"A2:{last}{self.rows + 2}"


def write_registry_xlsx(units: Iterable[Unit], tools: Iterable[Tool], path: str | os.PathLike[str], *,
                        title: str = TITLE) -> Path:
    """Write the 台账 workbook: sheet 台账 (the tools) first, then sheet 单位 (the units)."""
    out = Path(path)
    wb = Workbook(write_only=True)
    sheet = _Sheet(wb, TOOLS_SHEET, title, TOOL_COLUMNS)
    for tool in tools:
        sheet.append(_tool_cells(tool))
    sheet.close()
    sheet = _Sheet(wb, UNITS_SHEET, UNITS_TITLE, UNIT_COLUMNS)
    for unit in units:
        sheet.append(_unit_cells(unit))
    sheet.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# --- JSONL ----------------------------------------------------------------------------------------


def tool_to_dict(tool: Tool) -> dict[str, Any]:
    """A tool in the contract's JSON shape: English field names, ISO dates, lists (no file/line)."""
    out: dict[str, Any] = {}
    for col in TOOL_COLUMNS:
        value = getattr(tool, col.field)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[col.field] = value
    return out


def unit_to_dict(unit: Unit) -> dict[str, Any]:
    out: dict[str, Any] = {col.field: getattr(unit, col.field) for col in UNIT_COLUMNS}
    if unit.working_hours:
        out["working_hours"] = format_working_hours(unit.working_hours)
    return out


def _write_jsonl(records: Iterable[dict[str, Any]], path: str | os.PathLike[str]) -> int:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(out, "wb") as fh:
        for record in records:
            fh.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
            n += 1
    return n


def write_registry_jsonl(tools: Iterable[Tool], path: str | os.PathLike[str]) -> int:
    """One tool a line in the contract's fields; returns how many were written."""
    return _write_jsonl((tool_to_dict(t) for t in tools), path)


def write_units_jsonl(units: Iterable[Unit], path: str | os.PathLike[str]) -> int:
    """One unit a line (id, name, level, parent, working_hours, region); returns how many were written."""
    return _write_jsonl((unit_to_dict(u) for u in units), path)


# --- CSV ------------------------------------------------------------------------------------------


def _write_csv(header: list[str], rows: Iterable[list[Any]], path: str | os.PathLike[str], encoding: str) -> int:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(out, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])
            n += 1
    return n


def write_registry_csv(tools: Iterable[Tool], path: str | os.PathLike[str], *, chinese: bool = True,
                       encoding: str = "utf-8-sig") -> int:
    """Tools as CSV: Chinese headers and labels (as offices keep them) or, with chinese=False, the
    contract's field names and codes. UTF-8 with BOM by default, so Excel opens it right."""
    if chinese:
        return _write_csv([c.header for c in TOOL_COLUMNS], (_tool_cells(t) for t in tools), path, encoding)
    rows = ([_english(v) for v in tool_to_dict(t).values()] for t in tools)
    return _write_csv([c.field for c in TOOL_COLUMNS], rows, path, encoding)


def write_units_csv(units: Iterable[Unit], path: str | os.PathLike[str], *, chinese: bool = True,
                    encoding: str = "utf-8-sig") -> int:
    """Units as CSV, Chinese headers and level labels or (chinese=False) field names and codes."""
    if chinese:
        return _write_csv([c.header for c in UNIT_COLUMNS], (_unit_cells(u) for u in units), path, encoding)
    rows = ([_english(v) for v in unit_to_dict(u).values()] for u in units)
    return _write_csv([c.field for c in UNIT_COLUMNS], rows, path, encoding)


def _english(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
