"""Read the activity CSV of contracts.md §3 and the optional login-event CSV, streaming.

Activity: `date,id,active_users,new_posts,page_views,logins,interactions,replies_to_public`, one row
per tool per day. An empty cell is a missing figure (not a zero); a day without a row is a missing
day. Logins: `id,logged_in_at` (ISO 8601; a time without a zone is Asia/Shanghai).

Rows stream into `SeriesBuilder`, which keeps per tool only the assessed window as small numpy arrays,
so a year of 10,000 tools (3.65 M rows) needs about 100 MB whatever the file size. Every bad row is a
`RowProblem` naming file, line, column and reason; `strict` stops at the first one, otherwise the row
is skipped and counted.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from jianfu.errors import InputError
from jianfu.ingest.registry import RowProblem, csv_rows

METRICS: tuple[str, ...] = ("active_users", "new_posts", "page_views", "logins", "interactions",
                            "replies_to_public")
ACTIVITY_HEADER: tuple[str, ...] = ("date", "id", *METRICS)
LOGIN_HEADER: tuple[str, ...] = ("id", "logged_in_at")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(slots=True)
class ActivityRow:
    day: date
    tool_id: str
    values: tuple[float, ...]  # METRICS order; NaN = missing figure


@dataclass(slots=True)
class ToolSeries:
    """One tool's daily figures over the window [start, start + days).

    `present[i]` says whether day i has a row at all; `values[m, i]` is NaN where a figure is missing.
    `first_seen`/`last_seen` cover the whole file, also outside the window.
    """

    tool_id: str
    start: date
    values: np.ndarray  # shape (len(METRICS), days), float32
    present: np.ndarray  # shape (days,), bool
    first_seen: date | None = None
    last_seen: date | None = None
    login_minutes: list[tuple[int, int]] = field(default_factory=list)  # (day index, minute of day) in window

    @property
    def days(self) -> int:
        return int(self.present.shape[0])

    def metric(self, name: str) -> np.ndarray:
        return self.values[METRICS.index(name)]

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)


class SeriesBuilder:
    """Collects rows into per-tool window arrays; rows outside the window only move first/last seen."""

    def __init__(self, as_of: date, window_days: int) -> None:
        self.as_of = as_of
        self.days = window_days
        self.start = as_of - timedelta(days=window_days - 1)
        self.series: dict[str, ToolSeries] = {}
        self.rows = 0
        self.duplicates = 0

    def _get(self, tool_id: str) -> ToolSeries:
        s = self.series.get(tool_id)
        if s is None:
            s = ToolSeries(tool_id, self.start, np.full((len(METRICS), self.days), np.nan, dtype=np.float32),
                           np.zeros(self.days, dtype=bool))
            self.series[tool_id] = s
        return s

    def add(self, row: ActivityRow) -> None:
        self.rows += 1
        s = self._get(row.tool_id)
        if row.day <= self.as_of:
            s.first_seen = row.day if s.first_seen is None or row.day < s.first_seen else s.first_seen
            s.last_seen = row.day if s.last_seen is None or row.day > s.last_seen else s.last_seen
        i = (row.day - self.start).days
        if 0 <= i < self.days:
            if s.present[i]:
                self.duplicates += 1  # the same day twice: the later row wins, as a re-export would
            s.present[i] = True
            s.values[:, i] = row.values

    def add_login(self, tool_id: str, when: datetime) -> None:
        local = when.astimezone(SHANGHAI)
        i = (local.date() - self.start).days
        if 0 <= i < self.days:
            self._get(tool_id).login_minutes.append((i, local.hour * 60 + local.minute))


def _header(file: str, rows: Iterator[tuple[int, list[str]]], expected: tuple[str, ...],
            required: tuple[str, ...]) -> dict[str, int]:
    for _, values in rows:
        if not any(v.strip() for v in values):
            continue
        names = [v.strip().lstrip("\ufeff").lower() for v in values]
        missing = [c for c in required if c not in names]
        if missing:
            raise InputError(f"缺少列 {', '.join(missing)}；应为 {','.join(expected)}", file, 1)
        return {name: names.index(name) for name in expected if name in names}
    raise InputError("文件为空，没有表头", file, 1)


def iter_activity(path: str | os.PathLike[str], problems: list[RowProblem], *,
                  strict: bool = False) -> Iterator[ActivityRow]:
    """Rows of an activity CSV; bad rows go to `problems` (or raise InputError when strict)."""
    file = os.fspath(path)
    rows = csv_rows(file)
    cols = _header(file, rows, ACTIVITY_HEADER, ("date", "id"))
    dates: dict[str, date] = {}  # a year has 365 distinct dates: parse each once
    metric_cols = [(m, cols.get(m)) for m in METRICS]
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        try:
            raw_day = values[cols["date"]].strip()
            day = dates.get(raw_day)
            if day is None:
                day = _parse_day(raw_day)
                dates[raw_day] = day
            tool_id = values[cols["id"]].strip()
            if not tool_id:
                raise _Bad("id", "缺少工具编号")
            figures = []
            for name, col in metric_cols:
                cell = values[col].strip() if col is not None and col < len(values) else ""
                figures.append(_figure(cell, name))
        except IndexError:
            problem = RowProblem(file, None, line, None, f"列数不足：{len(values)} 列，表头有 {len(cols)} 列")
        except _Bad as bad:
            problem = RowProblem(file, None, line, bad.column, bad.reason)
        else:
            yield ActivityRow(day, tool_id, tuple(figures))
            continue
        if strict:
            raise InputError(problem.reason, file, line, problem.column)
        problems.append(problem)


def iter_logins(path: str | os.PathLike[str], problems: list[RowProblem], *,
                strict: bool = False) -> Iterator[tuple[str, datetime]]:
    file = os.fspath(path)
    rows = csv_rows(file)
    cols = _header(file, rows, LOGIN_HEADER, LOGIN_HEADER)
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        try:
            tool_id = values[cols["id"]].strip()
            raw = values[cols["logged_in_at"]].strip()
            if not tool_id:
                raise _Bad("id", "缺少工具编号")
            try:
                when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise _Bad("logged_in_at", f"无法识别的时间“{raw}”，应为 ISO 8601") from None
            if when.tzinfo is None:
                when = when.replace(tzinfo=SHANGHAI)
        except IndexError:
            problem = RowProblem(file, None, line, None, "列数不足")
        except _Bad as bad:
            problem = RowProblem(file, None, line, bad.column, bad.reason)
        else:
            yield tool_id, when
            continue
        if strict:
            raise InputError(problem.reason, file, line, problem.column)
        problems.append(problem)


def read_series(activity: str | os.PathLike[str], as_of: date, window_days: int, *,
                logins: str | os.PathLike[str] | None = None, strict: bool = False,
                ) -> tuple[SeriesBuilder, list[RowProblem]]:
    """Stream the activity (and login) files into window arrays; returns the builder and the problems."""
    problems: list[RowProblem] = []
    builder = SeriesBuilder(as_of, window_days)
    for row in iter_activity(activity, problems, strict=strict):
        builder.add(row)
    if logins is not None:
        for tool_id, when in iter_logins(logins, problems, strict=strict):
            builder.add_login(tool_id, when)
    return builder, problems


class _Bad(ValueError):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.replace("/", "-"))
    except ValueError:
        raise _Bad("date", f"无法识别的日期“{raw}”，应为 YYYY-MM-DD") from None


def _figure(cell: str, name: str) -> float:
    if not cell:
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        raise _Bad(name, f"“{cell}”不是数字") from None
    if value < 0 or math.isnan(value) or math.isinf(value):
        raise _Bad(name, f"“{cell}”不能为负数或非数")
    return value
