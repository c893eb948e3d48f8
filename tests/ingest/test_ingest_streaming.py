"""units() streams line formats: memory stays flat however long the file is."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path

import pytest

from jianfu.ingest import open_source

LIMIT = 20 * 1024 * 1024


def _peak_while_iterating(path: Path, fmt: str | None = None) -> tuple[int, int]:
    source = open_source(path, fmt)
    count = 0
    tracemalloc.start()
    try:
        for _line, _unit in source.units():
            count += 1  # results are not kept
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


@pytest.mark.slow
def test_generic_jsonl_200k_lines(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(200_000):
            fh.write(f'{{"id":"m-{i}","text":"请各位今晚九点前在群里接龙打卡，第{i}条","sent_at":"2024-06-10T21:00:00+08:00",'
                     f'"sender":"王科长","group":"XX镇网格员工作群","labels":[]}}\n')
    assert path.stat().st_size > 25 * 1024 * 1024
    count, peak = _peak_while_iterating(path)
    assert count == 200_000
    assert peak < LIMIT, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.slow
def test_csv_and_paste_100k(tmp_path: Path) -> None:
    table = tmp_path / "big.csv"
    with open(table, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "sent_at", "sender"])
        for i in range(100_000):
            writer.writerow([f"c-{i}", f"所有人十分钟内回复收到\n第{i}条", "2024-06-10 21:00:00", "王科长"])
    count, peak = _peak_while_iterating(table)
    assert count == 100_000 and peak < LIMIT

    paste = tmp_path / "big.txt"
    with open(paste, "w", encoding="utf-8") as fh:
        for i in range(100_000):
            fh.write(f"2024-06-10 21:{i % 60:02d}:{i % 60:02d} 王科长\n今晚每人交一篇心得体会\n第{i}条\n")
    count, peak = _peak_while_iterating(paste, "paste")
    assert count == 100_000 and peak < LIMIT
