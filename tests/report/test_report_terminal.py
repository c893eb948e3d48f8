"""The terminal report, rendered into a recording console 100 columns wide."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from jianfu.evaluate.summary import ScanSummary
from jianfu.records import Finding, Message, MessageResult
from jianfu.report import BURDEN_NOTE
from jianfu.report.terminal import EVIDENCE_STYLE, highlight_evidence, print_summary, progress
from jianfu.taxonomy import Code


def checkin(text: str, evidence: str) -> Finding:
    start = text.index(evidence)
    return Finding(Code.FORCED_CHECKIN, "msg.checkin", (start, start + len(evidence)), evidence, 0.8, "若干规定")


def render(summary: ScanSummary, config: dict[str, object] | None = None) -> str:
    console = Console(record=True, width=100, color_system=None)
    print_summary(summary, console, config)
    return console.export_text()


def test_headings_and_totals(summary: ScanSummary, config: dict[str, object]) -> None:
    out = render(summary, config)
    for heading in ("工作群形式主义扫描报告", "按问题类型", "按群组", "非工作时间", "负担（按发送人",
                    "最严重的消息", "消息数", "含形式主义要求的消息", "发现数", "跳过的非文本消息",
                    "无法读取的行"):
        assert heading in out, heading
    assert re.search(r"消息数\s+5\s", out)
    assert "3（60.0%）" in out  # demand messages and their share
    assert re.search(r"发现数\s+5\s", out)
    assert re.search(r"跳过的非文本消息\s+2\b", out)
    assert re.search(r"无法读取的行\s+1\s", out)
    assert "S1 红线 3" in out


def test_files_problems_and_config_in_header(summary: ScanSummary, config: dict[str, object]) -> None:
    out = render(summary, config)
    assert "扫描文件 3 个（正常 2，出错 1）" in out
    assert "broken[1].csv" in out and "[bad]" in out  # file name and reason kept literally
    assert "wecom.json:17: 无法解析时间" in out  # problem samples name file:line
    assert "规则集版本 sha256:3f2a9c" in out
    assert "模型版本 无" in out
    assert "规则阈值 0.5" in out and "模型阈值 0.45、0.45" in out
    assert "is_cancellation" in out


def test_no_config_line_without_config(summary: ScanSummary) -> None:
    assert "规则集版本" not in render(summary)


def test_code_table_counts_and_shares(summary: ScanSummary) -> None:
    out = render(summary)
    assert summary.by_code["PROOF_TRACE"] == 1
    for name, code in (("过度留痕", "PROOF_TRACE"), ("即时响应", "INSTANT_REPLY"),
                       ("点赞转发", "LIKE_SHARE_QUOTA"), ("滥用排名", "RANKING"), ("强制打卡接龙", "FORCED_CHECKIN")):
        assert re.search(rf"{name}\s+{code}\s+1\s+33\.3%", out), code
    assert "强制推广使用" not in out  # codes never seen are not listed


def test_group_table(summary: ScanSummary) -> None:
    out = render(summary)
    assert re.search(r"街道工作群\s+2\s+2\s+100\.0%\s+过度留痕\(1\).*\s57\s", out)
    assert re.search(r"社区网格群\s+2\s+1\s+50\.0%\s+强制打卡接龙\(1\)\s+≥2\s", out)  # size is a floor
    assert "[red]党建群[/red]" in out  # a group name that looks like markup survives


def test_off_hours_share(summary: ScanSummary) -> None:
    out = render(summary)
    assert "非工作时间占比：50.0%（1 / 2 条有时间的形式主义要求）" in out
    assert "另有 1 条无时间信息" in out


def test_off_hours_without_any_time() -> None:
    summary = ScanSummary()
    msg = Message(id="u", text="请接龙", sent_at=None, sender="甲", group="乙")
    summary.add(MessageResult(msg, [checkin(msg.text, "接龙")], off_hours=None))
    assert summary.off_hours_share() is None
    assert "非工作时间占比：无时间信息" in render(summary)


def test_burden_table(summary: ScanSummary) -> None:
    out = render(summary)
    burden = dict(summary.burden_by_sender())
    assert burden == {"王主任": 15 * 57, "李科长": 5 * 57, "张书记": 10 * 2}
    assert re.search(r"王主任\s+855\s+14\.2", out)
    assert re.search(r"李科长\s+285\s+4\.8", out)
    total = summary.burden_total_minutes()
    assert re.search(rf"合计\s+{total:,.0f}\s+{total / 60:.1f}", out)
    assert BURDEN_NOTE in out and "docs/burden.md" in out
    # the biggest burden comes first
    assert out.index("王主任     855") < out.index("李科长") < out.index("张书记      20")


def test_burden_shows_top_ten_and_the_rest() -> None:
    summary = ScanSummary()
    for i in range(13):
        msg = Message(id=f"b{i}", text="请接龙", sent_at=None, sender=f"发送人{i:02d}", group="大群", group_size=10)
        summary.add(MessageResult(msg, [checkin(msg.text, "接龙")], off_hours=None, burden_minutes=i + 1))
    out = render(summary)
    table = out[out.index("负担（按发送人"):out.index("最严重的消息")]
    assert "发送人12" in table and "发送人03" in table and "发送人02" not in table
    assert re.search(r"… 其余 3 人\s+60\s+1\.0", table)
    assert re.search(r"合计\s+910\s+15\.2", table)  # (1 + … + 13) × 10 over all senders, not the top ten


def test_worst_messages(summary: ScanSummary) -> None:
    out = render(summary)
    worst = out[out.index("最严重的消息"):]
    assert "#1 S1 红线 · 街道工作群 · 王主任 · 2025-05-09 21:30 · 非工作时间" in worst
    assert "问题：过度留痕、即时响应" in worst
    assert "截图发群" in worst and "回复收到" in worst  # the evidence
    assert "请各位今晚10点前截图发群[抱拳]，回复收到！" in worst  # [抱拳] is text, not markup
    assert "时间未知" in worst  # m-3 has no time
    assert worst.index("#1") < worst.index("#2") < worst.index("#3")


def test_control_characters_never_reach_the_terminal(summary: ScanSummary) -> None:
    out = render(summary)
    assert "\x1b" not in out and "\x07" not in out
    assert "每天8点前打卡" in out


def test_fits_100_columns(summary: ScanSummary, config: dict[str, object]) -> None:
    out = render(summary, config)
    assert max(cell_len(line) for line in out.splitlines()) <= 100


def test_evidence_is_highlighted_at_its_span(results: list[MessageResult]) -> None:
    r = results[0]
    text = highlight_evidence(r.message.text, [f.span for f in r.findings])
    assert text.plain == r.message.text
    styled = sorted((s.start, s.end) for s in text.spans if s.style == EVIDENCE_STYLE)
    assert styled == sorted(f.span for f in r.findings)
    assert [text.plain[a:b] for a, b in styled] == ["截图发群", "回复收到"]


def test_evidence_highlight_in_ansi_output(results: list[MessageResult]) -> None:
    console = Console(record=True, width=100, force_terminal=True, color_system="standard")
    console.print(highlight_evidence(results[0].message.text, [f.span for f in results[0].findings]))
    ansi = console.export_text(styles=True)
    assert "\x1b[1;31m截图发群\x1b[0m" in ansi


def test_long_message_is_windowed_around_evidence() -> None:
    text = "甲" * 1500 + "截图发群" + "乙" * 1500
    shown = highlight_evidence(text, [(1500, 1504)], limit=400)
    assert shown.plain.startswith("…") and shown.plain.endswith("…")
    assert len(shown.plain) == 402
    styled = [shown.plain[s.start:s.end] for s in shown.spans if s.style == EVIDENCE_STYLE]
    assert styled == ["截图发群"]


def test_control_characters_keep_offsets() -> None:
    text = "第一行\r\n\x1b[2J请截图发群"
    shown = highlight_evidence(text, [(10, 14)])
    assert len(shown.plain) == len(text) and "\x1b" not in shown.plain and "\r" not in shown.plain
    assert [shown.plain[s.start:s.end] for s in shown.spans] == ["截图发群"]


def test_bad_spans_are_clipped() -> None:
    shown = highlight_evidence("请接龙", [(1, 99), (5, 7), (2, 1)])
    assert [(s.start, s.end) for s in shown.spans] == [(1, 3)]


def test_empty_summary() -> None:
    out = render(ScanSummary())
    assert "未发现任何消息" in out
    assert "未扫描任何文件" in out
    assert "按问题类型" not in out


def test_messages_without_demands() -> None:
    summary = ScanSummary()
    summary.add(MessageResult(Message(id="x", text="收到", sent_at=None), [], off_hours=None))
    out = render(summary)
    assert "未发现形式主义要求：共扫描 1 条消息。" in out
    assert "最严重的消息" not in out


@pytest.mark.parametrize("total", [1000, None])
def test_progress_counts_bytes(total: int | None) -> None:
    console = Console(record=True, width=100)
    with progress(total, console) as bar:
        advance = bar.advance  # usable as a plain callable
        advance(300)
        advance(700)
    task = bar.progress.tasks[0]
    assert task.completed == 1000 and task.total == total
    assert "扫描中" in console.export_text()


def test_progress_counts_messages() -> None:
    console = Console(record=True, width=100)
    with progress(None, console, unit="messages") as bar:
        for _ in range(5):
            bar.advance(100)
    assert bar.progress.tasks[0].completed == 500
    assert "500 条" in console.export_text()
