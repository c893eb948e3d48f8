"""The life of a registered tool: proposed → under review → filed/active → rectifying → merged/retired.

Pure: the allowed transitions and their Chinese names. `store.registry` applies them and writes the
audit log; `lifecycle.filing` runs the 审核备案 workflow on top.
"""

from __future__ import annotations

from enum import StrEnum

from jianfu.errors import JianfuError


class Status(StrEnum):
    PROPOSED = "proposed"
    UNDER_REVIEW = "under_review"
    ACTIVE = "active"  # filed (备案) and running
    RECTIFYING = "rectifying"
    MERGED = "merged"  # merged into another tool, or redirected there at review
    RETIRED = "retired"  # closed and deregistered (关停注销); a dissolved group
    REJECTED = "rejected"  # filing refused; may be proposed again


STATUS_NAME: dict[Status, str] = {
    Status.PROPOSED: "拟建",
    Status.UNDER_REVIEW: "审核中",
    Status.ACTIVE: "已备案运行",
    Status.RECTIFYING: "整改中",
    Status.MERGED: "已整合",
    Status.RETIRED: "已关停注销",
    Status.REJECTED: "未通过审核",
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PROPOSED: frozenset({Status.UNDER_REVIEW, Status.RETIRED}),
    Status.UNDER_REVIEW: frozenset({Status.ACTIVE, Status.REJECTED, Status.MERGED}),
    Status.ACTIVE: frozenset({Status.RECTIFYING, Status.MERGED, Status.RETIRED}),
    Status.RECTIFYING: frozenset({Status.ACTIVE, Status.MERGED, Status.RETIRED}),
    Status.REJECTED: frozenset({Status.PROPOSED}),
    Status.MERGED: frozenset(),
    Status.RETIRED: frozenset(),
}

# Tools in these states are part of the live registry: they count for duplicates and quotas.
LIVE: frozenset[Status] = frozenset({Status.ACTIVE, Status.RECTIFYING, Status.UNDER_REVIEW})


class LifecycleError(JianfuError):
    """A transition the lifecycle does not allow."""

    http_status = 409


def parse_status(value: str) -> Status:
    """A status from its code or its Chinese name (as in an exported 台账)."""
    text = value.strip()
    for status, name in STATUS_NAME.items():
        if text in (status.value, name):
            return status
    aliases = {"在用": Status.ACTIVE, "运行": Status.ACTIVE, "已备案": Status.ACTIVE, "正常": Status.ACTIVE,
               "已合并": Status.MERGED, "已关停": Status.RETIRED, "已注销": Status.RETIRED, "已解散": Status.RETIRED,
               "审核中": Status.UNDER_REVIEW, "整改": Status.RECTIFYING}
    if text in aliases:
        return aliases[text]
    raise ValueError(f"unknown status {value!r}; expected one of {', '.join(s.value for s in Status)}")


def check_transition(current: Status, target: Status) -> None:
    if target not in TRANSITIONS[current]:
        allowed = "、".join(STATUS_NAME[s] for s in sorted(TRANSITIONS[current])) or "无（终态）"
        raise LifecycleError(
            f"不能从「{STATUS_NAME[current]}」变为「{STATUS_NAME[target]}」；可变为：{allowed}"
        )
