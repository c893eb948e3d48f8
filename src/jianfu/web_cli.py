"""`jianfu web …`: published-content checks (injected spam, severe typos, stale pages) from the command line.

`scan` reads pages on disk and writes contracts.md §4; `crawl` fetches a list of URLs politely (as a browser and
as a search-engine crawler, to catch cloaked spam), scans both, and keeps every fetch as a snapshot in the store
so a page's history shows when it was hacked and when it was cleaned; `history` prints that history.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click
import orjson
from rich.markup import escape
from rich.table import Table

from jianfu.cli_context import console as _console
from jianfu.cli_context import store_group

CODE_NAME = {"INJECTED_SPAM": "暗链/黑链/违规植入", "SEVERE_TYPO": "严重错别字", "STALE_CONTENT": "更新不及时"}


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是 YYYY-MM-DD 日期") from None


def _rules(terms: Path | None) -> Any:
    from jianfu.detect.web import WebRules, default_web_rules

    if terms is None:
        return default_web_rules()
    import yaml

    from jianfu.errors import InputError

    try:
        extra = yaml.safe_load(terms.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"无法读取术语文件：{exc}", str(terms)) from None
    return WebRules.load(extra)


as_of_option = click.option("--as-of", callback=_day, help="Check date for staleness (YYYY-MM-DD; default today).")
terms_option = click.option("--terms", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                            help="Extra official terms and leaders' names (same layout as official_terms.yaml).")


web = store_group("web", "Published pages: injected spam (暗链), severe typos, stale content.")


@web.command("scan")
@click.argument("paths", nargs=-1, required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write one JSON line per page here.")
@click.option("--workers", type=int, default=None, help="Processes (default: one per core).")
@as_of_option
@terms_option
def scan_cmd(paths: tuple[str, ...], out: Path | None, workers: int | None, as_of: date, terms: Path | None) -> None:
    """Scan .html/.htm/.txt files or directories of them (contracts.md §4)."""
    import os

    from jianfu.ingest.pages import iter_pages

    pages = iter_pages(list(paths))
    workers = workers or os.cpu_count() or 1
    verdicts = []
    fh = out.open("wb") if out else None
    try:
        if workers > 1:
            import multiprocessing

            with multiprocessing.get_context("spawn").Pool(workers, _init_worker, (terms, as_of)) as pool:
                results = pool.imap(_scan_in_worker, ((p.file, p.kind, p.source) for p in pages), chunksize=16)
                for verdict in results:
                    verdicts.append(verdict)
                    if fh:
                        fh.write(orjson.dumps(verdict.to_json()) + b"\n")
        else:
            _init_worker(terms, as_of)
            for p in pages:
                verdict = _scan_in_worker((p.file, p.kind, p.source))
                verdicts.append(verdict)
                if fh:
                    fh.write(orjson.dumps(verdict.to_json()) + b"\n")
    finally:
        if fh:
            fh.close()
    _summary(verdicts)
    if out:
        _console().print(f"已写入 {escape(str(out))}")


_WORKER: dict[str, Any] = {}


def _init_worker(terms: Path | None, as_of: date) -> None:
    """Load the rules once per process."""
    _WORKER["rules"] = _rules(terms)
    _WORKER["as_of"] = as_of


def _scan_in_worker(page: tuple[str, str, str]) -> Any:
    from jianfu.detect.web import scan_page

    file, kind, source = page
    return scan_page(source, kind=kind, file=file, as_of=_WORKER["as_of"], rules=_WORKER["rules"])


def _summary(verdicts: list[Any]) -> None:
    console = _console()
    by = Counter()
    for v in verdicts:
        for f in v.findings:
            by[(f.code, f.technique or f.rule)] += 1
    hacked = sum(v.hacked for v in verdicts)
    console.print(f"共 {len(verdicts)} 个页面，{hacked} 个被植入违规内容，"
                  f"{sum(1 for v in verdicts if any(f.code == 'SEVERE_TYPO' for f in v.findings))} 个有严重错别字，"
                  f"{sum(1 for v in verdicts if any(f.code == 'STALE_CONTENT' for f in v.findings))} 个更新不及时")
    if by:
        table = Table(title="发现（按问题与手法）")
        for h in ("问题", "手法/规则", "数量"):
            table.add_column(h)
        for (code, how), n in sorted(by.items()):
            table.add_row(CODE_NAME[code], how, str(n))
        console.print(table)
    flagged = [v for v in verdicts if v.findings][:30]
    if flagged:
        table = Table(title="有问题的页面（前 30 个）")
        for h in ("页面", "问题", "证据"):
            table.add_column(h, overflow="fold")
        for v in flagged:
            for f in v.findings[:3]:
                table.add_row(escape(v.file), CODE_NAME[f.code] + (f"（{f.technique}）" if f.technique else ""),
                              escape(f.evidence[:60]))
        console.print(table)


@web.command("crawl")
@click.argument("url_list", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write one JSON line per URL here.")
@click.option("--delay", type=float, default=1.0, show_default=True, help="Seconds between requests to one host.")
@click.option("--timeout", type=float, default=15.0, show_default=True)
@click.option("--no-store", is_flag=True, help="Do not keep snapshots in the store.")
@as_of_option
@terms_option
@click.pass_context
def crawl_cmd(ctx: click.Context, url_list: Path, out: Path | None, delay: float, timeout: float, no_store: bool,
              as_of: date, terms: Path | None) -> None:
    """Fetch each URL as a browser and as a search-engine crawler; scan both; keep snapshots."""
    from jianfu.detect.web import scan_page
    from jianfu.ingest.crawl import Crawler, read_url_list
    from jianfu.ingest.pages import decode_page

    rules = _rules(terms)
    urls = read_url_list(url_list)
    crawler = Crawler(delay=delay, timeout=timeout)
    store = None
    if not no_store:
        from jianfu.store.db import default_url, open_store

        store = open_store(default_url(ctx.obj["settings"]))
        ctx.call_on_close(store.dispose)
    table = Table(title=f"抓取 {len(urls)} 个网址")
    for h in ("网址", "状态", "浏览器所见", "搜索引擎所见", "与上次相比"):
        table.add_column(h, overflow="fold")
    fh = out.open("wb") if out else None
    try:
        for browser, spider in crawler.crawl(urls):
            verdicts = {}
            for fetched in (browser, spider):
                verdicts[fetched.agent] = (scan_page(decode_page(fetched.body, "html"), kind="html", file=fetched.url,
                                                     as_of=as_of, rules=rules) if fetched.body is not None else None)
            change = ""
            if store is not None:
                from jianfu.store.web import latest_snapshot, save_snapshot

                with store.session() as session:
                    before = latest_snapshot(session, browser.url, "spider")
                    for fetched in (browser, spider):
                        v = verdicts[fetched.agent]
                        save_snapshot(session, url=fetched.url, agent=fetched.agent, fetched_at=fetched.fetched_at,
                                      status_code=fetched.status_code, final_url=fetched.final_url, error=fetched.error,
                                      body=fetched.body, hacked=bool(v and v.hacked),
                                      findings=[f.to_json() for f in v.findings] if v else [])
                now_hacked = bool(verdicts["spider"] and verdicts["spider"].hacked) or bool(
                    verdicts["browser"] and verdicts["browser"].hacked)
                if before is None:
                    change = "首次抓取"
                elif before.hacked and not now_hacked:
                    change = "已清除"
                elif now_hacked and not before.hacked:
                    change = "新被植入"
                else:
                    change = "未变" if before.hacked == now_hacked else ""
            line = _crawl_line(browser, spider, verdicts)
            if fh:
                fh.write(orjson.dumps(line) + b"\n")
            table.add_row(escape(browser.url), escape(browser.error or str(browser.status_code)),
                          _seen(verdicts["browser"]), _seen(verdicts["spider"]), change)
    finally:
        if fh:
            fh.close()
    _console().print(table)


def _seen(verdict: Any) -> str:
    if verdict is None:
        return "—"
    if verdict.hacked:
        return "[red]被植入[/]：" + escape(next(f.evidence for f in verdict.findings if f.code == "INJECTED_SPAM")[:40])
    return "正常"


def _crawl_line(browser: Any, spider: Any, verdicts: dict[str, Any]) -> dict[str, Any]:
    """One line per URL in the shape of contracts.md §4, plus the agent of each finding and `cloaked`."""
    findings = []
    seen = set()
    for agent in ("browser", "spider"):
        v = verdicts[agent]
        for f in v.findings if v else ():
            key = (f.code, f.technique, f.evidence)
            if key in seen:
                continue
            seen.add(key)
            findings.append(f.to_json() | {"agent": agent})
    b, s = verdicts["browser"], verdicts["spider"]
    return {"file": browser.url, "url": browser.url, "hacked": bool((b and b.hacked) or (s and s.hacked)),
            "cloaked": bool(s and s.hacked and not (b and b.hacked)), "status_code": browser.status_code,
            "error": browser.error or spider.error, "findings": findings}


@web.command("history")
@click.argument("url")
@click.pass_context
def history_cmd(ctx: click.Context, url: str) -> None:
    """Every stored snapshot of URL: when it was fetched, as whom, and what was found."""
    from jianfu.store.db import default_url, open_store
    from jianfu.store.web import snapshot_history

    store = open_store(default_url(ctx.obj["settings"]))
    ctx.call_on_close(store.dispose)
    with store.session() as session:
        rows = snapshot_history(session, url)
    table = Table(title=f"{escape(url)} 的抓取记录（{len(rows)} 次）")
    for h in ("时间", "身份", "状态", "内容摘要", "结论"):
        table.add_column(h, overflow="fold")
    for r in rows:
        verdict = "[red]被植入[/]" if r.hacked else "正常"
        if r.findings:
            verdict += "：" + escape("；".join(f["evidence"][:30] for f in r.findings[:2]))
        table.add_row(r.fetched_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), r.agent,
                      escape(r.error or str(r.status_code)), (r.sha256 or "")[:12], verdict)
    _console().print(table)
