"""The overview cache: one build per scope however many requests arrive, stale figures served while one
background rebuild runs. The builder is replaced by a counter; the cache logic is what is under test."""

from __future__ import annotations

import threading
import time
from typing import Any

from jianfu.evaluate.overview import Overview, month_ends, tool_trend


class CountingOverview(Overview):
    def __init__(self) -> None:
        super().__init__(store=None, ttl_seconds=60)  # type: ignore[arg-type]
        self.builds = 0
        self.release = threading.Event()

    def _build(self, scope: frozenset[str] | None) -> dict[str, Any]:
        self.builds += 1
        self.release.wait(5)
        return {"build": self.builds}


def test_concurrent_requests_share_one_build() -> None:
    ov = CountingOverview()
    results: list[dict[str, Any]] = []
    threads = [threading.Thread(target=lambda: results.append(ov.build(None))) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    ov.release.set()
    for t in threads:
        t.join(5)
    assert ov.builds == 1 and results == [{"build": 1}] * 8


def test_stale_figures_are_served_while_one_rebuild_runs() -> None:
    ov = CountingOverview()
    ov.release.set()
    assert ov.build(None) == {"build": 1}
    ov.release.clear()
    ov.invalidate()
    started = time.monotonic()
    assert ov.build(None) == {"build": 1} and ov.build(None) == {"build": 1}  # at once, the old figures
    assert time.monotonic() - started < 1
    ov.release.set()
    deadline = time.monotonic() + 5
    while ov.build(None) != {"build": 2} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ov.build(None) == {"build": 2} and ov.builds == 2
    assert ov.build(frozenset({"U1"})) == {"build": 3}  # another scope has its own entry


def test_trend_counts_tools_live_at_each_month_end() -> None:
    from datetime import UTC, date, datetime

    ends = month_ends(date(2025, 3, 15), 3)
    assert ends == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
    spans = [("app", date(2024, 5, 1), None), ("app", date(2025, 2, 10), None),
             ("work_group", date(2024, 1, 1), datetime(2025, 2, 1, tzinfo=UTC))]
    trend = tool_trend(spans, date(2025, 3, 1), 3)
    assert [(r["app"], r["work_group"], r["total"]) for r in trend] == [(1, 1, 2), (2, 0, 2), (2, 0, 2)]
