"""Benchmark: activity health for 10,000 tools × 365 days, next to a naive pandas baseline.

Prints a table: wall time and peak memory (RSS of a fresh process) of `jianfu activity assess` as a user
runs it (read registry + CSV, assess, write health.json) and of a naive pandas script measured in the same
run on the same files (read_csv, groupby per tool, days since the last post/active day, median users,
logins-to-interactions ratio, weekend ratio: the obvious first version, with fewer rules). Medians of
--repeat runs.

    python bench/bench_activity.py [--tools 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

AS_OF = date(2025, 12, 31)

BASELINE = r'''
import sys, json, pandas as pd
df = pd.read_csv(sys.argv[1], parse_dates=["date"])
as_of = pd.Timestamp(sys.argv[2])
out = {}
for tid, g in df.groupby("id"):
    posted = g.loc[g["new_posts"] > 0, "date"]
    silent = (as_of - posted.max()).days if len(posted) else 999
    recent = g[g["date"] > as_of - pd.Timedelta(days=90)]
    users = recent["active_users"].median()
    ratio = recent["interactions"].sum() / max(recent["logins"].sum(), 1)
    weekend = recent[recent["date"].dt.weekday >= 5]["active_users"].mean() / max(
        recent[recent["date"].dt.weekday < 5]["active_users"].mean(), 1e-9)
    status = "ZOMBIE" if silent >= 60 and users < 3 else "EMPTY_SHELL" if ratio < 0.03 else (
        "FORCED_USAGE_PATTERN" if weekend < 0.15 else "HEALTHY")
    out[tid] = {"status": status, "reasons": []}
json.dump({"tools": out}, open(sys.argv[3], "w"))
'''


def generate(directory: Path, tools: int, seed: int = 7) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    registry = directory / "registry.jsonl"
    activity = directory / "activity.csv"
    kinds = ["app", "miniprogram", "public_account", "work_group"]
    with registry.open("w", encoding="utf-8") as fr:
        for i in range(tools):
            row = {"id": f"t{i:05d}", "kind": kinds[i % 4], "name": f"工具{i}", "owner_unit": f"单位{i % 300}",
                   "level": "county", "launched": "2021-01-01", "audience": "群众"}
            fr.write(json.dumps(row, ensure_ascii=False) + "\n")
    days = [(AS_OF - timedelta(days=d)).isoformat() for d in range(364, -1, -1)]
    with activity.open("w", encoding="utf-8") as fa:
        fa.write("date,id,active_users,new_posts,page_views,logins,interactions,replies_to_public\n")
        for i in range(tools):
            base = rng.uniform(0, 300)
            users = rng.poisson(base, 365)
            posts = rng.random(365) < rng.uniform(0.01, 0.6)
            lines = [f"{d},t{i:05d},{u},{int(p)},{u * 3},{u},{u * 2},0\n" for d, u, p in zip(days, users, posts,
                                                                                          strict=True)]
            fa.writelines(lines)
    return registry, activity


def measure(cmd: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return wall, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tools", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        t0 = time.perf_counter()
        registry, activity = generate(d, args.tools)
        console.print(f"generated {args.tools:,} tools × 365 days ({activity.stat().st_size / 1e6:.0f} MB) "
                      f"in {time.perf_counter() - t0:.0f} s")
        script = d / "baseline.py"
        script.write_text(BASELINE, encoding="utf-8")
        runs = {
            "naive pandas (read_csv + groupby, 4 rules)": [sys.executable, str(script), str(activity), str(AS_OF),
                                                           str(d / "base.json")],
            "jianfu activity assess (all rules, reasons)": [sys.executable, "-m", "jianfu", "activity", "--db",
                                                            f"sqlite:///{d / 'b.db'}", "assess", "--registry",
                                                            str(registry), "--activity", str(activity), "--as-of",
                                                            str(AS_OF), "--out", str(d / "health.json")],
        }
        results = {}
        for label, cmd in runs.items():
            samples = [measure(cmd) for _ in range(args.repeat)]
            results[label] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))
    base = next(iter(results.values()))[0]
    table = Table(title=f"activity health — {args.tools:,} tools × 365 days, median of {args.repeat}")
    for header in ("run", "wall s", "tools/s", "peak MB", "time vs pandas"):
        table.add_column(header, justify="left" if header == "run" else "right")
    for label, (wall, peak) in results.items():
        table.add_row(label, f"{wall:.1f}", f"{args.tools / wall:,.0f}", f"{peak:.0f}", f"{wall / base:.2f}×")
    console.print(table)


if __name__ == "__main__":
    main()
