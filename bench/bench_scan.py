"""Benchmark: full `jianfu scan` of a generated 1,000,000-message JSONL file vs a naive baseline.

Prints a table: messages/s, wall time, peak memory (parent + workers), ratio to the baseline.
A second file with every text made unique shows the speed without help from the text-level cache.
The baseline, measured in the same run on the same file, is `json.loads` per line plus one `re`
alternation of the same rule patterns — what a first script would do. Medians of --repeat runs.

    python bench/bench_scan.py [--messages 1000000] [--repeat 3] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
from gen_messages import generate
from jianfu.detect.engine import RuleSet


def naive_baseline(path: Path) -> tuple[float, int]:
    """json.loads + one re alternation of every literal and regex pattern of the rule set."""
    parts = []
    for rule in RuleSet.load().rules:
        for pat in rule.spec.patterns:
            parts.append(re.escape(pat.literal) if pat.literal is not None else f"(?:{pat.regex})")
    alternation = re.compile("|".join(parts))
    hits = 0
    start = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            msg = json.loads(line)
            if alternation.search(msg["text"]):
                hits += 1
    return time.perf_counter() - start, hits


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_scan(path: Path, out: Path, workers: int) -> tuple[float, float]:
    """Wall seconds and peak MB (process tree) of the real CLI, as a user runs it."""
    cmd = [sys.executable, "-m", "jianfu", "scan", str(path), "--out", str(out), "--quiet",
           "--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"scan failed with exit code {code}")
    return elapsed, peak / 1024


def startup_seconds() -> float:
    """Wall time of a scan of an empty file: interpreter, imports, rules and model load."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.jsonl"
        empty.write_text("")
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "jianfu", "scan", str(empty), "--quiet", "--format", "generic"]
        subprocess.run(cmd, check=True)
        return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        data = generate(Path(tmp) / "messages.jsonl", args.messages)
        unique = generate(Path(tmp) / "unique.jsonl", args.messages, unique=True)
        n = args.messages
        base = [naive_baseline(data)[0] for _ in range(args.repeat)]
        single = [run_scan(data, Path(tmp) / "out1.jsonl", 1) for _ in range(args.repeat)]
        multi = [run_scan(data, Path(tmp) / "out.jsonl", args.workers) for _ in range(args.repeat)]
        multi_unique = [run_scan(unique, Path(tmp) / "outu.jsonl", args.workers) for _ in range(args.repeat)]
        lines = sum(1 for _ in (Path(tmp) / "out.jsonl").open(encoding="utf-8"))
        assert lines == n, f"one output line per message: {lines} != {n}"
        demands = sum(1 for line in (Path(tmp) / "out.jsonl").open(encoding="utf-8") if json.loads(line)["labels"])
        boot = statistics.median(startup_seconds() for _ in range(args.repeat))
    b = statistics.median(base)
    s1 = statistics.median(t for t, _ in single)
    s2 = statistics.median(t for t, _ in multi)
    table = Table(title=f"jianfu scan benchmark — {n:,} messages, median of {args.repeat} ({os.cpu_count()} cores)")
    for col in ("run", "wall s", "messages/s", "peak MB", "vs baseline"):
        table.add_column(col, justify="right" if col != "run" else "left")
    table.add_row("naive baseline (json.loads + one re alternation, no output)", f"{b:.1f}", f"{n / b:,.0f}", "-",
                  "1.00")
    table.add_row("jianfu scan, 1 worker (read+normalise+detect+write)", f"{s1:.1f}", f"{n / s1:,.0f}",
                  f"{max(m for _, m in single):.0f}", f"{b / s1:.2f}")
    table.add_row(f"jianfu scan, {args.workers} workers", f"{s2:.1f}", f"{n / s2:,.0f}",
                  f"{max(m for _, m in multi):.0f}", f"{b / s2:.2f}")
    s3 = statistics.median(t for t, _ in multi_unique)
    table.add_row(f"jianfu scan, {args.workers} workers, every text unique (no cache help)", f"{s3:.1f}",
                  f"{n / s3:,.0f}", f"{max(m for _, m in multi_unique):.0f}", f"{b / s3:.2f}")
    console.print(table)
    console.print(f"start-up (empty file): {boot:.2f} s; demand messages found: {demands:,} ({demands / n:.1%})")
    console.print(f"scaling 1 → {args.workers} workers: {s1 / s2:.2f}x; targets: ≥ 50,000 msg/s, < 500 MB, "
                  f"≥ 0.5x baseline")


if __name__ == "__main__":
    main()
