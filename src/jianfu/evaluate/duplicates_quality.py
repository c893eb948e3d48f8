"""`jianfu eval duplicates`: pair precision, recall and F1 of DUPLICATE_TOOL clusters on a labelled registry.

A labelled file is the registry contract of contracts.md §2 (JSONL, or CSV with the same columns) plus the
gold clusters, given either
- per row, in a `gold_cluster` field (also accepted: `cluster`, `duplicate_group`, `gold`): rows with the same
  value form one cluster; empty/null means the tool is in no cluster; or
- in a separate file in the output contract, `{"clusters": [{"ids": [...]}, ...]}`: passed as `gold`, or found
  next to the input as `<stem>.gold.json`.

Scores are over pairs: every unordered pair of tools inside one cluster is a pair, predicted or gold.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from rich.table import Table

from jianfu.detect.duplicates import Cluster, find_clusters
from jianfu.errors import InputError
from jianfu.evaluate.quality import Scores
from jianfu.records import Tool

GOLD_FIELDS = ("gold_cluster", "cluster", "duplicate_group", "gold")
_SEPARATORS = (";", "；", "、", "|")


PairScores = Scores  # pair counts use the same precision/recall/F1 as the message codes


def _ids_of(cluster: Cluster | Mapping[str, Any] | Iterable[str]) -> list[str]:
    if isinstance(cluster, Cluster):
        return list(cluster.ids)
    if isinstance(cluster, Mapping):
        return [str(i) for i in cluster["ids"]]
    return [str(i) for i in cluster]


def cluster_pairs(clusters: Iterable[Cluster | Mapping[str, Any] | Iterable[str]]) -> set[tuple[str, str]]:
    """Every unordered pair (a < b) of ids that share a cluster."""
    pairs: set[tuple[str, str]] = set()
    for cluster in clusters:
        ids = sorted(set(_ids_of(cluster)))
        pairs.update(combinations(ids, 2))
    return pairs


def pair_scores(predicted_clusters: Iterable[Cluster | Mapping[str, Any] | Iterable[str]],
                gold_clusters: Iterable[Cluster | Mapping[str, Any] | Iterable[str]]) -> PairScores:
    """Precision/recall/F1 over pairs: clusters may be Cluster objects, contract dicts or lists of ids."""
    predicted = cluster_pairs(predicted_clusters)
    gold = cluster_pairs(gold_clusters)
    return PairScores(tp=len(predicted & gold), fp=len(predicted - gold), fn=len(gold - predicted))


# ---------------------------------------------------------------------------------------------------
# Reading a labelled registry file.


def _functions(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        text = raw
        for sep in _SEPARATORS[1:]:
            text = text.replace(sep, _SEPARATORS[0])
        return tuple(p.strip() for p in text.split(_SEPARATORS[0]) if p.strip())
    return tuple(str(x).strip() for x in raw if str(x).strip())


def _launched(raw: Any) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def tool_from_row(row: Mapping[str, Any], file: str | None = None, line: int | None = None) -> Tool:
    """A Tool from one contract row (JSON object or CSV row); missing id, kind or name raise InputError."""
    for key in ("id", "kind", "name"):
        if not str(row.get(key) or "").strip():
            raise InputError(f"missing required field {key!r}", file, line, key)
    return Tool(
        id=str(row["id"]).strip(), kind=str(row["kind"]).strip(), name=str(row["name"]).strip(),
        owner_unit=str(row.get("owner_unit") or "").strip(), level=(str(row["level"]).strip() or None)
        if row.get("level") else None, description=str(row.get("description") or ""),
        functions=_functions(row.get("functions")), audience=str(row.get("audience") or ""),
        launched=_launched(row.get("launched")), file=file, line=line,
    )


def _rows(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                yield n, dict(row)
        return
    with path.open(encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", str(path), n) from None
            if not isinstance(obj, dict):
                raise InputError("each line must be a JSON object", str(path), n)
            yield n, obj


def read_labelled_registry(path: str | Path, gold: str | Path | None = None) -> tuple[list[Tool], list[list[str]]]:
    """The tools of a labelled file and its gold clusters (lists of ids, each of two or more)."""
    path = Path(path)
    tools: list[Tool] = []
    by_label: dict[str, list[str]] = {}
    labelled = False
    for line, row in _rows(path):
        tool = tool_from_row(row, str(path), line)
        tools.append(tool)
        for name in GOLD_FIELDS:
            if name in row:
                labelled = True
                value = row[name]
                if value not in (None, "", "null", "None"):
                    by_label.setdefault(str(value), []).append(tool.id)
                break
    ids = [t.id for t in tools]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"duplicate tool id {dup!r}", str(path))
    gold_path = Path(gold) if gold is not None else path.with_name(path.stem + ".gold.json")
    if gold is not None or (not labelled and gold_path.exists()):
        try:
            data = json.loads(gold_path.read_text(encoding="utf-8"))
            clusters = [[str(i) for i in c["ids"]] for c in data["clusters"]]
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"cannot read gold clusters: {exc}", str(gold_path)) from None
        known = set(ids)
        for c in clusters:
            missing = [i for i in c if i not in known]
            if missing:
                raise InputError(f"gold cluster names unknown ids {missing}", str(gold_path))
        return tools, [c for c in clusters if len(c) >= 2]
    if not labelled:
        raise InputError("no gold clusters: add a gold_cluster field or a <name>.gold.json file", str(path))
    return tools, [sorted(c) for c in by_label.values() if len(c) >= 2]


# ---------------------------------------------------------------------------------------------------
# Evaluation and the printable table.


@dataclass(slots=True)
class DuplicateQuality:
    file: str
    tools: int
    gold_clusters: int
    predicted_clusters: int
    scores: PairScores
    seconds: float
    false_pairs: list[tuple[str, str]] = field(default_factory=list)
    missed_pairs: list[tuple[str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


def evaluate_duplicates(path: str | Path, gold: str | Path | None = None, workers: int = 1) -> DuplicateQuality:
    tools, gold_clusters = read_labelled_registry(path, gold)
    start = time.perf_counter()
    predicted = find_clusters(tools, workers=workers)
    seconds = time.perf_counter() - start
    pred_pairs, gold_pairs = cluster_pairs(predicted), cluster_pairs(gold_clusters)
    scores = PairScores(len(pred_pairs & gold_pairs), len(pred_pairs - gold_pairs), len(gold_pairs - pred_pairs))
    return DuplicateQuality(
        file=str(path), tools=len(tools), gold_clusters=len(gold_clusters), predicted_clusters=len(predicted),
        scores=scores, seconds=seconds, false_pairs=sorted(pred_pairs - gold_pairs),
        missed_pairs=sorted(gold_pairs - pred_pairs), names={t.id: t.name for t in tools},
    )


def quality_table(result: DuplicateQuality, show_errors: int = 0) -> Table:
    table = Table(title=f"功能重复检测质量 duplicate-tool quality (pairs) — {result.file}")
    for col in ("tools", "gold clusters", "predicted clusters", "TP", "FP", "FN", "precision", "recall", "F1",
                "seconds"):
        table.add_column(col, justify="right")
    s = result.scores
    table.add_row(str(result.tools), str(result.gold_clusters), str(result.predicted_clusters), str(s.tp),
                  str(s.fp), str(s.fn), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}",
                  f"{result.seconds:.2f}")
    if show_errors:
        for label, pairs in (("FP", result.false_pairs), ("FN", result.missed_pairs)):
            for a, b in pairs[:show_errors]:
                table.add_row(label, a, b, "", "", "", "", "", f"{result.names.get(a, '')} ↔ {result.names.get(b, '')}",
                              "")
    return table


def duplicates_quality_table(path: str | Path, gold: str | Path | None = None, workers: int = 1,
                             show_errors: int = 0) -> Table:
    """Load a labelled registry, cluster it and return the Rich table of pair precision/recall/F1."""
    return quality_table(evaluate_duplicates(path, gold, workers), show_errors)


def _main(argv: Sequence[str] | None = None) -> None:
    import argparse

    from rich.console import Console

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--errors", type=int, default=0)
    args = ap.parse_args(argv)
    console = Console()
    for p in args.paths:
        console.print(duplicates_quality_table(p, show_errors=args.errors))


if __name__ == "__main__":
    _main()
