"""Benchmark: DUPLICATE_TOOL clustering of a generated national registry vs a brute-force baseline.

Prints a table: all-pairs clustering time for --tools tools (index build + candidate pairs + exact re-check
+ star clusters around the tool to keep; with 1 and with --workers processes), per-filing `DuplicateIndex.query` latency
(median and p95 over --queries new filings, a third of them reworded copies of registered tools), peak
memory, and the brute-force baseline measured in the same run on the first --subset tools: exact
all-pairs Jaccard of the canonical function sets, and the full exact re-check (`compare`) of every pair,
each extrapolated quadratically to --tools. The index's recall against the brute-force re-check on the
subset is printed too: the speed must not come from skipping real duplicates. Medians of --repeat runs.

    python bench/bench_duplicates.py [--tools 100000] [--queries 200] [--subset 2000] [--repeat 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
from gen_tools import Generator
from jianfu.detect.duplicates import DuplicateIndex, compare, default_dictionary
from jianfu.records import Tool


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def cluster_run(tools: list[Tool], workers: int) -> tuple[float, float, float, float, DuplicateIndex, int, int]:
    """Seconds for index build, all pairs, star clusters, total; the index; pairs; clusters."""
    gc.collect()
    t0 = time.perf_counter()
    index = DuplicateIndex(tools)
    t1 = time.perf_counter()
    pairs = index.all_pairs(workers)
    t2 = time.perf_counter()
    clusters = index.clusters(pairs)
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, t3 - t0, index, len(pairs), len(clusters)


def brute_force(tools: list[Tool]) -> tuple[float, float, set[tuple[int, int]]]:
    """(seconds for exact Jaccard of all pairs, seconds for compare() of all pairs, pairs compare accepts)."""
    d = default_dictionary()
    index = DuplicateIndex(tools)  # profiles with completed regions, as the index compares them
    profiles = index.profiles
    sets = [frozenset(p.items) | frozenset(p.texts) for p in profiles]
    t0 = time.perf_counter()
    similar = 0
    for a, b in combinations(sets, 2):
        union = len(a | b)
        if union and len(a & b) / union >= 0.6:
            similar += 1
    t1 = time.perf_counter()
    accepted: set[tuple[int, int]] = set()
    for i, j in combinations(range(len(profiles)), 2):
        if compare(profiles[i], profiles[j], d) is not None:
            accepted.add((i, j))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, accepted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tools", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--subset", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    console = Console()
    n, q = args.tools, args.queries
    default_dictionary()
    generated = list(Generator(seed=7).tools(n + q))
    tools, filings = generated[:n], generated[n:]  # the generator plants copies of earlier tools: some filings
    # duplicate registered tools, as real filings do
    runs1 = [cluster_run(tools, 1) for _ in range(args.repeat)]
    runs2 = [cluster_run(tools, args.workers) for _ in range(args.repeat)]
    index = runs1[-1][4]
    for f in filings[:5]:  # warm caches, as a running service is
        index.query(f)
    latencies = []
    hits = 0
    for f in filings:
        t = time.perf_counter()
        matches = index.query(f, k=5)
        latencies.append((time.perf_counter() - t) * 1000)
        hits += bool(matches)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]

    subset = tools[:args.subset]
    bf_jaccard, bf_compare, bf_pairs = brute_force(subset)
    sub_index = DuplicateIndex(subset)
    found = {(r.a, r.b) for r in sub_index.all_pairs(1)}
    recall = len(found & bf_pairs) / len(bf_pairs) if bf_pairs else 1.0
    scale = (n / args.subset) ** 2

    def med(runs: list, k: int) -> float:
        return statistics.median(r[k] for r in runs)

    total1, total2 = med(runs1, 3), med(runs2, 3)
    table = Table(title=f"DUPLICATE_TOOL benchmark — {n:,} tools, median of {args.repeat} ({os.cpu_count()} cores)")
    for col in ("run", "seconds", "notes"):
        table.add_column(col, justify="left" if col != "seconds" else "right")
    table.add_row("index build (profiles, MinHash, inverted index)", f"{med(runs1, 0):.1f}",
                  f"{n / med(runs1, 0):,.0f} tools/s")
    table.add_row("all pairs, 1 process (candidates + exact re-check)", f"{med(runs1, 1):.1f}",
                  f"{runs1[-1][5]:,} accepted pairs")
    table.add_row(f"all pairs, {args.workers} processes", f"{med(runs2, 1):.1f}",
                  f"speed-up {med(runs1, 1) / med(runs2, 1):.2f}x")
    table.add_row("star clusters (anchor + its duplicates/modules)", f"{med(runs1, 2):.1f}",
                  f"{runs1[-1][6]:,} clusters")
    table.add_row("[bold]all-pairs clustering, total, 1 process[/]", f"[bold]{total1:.1f}[/]", "target < 60 s")
    table.add_row(f"all-pairs clustering, total, {args.workers} processes", f"{total2:.1f}", "")
    table.add_row("per-filing query, median / p95 (ms)", f"{statistics.median(latencies):.2f} / {p95:.2f}",
                  f"{q} filings, {hits} with a match; target < 50 ms")
    table.add_row("peak memory (MB, largest process)", f"{peak_mb():.0f}", "")
    table.add_row(f"brute force: exact Jaccard, all pairs of {args.subset:,}", f"{bf_jaccard:.1f}",
                  f"→ {bf_jaccard * scale:,.0f} s for {n:,} ({bf_jaccard * scale / total1:,.0f}x ours)")
    table.add_row(f"brute force: exact re-check, all pairs of {args.subset:,}", f"{bf_compare:.1f}",
                  f"→ {bf_compare * scale:,.0f} s for {n:,} ({bf_compare * scale / total1:,.0f}x ours)")
    table.add_row(f"index on the same {args.subset:,}: recall of brute-force pairs", f"{recall:.3f}",
                  f"{len(found & bf_pairs)}/{len(bf_pairs)} pairs; {len(found - bf_pairs)} extra")
    console.print(table)


if __name__ == "__main__":
    main()
