"""Activity health: reader errors, each status and trap, YAML examples, CLI contract, store and lifecycle."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from jianfu.cli import main
from jianfu.config import Settings
from jianfu.detect.activity import STATUSES, ActivityRules, assess, default_rules, workday_mask
from jianfu.errors import InputError
from jianfu.ingest.activity import METRICS, ActivityRow, SeriesBuilder, iter_activity, read_series
from jianfu.normalise.calendar import WorkCalendar
from jianfu.records import Tool

AS_OF = date(2025, 12, 31)
HEADER = "date,id,active_users,new_posts,page_views,logins,interactions,replies_to_public\n"
CAL = WorkCalendar(Settings())


def _series(rules: ActivityRules, tool_id: str, spec: dict[str, object]) -> SeriesBuilder:
    """Build daily rows from an example's shorthand (see the `examples:` comment in activity.yaml)."""
    b = SeriesBuilder(AS_OF, rules.window_days)
    days = [b.start + timedelta(days=i) for i in range(rules.window_days)]
    silent = int(spec.get("silent_last", 0))
    every = int(spec.get("posts_every", 0))
    users = float(spec.get("users", 0))
    for i, d in enumerate(days):
        work = CAL.is_working_day(d)
        quiet = i >= len(days) - silent
        scale = 1.0 if work else float(spec.get("weekend", 1.0))
        season = spec.get("in_season_only")
        if season and not (4, 15) <= (d.month, d.day) <= (10, 15):
            scale = 0.0
        posts = 1.0 if every and i % every == 0 and not quiet else 0.0
        u = 0.0 if quiet else users * scale
        logins = float(spec.get("logins", 0)) * scale if work or "weekend" in spec else 0.0
        inter = float(spec.get("interactions", 0)) * scale
        if quiet:
            logins = inter = 0.0
        b.add(ActivityRow(d, tool_id, (u, posts, posts * 100 + u, logins, inter, 0.0)))
    return b


@pytest.mark.parametrize("example", default_rules().examples, ids=lambda e: f"{e['rule']}-{e['expect']}")
def test_rule_examples(example: dict) -> None:
    rules = default_rules()
    tool = Tool(id="x", owner_unit="某单位", launched=date(2020, 1, 1), **example["tool"])
    b = _series(rules, "x", example["series"])
    workdays = workday_mask(b.start, rules.window_days, CAL.is_working_day)
    health = assess(tool, b.series["x"], AS_OF, rules, workdays)
    assert health.status == example["expect"], health.reasons
    assert health.reasons and all(isinstance(r, str) for r in health.reasons)


def _assess(tool: Tool, builder: SeriesBuilder | None):
    rules = default_rules()
    workdays = workday_mask(AS_OF - timedelta(days=rules.window_days - 1), rules.window_days, CAL.is_working_day)
    return assess(tool, builder.series.get(tool.id) if builder else None, AS_OF, rules, workdays)


def test_missing_data_is_not_silence() -> None:
    tool = Tool(id="m", kind="public_account", name="某公众号", owner_unit="某局", launched=date(2020, 1, 1))
    health = _assess(tool, None)
    assert health.status == "HEALTHY" and "缺少运行数据" in health.reasons[0]
    # Rows stop 120 days ago (the export stopped): missing data, reported as such, never a zombie.
    b = SeriesBuilder(AS_OF, 365)
    for i in range(245):
        b.add(ActivityRow(b.start + timedelta(days=i), "m", (10, 1, 100, 0, 5, 0)))
    health = _assess(tool, b)
    assert health.status == "HEALTHY" and "数据缺失" in health.reasons[0]


def test_new_tool_says_too_little_history() -> None:
    tool = Tool(id="n", kind="app", name="新小程序", owner_unit="某局", launched=AS_OF - timedelta(days=20))
    b = SeriesBuilder(AS_OF, 365)
    for i in range(20):
        b.add(ActivityRow(AS_OF - timedelta(days=i), "n", (0, 0, 0, 0, 0, 0)))
    health = _assess(tool, b)
    assert health.status == "HEALTHY" and "不足60天" in health.reasons[0]


def test_zombie_reason_names_dates_numbers_and_threshold() -> None:
    tool = Tool(id="z", kind="public_account", name="某镇公众号", owner_unit="某镇", launched=date(2020, 1, 1))
    b = SeriesBuilder(AS_OF, 365)
    last_post = AS_OF - timedelta(days=100)
    for i in range(365):
        d = b.start + timedelta(days=i)
        b.add(ActivityRow(d, "z", (5, 1.0 if d == last_post else 0.0, 20, 0, 0, 0)))
    health = _assess(tool, b)
    assert health.status == "ZOMBIE"
    assert str(last_post) in health.reasons[0] and "100天" in health.reasons[0] and "60天" in health.reasons[0]
    assert health.rules[0] == "ACC-02"


def test_level_override_changes_the_threshold() -> None:
    rules = default_rules()
    assert rules.param("GRP-02", "silent_days", "village") == 120
    assert rules.param("GRP-02", "silent_days", "county") == 90


def test_reader_errors_name_file_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text(HEADER + "2025-01-01,a1,1,0,0,0,0,0\n2025-13-01,a1,1,0,0,0,0,0\n2025-01-02,a1,x,0,0,0,0,0\n"
                 "2025-01-03,,1,0,0,0,0,0\n2025-01-04,a1,,,,,,\n", encoding="utf-8")
    problems: list = []
    rows = list(iter_activity(f, problems))
    assert [str(p).split(": ")[0] for p in problems] == [f"{f}:3:date", f"{f}:4:active_users", f"{f}:5:id"]
    assert len(rows) == 2 and np.isnan(rows[1].values).all()  # empty cells: missing figures, not zeros
    with pytest.raises(InputError, match=r"a\.csv:3"):
        list(iter_activity(f, [], strict=True))


def test_gbk_activity_file_is_read(tmp_path: Path) -> None:
    f = tmp_path / "gbk.csv"
    f.write_bytes((HEADER + "2025-01-01,县融媒体中心公众号,12,1,300,0,4,1\n").encode("gbk"))
    rows = list(iter_activity(f, []))
    assert rows[0].tool_id == "县融媒体中心公众号" and rows[0].values[METRICS.index("page_views")] == 300


def _prefecture(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A small labelled set written by the data generator (independent of the detector)."""
    root = Path(__file__).parents[2] / "data" / "activity" / "dev"
    return root / "registry.jsonl", root / "activity.csv", root / "logins.csv"


def test_cli_assess_writes_the_contract_and_matches_gold(tmp_path: Path) -> None:
    registry, activity, logins = _prefecture(tmp_path)
    out = tmp_path / "health.json"
    gold = json.loads((registry.parent / "gold.json").read_text(encoding="utf-8"))
    code = main(["activity", "--db", f"sqlite:///{tmp_path / 'x.db'}", "assess", "--registry", str(registry),
                 "--activity", str(activity), "--logins", str(logins), "--as-of", gold["as_of"], "--out", str(out)])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"tools"}
    assert set(data["tools"]) == set(gold["tools"])
    for entry in data["tools"].values():
        assert set(entry) == {"status", "reasons"} and entry["status"] in STATUSES and entry["reasons"]
    agree = sum(data["tools"][t]["status"] == s for t, s in gold["tools"].items())
    assert agree / len(gold["tools"]) >= 0.95


def test_store_import_is_idempotent_and_act_attaches_the_finding(tmp_path: Path, db_url: str) -> None:
    registry = tmp_path / "tools.jsonl"
    rows = [{"id": "acc1", "kind": "public_account", "name": "某镇发布", "owner_unit": "某镇政府", "level": "township",
             "launched": "2020-01-01"},
            {"id": "app1", "kind": "app", "name": "某县办事通", "owner_unit": "某县政府", "level": "county",
             "launched": "2020-01-01"}]
    registry.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    activity = tmp_path / "activity.csv"
    lines = [HEADER.strip()]
    for i in range(365):
        d = AS_OF - timedelta(days=i)
        lines.append(f"{d},acc1,3,{1 if i == 150 else 0},10,0,0,0")
        lines.append(f"{d},app1,120,0,400,150,300,2")
    activity.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = ["activity", "--db", db_url]
    assert main(["registry", "--db", db_url, "import", str(registry)]) == 0
    assert main([*db, "import", str(activity)]) == 0
    from jianfu.lifecycle.service import RegistryService
    from jianfu.store.db import open_store

    store = open_store(db_url)
    service = RegistryService(store, Settings())
    added, updated, _ = service.import_activity(list(iter_activity(activity, [])))
    assert (added, updated) == (0, 0)  # the same file again changes nothing
    assert main([*db, "assess", "--as-of", str(AS_OF)]) == 0
    latest = {h.tool_id: h for h in service.health_list()}
    assert latest["acc1"].status == "ZOMBIE" and latest["app1"].status == "HEALTHY"
    with pytest.raises(InputError):
        service.act_on_health("app1", "retired", actor="网信办", reason="试图关停正常工具")
    assert main([*db, "act", "acc1", "--rectify", "--reason", "限期整改", "--by", "网信办"]) == 0
    audit = service.show("acc1").audit[-1]
    assert audit.to_status == "rectifying" and audit.details["health"]["status"] == "ZOMBIE"
    assert "ACC-02" in audit.details["health"]["rules"]
    store.dispose()


def test_read_series_window_and_logins(tmp_path: Path) -> None:
    activity = tmp_path / "a.csv"
    activity.write_text(HEADER + f"{AS_OF - timedelta(days=500)},t,1,0,0,0,0,0\n{AS_OF},t,2,0,0,0,0,0\n",
                        encoding="utf-8")
    logins = tmp_path / "l.csv"
    logins.write_text("id,logged_in_at\nt,2025-12-31T08:55:00+08:00\nt,2025-12-31T00:55:00Z\nt,bad\n",
                      encoding="utf-8")
    builder, problems = read_series(activity, AS_OF, 365, logins=logins)
    s = builder.series["t"]
    assert s.first_seen == AS_OF - timedelta(days=500) and s.present.sum() == 1
    assert s.login_minutes == [(364, 8 * 60 + 55), (364, 8 * 60 + 55)]  # UTC converted to Asia/Shanghai
    assert len(problems) == 1 and "logged_in_at" in str(problems[0])


def test_demo_prefecture_year_statuses_stored_and_fed_to_the_lifecycle(tmp_path: Path, capsys) -> None:
    """The bundled prefecture: 3,700 tools, a year of rows; every planted status found, seasonal groups healthy."""
    demo = Path(__file__).parents[2] / "src" / "jianfu" / "data" / "demo"
    key = json.loads((demo / "activity" / "qinghe_activity_planted.json").read_text(encoding="utf-8"))
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    out = tmp_path / "health.json"
    assert main(["registry", "--db", url, "import", str(demo / "registry" / "qinghe_registry.xlsx")]) == 0
    assert main(["activity", "--db", url, "assess", "--registry", str(demo / "registry" / "qinghe_registry.xlsx"),
                 "--activity", str(demo / "activity" / "qinghe_activity.csv.gz"),
                 "--logins", str(demo / "activity" / "qinghe_logins.csv.gz"),
                 "--as-of", key["as_of"], "--out", str(out), "--store"]) == 0
    health = json.loads(out.read_text(encoding="utf-8"))["tools"]
    wrong = {t: (v["status"], health[t]["status"]) for t, v in key["tools"].items()
             if health[t]["status"] != v["status"]}
    assert not wrong, list(wrong.items())[:5]
    assert {v["status"] for v in key["tools"].values()} == set(STATUSES)
    from jianfu.ingest.registry import read_registry

    names = {t.id: t.name for t in read_registry(demo / "registry" / "qinghe_registry.xlsx").tools}
    seasonal = [t for t, v in key["tools"].items() if v["archetype"] == "g_seasonal"]
    assert len(seasonal) >= 40 and all(health[t]["status"] == "HEALTHY" for t in seasonal)
    assert any("防汛" in names[t] for t in seasonal)  # silent from 10-16 to 04-14 inside the window
    zombie_group = next(t for t, v in key["tools"].items() if v["archetype"] == "g_task_over")
    assert any("GRP-01" in r for r in health[zombie_group]["reasons"])
    capsys.readouterr()
    assert main(["activity", "--db", url, "list", "--status", "ZOMBIE", "--limit", "1000"]) == 0
    zombies = sum(v["status"] == "ZOMBIE" for v in key["tools"].values())
    assert f"运行状况（{zombies} 条）" in capsys.readouterr().out  # the stored statuses, through the CLI
    assert main(["activity", "--db", url, "act", zombie_group, "--retire", "--reason", "任务结束未解散",
                 "--by", "清河市网信办"]) == 0
    assert main(["registry", "--db", url, "show", zombie_group]) == 0
    from jianfu.lifecycle.service import RegistryService
    from jianfu.store.db import open_store

    store = open_store(url)
    shown = RegistryService(store, Settings()).show(zombie_group)
    assert shown.tool.status == "retired"
    attached = shown.audit[-1].details["health"]
    assert attached["status"] == "ZOMBIE" and "GRP-01" in attached["rules"]
    store.dispose()
