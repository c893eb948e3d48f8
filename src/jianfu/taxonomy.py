"""The codes of shared/spec/taxonomy.md, with their Chinese names and default severities.

Severity levels follow policy-rules.md §4: S1 红线 (national prohibition / veto item) is the
most severe, S4 advisory. Off-hours timing raises a message finding by one level.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    # demands in work-group messages
    FORCED_CHECKIN = "FORCED_CHECKIN"
    PROOF_TRACE = "PROOF_TRACE"
    LIKE_SHARE_QUOTA = "LIKE_SHARE_QUOTA"
    RANKING = "RANKING"
    FORCED_ADOPTION = "FORCED_ADOPTION"
    INSTANT_REPLY = "INSTANT_REPLY"
    DUPLICATE_REPORTING = "DUPLICATE_REPORTING"
    ARBITRARY_TASK = "ARBITRARY_TASK"
    # registry and activity conditions
    DUPLICATE_TOOL = "DUPLICATE_TOOL"
    ZOMBIE = "ZOMBIE"
    EMPTY_SHELL = "EMPTY_SHELL"
    FORCED_USAGE_PATTERN = "FORCED_USAGE_PATTERN"
    MANDATORY_FEATURE = "MANDATORY_FEATURE"
    # published content
    INJECTED_SPAM = "INJECTED_SPAM"
    SEVERE_TYPO = "SEVERE_TYPO"
    STALE_CONTENT = "STALE_CONTENT"


CHINESE_NAME: dict[Code, str] = {
    Code.FORCED_CHECKIN: "强制打卡接龙",
    Code.PROOF_TRACE: "过度留痕",
    Code.LIKE_SHARE_QUOTA: "点赞转发",
    Code.RANKING: "滥用排名",
    Code.FORCED_ADOPTION: "强制推广使用",
    Code.INSTANT_REPLY: "即时响应",
    Code.DUPLICATE_REPORTING: "多头填报",
    Code.ARBITRARY_TASK: "随意摊派",
    Code.DUPLICATE_TOOL: "功能重复",
    Code.ZOMBIE: "僵尸类",
    Code.EMPTY_SHELL: "空壳类",
    Code.FORCED_USAGE_PATTERN: "强制使用痕迹",
    Code.MANDATORY_FEATURE: "强制功能",
    Code.INJECTED_SPAM: "暗链/黑链/违规植入",
    Code.SEVERE_TYPO: "严重错别字",
    Code.STALE_CONTENT: "更新不及时",
}

# The eight codes a chat message can carry, in taxonomy order.
MESSAGE_CODES: tuple[Code, ...] = (
    Code.FORCED_CHECKIN,
    Code.PROOF_TRACE,
    Code.LIKE_SHARE_QUOTA,
    Code.RANKING,
    Code.FORCED_ADOPTION,
    Code.INSTANT_REPLY,
    Code.DUPLICATE_REPORTING,
    Code.ARBITRARY_TASK,
)

# Default severity of a message demand (policy-rules.md §4.5, MSG-01..MSG-08).
MESSAGE_SEVERITY: dict[Code, str] = {
    Code.FORCED_CHECKIN: "S1",
    Code.PROOF_TRACE: "S1",
    Code.LIKE_SHARE_QUOTA: "S1",
    Code.RANKING: "S1",
    Code.FORCED_ADOPTION: "S1",
    Code.INSTANT_REPLY: "S2",
    Code.DUPLICATE_REPORTING: "S2",
    Code.ARBITRARY_TASK: "S3",
}

SEVERITY_NAME = {"S1": "红线", "S2": "严重", "S3": "一般", "S4": "提示"}


def raise_severity(severity: str, levels: int = 1) -> str:
    """One level more severe (S3 → S2), never above S1."""
    return f"S{max(1, int(severity[1]) - levels)}"


def parse_code(value: str) -> Code:
    """The Code named by value (case-insensitive); ValueError names the unknown code."""
    try:
        return Code(value.strip().upper())
    except ValueError:
        raise ValueError(f"unknown taxonomy code {value!r}") from None
