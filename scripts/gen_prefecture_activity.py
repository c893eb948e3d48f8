# ruff: noqa: E501  (Chinese text tables)
"""Generate a year of activity for every tool of the demo prefecture 清河市 (its registry comes from
scripts/gen_prefecture.py), with planted problems and their answer key.

Run: .venv/bin/python scripts/gen_prefecture_activity.py. Deterministic: the same files on every run.

Writes
  src/jianfu/data/demo/activity/qinghe_activity.csv.gz   daily rows, contract §3 (gzip: the readers open it directly)
  src/jianfu/data/demo/activity/qinghe_logins.csv.gz     login events of the apps that have them
  src/jianfu/data/demo/activity/qinghe_activity_planted.json
                                                          the answer key: the archetype and status of every tool

Each tool gets an archetype that fits what the registry says it is (kind, audience, name, task end, launch
date); the series shapes come from the labelled-set generator data/activity/build.py (`_tool`), so the demo
and the labelled sets share one definition of each archetype. The status is known by construction; nothing
here imports the detector. Retired and merged tools get no rows (their data stops with them).
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from jianfu.ingest.registry import read_registry  # noqa: E402  (reading the demo registry, not detecting)

_spec = importlib.util.spec_from_file_location("activity_build", ROOT / "data" / "activity" / "build.py")
assert _spec and _spec.loader
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

AS_OF = date(2025, 6, 30)  # the registry's "today" (scripts/gen_prefecture.py)
SEED = 20250630
OUT = ROOT / "src" / "jianfu" / "data" / "demo" / "activity"
PUBLIC = ("群众", "居民", "公众", "市民", "村民", "企业", "游客", "患者", "家长", "纳税人", "社会")
STANDBY = ("值班值守", "应急值班", "应急指挥", "应急值守")
SEASONAL = ("防汛", "汛期", "森林防火", "防火期", "个税汇算")
# Seasons of the seasonal work groups (month, day inclusive): they talk in season and fall silent out of it,
# so the year holds a long off-season silence that must not read as a zombie.
GROUP_SEASONS = {"防汛": ((4, 15), (10, 15)), "森林防火": ((10, 1), (5, 31)), "征兵": ((2, 1), (9, 30)),
                 "高考": ((5, 1), (8, 31))}
STATUS = {a: s for a, s, _ in build.ARCHETYPES} | {"g_active": "HEALTHY", "g_silent": "ZOMBIE",
                                                  "g_task_over": "ZOMBIE", "g_task_running": "HEALTHY",
                                                  "g_standby": "HEALTHY", "g_missing": "HEALTHY",
                                                  "g_seasonal": "HEALTHY"}


def pick(rng: np.random.Generator, table: list[tuple[str, float]]) -> str:
    names = [n for n, _ in table]
    weights = np.array([w for _, w in table])
    return str(rng.choice(names, p=weights / weights.sum()))


def archetype(tool, rng: np.random.Generator) -> str:
    text = f"{tool.name}{tool.description}{''.join(tool.functions)}"
    if tool.kind == "work_group":
        if tool.task_end is not None:
            return "g_task_over" if (AS_OF - tool.task_end).days >= 30 else "g_task_running"
        if any(k in text for k in STANDBY):
            return "g_standby"
        if any(k in tool.name for k in GROUP_SEASONS):
            return "g_seasonal"
        arche = pick(rng, [("g_active", 92), ("g_silent", 5), ("g_missing", 3)])
        # a silence of 130-300 days needs a group that talked before it: young groups stay active
        return "g_active" if arche == "g_silent" and (AS_OF - tool.launched).days < 400 else arche
    if (AS_OF - tool.launched).days < 60:  # too new to judge (min_history)
        return "h_new"
    if any(k in text for k in SEASONAL + STANDBY):
        return "h_app_public"  # in use all year: the demo plants no seasonal trap outside work groups
    if tool.kind == "public_account":
        return pick(rng, [("h_account", 62), ("h_account_weekly", 10), ("h_account_stale", 8), ("h_account_gap", 6),
                          ("z_account", 8), ("e_account_repost", 6)])
    if any(k in tool.audience for k in PUBLIC):
        return pick(rng, [("h_app_public", 45), ("h_app_public_weekend", 25), ("f_weekend_collapse", 12),
                          ("z_app", 10), ("h_gap", 8)])
    return pick(rng, [("h_app_office", 30), ("h_app_monday", 12), ("h_logins_spread", 12), ("e_app_logins", 12),
                      ("f_bunched", 12), ("f_ranking_spike", 12), ("z_app", 10)])


def group_series(arche: str, tool, rng: np.random.Generator, days: list[date], work: np.ndarray) -> np.ndarray:
    """Daily posts of a work group; NaN where the export has no row."""
    n = len(days)
    posts = (work * rng.poisson(rng.uniform(2, 25), n)).astype(float)
    if arche == "g_task_over":  # chatter stops a few days after the task ended, the group stays open
        end = days.index(tool.task_end) if tool.task_end in days else 0
        posts[end + int(rng.integers(0, 5)):] = 0
    elif arche == "g_silent":
        silent = int(rng.integers(130, 300))  # beyond GRP-02 for every level (village: 120 days)
        posts[-silent:] = 0
    elif arche == "g_standby":  # quiet most of the year, busy on a few alerts
        posts = (rng.random(n) < 0.04) * rng.integers(3, 40, n).astype(float)
    elif arche == "g_seasonal":
        (m1, d1), (m2, d2) = next(v for k, v in GROUP_SEASONS.items() if k in tool.name)
        inside = np.array([(m1, d1) <= (d.month, d.day) <= (m2, d2) if (m1, d1) <= (m2, d2)
                           else (d.month, d.day) >= (m1, d1) or (d.month, d.day) <= (m2, d2) for d in days])
        posts[~inside] = 0
    elif arche == "g_missing":
        posts[-int(rng.integers(60, 150)):] = np.nan  # the export stopped: missing data, not silence
    posts[rng.random(n) < rng.uniform(0, 0.08)] = np.nan
    return posts


def main() -> None:
    registry = read_registry(ROOT / "src" / "jianfu" / "data" / "demo" / "registry" / "qinghe_registry.xlsx")
    assert registry.ok, registry.problems[:3]
    rng = np.random.default_rng(SEED)
    start = AS_OF - timedelta(days=build.WINDOW - 1)
    days = [start + timedelta(days=i) for i in range(build.WINDOW)]
    work = np.array([build._working(d) for d in days])
    weekday = np.array([d.weekday() for d in days])
    OUT.mkdir(parents=True, exist_ok=True)
    key: dict[str, dict[str, str]] = {}
    activity, logins = io.StringIO(), io.StringIO()
    wa, wl = csv.writer(activity, lineterminator="\n"), csv.writer(logins, lineterminator="\n")
    wa.writerow(["date", "id", "active_users", "new_posts", "page_views", "logins", "interactions", "replies_to_public"])
    wl.writerow(["id", "logged_in_at"])
    for tool in registry.tools:
        if tool.status in ("retired", "merged"):
            continue
        arche = archetype(tool, rng)
        key[tool.id] = {"archetype": arche, "status": STATUS[arche]}
        first = max(start, tool.launched)
        if arche.startswith("g_"):
            posts = group_series(arche, tool, rng, days, work)
            members = int(rng.integers(8, 120))
            for i, d in enumerate(days):
                if d < first or np.isnan(posts[i]):
                    continue
                p = int(posts[i])
                active = min(members, int(p * rng.uniform(0.5, 1.5))) if p else 0
                wa.writerow([d.isoformat(), tool.id, active, p, "", "", p, ""])
            continue
        _, rows, events = build._tool(arche, tool.id, rng, days, work, weekday, AS_OF)
        for i, vals in rows:
            if days[i] >= first:
                wa.writerow([days[i].isoformat(), tool.id, *["" if v is None else int(v) for v in vals]])
        for at in events:
            wl.writerow([tool.id, at.isoformat()])
    for name, buf in (("qinghe_activity.csv.gz", activity), ("qinghe_logins.csv.gz", logins)):
        # mtime=0: the same bytes on every run
        with gzip.GzipFile(OUT / name, "wb", mtime=0, compresslevel=9) as fh:
            fh.write(buf.getvalue().encode("utf-8"))
    counts: dict[str, int] = {}
    for v in key.values():
        counts[v["status"]] = counts.get(v["status"], 0) + 1
    (OUT / "qinghe_activity_planted.json").write_text(json.dumps(
        {"as_of": AS_OF.isoformat(), "counts": counts, "tools": key}, ensure_ascii=False, indent=0), encoding="utf-8")
    print(len(key), "tools", counts)


if __name__ == "__main__":
    main()
