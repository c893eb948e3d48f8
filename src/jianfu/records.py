"""The records that cross stages: ingest → normalise → detect → report.

They are plain slotted dataclasses so they pickle cheaply to worker processes (and to Spark).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jianfu.taxonomy import Code


@dataclass(slots=True)
class Message:
    """One chat message as exported, with its time normalised to an aware datetime."""

    id: str
    text: str
    sent_at: datetime | None  # aware (Asia/Shanghai); None when the export has no usable time
    sender: str | None = None
    sender_role: str | None = None  # leader, staff, cadre, bot
    group: str | None = None
    group_size: int | None = None  # recipients when the export tells (WeCom tolist, Telegram members)
    source: str = "generic"  # export format name
    file: str | None = None
    line: int | None = None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class InputProblem:
    """A record that could not be read: where it is and why. Errors are data, never dropped."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class Explanation:
    """Why a finding fired (principle 2); attached only when asked for."""

    pattern: str | None = None
    original_score: float | None = None
    context_word: str | None = None
    score_context_improvement: float = 0.0
    suppressed_by: str | None = None
    model_score: float | None = None
    demand_score: float | None = None  # the model's P(the message is a demand at all)
    model_features: list[str] = field(default_factory=list)
    deadline: str | None = None
    ruleset: str | None = None
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "original_score": self.original_score,
            "context_word": self.context_word,
            "score_context_improvement": self.score_context_improvement,
            "suppressed_by": self.suppressed_by,
            "model_score": self.model_score,
            "demand_score": self.demand_score,
            "model_features": self.model_features,
            "deadline": self.deadline,
            "ruleset": self.ruleset,
            "model": self.model,
        }


@dataclass(slots=True)
class Finding:
    """One demand found in one message, with its evidence in the original text."""

    code: Code
    rule: str
    span: tuple[int, int]  # characters of the original text, end exclusive
    evidence: str
    score: float
    policy: str
    severity: str = "S3"
    explanation: Explanation | None = None

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": str(self.code),
            "rule": self.rule,
            "span": [self.span[0], self.span[1]],
            "evidence": self.evidence,
            "score": round(self.score, 3),
            "policy": self.policy,
            "severity": self.severity,
        }
        if explain and self.explanation is not None:
            out["explanation"] = self.explanation.to_dict()
        return out


@dataclass(slots=True)
class Deadline:
    """A deadline parsed from a message: when it falls and how many minutes it leaves."""

    text: str
    span: tuple[int, int]
    due: datetime | None
    minutes_left: float | None


@dataclass(slots=True)
class MessageResult:
    """Everything the scanner says about one message: the contract line plus extras."""

    message: Message
    findings: list[Finding]
    off_hours: bool | None  # None when the message has no usable time
    deadline: Deadline | None = None
    burden_minutes: float = 0.0  # per recipient
    suppressed: list[Finding] = field(default_factory=list)  # kept for --explain

    @property
    def labels(self) -> list[str]:
        seen: list[str] = []
        for f in self.findings:
            if str(f.code) not in seen:
                seen.append(str(f.code))
        return seen


# ---------------------------------------------------------------------------------------------------
# Registry (台账): units, people and tools. contracts.md §2 names the tool fields every input carries;
# the rest come from issue 3 (platform, responsible person, features, temporary groups, lifecycle).

TOOL_KINDS = ("app", "miniprogram", "public_account", "work_group")
UNIT_LEVELS = ("province", "city", "county", "township", "village")
# Platforms are stored by a code so "two accounts on one platform" compares reliably; users see the label.
PLATFORM_LABELS: dict[str, str] = {
    "WeChat": "微信", "WeCom": "企业微信", "DingTalk": "钉钉", "Feishu": "飞书", "Weibo": "微博",
    "Douyin": "抖音", "Kuaishou": "快手", "Toutiao": "今日头条", "Bilibili": "哔哩哔哩", "QQ": "QQ",
    "Alipay": "支付宝", "own": "自建",
}


@dataclass(slots=True)
class Unit:
    """An organisation in the hierarchy province → city → county → township → village/community."""

    id: str
    name: str
    level: str  # one of UNIT_LEVELS
    parent: str | None = None  # parent unit id
    working_hours: list[tuple[str, str]] | None = None  # None: the taxonomy default
    region: str | None = None  # the prefecture/province the unit belongs to, for overlap checks


@dataclass(slots=True)
class Tool:
    """One government app, mini-program, public account or work group in the registry."""

    id: str
    kind: str  # one of TOOL_KINDS
    name: str
    owner_unit: str  # unit name as written in the 台账 (or its id)
    level: str | None = None  # level of the owner unit, one of UNIT_LEVELS
    description: str = ""
    functions: tuple[str, ...] = ()
    audience: str = ""
    launched: date | None = None
    platform: str | None = None  # WeChat, WeCom, DingTalk, Feishu, Weibo, Douyin, own …
    purpose: str = ""
    responsible_person: str | None = None  # 谁建群谁负责 / 谁主办谁负责
    filing_number: str | None = None
    features: tuple[str, ...] = ()  # declared features: 打卡签到, 积分排名, 在线时长 …
    exemption: str | None = None  # a recorded 安保/应急 exemption for otherwise banned features
    temporary: bool = False  # work groups: set up for one task
    task_end: date | None = None  # work groups: when that task ended or ends
    status: str = "active"  # lifecycle state, see jianfu.lifecycle
    merged_into: str | None = None
    file: str | None = None  # where the row came from, for error messages
    line: int | None = None
