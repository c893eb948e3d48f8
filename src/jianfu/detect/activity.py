"""Activity health of one tool: HEALTHY, ZOMBIE, EMPTY_SHELL or FORCED_USAGE_PATTERN, with reasons.

`assess(tool, series, as_of, rules, workdays)` is the single entry point. It is pure: the series and
the working-day mask carry everything (no clock, no I/O), so the CLI, the store and Spark call the
same code. Thresholds, seasons and keyword lists are data (`rules/activity.yaml`).

How a status is reached, in this order (each step's reason names dates, numbers and the threshold):
1. No row at all → HEALTHY, "缺少运行数据": missing data is not silence.
2. Launched (or first seen) fewer than `min_history_days` ago → HEALTHY, "上线不足…，数据不足以判断".
3. Too few days with data in the recent window → HEALTHY, "数据缺失，无法判断" (never a guess).
4. Seasonal tools out of season → HEALTHY when the last season saw use; standby emergency tools are
   never zombies for being quiet.
5. ZOMBIE by kind: accounts silent ≥ ACC-02 days (ACC-01's 14 days is noted as a warning); apps with
   almost no real users (APP-08); temporary groups left open after their task (GRP-01); other groups
   silent ≥ GRP-02 days.
6. EMPTY_SHELL: logins without use of functions (SHELL-01); posts nobody reads or answers (SHELL-02).
7. FORCED_USAGE_PATTERN: logins bunched in one clock slot every workday (FORCED-01); a weekday or
   month-end spike ≥ N× the other workdays (FORCED-02, ranking publication days); a public,
   round-the-clock tool that collapses on rest days (FORCED-03).
The first status found wins (ZOMBIE > EMPTY_SHELL > FORCED_USAGE_PATTERN > HEALTHY); every reason
found is kept.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from jianfu.errors import RuleError
from jianfu.ingest.activity import ToolSeries
from jianfu.records import Tool

RULES_PATH = Path(__file__).parent / "rules" / "activity.yaml"
STATUSES: tuple[str, ...] = ("HEALTHY", "ZOMBIE", "EMPTY_SHELL", "FORCED_USAGE_PATTERN")
STATUS_NAME = {"HEALTHY": "正常", "ZOMBIE": "僵尸类", "EMPTY_SHELL": "空壳类", "FORCED_USAGE_PATTERN": "强制使用痕迹"}
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True, slots=True)
class Season:
    keywords: tuple[str, ...]
    start: tuple[int, int]  # (month, day), inclusive
    end: tuple[int, int]
    label: str

    def contains(self, d: date) -> bool:
        md = (d.month, d.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end  # wraps the new year (森林防火 10-01..05-31)

    @property
    def span(self) -> str:
        return f"{self.start[0]:02d}-{self.start[1]:02d}至{self.end[0]:02d}-{self.end[1]:02d}"


@dataclass(frozen=True)
class ActivityRules:
    window_days: int
    min_history_days: int
    min_coverage: float
    recent_days: int
    rules: dict[str, dict[str, Any]]
    levels: dict[str, dict[str, dict[str, Any]]]
    seasons: tuple[Season, ...]
    standby_keywords: tuple[str, ...]
    temporary_keywords: tuple[str, ...]
    public_audience_keywords: tuple[str, ...]
    office_audience_keywords: tuple[str, ...]
    examples: tuple[dict[str, Any], ...] = ()

    @classmethod
    def load(cls, path: str | Path = RULES_PATH) -> ActivityRules:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        try:
            seasons = tuple(Season(tuple(s["keywords"]), _month_day(s["from"]), _month_day(s["to"]), s["label"])
                            for s in raw["seasons"])
            return cls(int(raw["window_days"]), int(raw["min_history_days"]), float(raw["min_coverage"]),
                       int(raw["recent_days"]), dict(raw["rules"]), dict(raw.get("levels") or {}), seasons,
                       tuple(raw["standby_keywords"]), tuple(raw["temporary_keywords"]),
                       tuple(raw["public_audience_keywords"]), tuple(raw["office_audience_keywords"]),
                       tuple(raw.get("examples") or ()))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(f"{path}: invalid activity rules: {exc}") from None

    def param(self, rule: str, name: str, level: str | None) -> Any:
        override = self.levels.get(level or "", {}).get(rule, {})
        return override.get(name, self.rules[rule][name])

    def policy(self, rule: str) -> str:
        return str(self.rules[rule]["policy"])


def _month_day(text: str) -> tuple[int, int]:
    m, d = str(text).split("-")
    return int(m), int(d)


@dataclass(slots=True)
class Health:
    """An assessed status with the reasons a reviewer can check, and the rules that gave them."""

    tool_id: str
    status: str
    reasons: list[str]
    rules: list[str] = field(default_factory=list)
    as_of: date | None = None

    def to_contract(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": list(self.reasons)}


@dataclass(slots=True)
class _Verdicts:
    found: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: {s: [] for s in STATUSES})

    def add(self, status: str, rule: str, reason: str) -> None:
        self.found[status].append((rule, reason))

    def health(self, tool_id: str, as_of: date) -> Health:
        ordered = ("ZOMBIE", "EMPTY_SHELL", "FORCED_USAGE_PATTERN", "HEALTHY")
        status = next((s for s in ordered[:-1] if self.found[s]), "HEALTHY")
        items = self.found[status] + [x for s in ordered if s != status for x in self.found[s]]
        if not items:
            items = [("", "各项运行指标未触发任何规则")]
        return Health(tool_id, status, [r for _, r in items], [k for k, _ in items if k], as_of)


def workday_mask(start: date, days: int, is_working_day: Any) -> np.ndarray:
    """Working days (statutory holidays and 调休 included) of the window as a bool array."""
    return np.array([bool(is_working_day(start + timedelta(days=i))) for i in range(days)], dtype=bool)


def _text(tool: Tool) -> str:
    return " ".join((tool.name, tool.description, tool.purpose, " ".join(tool.functions)))


def season_of(tool: Tool, rules: ActivityRules) -> Season | None:
    text = _text(tool)
    return next((s for s in rules.seasons if any(k in text for k in s.keywords)), None)


def is_standby(tool: Tool, rules: ActivityRules) -> bool:
    return any(k in _text(tool) for k in rules.standby_keywords)


def is_temporary(tool: Tool, rules: ActivityRules) -> bool:
    return tool.kind == "work_group" and (tool.temporary or tool.task_end is not None
                                          or any(k in tool.name for k in rules.temporary_keywords))


def is_public_round_the_clock(tool: Tool, rules: ActivityRules) -> bool:
    audience = tool.audience or ""
    if any(k in audience for k in rules.office_audience_keywords):
        return False
    return any(k in audience for k in rules.public_audience_keywords)


def _nan_sum(a: np.ndarray) -> float:
    return float(np.nansum(a))


def assess(tool: Tool, series: ToolSeries | None, as_of: date, rules: ActivityRules,
           workdays: np.ndarray) -> Health:
    """The status of one tool on `as_of` from its series over the rules' window (see the module doc)."""
    v = _Verdicts()
    level = tool.level
    if series is None or not series.present.any():
        v.add("HEALTHY", "DATA", f"缺少运行数据：{as_of - timedelta(days=rules.window_days - 1)}至{as_of}"
                                 "没有任何记录（缺数据不等于无活动，需补充数据后再评估）")
        return v.health(tool.id, as_of)
    days = series.days
    launched = tool.launched or series.first_seen
    if launched is not None and (as_of - launched).days < rules.min_history_days:
        v.add("HEALTHY", "NEW", f"上线于{launched}，距评估日仅{(as_of - launched).days}天，"
                                f"不足{rules.min_history_days}天，数据不足以判断")
        return v.health(tool.id, as_of)
    # Days before the launch are not part of the tool's life: leave them out of every window.
    alive = np.ones(days, dtype=bool)
    if launched is not None and launched > series.start:
        alive[: (launched - series.start).days] = False
    recent = np.zeros(days, dtype=bool)
    recent[max(0, days - rules.recent_days):] = True
    recent &= alive
    present = series.present
    coverage = present[recent].mean() if recent.any() else 0.0
    season = season_of(tool, rules)
    in_season = None
    if season is not None:
        in_season = np.array([season.contains(series.day(i)) for i in range(days)], dtype=bool)
    if coverage < rules.min_coverage and not (season is not None and not season.contains(as_of)):
        last = series.last_seen
        v.add("HEALTHY", "DATA", f"近{rules.recent_days}天仅{int(present[recent].sum())}天有数据"
                                 f"（{coverage:.0%}，低于{rules.min_coverage:.0%}），数据缺失，无法判断；"
                                 f"最后一条数据为{last}")
        return v.health(tool.id, as_of)

    users = series.metric("active_users")
    posts = series.metric("new_posts")
    views = series.metric("page_views")
    logins = series.metric("logins")
    interactions = series.metric("interactions")
    replies = series.metric("replies_to_public")
    use = np.nan_to_num(users) + np.nan_to_num(posts) + np.nan_to_num(interactions) + np.nan_to_num(replies)

    if season is not None and in_season is not None and not season.contains(as_of):
        past = in_season & alive & present
        used = int((use[past] > 0).sum())
        if used:
            v.add("HEALTHY", "SEASON", f"季节性工具（{season.label}，{season.span}），评估日{as_of}处于非"
                                       f"{season.label}；上一{season.label}内有{used}天有使用，非季节期静默属正常")
            return v.health(tool.id, as_of)
        if past.any():
            v.add("ZOMBIE", "SEASON", f"季节性工具（{season.label}，{season.span}），但上一{season.label}内"
                                      f"{int(past.sum())}天数据均无使用")
            return v.health(tool.id, as_of)
    standby = is_standby(tool, rules)
    # For a seasonal tool in season, silence counts from the season's start only.
    counted = alive.copy()
    if season is not None and in_season is not None:
        start = days - 1
        while start > 0 and in_season[start - 1]:
            start -= 1
        counted[:start] = False

    if tool.kind == "public_account":
        _account(tool, series, as_of, rules, v, posts, views, interactions, replies, counted, recent, standby, level)
    elif tool.kind == "work_group":
        _group(tool, series, as_of, rules, v, use, counted, standby, level)
    else:
        _app(series, rules, v, users, posts, logins, interactions, recent, standby, level)
    _forced(tool, series, rules, v, users, logins, recent, workdays, level)
    return v.health(tool.id, as_of)


def _silence(series: ToolSeries, active: np.ndarray, counted: np.ndarray, as_of: date
             ) -> tuple[int, date | None, float]:
    """Days since the last active day (within `counted`), that day, and data coverage over the silence."""
    idx = np.flatnonzero(active & counted)
    first_counted = np.flatnonzero(counted)
    if idx.size:
        last = int(idx[-1])
        span = series.present[last + 1:]
        return (as_of - series.day(last)).days, series.day(last), float(span.mean()) if span.size else 1.0
    begin = int(first_counted[0]) if first_counted.size else 0
    span = series.present[begin:]
    return (as_of - series.day(begin)).days + 1, None, float(span.mean()) if span.size else 0.0


def _account(tool: Tool, series: ToolSeries, as_of: date, rules: ActivityRules, v: _Verdicts, posts: np.ndarray,
             views: np.ndarray, interactions: np.ndarray, replies: np.ndarray, counted: np.ndarray,
             recent: np.ndarray, standby: bool, level: str | None) -> None:
    silent, last, cover = _silence(series, np.nan_to_num(posts) > 0, counted, as_of)
    since = f"最近一次发布为{last}" if last else f"{series.day(int(np.flatnonzero(counted)[0]))}以来没有发布"
    zombie_days = int(rules.param("ACC-02", "zombie_days", level))
    stale_days = int(rules.param("ACC-01", "stale_days", level))
    if silent >= stale_days and cover < rules.min_coverage:
        v.add("HEALTHY", "DATA", f"{since}，但其后{cover:.0%}的日子有数据，数据缺失，不能据此认定停更")
    elif silent >= zombie_days and standby:
        v.add("HEALTHY", "STANDBY", f"{since}，已静默{silent}天；应急值守类工具平时静默属正常，不视为僵尸")
    elif silent >= zombie_days:
        v.add("ZOMBIE", "ACC-02", f"{since}，距评估日{silent}天，超过僵尸阈值{zombie_days}天（ACC-02）")
    elif silent >= stale_days:
        v.add("HEALTHY", "ACC-01", f"{since}，距评估日{silent}天，超过{stale_days}天，检查不合格（ACC-01），"
                                   f"尚未达到僵尸阈值{zombie_days}天")
    n_posts = _nan_sum(posts[recent])
    if n_posts >= float(rules.param("SHELL-02", "min_posts", level)):
        per_post = _nan_sum(views[recent]) / n_posts
        answered = _nan_sum(interactions[recent]) + _nan_sum(replies[recent])
        limit = float(rules.param("SHELL-02", "max_views_per_post", level))
        if per_post <= limit and answered == 0:
            v.add("EMPTY_SHELL", "SHELL-02", f"近{rules.recent_days}天发布{n_posts:.0f}篇，篇均阅读{per_post:.1f}次"
                                             f"（不高于{limit:g}），互动和留言回复为0（SHELL-02）")


def _group(tool: Tool, series: ToolSeries, as_of: date, rules: ActivityRules, v: _Verdicts, use: np.ndarray,
           counted: np.ndarray, standby: bool, level: str | None) -> None:
    silent, last, cover = _silence(series, use > 0, counted, as_of)
    since = f"最后一次有人发言为{last}" if last else "评估期内无人发言"
    if is_temporary(tool, rules):
        if tool.task_end is not None and (as_of - tool.task_end).days >= int(
                rules.param("GRP-01", "days_after_task_end", level)):
            v.add("ZOMBIE", "GRP-01", f"临时工作群，任务已于{tool.task_end}结束，距评估日"
                                      f"{(as_of - tool.task_end).days}天仍未解散（GRP-01，阈值"
                                      f"{rules.param('GRP-01', 'days_after_task_end', level)}天）")
            return
        limit = int(rules.param("GRP-01", "silent_days_without_end", level))
        if silent >= limit and cover >= rules.min_coverage:
            v.add("ZOMBIE", "GRP-01", f"临时工作群（名称含临时/专班等），{since}，已静默{silent}天，"
                                      f"超过{limit}天仍未解散（GRP-01）")
        return
    limit = int(rules.param("GRP-02", "silent_days", level))
    if silent >= limit and standby:
        v.add("HEALTHY", "STANDBY", f"{since}，已静默{silent}天；应急值守类工作群平时静默属正常，不视为僵尸")
    elif silent >= limit:
        if cover < rules.min_coverage:
            v.add("HEALTHY", "DATA", f"{since}，其后仅{cover:.0%}的日子有数据，数据缺失，不能据此认定长期静默")
        else:
            v.add("ZOMBIE", "GRP-02", f"{since}，已静默{silent}天，超过{limit}天（GRP-02）")


def _app(series: ToolSeries, rules: ActivityRules, v: _Verdicts, users: np.ndarray, posts: np.ndarray,
         logins: np.ndarray, interactions: np.ndarray, recent: np.ndarray, standby: bool, level: str | None) -> None:
    known = recent & ~np.isnan(users)
    if known.any() and standby:
        v.add("HEALTHY", "STANDBY", "应急值守类工具，平时使用少属正常，不按低使用认定僵尸")
    elif known.any():
        median = float(np.median(users[known]))
        limit = float(rules.param("APP-08", "min_daily_active", level))
        if median < limit:
            released = np.flatnonzero(np.nan_to_num(posts) > 0)
            release = (f"最近一次发布/更新为{series.day(int(released[-1]))}" if released.size
                       else f"{series.start}以来无发布/更新")
            v.add("ZOMBIE", "APP-08", f"近{rules.recent_days}天日活跃用户中位数{median:g}人，低于{limit:g}人，"
                                      f"几乎没有真实用户；{release}（APP-08）")
            return
    n_logins = _nan_sum(logins[recent])
    if n_logins >= float(rules.param("SHELL-01", "min_logins", level)):
        ratio = _nan_sum(interactions[recent]) / n_logins
        limit = float(rules.param("SHELL-01", "max_use_per_login", level))
        if ratio <= limit:
            v.add("EMPTY_SHELL", "SHELL-01", f"近{rules.recent_days}天登录{n_logins:.0f}次，功能使用（互动）仅为登录的"
                                             f"{ratio:.1%}（不高于{limit:.0%}），只有登录没有使用（SHELL-01）")


def _forced(tool: Tool, series: ToolSeries, rules: ActivityRules, v: _Verdicts, users: np.ndarray,
            logins: np.ndarray, recent: np.ndarray, workdays: np.ndarray, level: str | None) -> None:
    if tool.kind == "work_group":
        return
    # FORCED-01: logins bunched in one clock slot every workday.
    if series.login_minutes:
        slot = int(rules.param("FORCED-01", "slot_minutes", level))
        on_workdays = [(d, m) for d, m in series.login_minutes if workdays[d]]
        n_days = len({d for d, _ in on_workdays})
        if n_days >= int(rules.param("FORCED-01", "min_workdays", level)):
            slots = Counter(m // slot for _, m in on_workdays)
            top, count = slots.most_common(1)[0]
            share = count / len(on_workdays)
            limit = float(rules.param("FORCED-01", "min_share_in_slot", level))
            if share >= limit:
                lo = top * slot
                v.add("FORCED_USAGE_PATTERN", "FORCED-01",
                      f"{n_days}个工作日的{len(on_workdays)}次登录中{share:.0%}集中在{lo // 60:02d}:{lo % 60:02d}—"
                      f"{(lo + slot) // 60:02d}:{(lo + slot) % 60:02d}（不低于{limit:.0%}），像是按时打卡而非按需使用"
                      "（FORCED-01）")
    measure = users if np.nan_to_num(users).sum() > 0 else logins
    known = recent & series.present & ~np.isnan(measure)
    # FORCED-02: one weekday far above the other workdays of its week, week after week (a ranking day).
    # Accounts are left out: their readers follow the posts, so their busy days say nothing about orders.
    if tool.kind != "public_account":
        _ranking_days(series, rules, v, measure, known & workdays, level)
    # FORCED-03: a public, round-the-clock tool that collapses on rest days.
    if is_public_round_the_clock(tool, rules) and known.sum() >= int(rules.param("FORCED-03", "min_days", level)):
        rest = known & ~workdays
        work_all = known & workdays
        if rest.any() and work_all.any():
            w = float(np.mean(measure[work_all]))
            r = float(np.mean(measure[rest]))
            limit = float(rules.param("FORCED-03", "max_rest_ratio", level))
            if w > 0 and r / w <= limit:
                v.add("FORCED_USAGE_PATTERN", "FORCED-03",
                      f"面向{tool.audience}的全天候服务，近{rules.recent_days}天休息日日均使用{r:.1f}，仅为工作日"
                      f"{w:.1f}的{r / w:.0%}（不高于{limit:.0%}），使用随上班而非需求（FORCED-03）")


def _ranking_days(series: ToolSeries, rules: ActivityRules, v: _Verdicts, measure: np.ndarray, work: np.ndarray,
                  level: str | None) -> None:
    ratio_min = float(rules.param("FORCED-02", "min_ratio", level))
    min_weeks = int(rules.param("FORCED-02", "min_weeks", level))
    weeks: dict[tuple[int, int], dict[int, float]] = {}
    for i in np.flatnonzero(work):
        d = series.day(int(i))
        weeks.setdefault(tuple(d.isocalendar())[:2], {})[d.weekday()] = float(measure[i])  # type: ignore[index]
    full = [w for w in weeks.values() if len(w) >= 4]
    if len(full) < min_weeks:
        return
    for wd in range(5):
        ratios = []
        for week in full:
            if wd in week:
                others = [x for k, x in week.items() if k != wd]
                base = float(np.median(others))
                ratios.append(week[wd] / base if base > 0 else (np.inf if week[wd] > 0 else 0.0))
        spiking = sum(r >= ratio_min for r in ratios)
        if len(ratios) >= min_weeks and spiking / len(ratios) >= 0.75:
            this = [w[wd] for w in full if wd in w]
            rest = [x for w in full for k, x in w.items() if k != wd]
            v.add("FORCED_USAGE_PATTERN", "FORCED-02",
                  f"近{rules.recent_days}天{spiking}/{len(ratios)}周的周{WEEKDAYS[wd]}使用量是当周其他工作日的"
                  f"{ratio_min:g}倍以上（周{WEEKDAYS[wd]}中位数{np.median(this):g}，其他工作日中位数"
                  f"{np.median(rest):g}），与排名通报日同步（FORCED-02）")
            return


@cache
def default_rules() -> ActivityRules:
    return ActivityRules.load()


def assess_all(tools: list[Tool], series: dict[str, ToolSeries], as_of: date, rules: ActivityRules,
               is_working_day: Any) -> dict[str, Health]:
    """Every registry tool's health (tools without rows get "缺少运行数据"), in registry order."""
    start = as_of - timedelta(days=rules.window_days - 1)
    workdays = workday_mask(start, rules.window_days, is_working_day)
    return {t.id: assess(t, series.get(t.id), as_of, rules, workdays) for t in tools}
