"""Run a scan: ingest → detect → write, in worker processes with bounded memory.

The parent reads raw units (lines, rows) and sends batches to workers; each worker parses,
detects and serialises its batch and returns the output bytes with a partial summary. At most a
few batches are in flight, so memory stays bounded however large the file. Output is written to a
temporary file and renamed at the end: a failed or stopped scan leaves no half-written file.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from jianfu.config import Settings
from jianfu.contract import FORMAT_VERSION, result_line
from jianfu.detect.messages import MessageDetector
from jianfu.errors import InputError
from jianfu.evaluate.summary import ScanSummary
from jianfu.ingest import open_source, parse_unit
from jianfu.records import MessageResult

IN_FLIGHT_PER_WORKER = 3

_detector: MessageDetector | None = None  # set in the parent before workers fork; one per process


@dataclass(slots=True)
class Batch:
    fmt: str
    file: str
    units: list[tuple[int | None, Any]]
    explain: bool
    keep_results: bool


@dataclass(slots=True)
class BatchResult:
    file: str
    output: bytes
    summary: ScanSummary
    problems: list[str]
    results: list[MessageResult] = field(default_factory=list)  # only with findings, only when asked


@dataclass(slots=True)
class ScanOutcome:
    summary: ScanSummary
    config: dict[str, Any]


def run_batch(batch: Batch) -> BatchResult:
    """Parse, detect and serialise one batch. Runs in a worker (or in-process for small inputs)."""
    detector = _detector
    assert detector is not None, "scan worker started without a detector"
    summary = ScanSummary()
    problems: list[str] = []
    lines: list[bytes] = []
    kept: list[MessageResult] = []
    for line_no, unit in batch.units:
        try:
            message = parse_unit(batch.fmt, batch.file, line_no, unit)
        except InputError as exc:
            problems.append(str(exc))
            continue
        if message is None:
            summary.skipped += 1
            continue
        result = detector.detect(message, explain=batch.explain)
        lines.append(orjson.dumps(result_line(result, batch.explain)))
        summary.add(result)
        if batch.keep_results and result.findings:
            kept.append(result)
    for p in problems:
        summary.add_problem(p)
    output = b"\n".join(lines) + b"\n" if lines else b""
    return BatchResult(batch.file, output, summary, problems, kept)


def _batches(paths: list[str], fmt: str | None, settings: Settings, explain: bool, keep: bool,
             summary: ScanSummary, on_units: Callable[[int], None] | None) -> Iterator[Batch]:
    for path in paths:
        row: dict[str, Any] = {"file": str(path), "format": fmt, "encoding": None, "status": "ok",
                               "reason": None, "messages": 0, "skipped": 0, "problems": 0}
        summary.files.append(row)
        try:
            source = open_source(path, fmt)
        except (InputError, OSError) as exc:
            row.update(status="error", reason=str(exc))
            raise InputError(str(exc) if isinstance(exc, InputError) else f"cannot read: {exc}",
                             str(path)) from None
        row.update(format=source.format, encoding=source.encoding)
        units: list[tuple[int | None, Any]] = []
        for unit in source.units():
            units.append(unit)
            if len(units) >= settings.chunk_size:
                if on_units:
                    on_units(len(units))
                yield Batch(source.format, source.file, units, explain, keep)
                units = []
        if units:
            if on_units:
                on_units(len(units))
            yield Batch(source.format, source.file, units, explain, keep)
        row["skipped_in_reader"] = source.skipped


def scan_files(paths: list[str], settings: Settings, fmt: str | None = None, out: str | Path | None = None,
               strict: bool = False, explain: bool = False,
               on_result: Callable[[MessageResult], None] | None = None,
               on_units: Callable[[int], None] | None = None,
               detector: MessageDetector | None = None) -> ScanOutcome:
    """Scan files into `out` (contract JSONL) and return the merged summary.

    `on_result` receives every MessageResult with findings (for the XLSX report), in input order.
    With `strict`, the first malformed record raises InputError and no output file is left.
    """
    global _detector
    _detector = detector or MessageDetector.build(settings)
    config = {"version": FORMAT_VERSION, **_detector.describe()}
    summary = ScanSummary()
    rows = _FileRows(summary)
    tmp = Path(f"{out}.part") if out is not None else None
    sink = open(tmp, "wb") if tmp is not None else None  # noqa: SIM115 - closed in finally
    try:
        batches = _batches(paths, fmt, settings, explain, on_result is not None, summary, on_units)
        for result in _run(batches, settings):
            if strict and result.problems:
                raise InputError(result.problems[0])
            if sink is not None:
                sink.write(result.output)
            summary.merge(result.summary)
            row = rows[result.file]
            row["messages"] += result.summary.messages
            row["skipped"] += result.summary.skipped
            row["problems"] += result.summary.problems
            if on_result is not None:
                for r in result.results:
                    on_result(r)
        for row in summary.files:
            reader_skipped = row.pop("skipped_in_reader", 0)
            row["skipped"] += reader_skipped
            summary.skipped += reader_skipped
        if sink is not None:
            sink.close()
            sink = None
            assert tmp is not None and out is not None
            os.replace(tmp, out)
            Path(f"{out}.meta.json").write_bytes(orjson.dumps(
                {**config, "files": summary.files, "messages": summary.messages,
                 "skipped": summary.skipped, "problems": summary.problems,
                 "problem_samples": summary.problem_samples},
                option=orjson.OPT_INDENT_2))
    finally:
        if sink is not None:
            sink.close()
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return ScanOutcome(summary, config)


def _run(batches: Iterator[Batch], settings: Settings) -> Iterator[BatchResult]:
    """Results in input order; a bounded number of batches in flight."""
    workers = settings.workers or os.cpu_count() or 1
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if workers <= 1 or second is None:
        yield run_batch(first)
        if second is not None:
            yield run_batch(second)
            for b in batches:
                yield run_batch(b)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        pending: deque[Any] = deque()
        limit = workers * IN_FLIGHT_PER_WORKER
        for b in (first, second):
            pending.append(pool.apply_async(run_batch, (b,)))
        for b in batches:
            if len(pending) >= limit:
                yield pending.popleft().get()
            pending.append(pool.apply_async(run_batch, (b,)))
        while pending:
            yield pending.popleft().get()


class _FileRows(dict):  # type: ignore[type-arg]
    """Per-file status rows, looked up by the file name a batch came from."""

    def __init__(self, summary: ScanSummary) -> None:
        super().__init__()
        self.summary = summary

    def __missing__(self, file: str) -> dict[str, Any]:
        for row in self.summary.files:
            if row["file"] == file:
                self[file] = row
                return row
        raise KeyError(file)
