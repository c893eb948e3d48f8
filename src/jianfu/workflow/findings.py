"""Message findings on the platform: from scan results to rows, and the review workflow.

Review states: open → confirmed | dismissed; confirmed → assigned (to a unit, with a due date) →
rectifying (the unit reports what it changed) → closed (the supervisor verifies). A dismissal carries
a reason and stays on later scans because the row is found again by its fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jianfu.errors import Forbidden, UsageError
from jianfu.evaluate.burden import total_burden
from jianfu.records import MessageResult
from jianfu.store import clues as clue_repo
from jianfu.store import findings as repo
from jianfu.store import platform as platform_repo
from jianfu.store.db import Store
from jianfu.store.findings import STATUS_NAME, FindingQuery, StoredFinding
from jianfu.workflow.accounts import Access, UnitDirectory

# action → (states it may start from, state it leads to, roles allowed; None = the assigned unit's admin)
ACTIONS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...] | None]] = {
    "confirm": (("open",), "confirmed", ("supervisor", "reviewer")),
    "dismiss": (("open", "confirmed"), "dismissed", ("supervisor", "reviewer")),
    "assign": (("open", "confirmed"), "assigned", ("supervisor",)),
    "rectify": (("assigned",), "rectifying", None),
    "close": (("rectifying",), "closed", ("supervisor",)),
    "reopen": (("dismissed", "closed"), "open", ("supervisor",)),
}
ACTION_NAME = {"confirm": "确认", "dismiss": "排除", "assign": "交办整改", "rectify": "报告整改", "close": "办结",
               "reopen": "重新打开"}


def fingerprint(group: str, result: MessageResult) -> str:
    """Stable across rescans: group, message id, text, and each finding's rule and evidence."""
    parts = [group, result.message.id, hashlib.sha256(result.message.text.encode()).hexdigest()]
    parts += sorted(f"{f.rule}\x1f{f.evidence}" for f in result.findings)
    return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the messages of an upload belong: the work group in the 台账 and the units."""

    work_groups: dict[str, tuple[str, str]]  # group name → (tool id, owner unit id)
    units_by_name: dict[str, str]
    default_unit_id: str
    default_tool_id: str | None = None


def finding_row(result: MessageResult, placement: Placement, job_id: int | None, tz: ZoneInfo) -> dict[str, Any]:
    message = result.message
    group = message.group or "（未命名群）"
    tool_id, owner = placement.default_tool_id, placement.default_unit_id
    extra_group = message.extras.get("group_id")
    if group in placement.work_groups:
        tool_id, owner = placement.work_groups[group]
    elif isinstance(extra_group, str):
        for tid, uid in placement.work_groups.values():
            if tid == extra_group:
                tool_id, owner = tid, uid
                break
    sender_unit = message.extras.get("sender_unit")
    issuing = placement.units_by_name.get(sender_unit) if isinstance(sender_unit, str) else None
    size = message.group_size or _int(message.extras.get("group_size"))
    total = total_burden(result.burden_minutes, size)
    local = message.sent_at.astimezone(tz) if message.sent_at else None
    severities = sorted(f.severity for f in result.findings)
    return {
        "fingerprint": fingerprint(group, result), "job_id": job_id, "message_id": message.id[:200],
        "group_name": group[:200], "tool_id": tool_id, "owner_unit_id": owner, "issuing_unit_id": issuing,
        "sender": (message.sender or None) and message.sender[:100], "sender_role": message.sender_role,
        "sent_at": message.sent_at, "sent_month": local.strftime("%Y-%m") if local else None,
        "sent_weekday": local.weekday() if local else None, "sent_hour": local.hour if local else None,
        "text": message.text, "codes": result.labels, "primary_code": result.labels[0],
        "details": [f.to_dict() for f in result.findings], "score": max(f.score for f in result.findings),
        "severity": severities[0], "off_hours": result.off_hours,
        "deadline": result.deadline.text[:100] if result.deadline else None,
        "burden_minutes": round(result.burden_minutes, 2), "group_size": size,
        "burden_total_minutes": round(total.minutes, 2),
    }


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class FindingService:
    def __init__(self, store: Store, tz: str = "Asia/Shanghai", now: Callable[[], datetime] | None = None,
                 units: UnitDirectory | None = None) -> None:
        self.store = store
        self.tz = ZoneInfo(tz)
        self.now = now or (lambda: datetime.now(UTC))
        self.units = units or UnitDirectory(store)

    def placement(self, default_unit_id: str, default_tool_id: str | None = None) -> Placement:
        with self.store.session() as s:
            groups = clue_repo.work_groups_by_name(s)
            units = platform_repo.unit_tree(s).by_name()
        if default_tool_id:
            for tid, uid in groups.values():
                if tid == default_tool_id:
                    default_unit_id = uid
        return Placement(groups, units, default_unit_id, default_tool_id)

    def ingest(self, results: Iterable[MessageResult], placement: Placement, job_id: int | None = None,
               batch: int = 2000) -> tuple[int, int]:
        """Store the findings of scan results; returns (new, already known)."""
        new = known = 0
        rows: list[dict[str, Any]] = []

        def flush() -> None:
            nonlocal new, known
            with self.store.session() as s:
                a, b = repo.upsert_findings(s, rows, self.now())
            new, known = new + a, known + b
            rows.clear()

        for result in results:
            if result.findings:
                rows.append(finding_row(result, placement, job_id, self.tz))
                if len(rows) >= batch:
                    flush()
        if rows:
            flush()
        return new, known

    def list(self, access: Access, q: FindingQuery, *, limit: int = 50, offset: int = 0,
             order: str = "recent", count_cap: int | None = repo.COUNT_CAP) -> tuple[list[StoredFinding], int]:
        """A page in the user's scope; the total is capped (repo.COUNT_CAP + 1 means "more than the cap")."""
        scoped = FindingQuery(**{**{f: getattr(q, f) for f in q.__dataclass_fields__}, "scope": access.scope})
        with self.store.session() as s:
            items, total = repo.list_findings(s, scoped, limit=limit, offset=offset, order=order,
                                              count_cap=count_cap)
        names = self.units.tree().names
        for item in items:
            item.unit_names = names
        return items, total

    def get(self, access: Access, finding_id: int) -> tuple[StoredFinding, list[platform_repo.Change]]:
        with self.store.session() as s:
            item = repo.get_finding(s, finding_id)
            access.check_unit(item.owner_unit_id, item.issuing_unit_id, item.assigned_unit_id)
            item.unit_names = self.units.tree().names
            history = platform_repo.changes_for(s, "finding", finding_id)
        return item, history

    def act(self, access: Access, finding_id: int, action: str, *, reason: str, version: int | None = None,
            unit_id: str | None = None, due_on: date | None = None) -> StoredFinding:
        if action not in ACTIONS:
            raise UsageError(f"未知操作: {action}")
        starts, target, roles = ACTIONS[action]
        reason = reason.strip()
        if action in ("dismiss", "assign", "rectify", "close", "reopen") and not reason:
            raise UsageError(f"「{ACTION_NAME[action]}」需要填写理由或说明")
        now = self.now()
        with self.store.session() as s:
            item = repo.get_finding(s, finding_id)
            access.check_unit(item.owner_unit_id, item.issuing_unit_id, item.assigned_unit_id)
            if roles is None:
                if not (access.user.role == "supervisor" or item.assigned_unit_id == access.user.unit_id):
                    raise Forbidden("只有被交办单位或监督管理人员可以报告整改")
            else:
                access.require(*roles)
            if item.status not in starts:
                raise UsageError(f"当前状态「{STATUS_NAME[item.status]}」不能「{ACTION_NAME[action]}」")
            values: dict[str, Any] = {"status": target, "status_reason": reason or None, "updated_at": now}
            if action == "assign":
                if not unit_id:
                    raise UsageError("交办整改需要选择责任单位")
                access.check_unit(unit_id)
                values.update(assigned_unit_id=unit_id, due_on=due_on)
            if action == "rectify":
                values["rectification"] = reason
            updated = repo.update_finding(s, finding_id, version, **values)
            platform_repo.record_change(
                s, actor=access.user.username, subject_type="finding", subject_id=finding_id, action=action, now=now,
                reason=reason or None,
                details={"from": item.status, "to": target, **({"unit_id": unit_id} if unit_id else {}),
                         **({"due_on": due_on.isoformat()} if due_on else {})})
        return updated
