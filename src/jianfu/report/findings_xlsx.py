"""Stored findings as an office XLSX: a sheet of findings with their review state, and a sheet of totals."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from jianfu.store.findings import STATUS_NAME, StoredFinding
from jianfu.taxonomy import CHINESE_NAME, Code

HEADER = ["编号", "发送时间", "工作群组", "建群单位", "发文单位", "发送人", "问题类型", "证据", "规则", "政策依据",
          "严重程度", "工作时间外", "每人耗时（分钟）", "群人数", "负担（人·分钟）", "审核状态", "审核说明", "消息原文"]


def _name(code: str) -> str:
    try:
        return CHINESE_NAME[Code(code)]
    except ValueError:
        return code


def write_findings_xlsx(findings: Sequence[StoredFinding], unit_names: dict[str, str], path: str | Path,
                        title: str, tz: str = "Asia/Shanghai") -> None:
    zone = ZoneInfo(tz)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题线索"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADER)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    minutes: Counter[str] = Counter()
    for f in findings:
        issuer = unit_names.get(f.issuing_unit_id or f.owner_unit_id, f.issuing_unit_id or f.owner_unit_id)
        ws.append([
            f.id, f.sent_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if f.sent_at else "", f.group_name,
            unit_names.get(f.owner_unit_id, f.owner_unit_id), issuer, f.sender or "",
            "、".join(_name(c) for c in f.codes), "；".join(dict.fromkeys(d["evidence"] for d in f.details)),
            "、".join(dict.fromkeys(d["rule"] for d in f.details)),
            "；".join(dict.fromkeys(d["policy"] for d in f.details)),
            f.severity, {True: "是", False: "否", None: "不详"}[f.off_hours], f.burden_minutes, f.group_size or "",
            f.burden_total_minutes, STATUS_NAME.get(f.status, f.status), f.status_reason or "", f.text,
        ])
        if f.status != "dismissed":
            for c in f.codes:
                totals[issuer][c] += 1
            minutes[issuer] += f.burden_total_minutes
    for col, width in zip("ABCDEFGHIJKLMNOPQR", (8, 17, 28, 22, 22, 10, 18, 30, 22, 40, 8, 8, 10, 8, 12, 10, 20, 60),
                          strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    sheet = wb.create_sheet("汇总")
    codes = sorted({c for per in totals.values() for c in per})
    sheet.append(["发文单位", *(_name(c) for c in codes), "合计", "负担（人·小时）"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows: list[list[Any]] = []
    for issuer, per in totals.items():
        rows.append([issuer, *(per.get(c, 0) for c in codes), sum(per.values()), round(minutes[issuer] / 60, 1)])
    for row in sorted(rows, key=lambda r: -r[-1]):
        sheet.append(row)
    sheet.column_dimensions["A"].width = 30
    for row in ws.iter_rows(min_row=3):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)
