"""The overview (总览): counts of tools and their trend, findings by code, burden by issuing unit, a heat map
of demands by weekday and hour, the worst groups, clues and activity statuses — for one scope.

Built from `store/` aggregates; the web layer shows each figure as a chart and as a table. Results are
kept for a short time per scope, since a dashboard is read far more often than findings change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from jianfu.store import clues as clue_repo
from jianfu.store import findings as finding_repo
from jianfu.store.activity import health_counts
from jianfu.store.db import Store
from jianfu.store.web import latest_snapshots
from jianfu.taxonomy import CHINESE_NAME, MESSAGE_CODES, Code

KIND_NAME = {"app": "政务应用程序", "miniprogram": "小程序", "public_account": "政务公众账号", "work_group": "工作群组"}
LEVEL_NAME = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇（街道）", "village": "村（社区）",
              None: "未注明"}
WEEKDAY_NAME = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def month_ends(last: date, months: int) -> list[date]:
    out: list[date] = []
    y, m = last.year, last.month
    for _ in range(months):
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        out.append(date.fromordinal(nxt.toordinal() - 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def tool_trend(lifespans: list[tuple[str, date | None, datetime | None]], last: date, months: int = 12
               ) -> list[dict[str, Any]]:
    """Live tools per kind at each month end: launched by then and not yet retired or merged."""
    out = []
    for end in month_ends(last, months):
        counts = dict.fromkeys(KIND_NAME, 0)
        for kind, start, gone in lifespans:
            if (start is None or start <= end) and (gone is None or gone.date() > end):
                counts[kind] = counts.get(kind, 0) + 1
        out.append({"month": end.strftime("%Y-%m"), **counts, "total": sum(counts.values())})
    return out


class Overview:
    """Overview figures per scope, kept for `ttl_seconds`.

    On a large archive one build reads the whole table in scope (seconds on a million findings), so a
    stale entry is served at once while one background thread rebuilds it, and concurrent requests for a
    scope with no entry wait for the single build in progress instead of starting their own.
    `ttl_seconds=0` builds on every call (tests that read their own writes).
    """

    def __init__(self, store: Store, ttl_seconds: float = 30.0, today: Callable[[], date] | None = None) -> None:
        self.store = store
        self.ttl = ttl_seconds
        self.today = today or (lambda: datetime.now(UTC).date())
        self._cache: dict[Any, tuple[float, dict[str, Any]]] = {}
        self._building: dict[Any, threading.Event] = {}
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Mark every entry stale: the next request gets the old figures and triggers a rebuild."""
        with self._lock:
            self._cache = {k: (float("-inf"), v) for k, (_, v) in self._cache.items()}

    def build(self, scope: frozenset[str] | None) -> dict[str, Any]:
        if self.ttl <= 0:
            return self._build(scope)
        with self._lock:
            hit = self._cache.get(scope)
            if hit is not None and time.monotonic() - hit[0] < self.ttl:
                return hit[1]
            event = self._building.get(scope)
            if event is None:
                event = self._building[scope] = threading.Event()
                if hit is not None:  # stale: answer now, refresh in the background
                    threading.Thread(target=self._refresh, args=(scope, event), daemon=True).start()
                    return hit[1]
                owner = True
            else:
                if hit is not None:
                    return hit[1]
                owner = False
        if owner:
            self._refresh(scope, event)
        else:
            event.wait(timeout=300)
        with self._lock:
            hit = self._cache.get(scope)
        return hit[1] if hit is not None else self._build(scope)

    def _refresh(self, scope: frozenset[str] | None, event: threading.Event) -> None:
        try:
            data = self._build(scope)
            with self._lock:
                self._cache[scope] = (time.monotonic(), data)
        finally:
            with self._lock:
                self._building.pop(scope, None)
            event.set()

    def _build(self, scope: frozenset[str] | None) -> dict[str, Any]:
        with self.store.session() as s:
            counts = clue_repo.tool_counts(s, scope)
            by_unit = clue_repo.tool_counts_by_unit(s, scope)
            lifespans = clue_repo.tool_lifespans(s, scope)
            codes = finding_repo.counts_by_code(s, scope)
            statuses = finding_repo.counts_by_status(s, scope)
            burden = finding_repo.burden_by_issuing_unit(s, scope)
            heat = finding_repo.heatmap(s, scope)
            months = finding_repo.monthly(s, scope)
            groups = finding_repo.worst_groups(s, scope)
            clues = clue_repo.clue_counts(s, scope)
            health_by_status = health_counts(s, scope)
            pages = latest_snapshots(s) if scope is None else []  # pages belong to no unit yet: supervisors only
        last_month = months[-1]["month"] if months else None
        trend_end = date.fromisoformat(last_month + "-01") if last_month else self.today()
        kinds = {k: 0 for k in KIND_NAME}
        levels: dict[str, dict[str, int]] = {}
        for row in counts:
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["count"]
            per = levels.setdefault(LEVEL_NAME.get(row["level"], row["level"]), dict.fromkeys(KIND_NAME, 0))
            per[row["kind"]] = per.get(row["kind"], 0) + row["count"]
        total_hours = round(sum(b["cadre_hours"] for b in burden), 1)
        return {
            "tools": {"by_kind": kinds, "by_level": levels, "by_unit": by_unit,
                      "trend": tool_trend(lifespans, trend_end)},
            "findings": {
                "by_code": [{"code": str(c), "name": CHINESE_NAME[c], "count": codes.get(str(c), 0)}
                            for c in MESSAGE_CODES],
                "by_status": statuses, "total": sum(statuses.values()),
                "open": sum(n for st, n in statuses.items() if st in finding_repo.OPEN_STATUSES),
            },
            "burden": {"by_issuing_unit": burden, "top_cadre_hours": total_hours},
            "heatmap": heat, "monthly": months, "worst_groups": groups, "clues": clues,
            "activity": {k: health_by_status.get(k, 0) for k in ("HEALTHY", "ZOMBIE", "EMPTY_SHELL",
                                                               "FORCED_USAGE_PATTERN")},
            "pages": {"checked": len(pages), "hacked": sum(1 for p in pages if p.hacked),
                      **{code: sum(1 for p in pages if any(f.get("code") == code for f in p.findings))
                         for code in ("INJECTED_SPAM", "SEVERE_TYPO", "STALE_CONTENT")}},
            "code_names": {str(c): CHINESE_NAME[c] for c in Code},
        }
