"""The terminal report of `jianfu scan`, in Simplified Chinese, readable at 100 columns.

Every string that comes from the user's data (group and sender names, file names, message text,
problem reasons) is put into a Rich `Text` object, never into markup: chat exports are full of
`[抱拳]`-style emoji codes that Rich would otherwise parse as style tags. Control characters are
replaced one for one, so evidence spans (character offsets into the original text) stay aligned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Literal

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from jianfu.evaluate.summary import ScanSummary, WorstMessage
from jianfu.report import (
    BURDEN_NOTE,
    code_name,
    code_order,
    config_items,
    format_time,
    group_size_label,
    percent,
    severity_label,
)

FILES_SHOWN = 10  # file status rows in the header; files with errors come first
PROBLEMS_SHOWN = 5  # samples of unreadable lines in the header
GROUPS_SHOWN = 20  # rows of the group table
TOP_CODES_PER_GROUP = 3
BURDEN_SHOWN = 10  # senders in the burden table
MESSAGE_CHARS_SHOWN = 400  # a longer message is shown as a window around its evidence
EVIDENCE_STYLE = "bold red"

# C0/C1 control characters, DEL, lone surrogates and non-characters: each becomes one "�" (a CR one
# space) so the terminal sees no escape sequences and the character offsets of evidence spans do
# not move. Newlines and tabs are kept.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _printable(match: re.Match[str]) -> str:
    return " " if match.group() == "\r" else "\ufffd"


def _text(value: object, style: str = "") -> Text:
    """User data as a Rich Text, never parsed as markup, with control characters neutralised."""
    return Text(_UNPRINTABLE.sub(_printable, str(value)), style=style)


def print_summary(summary: ScanSummary, console: Console, config: dict[str, object] | None = None) -> None:
    """Print the scan report: header panel, per-code, per-group and burden tables, worst messages.

    `config` is the scan configuration (`MessageDetector.describe()`: ruleset, model, thresholds,
    filters, working hours); it is shown in the header when given.
    """
    console.print(_header(summary, config))
    if summary.messages == 0:
        console.print(Text("未发现任何消息：请检查输入文件及其格式（见上方文件状态）。", style="bold yellow"))
        return
    if summary.with_demands == 0:
        console.print(Text(f"未发现形式主义要求：共扫描 {summary.messages:,} 条消息。", style="bold green"))
        return
    _section(console, "按问题类型")
    console.print(_code_table(summary))
    console.print(_note("占比 = 该类消息数 ÷ 含形式主义要求的消息数（一条消息可有多类）"))
    _section(console, "按群组")
    console.print(_group_table(summary))
    console.print(_note("占比 = 形式主义要求数 ÷ 消息数；估计人数带 ≥ 者为所见发送人数（下限）"))
    _section(console, "非工作时间")
    console.print(_off_hours_line(summary))
    _section(console, "负担（按发送人，干部·分钟）")
    console.print(_burden_block(summary))
    console.print(_note(f"分钟 = 每人估计耗时 × 群组人数（人数为下限时负担亦为下限）。{BURDEN_NOTE}"))
    _section(console, "最严重的消息")
    console.print(_worst_block(summary.worst_messages()))


def _section(console: Console, title: str) -> None:
    console.print()
    console.print(Rule(Text(title, style="bold"), align="left", style="dim"))


def _note(text: str) -> Text:
    return Text(text, style="dim")


# ---- header ---------------------------------------------------------------------------------


def _header(summary: ScanSummary, config: dict[str, object] | None) -> Panel:
    parts: list[RenderableType] = [_files_table(summary.files), _totals(summary)]
    if summary.problem_samples:
        problems = Text("无法读取的行（示例）：\n", style="yellow")
        shown = summary.problem_samples[:PROBLEMS_SHOWN]
        for i, sample in enumerate(shown):
            problems.append("  • ")
            problems.append_text(_text(sample))
            if i < len(shown) - 1:
                problems.append("\n")
        if summary.problems > len(shown):
            problems.append(f"\n  … 共 {summary.problems:,} 行", style="dim")
        parts.append(problems)
    items = config_items(config)
    if items:
        line = Text("配置：", style="dim")
        for i, (label, value) in enumerate(items):
            if i:
                line.append(" · ", style="dim")
            line.append(f"{label} ", style="dim")
            line.append_text(_text(value, style="dim"))
        parts.append(line)
    return Panel(Group(*parts), title=Text("减负 · 工作群形式主义扫描报告", style="bold"),
                 box=box.ROUNDED, expand=True)


def _files_table(files: list[dict[str, object]]) -> RenderableType:
    errors = sum(1 for f in files if f.get("status") != "ok")
    title = f"扫描文件 {len(files):,} 个（正常 {len(files) - errors:,}，出错 {errors:,}）"
    if not files:
        return Text("未扫描任何文件", style="yellow")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("文件", ratio=3, overflow="fold")
    table.add_column("格式", ratio=1, overflow="fold")
    table.add_column("编码", ratio=1, overflow="fold")
    table.add_column("消息数", justify="right", no_wrap=True)
    table.add_column("跳过", justify="right", no_wrap=True)
    table.add_column("问题", justify="right", no_wrap=True)
    table.add_column("状态", ratio=2, overflow="fold")
    ordered = sorted(files, key=lambda f: f.get("status") == "ok")  # errors first, stable otherwise
    for row in ordered[:FILES_SHOWN]:
        ok = row.get("status") == "ok"
        status = Text("正常", style="green") if ok else Text("出错", style="bold red")
        if not ok and row.get("reason"):
            status.append("：")
            status.append_text(_text(row["reason"]))
        table.add_row(_text(Path(str(row.get("file", ""))).name), _text(row.get("format") or "—"),
                      _text(row.get("encoding") or "—"), _count(row.get("messages")),
                      _count(row.get("skipped")), _count(row.get("problems")), status)
    if len(files) > FILES_SHOWN:
        table.add_row(Text(f"… 其余 {len(files) - FILES_SHOWN:,} 个文件", style="dim"), "", "", "", "", "", "")
    return table


def _count(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "—"


def _totals(summary: ScanSummary) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(justify="right")
    grid.add_column(style="bold")
    grid.add_column(justify="right")
    demands = f"{summary.with_demands:,}（{percent(summary.with_demands, summary.messages)}）"
    grid.add_row("消息数", f"{summary.messages:,}", "含形式主义要求的消息", demands)
    grid.add_row("发现数", f"{summary.findings:,}", "跳过的非文本消息", f"{summary.skipped:,}")
    grid.add_row("无法读取的行", f"{summary.problems:,}", "按严重程度", _severity_counts(summary))
    return grid


def _severity_counts(summary: ScanSummary) -> str:
    if not summary.by_severity:
        return "—"
    return " · ".join(f"{severity_label(s)} {n:,}" for s, n in sorted(summary.by_severity.items()))


# ---- tables ---------------------------------------------------------------------------------


def _code_table(summary: ScanSummary) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column("问题类型")
    table.add_column("代码", style="dim")
    table.add_column("消息数", justify="right")
    table.add_column("占比", justify="right")
    for label in code_order(list(summary.by_code)):
        n = summary.by_code[label]
        table.add_row(code_name(label), _text(label), f"{n:,}", percent(n, summary.with_demands))
    return table


def _group_table(summary: ScanSummary) -> Table:
    groups = sorted(summary.group_messages,
                    key=lambda g: (-summary.group_demands[g], -summary.group_messages[g], g))
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True)
    table.add_column("群组", ratio=3, overflow="fold")
    table.add_column("消息数", justify="right", no_wrap=True)
    table.add_column("形式主义要求数", justify="right", no_wrap=True)
    table.add_column("占比", justify="right", no_wrap=True)
    table.add_column("主要问题", ratio=4)
    table.add_column("估计人数", justify="right", no_wrap=True)
    for group in groups[:GROUPS_SHOWN]:
        messages, demands = summary.group_messages[group], summary.group_demands[group]
        top = summary.group_codes.get(group)
        # spaces only between items, so a narrow column wraps between codes, not inside one
        codes = " ".join(f"{code_name(c)}({n:,})" for c, n in top.most_common(TOP_CODES_PER_GROUP)) if top else "—"
        table.add_row(_text(group), f"{messages:,}", f"{demands:,}", percent(demands, messages), codes,
                      group_size_label(*summary.group_size(group)))
    rest = groups[GROUPS_SHOWN:]
    if rest:
        messages = sum(summary.group_messages[g] for g in rest)
        demands = sum(summary.group_demands[g] for g in rest)
        table.add_row(Text(f"… 其余 {len(rest):,} 个群组", style="dim"), f"{messages:,}", f"{demands:,}",
                      percent(demands, messages), "", "")
    return table


def _off_hours_line(summary: ScanSummary) -> Text:
    line = Text("非工作时间占比：")
    share = summary.off_hours_share()
    if share is None:
        line.append("无时间信息（形式主义要求均无可用的发送时间）")
    else:
        line.append(f"{100 * share:.1f}%", style="bold magenta" if share >= 0.25 else "")
        line.append(f"（{summary.off_hours_demands:,} / {summary.timed_demands:,} 条有时间的形式主义要求）")
        untimed = summary.with_demands - summary.timed_demands
        if untimed:
            line.append(f"；另有 {untimed:,} 条无时间信息", style="dim")
    return line


def _burden_block(summary: ScanSummary) -> RenderableType:
    rows = [(sender, minutes) for sender, minutes in summary.burden_by_sender() if minutes > 0]
    if not rows:
        return Text("无可估算的负担。")
    total = summary.burden_total_minutes()
    table = Table(box=box.SIMPLE, show_edge=False, show_footer=True)
    table.add_column("发送人", Text("合计", style="bold"), overflow="fold", max_width=40)
    table.add_column("分钟", f"{total:,.0f}", justify="right")
    table.add_column("小时", f"{total / 60:,.1f}", justify="right")
    for sender, minutes in rows[:BURDEN_SHOWN]:
        table.add_row(_text(sender), f"{minutes:,.0f}", f"{minutes / 60:,.1f}")
    rest = rows[BURDEN_SHOWN:]
    if rest:
        minutes = sum(m for _, m in rest)
        table.add_row(Text(f"… 其余 {len(rest):,} 人", style="dim"), f"{minutes:,.0f}", f"{minutes / 60:,.1f}")
    return table


# ---- worst messages -------------------------------------------------------------------------


def _worst_block(worst: list[WorstMessage]) -> RenderableType:
    if not worst:
        return Text("无")
    panels: list[RenderableType] = []
    for i, w in enumerate(worst, 1):
        title = Text(f"#{i} ")
        title.append(severity_label(w.severity), style="bold red" if w.severity == "S1" else "bold yellow")
        title.append(" · ")
        title.append_text(_text(w.group))
        title.append(" · ")
        title.append_text(_text(w.sender))
        title.append(f" · {format_time(w.sent_at)}")
        if w.off_hours:
            title.append(" · 非工作时间", style="magenta")
        labels = Text("问题：", style="dim")
        labels.append("、".join(code_name(label) for label in code_order(w.labels)))
        if w.burden_minutes:
            labels.append(f" · 估计负担 {w.burden_minutes:,.0f} 分钟/人", style="dim")
        labels.append(" · ID ", style="dim")
        labels.append_text(_text(w.message_id, style="dim"))
        body = Group(labels, highlight_evidence(w.text, w.spans))
        panels.append(Panel(body, title=title, title_align="left", box=box.ROUNDED, expand=True))
    return Group(*panels)


def highlight_evidence(text: str, spans: Iterable[tuple[int, int]], style: str = EVIDENCE_STYLE,
                       limit: int = MESSAGE_CHARS_SHOWN) -> Text:
    """The message text with each evidence span styled; spans are character offsets, end exclusive.

    Out-of-range spans are clipped. A text longer than `limit` is cut to a window starting a little
    before the first evidence, with "…" marking the cuts (the offsets are shifted to match).
    """
    spans = sorted((max(0, a), min(len(text), b)) for a, b in spans)
    spans = [(a, b) for a, b in spans if a < b]
    start, end = 0, len(text)
    if len(text) > limit:
        start = max(0, min((a for a, _ in spans), default=0) - limit // 8)
        end = min(len(text), start + limit)
    out = Text()
    if start > 0:
        out.append("…", style="dim")
    offset = len(out) - start
    out.append_text(_text(text[start:end]))
    for a, b in spans:
        a, b = max(a, start), min(b, end)
        if a < b:
            out.stylize(style, a + offset, b + offset)
    if end < len(text):
        out.append("…", style="dim")
    return out


# ---- progress -------------------------------------------------------------------------------


class ScanProgress:
    """A progress bar the scan runner advances as it reads input.

    Use it as a context manager; `advance(n)` adds `n` units (bytes by default) and may be passed
    around as a plain callable::

        with progress(total_bytes, console) as bar:
            for chunk in reader:
                bar.advance(len(chunk))

    With a known total it shows a bar, bytes done/total, speed and ETA; with `total=None` (stdin,
    pipes) it shows a spinner, the amount done, speed and elapsed time. On a console that is not a
    terminal Rich does not animate; it prints the final state once when the context exits.
    """

    def __init__(self, total: int | None, console: Console, unit: Literal["bytes", "messages"] = "bytes",
                 description: str = "扫描中") -> None:
        self.unit = unit
        columns = [SpinnerColumn(), TextColumn("[progress.description]{task.description}")]
        if total is not None:
            columns.append(BarColumn(bar_width=30))
        if unit == "bytes":
            columns += [DownloadColumn(binary_units=True), TransferSpeedColumn()]
        else:
            columns += [TextColumn("{task.completed:,.0f} 条"), TextColumn("{task.fields[rate]}")]
        columns.append(TimeRemainingColumn() if total is not None else TimeElapsedColumn())
        self.progress = Progress(*columns, console=console, transient=False)
        self.task: TaskID = self.progress.add_task(description, total=total, rate="")

    def advance(self, n: int) -> None:
        """Add `n` units (bytes or messages) of work done."""
        self.progress.advance(self.task, n)
        if self.unit == "messages":
            speed = self.progress.tasks[self.task].speed
            if speed:
                self.progress.update(self.task, rate=f"{speed:,.0f} 条/秒")

    def __enter__(self) -> ScanProgress:
        self.progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.progress.stop()


def progress(total_bytes: int | None, console: Console,
             unit: Literal["bytes", "messages"] = "bytes") -> ScanProgress:
    """A `ScanProgress` for a scan of `total_bytes` (None when unknown); see `ScanProgress`.

    >>> with progress(os.path.getsize(path), console) as bar:   # doctest: +SKIP
    ...     for line in fh: bar.advance(len(line))
    """
    return ScanProgress(total_bytes, console, unit=unit)
