"""Anonymous clues (线索征集): a public form, a receipt code to follow up, triage by supervisors.

Nothing that could trace a reporter is kept: no account, no IP address, no user agent, and only the
day a clue arrived (not the time). The receipt code is shown once; only its SHA-256 is stored, and it
is long and random enough (about 80 bits) that it cannot be guessed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from jianfu.errors import UsageError
from jianfu.store import clues as repo
from jianfu.store import platform as platform_repo
from jianfu.store.clues import CLUE_STATUSES, Clue
from jianfu.store.db import Store
from jianfu.workflow.accounts import Access

# The five national categories of clue notices (policy-rules.md §3), with the codes each covers.
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "forced_use": ("强制使用", ("FORCED_CHECKIN", "FORCED_ADOPTION", "FORCED_USAGE_PATTERN", "MANDATORY_FEATURE")),
    "over_trace": ("过度留痕", ("PROOF_TRACE",)),
    "ranking": ("滥用排名", ("RANKING", "LIKE_SHARE_QUOTA")),
    "duplicate": ("多头填报", ("DUPLICATE_REPORTING", "DUPLICATE_TOOL")),
    "shell_zombie": ("空壳僵尸", ("ZOMBIE", "EMPTY_SHELL")),
}
CLUE_STATUS_NAME = {"received": "已收到", "triaging": "核查中", "verified": "情况属实", "unfounded": "查无实据",
                    "referred": "已移交", "closed": "已办结"}
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud and copied by hand
MAX_DESCRIPTION = 5000


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def receipt_hash(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(cleaned.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """What the reporter sees with their receipt code."""

    category: str
    received_on: str
    status: str
    reply: str | None


class ClueService:
    def __init__(self, store: Store, tz: str = "Asia/Shanghai", now: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.tz = ZoneInfo(tz)
        self.now = now or (lambda: datetime.now(UTC))

    def submit(self, *, category: str, description: str, tool_name: str = "", unit_name: str = "") -> str:
        """Store a clue and return its receipt code (shown once, never stored)."""
        if category not in CATEGORIES:
            raise UsageError("请选择问题类型")
        description = description.strip()
        if len(description) < 5:
            raise UsageError("请简要描述问题（至少 5 个字）")
        if len(description) > MAX_DESCRIPTION:
            raise UsageError(f"问题描述不超过 {MAX_DESCRIPTION} 字")
        code = new_receipt_code()
        with self.store.session() as s:
            repo.create_clue(s, receipt_hash=receipt_hash(code), category=category, tool_name=tool_name.strip()[:200],
                             unit_name=unit_name.strip()[:200], description=description,
                             received_on=self.now().astimezone(self.tz).date())
        return code

    def follow(self, code: str) -> PublicStatus | None:
        with self.store.session() as s:
            clue = repo.clue_by_receipt(s, receipt_hash(code))
        if clue is None:
            return None
        return PublicStatus(CATEGORIES[clue.category][0], clue.received_on.isoformat(),
                            CLUE_STATUS_NAME[clue.status], clue.public_reply)

    def list(self, access: Access, status: str | None = None) -> list[Clue]:
        access.require("supervisor", "reviewer")
        with self.store.session() as s:
            return repo.list_clues(s, access.scope, status)

    def get(self, access: Access, clue_id: int) -> tuple[Clue, list[platform_repo.Change]]:
        access.require("supervisor", "reviewer")
        with self.store.session() as s:
            clue = repo.get_clue(s, clue_id)
            if clue.unit_id is not None:
                access.check_unit(clue.unit_id)
            return clue, platform_repo.changes_for(s, "clue", clue_id)

    def triage(self, access: Access, clue_id: int, *, status: str, version: int | None = None,
               public_reply: str | None = None, internal_note: str | None = None, unit_id: str | None = None,
               tool_id: str | None = None, finding_ids: list[int] | None = None) -> Clue:
        access.require("supervisor")
        if status not in CLUE_STATUSES:
            raise UsageError(f"未知状态: {status}")
        now = self.now()
        with self.store.session() as s:
            clue = repo.get_clue(s, clue_id)
            if clue.unit_id is not None:
                access.check_unit(clue.unit_id)
            if unit_id:
                access.check_unit(unit_id)
            values = {"status": status, "handled_by": access.user.username}
            if public_reply is not None:
                values["public_reply"] = public_reply.strip() or None
            if internal_note is not None:
                values["internal_note"] = internal_note.strip() or None
            if unit_id is not None:
                values["unit_id"] = unit_id or None
            if tool_id is not None:
                values["tool_id"] = tool_id or None
            if finding_ids is not None:
                values["finding_ids"] = sorted(set(finding_ids))
            updated = repo.update_clue(s, clue_id, version, **values)
            platform_repo.record_change(s, actor=access.user.username, subject_type="clue", subject_id=clue_id,
                                        action="triage", now=now, reason=internal_note,
                                        details={"from": clue.status, "to": status, "unit_id": unit_id,
                                                 "tool_id": tool_id, "finding_ids": finding_ids})
        return updated
