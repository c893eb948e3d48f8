"""Quality of the published-content scanner on a labelled directory (data/web/{train,dev}).

A directory holds `pages/` and `gold.json`: for each page whether it is hacked, the injected texts with their
technique, the planted typos and whether the column is stale. Printed:
  page level   hacked precision / recall / F1, and false positives on the hard clean pages (campaigns, footers
               with hotlines, hidden menus, many outbound links);
  span level   per technique: a gold injection is found when a finding of that technique quotes it (overlap of the
               normalised texts); precision counts findings that quote some gold injection of the page;
  typos        per planted wrong form; stale pages at page level.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rich.table import Table

from jianfu.detect.web import TECHNIQUES, PageVerdict, default_web_rules, scan_page
from jianfu.evaluate.quality import Scores
from jianfu.ingest.pages import iter_pages
from jianfu.normalise.text import normalise


def _norm(text: str) -> str:
    return "".join(normalise(text).text.lower().split())


def _overlaps(found: str, gold: str) -> bool:
    a, b = _norm(found), _norm(gold)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    common = len(set(a) & set(b))
    return common / max(len(set(b)), 1) >= 0.6


@dataclass
class WebQuality:
    directory: str
    pages: int = 0
    page: Scores = field(default_factory=Scores)
    hard_clean: int = 0
    hard_clean_fp: int = 0
    techniques: dict[str, Scores] = field(default_factory=lambda: {t: Scores() for t in TECHNIQUES})
    spans: Scores = field(default_factory=Scores)
    typos: Scores = field(default_factory=Scores)
    stale: Scores = field(default_factory=Scores)
    errors: list[str] = field(default_factory=list)


HARD_CLEAN = ("campaign", "clean", "txt", "typo_clean", "fresh")


def evaluate_web(directory: str | Path) -> WebQuality:
    root = Path(directory)
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    as_of = date.fromisoformat(gold["as_of"])
    rules = default_web_rules()
    q = WebQuality(str(root))
    for page in iter_pages([str(root / "pages")]):
        g = gold["pages"].get(page.file)
        if g is None:
            continue
        q.pages += 1
        verdict = scan_page(page.source, kind=page.kind, file=page.file, as_of=as_of, rules=rules)
        _score(q, page.file, g, verdict)
    return q


def _score(q: WebQuality, file: str, g: dict[str, Any], v: PageVerdict) -> None:
    if v.hacked and g["hacked"]:
        q.page.tp += 1
    elif v.hacked:
        q.page.fp += 1
        q.errors.append(f"{file}: 误报 {[f.evidence[:30] for f in v.findings if f.code == 'INJECTED_SPAM']}")
    elif g["hacked"]:
        q.page.fn += 1
        q.errors.append(f"{file}: 漏报 {[i['technique'] + ':' + i['evidence'][:20] for i in g['injections']]}")
    if not g["hacked"] and g["kind"] in HARD_CLEAN:
        q.hard_clean += 1
        q.hard_clean_fp += v.hacked
    spam = [f for f in v.findings if f.code == "INJECTED_SPAM"]
    for inj in g["injections"]:
        hit = any(f.technique == inj["technique"] and _overlaps(f.evidence, inj["evidence"]) for f in spam)
        counts = q.techniques[inj["technique"]]
        if hit:
            counts.tp += 1
        else:
            counts.fn += 1
            if g["hacked"] and v.hacked:
                q.errors.append(f"{file}: 手法/证据不符 {inj['technique']}:{inj['evidence'][:20]} → "
                                f"{[(f.technique, f.evidence[:20]) for f in spam]}")
    for f in spam:
        matched = any(_overlaps(f.evidence, inj["evidence"]) for inj in g["injections"])
        if matched:
            q.spans.tp += 1
        else:
            q.spans.fp += 1
            if f.technique in q.techniques:
                q.techniques[f.technique].fp += 1
    q.spans.fn += sum(1 for inj in g["injections"] if not any(_overlaps(f.evidence, inj["evidence"]) for f in spam))
    found_typos = [f.evidence for f in v.findings if f.code == "SEVERE_TYPO"]
    for wrong in g["typos"]:
        if any(_norm(wrong) == _norm(t) or _norm(wrong) in _norm(t) for t in found_typos):
            q.typos.tp += 1
        else:
            q.typos.fn += 1
            q.errors.append(f"{file}: 漏报错别字 {wrong}")
    for t in found_typos:
        if not any(_norm(w) in _norm(t) or _norm(t) in _norm(w) for w in g["typos"]):
            q.typos.fp += 1
            q.errors.append(f"{file}: 误报错别字 {t}")
    is_stale = any(f.code == "STALE_CONTENT" for f in v.findings)
    if is_stale and g["stale"]:
        q.stale.tp += 1
    elif is_stale:
        q.stale.fp += 1
        q.errors.append(f"{file}: 误报更新不及时")
    elif g["stale"]:
        q.stale.fn += 1
        q.errors.append(f"{file}: 漏报更新不及时")


def web_quality_table(q: WebQuality) -> Table:
    table = Table(title=f"{q.directory}：{q.pages} 个页面")
    for h in ("层级", "项目", "精确率 P", "召回率 R", "F1", "支持数"):
        table.add_column(h, justify="right" if h not in ("层级", "项目") else "left")

    def row(level: str, name: str, c: Scores) -> None:
        table.add_row(level, name, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.tp + c.fn))

    row("页面", "被植入 hacked", q.page)
    for t, c in q.techniques.items():
        if c.tp + c.fn + c.fp:
            row("片段", t, c)
    row("片段", "全部注入片段 all spans", q.spans)
    row("页面", "严重错别字 SEVERE_TYPO", q.typos)
    row("页面", "更新不及时 STALE_CONTENT", q.stale)
    rate = q.hard_clean_fp / q.hard_clean if q.hard_clean else 0.0
    table.caption = (f"干净页面（含打击赌博/扫黄打非宣传、举报电话页脚、隐藏菜单、大量外链）误报率："
                     f"{rate:.1%}（{q.hard_clean_fp}/{q.hard_clean}）")
    return table
