"""Hand-built scan results for the report tests: five messages, three with demands, five findings."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from jianfu.evaluate.summary import ScanSummary
from jianfu.records import Deadline, Finding, Message, MessageResult
from jianfu.taxonomy import Code

CST = ZoneInfo("Asia/Shanghai")

CONFIG: dict[str, object] = {
    "ruleset": "sha256:3f2a9c",
    "model": None,
    "finding_threshold": 0.5,
    "model_thresholds": (0.45, 0.45),
    "filters": ["is_cancellation", "is_quoted_demand"],
    "working_hours": [("08:30", "12:00"), ("14:00", "18:00")],
}


def finding(text: str, evidence: str, code: Code, score: float, severity: str) -> Finding:
    start = text.index(evidence)
    return Finding(code=code, rule=f"msg.{code.lower()}", span=(start, start + len(evidence)),
                   evidence=evidence, score=score, policy="若干规定 第三条", severity=severity)


def make_results() -> list[MessageResult]:
    t1 = "请各位今晚10点前截图发群[抱拳]，回复收到！"
    m1 = Message(id="m-1", text=t1, sent_at=datetime(2025, 5, 9, 21, 30, tzinfo=CST), sender="王主任",
                 group="街道工作群", group_size=57, file="wecom.json", line=3)
    r1 = MessageResult(m1, [finding(t1, "截图发群", Code.PROOF_TRACE, 0.94, "S1"),
                            finding(t1, "回复收到", Code.INSTANT_REPLY, 0.81, "S1")],
                       off_hours=True, deadline=Deadline("今晚10点前", (3, 9), None, None), burden_minutes=15)

    t2 = "各社区点赞转发截图，阅读量纳入排名通报"
    m2 = Message(id="m-2", text=t2, sent_at=datetime(2025, 5, 12, 9, 0, tzinfo=CST), sender="李科长",
                 group="街道工作群")
    r2 = MessageResult(m2, [finding(t2, "点赞转发截图", Code.LIKE_SHARE_QUOTA, 0.9, "S1"),
                            finding(t2, "纳入排名通报", Code.RANKING, 0.7, "S1")],
                       off_hours=False, burden_minutes=5)

    # starts with "=" (would be a formula) and carries a BEL and an ESC (illegal in XML, unsafe on a tty)
    t3 = "=HYPERLINK(\"x\") 每天8点前打卡\x07\x1b[31m"
    m3 = Message(id="m-3", text=t3, sent_at=None, sender="张书记", group="社区网格群")
    r3 = MessageResult(m3, [finding(t3, "每天8点前打卡", Code.FORCED_CHECKIN, 0.88, "S1")],
                       off_hours=None, burden_minutes=10)

    m4 = Message(id="m-4", text="收到", sent_at=datetime(2025, 5, 12, 9, 5, tzinfo=CST), sender="刘干事",
                 group="社区网格群")
    m5 = Message(id="m-5", text="好的[强]", sent_at=datetime(2025, 5, 12, 9, 6, tzinfo=CST), sender="赵[bold]",
                 group="[red]党建群[/red]")
    return [r1, r2, r3, MessageResult(m4, [], off_hours=False), MessageResult(m5, [], off_hours=False)]


def make_summary(results: list[MessageResult]) -> ScanSummary:
    summary = ScanSummary()
    for result in results:
        summary.add(result)
    summary.files = [
        {"file": "wecom.json", "format": "wecom", "encoding": "utf-8", "messages": 4, "skipped": 2,
         "problems": 1, "status": "ok", "reason": None},
        {"file": "broken[1].csv", "format": None, "encoding": None, "messages": 0, "skipped": 0,
         "problems": 0, "status": "error", "reason": "无法识别格式 [bad]"},
        {"file": "paste.txt", "format": "paste", "encoding": "gb18030", "messages": 1, "skipped": 0,
         "problems": 0, "status": "ok", "reason": None},
    ]
    summary.skipped = 2
    summary.add_problem("wecom.json:17: 无法解析时间 '2025-13-01'")
    return summary


@pytest.fixture
def results() -> list[MessageResult]:
    return make_results()


@pytest.fixture
def summary(results: list[MessageResult]) -> ScanSummary:
    return make_summary(results)


@pytest.fixture
def config() -> dict[str, object]:
    return dict(CONFIG)
