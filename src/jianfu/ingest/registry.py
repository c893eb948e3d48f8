"""Read the registry (台账) of tools and units from XLSX, CSV or JSONL, validating every row.

One table of columns (`TOOL_COLUMNS`, `UNIT_COLUMNS`) says what each field is called: its contract
name (contracts.md §2, English) and the header offices write (Chinese), plus the variants seen in
real 台账. The exporter (`jianfu.report.registry_export`) writes the same headers, so a file it
writes reads back unchanged.

Reading streams: XLSX through openpyxl's read-only mode, CSV through `csv.reader`, JSONL line by
line. `iter_registry` yields each valid `Unit`/`Tool` and each `RowProblem` as it goes and keeps only
the ids already seen (for the duplicate check); `read_registry` collects them into a
`RegistryFile`. Every row is checked in full, so one pass reports all of a row's problems. A row
with a problem yields no record: the caller decides whether anything is written (nothing unless
the file is clean, or the rest with `--skip-invalid`).

Row numbers are those the user sees: Excel's row number for XLSX (the header is row 1, or row 2
under a title row), the line a record starts on for CSV and JSONL. A problem prints as
`台账.xlsx[台账]:17:上线时间: 无法识别的日期 '2024-13-01'` (file[sheet]:row:column as written: reason);
warnings (unknown columns, ignored sheets) have the same shape and lose no data. A file that cannot
be read at all (missing, not a spreadsheet, no header) raises InputError naming it.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from jianfu.errors import InputError
from jianfu.ingest.encoding import detect_encoding, open_text
from jianfu.lifecycle import STATUS_NAME, Status, parse_status
from jianfu.records import PLATFORM_LABELS, TOOL_KINDS, UNIT_LEVELS, Tool, Unit

__all__ = [
    "IGNORED_HEADERS",
    "KIND_LABELS",
    "LEVEL_LABELS",
    "PLATFORM_LABELS",
    "TOOLS_SHEET",
    "TOOL_COLUMNS",
    "UNITS_SHEET",
    "UNIT_COLUMNS",
    "Column",
    "Record",
    "RegistryFile",
    "RowProblem",
    "format_working_hours",
    "iter_registry",
    "parse_bool",
    "parse_date",
    "parse_kind",
    "parse_level",
    "parse_platform",
    "parse_working_hours",
    "read_registry",
    "split_list",
]


# --- the column table: one place for every name a field goes by --------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """One field of a registry table: contract name, the office header, accepted variants."""

    field: str  # attribute of Tool/Unit and the JSONL key (contract name)
    header: str  # Chinese header the exporter writes
    aliases: tuple[str, ...] = ()  # further headers accepted on input (English or Chinese)
    required: bool = False
    width: float = 12  # column width in the exported XLSX


TOOL_COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", ("工具编号", "应用编号", "台账编号", "ID"), required=True, width=14),
    Column("name", "名称", ("应用名称", "工具名称", "账号名称", "群名称", "群组名称", "应用程序名称"),
           required=True, width=26),
    Column("kind", "类型", ("类别", "工具类型", "应用类型", "类型(APP/小程序/公众号/工作群)"), required=True, width=9),
    Column("owner_unit", "主办单位", ("所属单位", "建设单位", "主管单位", "运营单位", "开办单位", "建群单位", "单位",
                                  "单位名称", "owner"), required=True, width=24),
    Column("level", "层级", ("单位层级", "行政层级", "级别"), width=9),
    Column("platform", "平台", ("所在平台", "运行平台", "依托平台", "平台类型"), width=10),
    Column("description", "功能描述", ("描述", "简介", "功能简介", "基本情况"), width=36),
    Column("functions", "主要功能", ("功能", "功能清单", "功能模块"), width=30),
    Column("audience", "使用对象", ("服务对象", "用户群体", "使用人群", "群成员"), width=16),
    Column("launched", "上线时间", ("上线日期", "开通时间", "开通日期", "建立时间", "建群时间", "注册时间"), width=12),
    Column("purpose", "建设目的", ("目的", "用途", "建设用途", "建群目的"), width=24),
    Column("responsible_person", "责任人", ("负责人", "管理员", "群主", "责任人姓名", "responsible"), width=10),
    Column("filing_number", "备案编号", ("备案号", "备案文号", "filing"), width=20),
    Column("features", "功能特性", ("特性", "功能特点", "包含功能"), width=20),
    Column("exemption", "豁免情况", ("豁免", "豁免说明", "安保应急豁免", "安保/应急豁免"), width=24),
    Column("temporary", "是否临时群", ("临时群", "是否临时", "临时"), width=10),
    Column("task_end", "任务结束日期", ("任务结束时间", "任务截止日期", "解散日期", "预计解散时间"), width=12),
    Column("status", "状态", ("运行状态", "当前状态"), width=10),
    Column("merged_into", "并入对象", ("整合至", "合并至", "并入"), width=14),
)

UNIT_COLUMNS: tuple[Column, ...] = (
    Column("id", "单位编号", ("编号", "单位代码", "ID"), required=True, width=18),
    Column("name", "单位名称", ("名称", "单位"), required=True, width=28),
    Column("level", "层级", ("单位层级", "行政层级", "级别"), required=True, width=10),
    Column("parent", "上级单位编号", ("上级单位", "上级", "上级编号", "parent_id"), width=18),
    Column("working_hours", "工作时间", ("作息时间", "上班时间"), width=26),
    Column("region", "所属地区", ("地区", "区域", "所属区域"), width=12),
)

# Headers offices put in a 台账 that carry no data of the record: read without a warning.
IGNORED_HEADERS = frozenset({"序号", "no", "no."})

TOOLS_SHEET = "台账"
UNITS_SHEET = "单位"
_TOOLS_SHEETS = frozenset({"台账", "tools", "工具", "台账明细", "registry"})
_UNITS_SHEETS = frozenset({"单位", "units", "单位表", "单位信息", "组织机构"})

# Exported labels of the enumerations; every label and code is accepted on input.
KIND_LABELS: dict[str, str] = {"app": "APP", "miniprogram": "小程序", "public_account": "公众号",
                               "work_group": "工作群"}
LEVEL_LABELS: dict[str, str] = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇",
                                "village": "村(社区)"}
_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "app": ("应用", "应用程序", "移动应用", "政务app", "政务应用", "政务应用程序", "客户端", "移动客户端", "手机app",
            "app应用"),
    "miniprogram": ("mini_program", "mini-program", "小程序", "微信小程序", "支付宝小程序", "政务小程序"),
    "public_account": ("公众号", "政务公众号", "微信公众号", "公众账号", "政务公众账号", "服务号", "订阅号",
                       "政务新媒体", "新媒体账号", "微博", "政务微博", "抖音号", "视频号", "头条号", "官方账号"),
    "work_group": ("work-group", "工作群", "微信群", "政务工作群", "企业微信群", "钉钉群", "qq群", "飞书群", "群组",
                   "工作群组", "微信工作群"),
}
_LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "province": ("省", "省级", "省直", "省级部门"),
    "city": ("市", "市级", "市直", "地市级", "地级", "市级部门"),
    "county": ("县", "县级", "区", "区级", "县区", "县区级", "县(区)", "县(市、区)", "县市区", "县(市)", "县级部门"),
    "township": ("乡镇", "乡镇级", "乡", "镇", "街道", "乡镇(街道)", "乡镇街道", "乡级", "镇级"),
    "village": ("村", "村级", "社区", "村(社区)", "村居", "村社区", "村(居)", "community"),
}
_PLATFORM_ALIASES: dict[str, tuple[str, ...]] = {
    "WeChat": ("微信", "微信公众平台", "微信公众号", "微信小程序", "微信群", "wechat", "weixin"),
    "WeCom": ("企业微信", "企微", "政务微信", "wecom", "wework"),
    "DingTalk": ("钉钉", "政务钉钉", "浙政钉", "dingtalk", "dingding"),
    "Feishu": ("飞书", "feishu", "lark"),
    "Weibo": ("微博", "新浪微博", "weibo"),
    "Douyin": ("抖音", "douyin", "tiktok"),
    "Kuaishou": ("快手", "kuaishou"),
    "Toutiao": ("今日头条", "头条", "头条号", "toutiao"),
    "Bilibili": ("哔哩哔哩", "b站", "bilibili"),
    "QQ": ("qq", "qq群"),
    "Alipay": ("支付宝", "支付宝小程序", "alipay"),
    "own": ("自建", "自主开发", "独立app", "自有平台", "安卓/ios", "ios/安卓", "android/ios", "应用商店"),
}

# Cells offices fill to say "nothing here"; read as empty in optional fields.
_NULL_MARKERS = frozenset({"无", "暂无", "/", "-", "--", "—", "——", "－", "n/a", "N/A", "null", "NULL"})

_TRUE = frozenset({"是", "true", "yes", "y", "t", "1", "√", "✓", "临时", "临时群"})
_FALSE = frozenset({"否", "false", "no", "n", "f", "0", "×", "✗", "长期", "常设", "非临时"})

_LIST_SPLIT = re.compile(r"[;；、,，\n|]")
_FULLWIDTH = str.maketrans("０１２３４５６７８９／－．：", "0123456789/-.:")
_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_HOURS_SPLIT = re.compile(r"[,，;；、\s]+")
_RANGE_RE = re.compile(r"(\d{1,2})[:：](\d{2})\s*(?:-|–|—|~|～|至|到)\s*(\d{1,2})[:：](\d{2})")
_EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 = 1900-01-01 once Excel's 1900 leap-day bug is accounted for

_HEADER_SCAN_ROWS = 10  # title rows allowed above the header


def _norm(text: str) -> str:
    """Key for matching headers and enum values: no spaces, no BOM, ASCII brackets, lower case."""
    text = text.strip().lstrip("\ufeff").replace("（", "(").replace("）", ")")
    for mark in ("(必填)", "*", "＊"):
        text = text.replace(mark, "")
    return re.sub(r"\s+", "", text).lower()


def _lookup(columns: Sequence[Column]) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for col in columns:
        for name in (col.field, col.header, *col.aliases):
            key = _norm(name)
            if key in table and table[key] is not col:
                raise AssertionError(f"header {name!r} names two fields")  # a bug in the table above
            table[key] = col
        table.setdefault(_norm(col.field.replace("_", " ")), col)
    return table


_TOOL_LOOKUP = _lookup(TOOL_COLUMNS)
_UNIT_LOOKUP = _lookup(UNIT_COLUMNS)


def _enum_lookup(aliases: dict[str, tuple[str, ...]], labels: dict[str, str]) -> dict[str, str]:
    table = {_norm(code): code for code in aliases}
    for code, names in aliases.items():
        for name in (*names, labels.get(code, code)):
            table[_norm(name)] = code
    return table


_KINDS = _enum_lookup(_KIND_ALIASES, KIND_LABELS)
_LEVELS = _enum_lookup(_LEVEL_ALIASES, LEVEL_LABELS)
_PLATFORMS = _enum_lookup(_PLATFORM_ALIASES, PLATFORM_LABELS)
assert set(_KINDS.values()) == set(TOOL_KINDS) and set(_LEVELS.values()) == set(UNIT_LEVELS)

_KIND_HINT = "APP/应用、小程序、公众号、工作群/微信群，或 " + "/".join(TOOL_KINDS)
_LEVEL_HINT = "、".join(LEVEL_LABELS.values()) + "，或 " + "/".join(UNIT_LEVELS)
_STATUS_HINT = "、".join(STATUS_NAME[s] for s in Status)


# --- problems and results -------------------------------------------------------------------------


@dataclass(slots=True)
class RowProblem:
    """Something wrong with one cell or row, located the way the user sees the file."""

    file: str
    sheet: str | None  # XLSX sheet; None for CSV/JSONL
    row: int | None  # 1-based row (XLSX) or line (CSV/JSONL); None for the file as a whole
    column: str | None  # the header as written in the file; None when the row as a whole is wrong
    reason: str
    severity: str = "error"  # "error" (the row is not imported) or "warning" (noted, nothing lost)

    def __str__(self) -> str:
        where = self.file if self.sheet is None else f"{self.file}[{self.sheet}]"
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.reason}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(slots=True)
class RegistryFile:
    """A registry file read in full: the valid records, and every problem found on the way."""

    file: str
    units: list[Unit] = field(default_factory=list)
    tools: list[Tool] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)  # errors: those rows are not in units/tools
    warnings: list[RowProblem] = field(default_factory=list)  # unknown columns, ignored sheets, ...

    @property
    def ok(self) -> bool:
        """True when every row is valid: the whole file may be written."""
        return not self.problems

    @property
    def invalid_rows(self) -> list[tuple[str, str | None, int | None]]:
        """(file, sheet, row) of each row left out because of an error, in reading order."""
        seen: dict[tuple[str, str | None, int | None], None] = {}
        for p in self.problems:
            seen.setdefault((p.file, p.sheet, p.row), None)
        return list(seen)


class _Invalid(ValueError):
    """A cell value that cannot be read; its message is the reason shown to the user."""


# --- value parsers (public: the exporter, the CLI and the web form use them too) -----------------


def parse_kind(value: str) -> str:
    """'APP', '小程序', '政务公众号', '微信群', 'work_group' … → one of TOOL_KINDS."""
    code = _KINDS.get(_norm(value))
    if code is None:
        raise _Invalid(f"无法识别的类型 {value!r}（应为 {_KIND_HINT}）")
    return code


def parse_level(value: str) -> str:
    """'省级', '县(区)', '乡镇', '村（社区）', 'county' … → one of UNIT_LEVELS."""
    code = _LEVELS.get(_norm(value))
    if code is None:
        raise _Invalid(f"无法识别的层级 {value!r}（应为 {_LEVEL_HINT}）")
    return code


def parse_platform(value: str) -> str:
    """Known platforms to one spelling ('微信公众平台' → 'WeChat'); others as written."""
    return _PLATFORMS.get(_norm(value), value)


def parse_date(value: Any) -> date:
    """A date from a cell: date/datetime, an Excel serial number, or text as YYYY-MM-DD, YYYY/M/D,
    YYYY.M.D, 2024年5月1日 or YYYYMMDD (a time after the date is ignored)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial range (1900-01-01 … 9999-12-31)
            return (_EXCEL_EPOCH + timedelta(days=int(value))).date()
        raise _Invalid(f"无法识别的日期 {value!r}")
    if not isinstance(value, str):
        raise _Invalid(f"无法识别的日期 {value!r}")
    text = value.strip().translate(_FULLWIDTH)
    m = _DATE_RE.fullmatch(text) or _COMPACT_DATE_RE.fullmatch(text)
    if m is None:
        raise _Invalid(f"无法识别的日期 {value!r}")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise _Invalid(f"无法识别的日期 {value!r}") from None


def parse_bool(value: Any) -> bool:
    """是/否, true/false, 1/0, yes/no, √/× (and 临时/长期 in 是否临时群)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise _Invalid(f"无法识别的是/否值 {value!r}（应为 是/否、true/false、1/0）")


def split_list(value: Any) -> tuple[str, ...]:
    """A list cell → items. Text splits on ; ； 、 , ， | and line breaks; a JSON list is taken as is."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = orjson.loads(text)
            except orjson.JSONDecodeError:
                parsed = None
            if isinstance(parsed, list):
                return split_list(parsed)
        items: Iterable[Any] = _LIST_SPLIT.split(text)
    elif isinstance(value, (list, tuple)):
        items = value
        for item in items:
            if not isinstance(item, str):
                raise _Invalid(f"列表中应为文本，实为 {item!r}")
    else:
        raise _Invalid(f"应为列表或以、；分隔的文本，实为 {value!r}")
    out: dict[str, None] = {}
    for item in items:
        item = item.strip()
        if item and item not in _NULL_MARKERS:
            out.setdefault(item, None)
    return tuple(out)


def parse_working_hours(value: Any) -> list[tuple[str, str]]:
    """'08:30-12:00,14:00-18:00' (or a JSON list of such ranges / [start, end] pairs) → [("08:30", "12:00"), …]."""
    if isinstance(value, str):
        parts = [p for p in _HOURS_SPLIT.split(value.strip().translate(_FULLWIDTH)) if p]
        # "08:30 - 12:00" was split at its spaces: join the pieces back around the dash
        joined: list[str] = []
        for p in parts:
            if joined and (p[0] in "-–—~～至到" or joined[-1][-1] in "-–—~～至到"):
                joined[-1] += p
            else:
                joined.append(p)
        parts = joined
    elif isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
                parts.append(f"{item[0]}-{item[1]}")
            elif isinstance(item, str):
                parts.append(item)
            else:
                raise _Invalid(f"无法识别的工作时间 {value!r}（格式如 08:30-12:00,14:00-18:00）")
    else:
        raise _Invalid(f"无法识别的工作时间 {value!r}（格式如 08:30-12:00,14:00-18:00）")
    out: list[tuple[str, str]] = []
    for part in parts:
        m = _RANGE_RE.fullmatch(part.strip())
        if m is None:
            raise _Invalid(f"无法识别的工作时间 {value!r}（格式如 08:30-12:00,14:00-18:00）")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2) or (h1, m1) >= (h2, m2):
            raise _Invalid(f"工作时间 {part!r} 不是有效的时段")
        out.append((f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"))
    if not out:
        raise _Invalid(f"无法识别的工作时间 {value!r}（格式如 08:30-12:00,14:00-18:00）")
    return out


def format_working_hours(hours: Sequence[tuple[str, str]] | None) -> str:
    """The inverse of parse_working_hours: '08:30-12:00,14:00-18:00'."""
    return ",".join(f"{a}-{b}" for a, b in hours) if hours else ""


def _parse_status(value: str) -> str:
    try:
        return parse_status(value).value
    except ValueError:
        raise _Invalid(f"无法识别的状态 {value!r}（应为 {_STATUS_HINT}）") from None


def _text(value: Any) -> str:
    """A cell as text: strings stripped, whole numbers without '.0' (ids typed as numbers in Excel)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise _Invalid(f"应为文本，实为 {value!r}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.min.time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise _Invalid(f"应为文本，实为 {type(value).__name__}")


def _kind_cell(value: Any) -> str:
    return parse_kind(_text(value))


def _level_cell(value: Any) -> str:
    return parse_level(_text(value))


def _status_cell(value: Any) -> str:
    return _parse_status(_text(value))


def _platform_cell(value: Any) -> str:
    return parse_platform(_text(value))


# field → (converter, memo): a memoised field maps each distinct cell text once per read, and every row
# with that text shares the one value (enums, dates, lists, unit and person names repeat across rows).
_Converter = Callable[[Any], Any]
_TOOL_CONVERTERS: dict[str, tuple[_Converter, bool]] = {
    "id": (_text, False), "kind": (_kind_cell, True), "name": (_text, False), "owner_unit": (_text, True),
    "level": (_level_cell, True), "description": (_text, False), "functions": (split_list, True),
    "audience": (_text, True), "launched": (parse_date, True), "platform": (_platform_cell, True),
    "purpose": (_text, True), "responsible_person": (_text, True), "filing_number": (_text, False),
    "features": (split_list, True), "exemption": (_text, True), "temporary": (parse_bool, True),
    "task_end": (parse_date, True), "status": (_status_cell, True), "merged_into": (_text, False),
}
_UNIT_CONVERTERS: dict[str, tuple[_Converter, bool]] = {
    "id": (_text, False), "name": (_text, False), "level": (_level_cell, True), "parent": (_text, True),
    "working_hours": (parse_working_hours, False), "region": (_text, True),
}
_EMPTY_TEXT_FIELDS = ("description", "audience", "purpose")  # "" rather than None when absent
_REQUIRED = {"tools": tuple(c.field for c in TOOL_COLUMNS if c.required),
             "units": tuple(c.field for c in UNIT_COLUMNS if c.required)}
_MEMO_LIMIT = 8192  # distinct values memoised per field: bounds memory on files of unique values

# One column of a table as read: position, field, header as written, required, converter, memo.
_Step = tuple[int, str, str, bool, _Converter, "dict[Any, Any] | None"]


# --- reading ------------------------------------------------------------------------------------------

Record = Unit | Tool | RowProblem


def _blank(values: Sequence[Any]) -> bool:
    for v in values:
        if v is None:
            continue
        if v.__class__ is str and (not v or v.isspace()):
            continue
        return False
    return True


class _Reader:
    """State of one file's read: the ids seen (for duplicates) and the memoised conversions."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.ids: dict[str, dict[str, int | None]] = {"tools": {}, "units": {}}  # id → row first seen
        self.memos: dict[tuple[str, str], dict[Any, Any]] = {}

    def problem(self, sheet: str | None, row: int | None, column: str | None, reason: str,
                severity: str = "error") -> RowProblem:
        return RowProblem(self.file, sheet, row, column, reason, severity)

    def plan(self, table: str, columns: Iterable[tuple[int, Column, str]]) -> list[_Step]:
        converters = _TOOL_CONVERTERS if table == "tools" else _UNIT_CONVERTERS
        steps: list[_Step] = []
        for i, col, header in columns:
            convert, memoise = converters[col.field]
            memo = self.memos.setdefault((table, col.field), {}) if memoise else None
            steps.append((i, col.field, header, col.required, convert, memo))
        return steps

    def record(self, table: str, plan: list[_Step], values: Sequence[Any], sheet: str | None,
               row: int | None) -> Record | list[Record]:
        """Validate one row against the plan: the record, or a list of all the row's problems (a list too
        when a valid record comes with a warning). A function, not a generator: it runs once per row."""
        out: dict[str, Any] = {}
        problems: list[RowProblem] | None = None
        failed: set[str] | None = None
        n = len(values)
        for i, name, header, required, convert, memo in plan:
            raw = values[i] if i < n else None
            if raw is None:
                continue
            if raw.__class__ is str:
                raw = raw.strip()
                if not raw or (not required and raw in _NULL_MARKERS):
                    continue
                if memo is not None:
                    value = memo.get(raw)
                    if value is not None:
                        out[name] = value
                        continue
            try:
                value = convert(raw)
            except _Invalid as exc:
                if problems is None:
                    problems, failed = [], set()
                problems.append(self.problem(sheet, row, header, str(exc)))
                failed.add(name)  # type: ignore[union-attr]
                continue
            if value == "" or value == ():
                continue
            if memo is not None and raw.__class__ is str and len(memo) < _MEMO_LIMIT:
                memo[raw] = value
            out[name] = value
        for name in _REQUIRED[table]:
            if name not in out:
                problems = self._missing(table, plan, out, failed, problems, sheet, row)
                break
        ident = out.get("id")
        if ident is not None:
            seen = self.ids[table]
            if ident in seen:
                if problems is None:
                    problems = []
                header = next(h for _, f, h, *_ in plan if f == "id")
                problems.append(self.problem(sheet, row, header, f"编号 {ident!r} 与第 {seen[ident]} 行重复"))
            elif not problems:
                seen[ident] = row
        if problems:
            if len(problems) > 1:  # in column order, as the user reads the row
                position = {h: i for i, _, h, *_ in plan}
                problems.sort(key=lambda p: position.get(p.column, -1))  # type: ignore[arg-type]
            return problems  # type: ignore[return-value]
        if table == "units":
            return Unit(**out)
        for name in _EMPTY_TEXT_FIELDS:
            if name not in out:
                out[name] = ""
        tool = Tool(**out, file=self.file, line=row)
        if tool.temporary and tool.kind != "work_group":
            header = next(h for _, f, h, *_ in plan if f == "temporary")
            return [self.problem(sheet, row, header, "只有工作群可以标记为临时群", "warning"), tool]
        return tool

    def _missing(self, table: str, plan: list[_Step], out: dict[str, Any], failed: set[str] | None,
                 problems: list[RowProblem] | None, sheet: str | None, row: int | None) -> list[RowProblem] | None:
        """Required fields left empty (a field that failed to convert is reported once, as that)."""
        written = {f: h for _, f, h, *_ in plan}
        for col in TOOL_COLUMNS if table == "tools" else UNIT_COLUMNS:
            if col.required and col.field not in out and (failed is None or col.field not in failed):
                if problems is None:
                    problems = []
                problems.append(self.problem(sheet, row, written.get(col.field, col.field), "必填项为空"))
        return problems

    # -- tables (CSV rows, XLSX rows) --

    def table(self, rows: Iterator[tuple[int, Sequence[Any]]], sheet: str | None, table: str | None,
              strict_width: bool) -> Iterator[Record]:
        """Rows of a sheet or CSV: find the header (title rows above it are skipped), then read records."""
        header_row = 0
        header: Sequence[Any] = ()
        scanned = 0
        for number, values in rows:
            if _blank(values):
                continue
            scanned += 1
            found = _table_of(values) if table is None else table
            if found is not None and _matches(values, found) >= 2:
                header_row, header, table = number, values, found
                break
            if scanned >= _HEADER_SCAN_ROWS:
                break
        if not header_row:
            if scanned == 0:
                yield self.problem(sheet, None, None, "没有任何记录", "warning")
                return
            what = "编号、名称、类型、主办单位" if table != "units" else "单位编号、单位名称、层级"
            raise InputError(f"找不到表头：前 {scanned} 行中没有可识别的列名（需要 {what} 等）",
                             self.file if sheet is None else f"{self.file}[{sheet}]")
        assert table is not None
        lookup = _TOOL_LOOKUP if table == "tools" else _UNIT_LOOKUP
        columns = TOOL_COLUMNS if table == "tools" else UNIT_COLUMNS
        index: list[tuple[int, Column, str]] = []
        used: dict[str, str] = {}
        for i, raw in enumerate(header):
            name = "" if raw is None else raw.strip().lstrip("\ufeff") if isinstance(raw, str) else str(raw)
            if not name or _norm(name) in IGNORED_HEADERS:
                continue
            col = lookup.get(_norm(name))
            if col is None:
                yield self.problem(sheet, header_row, name, "未知列，已忽略", "warning")
            elif col.field in used:
                yield self.problem(sheet, header_row, name, f"与「{used[col.field]}」是同一字段，已忽略", "warning")
            else:
                used[col.field] = name
                index.append((i, col, name))
        missing = [c for c in columns if c.required and c.field not in used]
        if missing:
            for c in missing:
                yield self.problem(sheet, header_row, c.header, f"缺少必填列「{c.header}」（{c.field}）")
            return
        plan = self.plan(table, index)
        width = len(header)
        for number, values in rows:
            if _blank(values):
                continue  # blank line, or a row of empty cells (Excel pads those)
            if len(values) > width and not _blank(values[width:]):
                if strict_width:
                    yield self.problem(sheet, number, None, f"本行有 {len(values)} 个值，多于表头的 {width} 列")
                    continue
                yield self.problem(sheet, number, None, f"表头第 {width} 列之后的值已忽略", "warning")
            result = self.record(table, plan, values, sheet, number)
            if result.__class__ is list:
                yield from result  # type: ignore[misc]
            else:
                yield result  # type: ignore[misc]

    # -- JSON records --

    def json_record(self, obj: Any, line: int | None, state: dict[Any, Any], table: str) -> Iterator[Record]:
        """One JSON object; `state` keeps the plan per key layout and the unknown keys already reported."""
        if type(obj) is not dict:
            yield self.problem(None, line, None, f"应为 JSON 对象，实为 {type(obj).__name__}")
            return
        keys = tuple(obj)
        plan = state.get(keys)
        if plan is None:
            lookup = _TOOL_LOOKUP if table == "tools" else _UNIT_LOOKUP
            unknown: set[str] = state.setdefault("unknown", set())
            index: list[tuple[int, Column, str]] = []
            used: set[str] = set()
            for i, key in enumerate(keys):
                col = lookup.get(_norm(key))
                if col is None or col.field in used:
                    if key not in unknown:
                        unknown.add(key)
                        if _norm(key) not in IGNORED_HEADERS:
                            yield self.problem(None, line, key, "未知字段，已忽略", "warning")
                    continue
                used.add(col.field)
                index.append((i, col, key))
            plan = self.plan(table, index)
            if len(state) < 256:  # records normally share a handful of key layouts
                state[keys] = plan
        result = self.record(table, plan, list(obj.values()), None, line)
        if isinstance(result, list):
            yield from result
        else:
            yield result


def _matches(values: Sequence[Any], table: str) -> int:
    lookup = _TOOL_LOOKUP if table == "tools" else _UNIT_LOOKUP
    return sum(1 for v in values if isinstance(v, str) and _norm(v) in lookup)


def _table_of(names: Iterable[Any]) -> str | None:
    """Which table a header (or a JSON record's keys) belongs to: 'tools', 'units' or None."""
    keys = [_norm(v) for v in names if isinstance(v, str)]
    fields_t = {_TOOL_LOOKUP[k].field for k in keys if k in _TOOL_LOOKUP}
    fields_u = {_UNIT_LOOKUP[k].field for k in keys if k in _UNIT_LOOKUP}
    # Fields only one table has decide; "单位名称" alone does not (a unit's name, or a tool's owner).
    if fields_t & {"kind", "functions", "platform", "launched", "features", "filing_number", "responsible_person"}:
        return "tools"
    if fields_u & {"parent", "working_hours", "region"}:
        return "units"
    if {"id", "name", "level"} <= fields_u:  # no tools table lacks its kind column
        return "units"
    if len(fields_t) >= 2:
        return "tools"
    return None


# --- formats --------------------------------------------------------------------------------------


def _format_of(file: str) -> str:
    try:
        with open(file, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror or exc}", file) from None
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("不支持旧版 .xls（Excel 97-2003）文件，请在 Excel/WPS 中另存为 .xlsx 或 CSV", file)
    suffix = Path(file).suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xltx", ".xltm"):
        raise InputError("不是有效的 XLSX 文件（文件已损坏或并非 Excel 格式）", file)
    if suffix in (".jsonl", ".ndjson", ".jsonlines", ".json"):
        return "json"
    return "csv"


def csv_rows(file: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV/TSV file in any supported encoding; a broken record names file and line."""
    encoding = detect_encoding(file)
    with open_text(file, encoding, newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        delimiter = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(fh, delimiter=delimiter)
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"无法读取的 CSV 记录：{exc}", file, start) from None
            yield start, values


def _iter_csv(reader: _Reader, table: str | None = None) -> Iterator[Record]:
    yield from reader.table(csv_rows(reader.file), None, table, strict_width=True)


def _iter_json(reader: _Reader) -> Iterator[Record]:
    file = reader.file
    encoding = detect_encoding(file)
    state: dict[Any, Any] = {}
    table: str | None = None
    with open_text(file, encoding) as fh:
        first = fh.read(1)
        while first.isspace():
            first = fh.read(1)
        if first == "[":  # one JSON array of records: not streamed, numbered by position
            try:
                data = orjson.loads(first + fh.read())
            except orjson.JSONDecodeError as exc:
                raise InputError(f"JSON 格式错误：{exc.msg}", file, exc.lineno) from None
            for i, obj in enumerate(data, 1):
                if table is None and isinstance(obj, dict):
                    table = _table_of(list(obj)) or "tools"
                yield from reader.json_record(obj, i, state, table or "tools")
            return
        fh.seek(0)
        for number, line in enumerate(fh, 1):
            if line.isspace() or not line:
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield reader.problem(None, number, None, f"JSON 格式错误：{exc.msg}")
                continue
            if table is None and isinstance(obj, dict):
                table = _table_of(list(obj)) or "tools"
            yield from reader.json_record(obj, number, state, table or "tools")


def _iter_xlsx(reader: _Reader) -> Iterator[Record]:
    from openpyxl import load_workbook  # openpyxl is slow to import; only XLSX needs it
    from openpyxl.utils.exceptions import InvalidFileException

    file = reader.file
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputError(f"无法读取 XLSX 文件：{exc}", file) from None
    try:
        names = list(wb.sheetnames)
        units_sheet = next((n for n in names if _norm(n) in _UNITS_SHEETS), None)
        tools_sheet = next((n for n in names if _norm(n) in _TOOLS_SHEETS), None)
        if tools_sheet is None:
            tools_sheet = next((n for n in names if n != units_sheet), None)
        for name in names:
            if name not in (units_sheet, tools_sheet):
                yield reader.problem(name, None, None, "未识别的工作表，已忽略（台账应在「台账」或第一个工作表，"
                                                       "单位在「单位」工作表）", "warning")
        for name, table in ((units_sheet, "units"), (tools_sheet, "tools")):
            if name is None:
                continue
            ws = wb[name]
            ws.reset_dimensions()  # some writers record a wrong sheet size; read what is there
            rows = enumerate(ws.iter_rows(values_only=True), 1)
            yield from reader.table(rows, name, table, strict_width=False)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"无法读取 XLSX 文件：{exc}", file) from None
    finally:
        wb.close()


def iter_registry(path: str | os.PathLike[str], *, units_path: str | os.PathLike[str] | None = None,
                  ) -> Iterator[Record]:
    """Stream a registry file: each valid Unit and Tool, and each RowProblem (errors and warnings).

    The format comes from the content (XLSX by its ZIP signature) and the suffix (.jsonl/.json,
    otherwise CSV). An XLSX may hold a 单位/units sheet besides the 台账/tools sheet (or its first
    sheet); a CSV or JSONL holds one table, tools or units, told apart by its columns.
    `units_path` names a separate units file, read first. A file that cannot be read at all
    raises InputError naming it.
    """
    if units_path is not None:
        yield from _iter_file(os.fspath(units_path), _Reader(os.fspath(units_path)), expect="units")
    yield from _iter_file(os.fspath(path), _Reader(os.fspath(path)), expect=None)


def _iter_file(file: str, reader: _Reader, expect: str | None) -> Iterator[Record]:
    fmt = _format_of(file)
    if fmt == "xlsx":
        yield from _iter_xlsx(reader)
    elif fmt == "json":
        yield from _iter_json(reader)
    else:
        yield from _iter_csv(reader, expect)


def read_registry(path: str | os.PathLike[str], *, units_path: str | os.PathLike[str] | None = None,
                  ) -> RegistryFile:
    """Read and validate a whole registry file (see iter_registry); nothing is written anywhere."""
    result = RegistryFile(os.fspath(path))
    for item in iter_registry(path, units_path=units_path):
        if isinstance(item, Tool):
            result.tools.append(item)
        elif isinstance(item, Unit):
            result.units.append(item)
        elif item.severity == "error":
            result.problems.append(item)
        else:
            result.warnings.append(item)
    return result


def tool_from_mapping(obj: dict[str, Any], file: str) -> Tool:
    """One tool from a mapping (a filing application), validated like a 台账 row; errors raise InputError."""
    records = list(_Reader(file).json_record(obj, None, {}, "tools"))
    errors = [r for r in records if isinstance(r, RowProblem) and r.is_error]
    if errors:
        raise InputError("；".join(f"{p.column}: {p.reason}" if p.column else p.reason for p in errors), file)
    tools = [r for r in records if isinstance(r, Tool)]
    if not tools:
        raise InputError("申请中没有可识别的工具字段", file)
    return tools[0]
