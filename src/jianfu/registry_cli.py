"""`jianfu registry …`: the 台账 from the command line. Each command is a thin call into
lifecycle.service.RegistryService; tables are in Chinese.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import click
import orjson
from rich.markup import escape
from rich.table import Table

from jianfu.cli_context import console as _console
from jianfu.cli_context import service as _service
from jianfu.cli_context import store_group
from jianfu.errors import InputError
from jianfu.lifecycle import STATUS_NAME, Status
from jianfu.records import PLATFORM_LABELS

KIND_NAME = {"app": "应用程序", "miniprogram": "小程序", "public_account": "公众账号", "work_group": "工作群组"}
LEVEL_NAME = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇（街道）", "village": "村（社区）"}
OUTCOME_MARK = {True: "[green]通过[/]", False: "[red]不通过[/]", None: "[yellow]待核实[/]"}




def _platform_name(platform: str | None) -> str:
    return PLATFORM_LABELS.get(platform or "", platform or "")


def _status_name(status: str) -> str:
    try:
        return STATUS_NAME[Status(status)]
    except ValueError:
        return status


by_option = click.option("--by", "actor", default=lambda: getpass.getuser(), show_default="当前用户",
                         help="Who does this (written to the audit log).")


registry = store_group("registry", "The registry (台账) of apps, mini-programs, accounts and work groups.")


@registry.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows and report the invalid ones.")
@by_option
@click.pass_context
def import_cmd(ctx: click.Context, files: tuple[Path, ...], skip_invalid: bool, actor: str) -> None:
    """Import the 台账 from XLSX, CSV or JSONL: all rows valid, or nothing is written."""
    from jianfu.ingest.registry import read_registry

    service = _service(ctx)
    for path in files:
        parsed = read_registry(path)
        errors = parsed.problems
        for problem in parsed.warnings:
            _console().print(f"[yellow]{escape(str(problem))}[/]", highlight=False, soft_wrap=True)
        for problem in errors:
            _console(stderr=True).print(f"[red]{escape(str(problem))}[/]", highlight=False, soft_wrap=True)
        if errors and not skip_invalid:
            raise InputError(f"{len(errors)} 处错误，未写入任何数据（--skip-invalid 可跳过错误行）", file=str(path))
        result = service.import_records(parsed.units, parsed.tools, actor=actor, source=path.name)
        skipped = len(parsed.invalid_rows)
        _console().print(
            f"{path.name}: 单位 新增 {result.units_added} 更新 {result.units_updated}；"
            f"工具 新增 {result.tools_added} 更新 {result.tools_updated} 未变 {result.tools_unchanged}"
            + (f"；跳过错误行 {skipped}" if skipped else ""), highlight=False)


@registry.command("list")
@click.option("--kind", type=click.Choice(list(KIND_NAME)), help="Only this kind.")
@click.option("--unit", help="Only tools of this owner unit (name or id).")
@click.option("--status", "statuses", multiple=True, type=click.Choice([s.value for s in Status]))
@click.option("--search", help="Name contains.")
@click.option("--limit", type=int, default=50, show_default=True, help="Rows to show (0 = all).")
@click.pass_context
def list_cmd(ctx: click.Context, kind: str | None, unit: str | None, statuses: tuple[str, ...], search: str | None,
             limit: int) -> None:
    """List tools in the registry."""
    service = _service(ctx)
    tools = service.tools(kind=kind, unit=unit, status=statuses or None, search=search, limit=limit or None)
    table = Table(title=f"台账（{len(tools)} 条）", show_lines=False)
    table.add_column("编号", no_wrap=True, min_width=12)
    for header in ("名称", "类型", "主办单位", "层级", "平台", "责任人", "状态"):
        table.add_column(header)
    for t in tools:
        table.add_row(t.id, escape(t.name), KIND_NAME.get(t.kind, t.kind), escape(t.owner_unit),
                      LEVEL_NAME.get(t.level or "", t.level or ""), _platform_name(t.platform),
                      escape(t.responsible_person) if t.responsible_person else "[red]未登记[/]",
                      _status_name(t.status))
    _console().print(table)


def _checks_table(checks: list[Any], title: str) -> Table:
    table = Table(title=title, show_lines=True)
    for header in ("规则", "检查项", "结果", "说明"):
        table.add_column(header)
    for c in checks:
        detail = escape(c.detail)
        for ev in c.evidence:
            if "tool_id" in ev:
                shared = "、".join(ev.get("shared_functions", []))
                detail += (f"\n· {escape(ev['name'])}（{ev['tool_id']}，相似度 {ev['score']:.2f}）"
                           f"共有功能：{escape(shared)}")
        table.add_row(c.rule, escape(c.title), OUTCOME_MARK[c.outcome], detail)
    return table


@registry.command("show")
@click.argument("tool_id")
@click.pass_context
def show_cmd(ctx: click.Context, tool_id: str) -> None:
    """One tool: its record, its checks and its audit log."""
    view = _service(ctx).show(tool_id)
    t = view.tool
    fields = [("编号", t.id), ("名称", t.name), ("类型", KIND_NAME.get(t.kind, t.kind)), ("主办单位", t.owner_unit),
              ("层级", LEVEL_NAME.get(t.level or "", t.level or "")), ("平台", _platform_name(t.platform)),
              ("责任人", t.responsible_person or "未登记"), ("功能", "、".join(t.functions)),
              ("功能特性", "、".join(t.features)), ("豁免", t.exemption or ""), ("使用对象", t.audience),
              ("上线时间", t.launched.isoformat() if t.launched else ""), ("备案编号", t.filing_number or ""),
              ("临时群", ("是，任务结束 " + (t.task_end.isoformat() if t.task_end else "未填")) if t.temporary else ""),
              ("状态", _status_name(t.status) + (f"（并入 {t.merged_into}）" if t.merged_into else "")),
              ("版本", str(view.version)), ("说明", t.description)]
    info = Table(show_header=False, title=f"{t.name}")
    info.add_column(style="bold")
    info.add_column()
    for k, v in fields:
        if v:
            info.add_row(k, escape(v))
    _console().print(info)
    _console().print(_checks_table(view.checks, "检查结果"))
    log = Table(title="变更记录（只增不改）")
    for header in ("时间", "操作人", "操作", "状态变化", "理由"):
        log.add_column(header)
    for e in view.audit:
        change = f"{_status_name(e.from_status) if e.from_status else '—'} → {_status_name(e.to_status or '')}"
        log.add_row(f"{e.at:%Y-%m-%d %H:%M}", escape(e.actor), e.action, change, escape(e.reason or ""))
    _console().print(log)


@registry.command("file")
@click.argument("application", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@by_option
@click.pass_context
def file_cmd(ctx: click.Context, application: Path, actor: str) -> None:
    """Submit a filing application (审核备案): the checks run and the tool waits for review."""
    from jianfu.lifecycle.service import read_application

    tool, answers = read_application(application)
    outcome = _service(ctx).file(tool, answers, actor=actor)
    _console().print(_checks_table(outcome.checks, f"备案申请 {outcome.filing.id}：{tool.name}（{tool.id}）"))
    failed = [c for c in outcome.checks if c.outcome is False]
    _console().print(f"备案申请编号 {outcome.filing.id}，状态：审核中；不通过 {len(failed)} 项。"
                  f"审核：jianfu registry review {outcome.filing.id} --approve|--reject|--redirect 工具编号 --reason …",
                  highlight=False)


@registry.command("review")
@click.argument("filing_id", type=int, required=False)
@click.option("--approve", "decision", flag_value="approve", help="Approve: the tool is filed and active.")
@click.option("--reject", "decision", flag_value="reject", help="Reject the application.")
@click.option("--redirect", "redirect_to", metavar="TOOL_ID",
              help="Redirect: build it as a module of this existing tool instead.")
@click.option("--reason", help="Why (required with a decision).")
@click.option("--filing-number", help="Filing number to record on approval.")
@by_option
@click.pass_context
def review_cmd(ctx: click.Context, filing_id: int | None, decision: str | None, redirect_to: str | None,
               reason: str | None, filing_number: str | None, actor: str) -> None:
    """Review a filing: without a decision, show its checks (or list pending filings)."""
    from jianfu.detect.registry_checks import CheckResult

    service = _service(ctx)
    if redirect_to:
        if decision:
            raise click.UsageError("give one of --approve, --reject, --redirect")
        decision = "redirect"
    if filing_id is None:
        table = Table(title="待审核的备案申请")
        for header in ("申请编号", "工具编号", "申请人", "提交时间", "不通过项"):
            table.add_column(header)
        for f in service.filings("pending"):
            failed = [c["rule"] for c in f.checks if c["outcome"] is False]
            table.add_row(str(f.id), f.tool_id, escape(f.submitted_by), f"{f.submitted_at:%Y-%m-%d %H:%M}",
                          "、".join(failed) or "无")
        _console().print(table)
        return
    if decision is None:
        f = service.filing(filing_id)
        checks = [CheckResult(**c) for c in f.checks]
        _console().print(_checks_table(checks, f"备案申请 {f.id}（工具 {f.tool_id}）  决定：{f.decision}"))
        for key, value in f.answers.items():
            _console().print(f"  {escape(str(key))}: {escape(str(value))}", highlight=False)
        return
    if not reason:
        raise click.UsageError("--reason is required with a decision (it goes into the audit log)")
    f = service.review(filing_id, decision, actor=actor, reason=reason, redirect_to=redirect_to,
                       filing_number=filing_number)
    words = {"approved": "通过，已备案运行", "rejected": "不予通过", "redirected": f"转为 {f.redirect_to} 的功能模块"}
    _console().print(f"备案申请 {f.id}（{f.tool_id}）：{words[f.decision]}。", highlight=False)


@registry.command("retire")
@click.argument("tool_id")
@click.option("--reason", required=True, help="Why (goes into the audit log).")
@click.option("--into", "into", metavar="TOOL_ID", help="Merge into this tool instead of closing it.")
@by_option
@click.pass_context
def retire_cmd(ctx: click.Context, tool_id: str, reason: str, into: str | None, actor: str) -> None:
    """Retire a tool (关停注销, dissolve a group) or merge it into another (--into)."""
    tool = _service(ctx).retire(tool_id, actor=actor, reason=reason, into=into)
    what = f"已并入 {into}" if into else "已关停注销"
    _console().print(f"{tool.name}（{tool.id}）{what}。", highlight=False)


@registry.command("audit")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Check date (default today).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the findings as JSON.")
@click.option("--limit", type=int, default=30, show_default=True, help="Rows to show.")
@click.pass_context
def audit_cmd(ctx: click.Context, as_of: Any, out: Path | None, limit: int) -> None:
    """Registry findings: duplicates, zombie groups, mandatory features, missing owners, unfiled apps …"""
    report = _service(ctx).audit(as_of.date() if as_of else None)
    summary = Table(title=f"台账检查（{report.as_of:%Y-%m-%d}）：{len(report.findings)} 个工具存在问题")
    summary.add_column("规则")
    summary.add_column("问题")
    summary.add_column("数量", justify="right")
    titles = {r.rule: r.title for results in report.findings.values() for r in results}
    for rule, n in report.per_rule().most_common():
        summary.add_row(rule, titles[rule], str(n))
    _console().print(summary)
    detail = Table(title="问题清单")
    for header in ("编号", "名称", "主办单位", "问题"):
        detail.add_column(header)
    for tid, results in list(report.findings.items())[:limit]:
        tool = report.tools[tid]
        detail.add_row(tid, escape(tool.name), escape(tool.owner_unit),
                       "\n".join(f"{r.rule} {escape(r.detail)}" for r in results))
    _console().print(detail)
    if out is not None:
        payload = {"as_of": report.as_of.isoformat(),
                   "tools": {tid: [r.to_dict() for r in rs] for tid, rs in report.findings.items()}}
        out.write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))


@registry.command("duplicates")
@click.argument("input_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write clusters JSON (contracts.md §2).")
@click.pass_context
def duplicates_cmd(ctx: click.Context, input_file: Path | None, out: Path | None) -> None:
    """Clusters of tools whose functions overlap enough to merge or embed (DUPLICATE_TOOL).

    With INPUT (JSONL, CSV or XLSX) the file is read directly; without it, the registry's live tools."""
    from jianfu.detect.duplicates import clusters_to_contract, find_clusters

    if input_file is not None:
        from jianfu.ingest.registry import read_registry

        parsed = read_registry(input_file)
        if parsed.problems:
            for p in parsed.problems[:20]:
                _console(stderr=True).print(f"[red]{escape(str(p))}[/]", highlight=False)
            raise InputError(f"{len(parsed.problems)} 处错误", file=str(input_file))
        tools = parsed.tools
    else:
        tools = _service(ctx).live_tools()
    clusters = find_clusters(tools)
    by_id = {t.id: t for t in tools}
    involved = sum(len(c.ids) for c in clusters)
    table = Table(title=f"功能重复（{len(clusters)} 组，涉及 {involved} 个工具）", show_lines=True)
    for header in ("工具", "共有功能", "理由"):
        table.add_column(header)
    for c in clusters[:50]:
        names = "\n".join(f"{i} {escape(by_id[i].name)}（{escape(by_id[i].owner_unit)}）" for i in c.ids)
        table.add_row(names, escape("、".join(c.shared_functions)), escape(c.reason))
    _console().print(table)
    if out is not None:
        out.write_text(json.dumps(clusters_to_contract(clusters), ensure_ascii=False, indent=1), encoding="utf-8")


@registry.command("export")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Write the 台账 as XLSX.")
@click.option("--jsonl", type=click.Path(dir_okay=False, path_type=Path), help="Write the tools as JSONL.")
@click.pass_context
def export_cmd(ctx: click.Context, xlsx: Path | None, jsonl: Path | None) -> None:
    """Export the registry (all tools, every status) in the layout offices use."""
    from jianfu.report.registry_export import write_registry_jsonl, write_registry_xlsx

    if xlsx is None and jsonl is None:
        raise click.UsageError("give --xlsx FILE and/or --jsonl FILE")
    service = _service(ctx)
    tools = service.tools()
    if xlsx is not None:
        write_registry_xlsx(service.units(), tools, xlsx)
    if jsonl is not None:
        write_registry_jsonl(tools, jsonl)
    _console().print(f"已导出 {len(tools)} 条：{', '.join(str(p) for p in (xlsx, jsonl) if p)}", highlight=False)
