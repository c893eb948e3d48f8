"""`jianfu activity …`: activity health (评价反馈, 清理退出) from the command line.

`assess` works straight from files (contracts.md §3) or from the store; `import` loads activity into
the store; `list`/`show` print stored statuses; `act` moves a tool in the lifecycle (rectifying or
retired) with its stored finding attached to the audit entry.
"""

from __future__ import annotations

import getpass
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import click
import orjson
from rich.markup import escape
from rich.table import Table

from jianfu.cli_context import console as _console
from jianfu.cli_context import service as _service
from jianfu.cli_context import store_group
from jianfu.config import Settings
from jianfu.errors import InputError

STATUS_STYLE = {"HEALTHY": "green", "ZOMBIE": "red", "EMPTY_SHELL": "magenta", "FORCED_USAGE_PATTERN": "yellow"}


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是 YYYY-MM-DD 日期") from None


def _report_problems(problems: list[Any], strict: bool) -> None:
    for p in problems[:20]:
        _console(stderr=True).print(f"[red]{escape(str(p))}[/]", highlight=False, soft_wrap=True)
    if len(problems) > 20:
        _console(stderr=True).print(f"[red]……另有 {len(problems) - 20} 处错误[/]", highlight=False)


def _summary(healths: dict[str, Any], names: dict[str, str], as_of: date, limit: int = 15) -> None:
    from jianfu.detect.activity import STATUS_NAME

    counts = Counter(h.status for h in healths.values())
    table = Table(title=f"运行状况（评估日 {as_of}，共 {len(healths)} 个工具）")
    table.add_column("状态")
    table.add_column("数量", justify="right")
    for status, name in STATUS_NAME.items():
        table.add_row(f"[{STATUS_STYLE[status]}]{name} {status}[/]", str(counts.get(status, 0)))
    _console().print(table)
    flagged = [h for h in healths.values() if h.status != "HEALTHY"]
    if flagged:
        detail = Table(title=f"需处理的工具（前 {min(limit, len(flagged))} 个）", show_lines=True)
        for header in ("编号", "名称", "状态", "理由"):
            detail.add_column(header)
        for h in flagged[:limit]:
            detail.add_row(h.tool_id, escape(names.get(h.tool_id, "")),
                           f"[{STATUS_STYLE[h.status]}]{STATUS_NAME[h.status]}[/]", escape("\n".join(h.reasons)))
        _console().print(detail)


activity = store_group("activity", "Activity health: zombie, empty-shell and forced-usage detection.")


def assess_files(registry: Path, activity_csv: Path, logins: Path | None, as_of: date, strict: bool,
                 settings: Settings) -> tuple[list[Any], dict[str, Any], list[Any]]:
    """Registry + activity (+ logins) files → (tools, healths by id, row problems). Nothing is stored."""
    from jianfu.detect.activity import assess_all, default_rules
    from jianfu.ingest.activity import read_series
    from jianfu.ingest.registry import read_registry
    from jianfu.normalise.calendar import WorkCalendar

    parsed = read_registry(registry)
    if parsed.problems:
        for p in parsed.problems[:20]:
            _console(stderr=True).print(f"[red]{escape(str(p))}[/]", highlight=False, soft_wrap=True)
        raise InputError(f"台账有 {len(parsed.problems)} 处错误", file=str(registry))
    rules = default_rules()
    builder, problems = read_series(activity_csv, as_of, rules.window_days, logins=logins, strict=strict)
    healths = assess_all(parsed.tools, builder.series, as_of, rules, WorkCalendar(settings).is_working_day)
    return parsed.tools, healths, problems


@activity.command("assess")
@click.option("--registry", "registry_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Registry file (JSONL, CSV or XLSX). Without it, the tools and activity in the store are used.")
@click.option("--activity", "activity_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Activity CSV (date,id,active_users,new_posts,page_views,logins,interactions,replies_to_public).")
@click.option("--logins", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Login events CSV (id,logged_in_at).")
@click.option("--as-of", "as_of", required=True, callback=_day, help="Assessment date YYYY-MM-DD.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write health.json (contracts.md §3).")
@click.option("--store", "store_results", is_flag=True, help="Also store the statuses (for list/show/act).")
@click.option("--strict", is_flag=True, help="Stop at the first bad row instead of skipping it.")
@click.pass_context
def assess_cmd(ctx: click.Context, registry_path: Path | None, activity_path: Path | None, logins: Path | None,
               as_of: date, out: Path | None, store_results: bool, strict: bool) -> None:
    """Assess every registry tool's health on AS_OF; print a summary and write health.json."""
    settings: Settings = ctx.obj["settings"]
    if registry_path is not None or activity_path is not None:
        if registry_path is None or activity_path is None:
            raise click.UsageError("--registry 与 --activity 需同时给出（或都不给，使用库中数据）")
        tools, healths, problems = assess_files(registry_path, activity_path, logins, as_of, strict, settings)
        _report_problems(problems, strict)
        if store_results:
            _service(ctx).store_health(list(healths.values()), actor=getpass.getuser())
    else:
        tools, healths = _service(ctx).assess_activity(as_of, actor=getpass.getuser())
        problems = []
    if out is not None:
        payload = {"tools": {tid: h.to_contract() for tid, h in healths.items()}}
        out.write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    _summary(healths, {t.id: t.name for t in tools}, as_of)
    if problems:
        _console().print(f"[yellow]跳过错误行 {len(problems)} 行[/]", highlight=False)
    if out is not None:
        _console().print(f"已写入 {out}", highlight=False)


@activity.command("import")
@click.argument("activity_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--logins", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Login events CSV.")
@click.option("--skip-invalid", is_flag=True, help="Write the valid rows and report the invalid ones.")
@click.pass_context
def import_cmd(ctx: click.Context, activity_path: Path, logins: Path | None, skip_invalid: bool) -> None:
    """Import daily activity (and login events) into the store: all rows valid, or nothing is written."""
    from jianfu.ingest.activity import iter_activity, iter_logins

    problems: list[Any] = []
    rows = list(iter_activity(activity_path, problems))
    events = list(iter_logins(logins, problems)) if logins is not None else []
    _report_problems(problems, False)
    if problems and not skip_invalid:
        raise InputError(f"{len(problems)} 处错误，未写入任何数据（--skip-invalid 可跳过错误行）",
                         file=str(activity_path))
    added, updated, logins_added = _service(ctx).import_activity(rows, events)
    _console().print(f"{activity_path.name}: 新增 {added} 天次，更新 {updated} 天次，登录事件新增 {logins_added}"
                     + (f"；跳过错误行 {len(problems)}" if problems else ""), highlight=False)


@activity.command("list")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["HEALTHY", "ZOMBIE", "EMPTY_SHELL", "FORCED_USAGE_PATTERN"]))
@click.option("--limit", type=int, default=50, show_default=True)
@click.pass_context
def list_cmd(ctx: click.Context, statuses: tuple[str, ...], limit: int) -> None:
    """Latest stored status of each tool."""
    from jianfu.detect.activity import STATUS_NAME

    rows = _service(ctx).health_list(statuses or None, limit or None)
    table = Table(title=f"运行状况（{len(rows)} 条）")
    for header in ("编号", "名称", "评估日", "状态", "主要理由"):
        table.add_column(header)
    for r in rows:
        table.add_row(r.tool_id, escape(r.name), str(r.as_of), f"[{STATUS_STYLE[r.status]}]{STATUS_NAME[r.status]}[/]",
                      escape(r.reasons[0] if r.reasons else ""))
    _console().print(table)


@activity.command("show")
@click.argument("tool_id")
@click.pass_context
def show_cmd(ctx: click.Context, tool_id: str) -> None:
    """Every stored assessment of one tool, newest first, with all reasons."""
    from jianfu.detect.activity import STATUS_NAME

    rows = _service(ctx).health_history(tool_id)
    if not rows:
        _console().print(f"{tool_id}：尚无运行状况评估", highlight=False)
        return
    for r in rows:
        _console().print(f"[bold]{r.tool_id} {escape(r.name)}[/] · {r.as_of} · "
                         f"[{STATUS_STYLE[r.status]}]{STATUS_NAME[r.status]}[/] · 规则 {'、'.join(r.rules) or '—'}")
        for reason in r.reasons:
            _console().print(f"  · {escape(reason)}", highlight=False)


@activity.command("act")
@click.argument("tool_id")
@click.option("--rectify", "action", flag_value="rectifying", help="Move the tool to 整改中.")
@click.option("--retire", "action", flag_value="retired", help="Retire the tool (已关停注销).")
@click.option("--reason", required=True, help="Why (written to the audit log with the finding).")
@click.option("--by", "actor", default=lambda: getpass.getuser(), show_default="当前用户")
@click.pass_context
def act_cmd(ctx: click.Context, tool_id: str, action: str | None, reason: str, actor: str) -> None:
    """Act on a tool's latest stored finding: the finding is attached to the lifecycle change."""
    if action is None:
        raise click.UsageError("请指定 --rectify 或 --retire")
    tool = _service(ctx).act_on_health(tool_id, action, actor=actor, reason=reason)
    _console().print(f"{tool.id} {escape(tool.name)} → {tool.status}（已附运行状况评估）", highlight=False)
