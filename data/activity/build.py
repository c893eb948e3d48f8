"""Seeded generator of the labelled activity sets (train, dev): registry + daily activity + logins + gold.

Run from the repository root: .venv/bin/python data/activity/build.py
Each tool is drawn from an archetype whose status is known by construction (the gold label); the
archetypes include the traps the issue names. Nothing here imports the detector: the labels come
from how the data was made, not from the code under test.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import numpy as np

HERE = Path(__file__).parent
SPLITS = {"train": (20261124, date(2025, 12, 31), 480), "dev": (11241202, date(2025, 11, 30), 480)}
WINDOW = 365
CN = holidays.country_holidays("CN", years=range(2023, 2027))

UNITS = ["清水县人民政府办公室", "清水县应急管理局", "清水县教育局", "清水县卫生健康局", "河口镇人民政府", "东城街道办事处",
         "清水县税务局", "清水县水利局", "清水县融媒体中心", "清水县民政局", "清水县农业农村局", "青石镇人民政府",
         "清水县市场监管局", "清水县城市管理局", "清水县人社局"]
LEVELS = {"镇": "township", "街道": "township"}

# (archetype, gold status, weight)
ARCHETYPES = [
    ("h_account", "HEALTHY", 8), ("h_account_weekly", "HEALTHY", 4), ("h_account_stale", "HEALTHY", 3),
    ("h_app_office", "HEALTHY", 6), ("h_app_public", "HEALTHY", 5), ("h_group", "HEALTHY", 6),
    ("h_seasonal", "HEALTHY", 5), ("h_new", "HEALTHY", 3), ("h_missing", "HEALTHY", 2), ("h_gap", "HEALTHY", 2),
    ("h_standby", "HEALTHY", 2), ("h_logins_spread", "HEALTHY", 3), ("h_account_gap", "HEALTHY", 3),
    ("h_app_public_weekend", "HEALTHY", 3), ("h_app_monday", "HEALTHY", 3), ("h_temp_group_active", "HEALTHY", 2),
    ("z_account", "ZOMBIE", 4), ("z_app", "ZOMBIE", 3), ("z_temp_group", "ZOMBIE", 3), ("z_group", "ZOMBIE", 2),
    ("e_app_logins", "EMPTY_SHELL", 5), ("e_account_repost", "EMPTY_SHELL", 4),
    ("f_bunched", "FORCED_USAGE_PATTERN", 4), ("f_ranking_spike", "FORCED_USAGE_PATTERN", 4),
    ("f_weekend_collapse", "FORCED_USAGE_PATTERN", 4),
]


def _working(d: date) -> bool:
    return bool(CN.is_working_day(d))  # statutory holidays and 调休 make-up days


def build(split: str) -> None:
    seed, as_of, n_tools = SPLITS[split]
    rng = np.random.default_rng(seed)
    out = HERE / split
    out.mkdir(exist_ok=True)
    start = as_of - timedelta(days=WINDOW - 1)
    days = [start + timedelta(days=i) for i in range(WINDOW)]
    work = np.array([_working(d) for d in days])
    weekday = np.array([d.weekday() for d in days])
    names = [a for a, _, _ in ARCHETYPES]
    weights = np.array([w for _, _, w in ARCHETYPES], dtype=float)
    gold: dict[str, str] = {}
    tools = []
    with (out / "activity.csv").open("w", newline="", encoding="utf-8") as fa, \
            (out / "logins.csv").open("w", newline="", encoding="utf-8") as fl:
        wa, wl = csv.writer(fa), csv.writer(fl)
        wa.writerow(["date", "id", "active_users", "new_posts", "page_views", "logins", "interactions",
                     "replies_to_public"])
        wl.writerow(["id", "logged_in_at"])
        for k in range(n_tools):
            arche = str(rng.choice(names, p=weights / weights.sum()))
            status = next(s for a, s, _ in ARCHETYPES if a == arche)
            tid = f"{split[0]}{k:04d}"
            tool, rows, logins = _tool(arche, tid, rng, days, work, weekday, as_of)
            gold[tid] = status
            tools.append(tool)
            for i, vals in rows:
                wa.writerow([days[i].isoformat(), tid, *["" if v is None else int(v) for v in vals]])
            for at in logins:
                wl.writerow([tid, at.isoformat()])
    with (out / "registry.jsonl").open("w", encoding="utf-8") as fr:
        for t in tools:
            fr.write(json.dumps(t, ensure_ascii=False) + "\n")
    (out / "gold.json").write_text(json.dumps({"as_of": as_of.isoformat(), "tools": gold}, ensure_ascii=False,
                                              indent=1), encoding="utf-8")
    print(split, len(tools), {s: list(gold.values()).count(s) for s in sorted(set(gold.values()))})


def _tool(arche: str, tid: str, rng: np.random.Generator, days: list[date], work: np.ndarray, weekday: np.ndarray,
          as_of: date) -> tuple[dict[str, object], list[tuple[int, list[float | None]]], list[datetime]]:
    n = len(days)
    unit = str(rng.choice(UNITS))
    level = "township" if ("镇" in unit or "街道" in unit) else "county"
    launched = as_of - timedelta(days=int(rng.integers(400, 2000)))
    short = unit.replace("清水县", "").replace("人民政府", "").replace("办事处", "")
    kind, name, audience, description, functions = "app", f"{short}办事通", "群众", "办事服务", ["在线办事"]
    users = np.zeros(n)
    posts = np.zeros(n)
    views = np.zeros(n)
    logins = np.zeros(n)
    inter = np.zeros(n)
    replies = np.zeros(n)
    present = np.ones(n, dtype=bool)
    events: list[datetime] = []
    noise = lambda scale: rng.poisson(scale, n).astype(float)  # noqa: E731

    def account(post_every: float, view_scale: float) -> None:
        nonlocal posts, views, inter, users
        posts = (rng.random(n) < 1 / post_every).astype(float) * rng.integers(1, 4, n)
        views = posts * rng.poisson(view_scale, n) + noise(view_scale / 10)
        inter = np.round(views * rng.uniform(0.01, 0.05))
        users = np.round(views * 0.6)

    if arche in ("h_account", "h_account_weekly", "h_account_stale", "z_account", "e_account_repost", "h_account_gap"):
        kind = "public_account"
        name = f"{short}{rng.choice(['发布', '在线', '之声', '政务'])}"
        audience, description, functions = "群众", "发布政务信息", ["信息发布", "政策解读"]
        if arche == "h_account":
            account(float(rng.uniform(1, 4)), float(rng.uniform(80, 2000)))
        elif arche == "h_account_weekly":
            account(7.0, float(rng.uniform(20, 80)))
            posts[-int(rng.integers(1, 8)):] = 0
            posts[-1 - int(rng.integers(0, 6))] = 1  # a post within the last week
        elif arche == "h_account_stale":
            account(3.0, 300.0)
            silent = int(rng.integers(18, 50))
            posts[-silent:] = 0
            views[-silent:] = noise(10)[-silent:]
        elif arche == "h_account_gap":  # a long pause mid-year, posting again now
            account(float(rng.uniform(2, 5)), float(rng.uniform(50, 500)))
            gap_end = n - int(rng.integers(20, 120))
            posts[gap_end - int(rng.integers(40, 90)):gap_end] = 0
            posts[-int(rng.integers(2, 10))] = 1
        elif arche == "z_account":
            account(3.0, 200.0)
            silent = int(rng.integers(70, 330))
            posts[-silent:] = 0
            views[-silent:] = noise(3)[-silent:]
            inter[-silent:] = 0
        else:  # reposts nobody reads or answers
            posts = rng.integers(1, 4, n).astype(float)
            views = (rng.random(n) < 0.2).astype(float)
            inter[:] = 0
            users = views
            description = "转载上级文章"
    elif arche in ("h_group", "z_temp_group", "z_group", "h_standby", "h_temp_group_active"):
        kind = "work_group"
        audience, functions = "机关工作人员", ["工作交流", "通知"]
        if arche == "h_group":
            name = f"{short}{rng.choice(['工作群', '班子群', '业务群'])}"
            posts = work * rng.poisson(rng.uniform(3, 30), n)
        elif arche == "z_temp_group":
            name = f"{2024 + int(rng.integers(0, 2))}年{rng.choice(['迎检专班', '人口普查', '创文攻坚', '临时筹备'])}工作群"
            active = n - int(rng.integers(40, 250))
            posts[:active] = (work * rng.poisson(10, n))[:active]
        elif arche == "h_temp_group_active":  # a task group still at work
            name = f"{2025}年{rng.choice(['防返贫监测', '人居环境整治', '创文攻坚'])}专班工作群"
            posts = work * rng.poisson(rng.uniform(2, 12), n)
        elif arche == "z_group":
            name = f"{short}{rng.choice(['业务交流群', '联络群'])}"
            active = n - int(rng.integers(110, 300))
            posts[:active] = (work * rng.poisson(5, n))[:active]
        else:
            name = f"{short}应急值班值守群"
            functions = ["应急指挥", "值班值守"]
            active = n - int(rng.integers(100, 200))
            posts[:active] = (rng.random(active) < 0.05) * 5
        users = (posts > 0) * rng.integers(3, 30, n)
        inter = posts.copy()
    else:
        kind = str(rng.choice(["app", "miniprogram"]))
        if arche == "h_app_office":
            name, audience = f"{short}移动办公", "机关工作人员"
            functions = ["公文流转", "审批"]
            base = rng.uniform(20, 300)
            users = np.where(work, rng.poisson(base, n), rng.poisson(base * 0.1, n)).astype(float)
            inter = np.round(users * rng.uniform(2, 6))
            logins = users.copy()
        elif arche == "h_app_public":
            name = f"{short}{rng.choice(['掌上办', '便民通', '服务平台'])}"
            base = rng.uniform(30, 500)
            users = rng.poisson(base * np.where(work, 1.0, rng.uniform(0.6, 1.0)), n).astype(float)
            inter = np.round(users * rng.uniform(1, 4))
            logins = users.copy()
            for i, d in enumerate(days):  # statutory holidays dip: normal for people on holiday
                if d in CN:
                    users[i] = round(users[i] * 0.5)
        elif arche == "h_app_public_weekend":  # people use it less at weekends, but they do use it
            name = f"{short}{rng.choice(['掌上办', '预约挂号', '社保查询'])}"
            audience = str(rng.choice(["群众", "居民", "患者"]))
            base = rng.uniform(50, 400)
            users = np.where(work, rng.poisson(base, n), rng.poisson(base * rng.uniform(0.25, 0.5), n)).astype(float)
            inter = np.round(users * 2)
            logins = users.copy()
        elif arche == "h_app_monday":  # a normal weekly rhythm: busier on Mondays, not a ranking spike
            name, audience = f"{short}协同办公", "机关工作人员"
            base = rng.uniform(30, 200)
            factor = np.where(weekday == 0, rng.uniform(1.4, 2.2), 1.0)
            users = np.where(work, rng.poisson(base * factor), rng.poisson(base * 0.1, n)).astype(float)
            inter = np.round(users * 3)
            logins = users.copy()
        elif arche == "h_seasonal":
            theme, season = [("防汛抗旱指挥", (4, 15, 10, 15)), ("个税汇算服务", (3, 1, 6, 30)),
                             ("汛期水情上报", (4, 15, 10, 15))][int(rng.integers(0, 3))]
            name, description = f"{short}{theme}", f"{theme}季节性使用"
            kind = str(rng.choice(["app", "miniprogram", "work_group"]))
            audience = "干部群众"
            m1, d1, m2, d2 = season
            inside = np.array([(m1, d1) <= (d.month, d.day) <= (m2, d2) for d in days])
            base = rng.uniform(20, 200)
            users = np.where(inside, rng.poisson(base, n), 0).astype(float)
            posts = np.where(inside, rng.poisson(2, n), 0).astype(float)
            inter = np.round(users * 2)
            logins = users.copy()
        elif arche == "h_new":
            launched = as_of - timedelta(days=int(rng.integers(10, 50)))
            life = (as_of - launched).days
            users[-life:] = rng.poisson(rng.uniform(1, 50), life)
            present[:-life] = False
            name = f"{short}{rng.choice(['新版', ''])}服务小程序"
            inter = users.copy()
        elif arche == "h_missing":
            present[:] = False
        elif arche == "h_gap":
            base = rng.uniform(20, 200)
            users = rng.poisson(base, n).astype(float)
            inter = users * 2
            gap = int(rng.integers(60, 150))
            present[-gap:] = False  # the export stopped: missing data, not silence
        elif arche == "h_logins_spread":
            name, audience = f"{short}工作台", "机关工作人员"
            base = rng.uniform(20, 80)
            users = np.where(work, rng.poisson(base, n), 0).astype(float)
            logins = users.copy()
            inter = np.round(users * 3)
            events = _login_events(rng, days, work, per_day=int(base / 4), bunched=False)
        elif arche == "z_app":
            name = f"{short}智慧{rng.choice(['党建', '社区', '政务', '服务'])}APP"
            users = rng.poisson(rng.uniform(0.2, 1.5), n).astype(float)
            inter = users.copy()
            logins = users.copy()
        elif arche == "e_app_logins":
            name, audience = f"{short}{rng.choice(['干部学习', '考勤', '积分'])}平台", "干部"
            base = rng.uniform(40, 300)
            users = np.where(work, rng.poisson(base, n), rng.poisson(base * 0.05, n)).astype(float)
            logins = users * rng.uniform(1, 2)
            inter = np.round(logins * rng.uniform(0, 0.015))
        elif arche == "f_bunched":
            name, audience = f"{short}{rng.choice(['工作', '学习', '在线'])}通", "干部"
            base = rng.uniform(20, 80)
            users = np.where(work, rng.poisson(base, n), 0).astype(float)
            logins = users.copy()
            inter = np.round(users * rng.uniform(0.3, 1.0))
            events = _login_events(rng, days, work, per_day=int(base / 3), bunched=True)
        elif arche == "f_ranking_spike":
            name, audience = f"{short}{rng.choice(['学习', '积分', '宣传'])}平台", "干部"
            base = rng.uniform(10, 50)
            spike_day = int(rng.integers(0, 5))
            factor = np.where(weekday == spike_day, rng.uniform(4, 8), 1.0)
            users = np.where(work, rng.poisson(base * factor), rng.poisson(base * 0.2, n)).astype(float)
            logins = users.copy()
            inter = np.round(users * 0.5)
        elif arche == "f_weekend_collapse":
            name = f"{short}{rng.choice(['市民热线', '便民服务', '群众诉求'])}APP"
            audience = str(rng.choice(["市民", "群众", "居民"]))
            description = "面向群众全天候服务"
            base = rng.uniform(50, 400)
            users = np.where(work, rng.poisson(base, n), rng.poisson(base * rng.uniform(0.01, 0.08), n)).astype(float)
            logins = users.copy()
            inter = np.round(users * 2)
    present &= rng.random(n) >= rng.uniform(0, 0.12)
    rows = [(i, [users[i], posts[i], views[i], logins[i], inter[i], replies[i]]) for i in range(n)
            if present[i] and days[i] >= launched]
    tool = {"id": tid, "kind": kind, "name": name, "owner_unit": unit, "level": level, "description": description,
            "functions": functions, "audience": audience, "launched": launched.isoformat()}
    return tool, rows, events


def _login_events(rng: np.random.Generator, days: list[date], work: np.ndarray, per_day: int,
                  bunched: bool) -> list[datetime]:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    events = []
    for i, d in enumerate(days[-120:], start=len(days) - 120):
        if not work[i]:
            continue
        for _ in range(max(per_day, 1)):
            if bunched and rng.random() < 0.85:
                minute = 8 * 60 + 50 + int(rng.integers(0, 10))  # the 09:00 check-in deadline
            else:
                minute = int(rng.integers(8 * 60 + 30, 18 * 60))
            events.append(datetime(d.year, d.month, d.day, minute // 60, minute % 60, int(rng.integers(0, 60)),
                                   tzinfo=tz))
    return events


if __name__ == "__main__":
    for split in SPLITS:
        build(split)
