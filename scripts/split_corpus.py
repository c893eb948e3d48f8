"""Build data/messages/{train,dev}.jsonl from the writers' raw files (seeded, stratified by label set).

Run: python scripts/split_corpus.py. The split is deterministic; re-running it reproduces the files.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "data" / "messages"
DEV_SHARE = 0.3
SEED = 20261123


def main() -> None:
    items = []
    for raw in sorted((ROOT / "raw").glob("*.jsonl")):
        for n, line in enumerate(raw.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{raw}:{n}: {exc}") from None
    strata: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        key = "+".join(sorted(item["labels"])) or ("HN" if item.get("hard_negative") else "NEG")
        strata[key].append(item)
    rng = random.Random(SEED)
    train, dev = [], []
    for key in sorted(strata):
        group = strata[key]
        rng.shuffle(group)
        cut = round(len(group) * DEV_SHARE)
        dev.extend(group[:cut])
        train.extend(group[cut:])
    for name, rows in (("train", train), ("dev", dev)):
        rows.sort(key=lambda r: r["id"])
        with (ROOT / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} messages")


if __name__ == "__main__":
    main()
