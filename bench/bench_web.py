# ruff: noqa: E501  (HTML furniture with Chinese text)
"""Benchmark: `jianfu web scan` over 10,000 pages of typical size, next to plain HTML parsing.

Pages: the labelled train pages (data/web/train/pages) padded to the size of a real county-government page
(navigation menus, sidebars, lists of links, inline scripts and styles: 30–60 KB of HTML), copied to --pages
files. Both runs are fresh processes on the same files, measured in the same run; medians of --repeat runs.
  jianfu     `jianfu web scan DIR --out web.jsonl` as a user runs it (read, decode, parse, judge, write;
             one worker process per core, 2 here)
  baseline   read + decode + parse each file with the same HTML parser (Lexbor via selectolax) and extract
             its text: the floor any HTML scanner pays.

    python bench/bench_web.py [--pages 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
BASELINE = r'''
import os, sys
from selectolax.lexbor import LexborHTMLParser
n = chars = 0
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        data = open(os.path.join(root, name), "rb").read()
        tree = LexborHTMLParser(data.decode("utf-8", "replace"))
        chars += len(tree.body.text() if tree.body else "")
        n += 1
print(n, chars)
'''


def pad(html: str, rng: random.Random) -> str:
    """Grow a page to a typical size with the furniture of a county-government site."""
    menu = "".join(f'<li><a href="/col{i}/index.html">栏目{i}：{rng.choice(["政务公开", "政策文件", "办事服务", "互动交流", "专题专栏"])}</a>'
                   f'<ul class="sub"><li><a href="/col{i}/a.html">子栏目一</a></li><li><a href="/col{i}/b.html">子栏目二</a></li></ul></li>'
                   for i in range(rng.randint(40, 90)))
    side = "".join(f'<li><a href="/xxgk/{rng.randint(10000, 99999)}.html">关于做好{rng.choice(["安全生产", "防汛抗旱", "森林防火", "乡村振兴", "营商环境"])}'
                   f'工作的第{i}号通知</a><span>2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}</span></li>'
                   for i in range(rng.randint(60, 160)))
    script = "<script>var _hmt=_hmt||[];(function(){var hm=document.createElement('script');hm.src='/js/stat.js';" \
             "var s=document.getElementsByTagName('script')[0];s.parentNode.insertBefore(hm,s);})();</script>" * 3
    style = "<style>" + "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#3{i % 10}3}}" for i in range(200)) + "</style>"
    return html.replace("</head>", style + "</head>").replace(
        '<div class="main"', f'<ul class="menu">{menu}</ul><div class="side"><ul>{side}</ul></div>{script}<div class="main"', 1
    ).replace('<td class="content"', f'<td class="menu"><ul>{menu}</ul><ul>{side}</ul>{script}</td><td class="content"', 1)


def generate(directory: Path, pages: int, seed: int = 11) -> int:
    rng = random.Random(seed)
    sources = sorted((ROOT / "data" / "web" / "train" / "pages").glob("*.htm*"))
    texts = [(p.read_bytes(), p.suffix) for p in sources]
    total = 0
    for i in range(pages):
        raw, suffix = texts[i % len(texts)]
        html = raw.decode("gb18030" if b"charset=gb" in raw[:300] else "utf-8")
        data = pad(html, rng).encode("utf-8")
        (directory / f"p{i:05d}{suffix}").write_bytes(data.replace(b"charset=gbk", b"charset=utf-8")
                                                      .replace(b"charset=gb2312", b"charset=utf-8"))
        total += len(data)
    return total


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a fresh process (GNU time)."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    return wall, int(out.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    jianfu = str(Path(sys.executable).parent / "jianfu")
    with tempfile.TemporaryDirectory() as tmp:
        pages_dir = Path(tmp) / "pages"
        pages_dir.mkdir()
        size = generate(pages_dir, args.pages)
        runs: dict[str, list[tuple[float, float]]] = {"jianfu": [], "baseline": []}
        for _ in range(args.repeat):
            runs["baseline"].append(timed([sys.executable, "-c", BASELINE, str(pages_dir)]))
            runs["jianfu"].append(timed([jianfu, "web", "scan", str(pages_dir), "--out", str(Path(tmp) / "web.jsonl"),
                                         "--as-of", "2025-06-30"]))
    table = Table(title=f"web scan: {args.pages:,} pages, {size / args.pages / 1024:.0f} KB average, "
                        f"median of {args.repeat} runs")
    for h in ("run", "wall s", "pages/s", "peak MB (largest process)", "vs baseline"):
        table.add_column(h, justify="right")
    base = statistics.median(w for w, _ in runs["baseline"])
    for name in ("baseline", "jianfu"):
        wall = statistics.median(w for w, _ in runs[name])
        mem = statistics.median(m for _, m in runs[name])
        table.add_row(name, f"{wall:.1f}", f"{args.pages / wall:,.0f}", f"{mem:.0f}", f"{base / wall:.2f}×")
    Console().print(table)


if __name__ == "__main__":
    main()
