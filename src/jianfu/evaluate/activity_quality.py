"""`jianfu eval activity DIR`: per-status precision, recall and F1 of activity health on a labelled set.

A labelled set is a directory with `registry.jsonl` (contracts.md §2), `activity.csv` (§3), optionally
`logins.csv`, and `gold.json` = `{"as_of": "YYYY-MM-DD", "tools": {"<id>": "STATUS"}}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from jianfu.config import Settings
from jianfu.detect.activity import STATUS_NAME, STATUSES, Health, assess_all, default_rules
from jianfu.errors import InputError
from jianfu.evaluate.quality import Scores
from jianfu.ingest.activity import read_series
from jianfu.ingest.registry import read_registry
from jianfu.normalise.calendar import WorkCalendar


@dataclass(slots=True)
class ActivityQuality:
    directory: str
    as_of: date
    per_status: dict[str, Scores] = field(default_factory=lambda: {s: Scores() for s in STATUSES})
    errors: list[tuple[str, str, str, list[str]]] = field(default_factory=list)  # id, gold, predicted, reasons

    @property
    def macro_f1(self) -> float:
        return sum(s.f1 for s in self.per_status.values()) / len(self.per_status)


def evaluate_activity(directory: str | Path, settings: Settings | None = None) -> ActivityQuality:
    root = Path(directory)
    gold_path = root / "gold.json"
    if not gold_path.exists():
        raise InputError("缺少 gold.json（{\"as_of\": …, \"tools\": {id: status}}）", str(gold_path))
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    as_of = date.fromisoformat(gold["as_of"])
    parsed = read_registry(root / "registry.jsonl")
    if parsed.problems:
        raise InputError(str(parsed.problems[0]), str(root / "registry.jsonl"))
    rules = default_rules()
    logins = root / "logins.csv"
    builder, _ = read_series(root / "activity.csv", as_of, rules.window_days,
                             logins=logins if logins.exists() else None)
    calendar = WorkCalendar(settings or Settings())
    healths: dict[str, Health] = assess_all(parsed.tools, builder.series, as_of, rules, calendar.is_working_day)
    result = ActivityQuality(str(root), as_of)
    for tool_id, expected in gold["tools"].items():
        got = healths[tool_id].status if tool_id in healths else "HEALTHY"
        for status, scores in result.per_status.items():
            if got == status and expected == status:
                scores.tp += 1
            elif got == status:
                scores.fp += 1
            elif expected == status:
                scores.fn += 1
        if got != expected:
            result.errors.append((tool_id, expected, got, healths[tool_id].reasons if tool_id in healths else []))
    return result


def activity_quality_table(result: ActivityQuality) -> Table:
    table = Table(title=f"运行状况评估质量 activity health — {result.directory}（评估日 {result.as_of}）")
    for header in ("状态 status", "中文", "support", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(header, justify="right" if header not in ("状态 status", "中文") else "left")
    for status, s in result.per_status.items():
        table.add_row(status, STATUS_NAME[status], str(s.support), str(s.tp), str(s.fp), str(s.fn),
                      f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}")
    table.caption = f"macro-F1 {result.macro_f1:.3f} · {sum(s.support for s in result.per_status.values())} 个工具"
    return table


def errors_table(result: ActivityQuality, limit: int) -> Table:
    table = Table(title=f"判错的工具（前 {limit} 个）", show_lines=True)
    for header in ("编号", "应为", "判为", "理由"):
        table.add_column(header)
    for tool_id, gold, got, reasons in result.errors[:limit]:
        table.add_row(tool_id, gold, got, escape("\n".join(reasons)))
    return table
