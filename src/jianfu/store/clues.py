"""Anonymous clues (线索征集) and the registry counts the overview shows.

A clue row holds what the reporter wrote, the category and the day it arrived — nothing that could
trace the reporter (no account, address, user agent or precise time). Its receipt code is never
stored, only the code's SHA-256.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jianfu.errors import NotFound
from jianfu.store.models import AuditRow, ClueRow, ToolRow, UnitRow
from jianfu.store.platform import edit_versioned

CLUE_STATUSES = ("received", "triaging", "verified", "unfounded", "referred", "closed")


@dataclass(slots=True)
class Clue:
    id: int
    category: str
    tool_name: str
    unit_name: str
    description: str
    received_on: date
    status: str
    public_reply: str | None
    internal_note: str | None
    unit_id: str | None
    tool_id: str | None
    finding_ids: list[int] = field(default_factory=list)
    handled_by: str | None = None
    version: int = 1


def _clue(row: ClueRow) -> Clue:
    return Clue(row.id, row.category, row.tool_name, row.unit_name, row.description, row.received_on, row.status,
                row.public_reply, row.internal_note, row.unit_id, row.tool_id, list(row.finding_ids or []),
                row.handled_by, row.version)


def create_clue(session: Session, *, receipt_hash: str, category: str, tool_name: str, unit_name: str,
                description: str, received_on: date) -> Clue:
    row = ClueRow(receipt_hash=receipt_hash, category=category, tool_name=tool_name, unit_name=unit_name,
                  description=description, received_on=received_on, status="received", finding_ids=[])
    session.add(row)
    session.flush()
    return _clue(row)


def clue_by_receipt(session: Session, receipt_hash: str) -> Clue | None:
    row = session.scalar(select(ClueRow).where(ClueRow.receipt_hash == receipt_hash))
    return _clue(row) if row is not None else None


def get_clue(session: Session, clue_id: int) -> Clue:
    row = session.get(ClueRow, clue_id)
    if row is None:
        raise NotFound(f"线索不存在: {clue_id}")
    return _clue(row)


def list_clues(session: Session, scope: frozenset[str] | None, status: str | None = None,
               limit: int = 100) -> list[Clue]:
    """Clues in scope: a clue not yet assigned to a unit is seen by every supervisor."""
    query = select(ClueRow).order_by(ClueRow.id.desc()).limit(limit)
    if scope is not None:
        query = query.where(or_(ClueRow.unit_id.in_(list(scope)), ClueRow.unit_id.is_(None)))
    if status:
        query = query.where(ClueRow.status == status)
    return [_clue(r) for r in session.scalars(query)]


def update_clue(session: Session, clue_id: int, expected_version: int | None, **values: Any) -> Clue:
    return _clue(edit_versioned(session, ClueRow, clue_id, expected_version, "线索", values))


def clue_counts(session: Session, scope: frozenset[str] | None) -> dict[str, int]:
    query = select(ClueRow.status, func.count()).group_by(ClueRow.status)
    if scope is not None:
        query = query.where(or_(ClueRow.unit_id.in_(list(scope)), ClueRow.unit_id.is_(None)))
    return {s: n for s, n in session.execute(query)}


# --- registry counts for the overview -------------------------------------------------------------------------------

LIVE = ("active", "rectifying", "under_review", "proposed")
GONE = ("retired", "merged")


def tool_counts(session: Session, scope: frozenset[str] | None) -> list[dict[str, Any]]:
    """Live tools per kind and owner level."""
    query = (select(ToolRow.kind, UnitRow.level, func.count())
             .join(UnitRow, UnitRow.id == ToolRow.owner_unit_id)
             .where(ToolRow.status.in_(LIVE)).group_by(ToolRow.kind, UnitRow.level))
    if scope is not None:
        query = query.where(ToolRow.owner_unit_id.in_(list(scope)))
    return [{"kind": k, "level": lvl, "count": n} for k, lvl, n in session.execute(query)]


def tool_counts_by_unit(session: Session, scope: frozenset[str] | None, limit: int = 20) -> list[dict[str, Any]]:
    query = (select(UnitRow.id, UnitRow.name, ToolRow.kind, func.count())
             .join(UnitRow, UnitRow.id == ToolRow.owner_unit_id)
             .where(ToolRow.status.in_(LIVE)).group_by(UnitRow.id, UnitRow.name, ToolRow.kind))
    if scope is not None:
        query = query.where(ToolRow.owner_unit_id.in_(list(scope)))
    per_unit: dict[str, dict[str, Any]] = {}
    for uid, name, kind, n in session.execute(query):
        entry = per_unit.setdefault(uid, {"unit_id": uid, "unit": name, "total": 0})
        entry[kind] = n
        entry["total"] += n
    return sorted(per_unit.values(), key=lambda e: -e["total"])[:limit]


def tool_lifespans(session: Session, scope: frozenset[str] | None) -> list[tuple[str, date | None, datetime | None]]:
    """(kind, launched, retired at) per tool: the trend of how many tools are live month by month."""
    gone_at = (select(AuditRow.tool_id, func.min(AuditRow.at).label("at"))
               .where(AuditRow.to_status.in_(GONE)).group_by(AuditRow.tool_id).subquery())
    query = (select(ToolRow.kind, ToolRow.launched, ToolRow.created_at, gone_at.c.at, ToolRow.status)
             .outerjoin(gone_at, gone_at.c.tool_id == ToolRow.id)
             .where(ToolRow.status.not_in(("proposed", "under_review", "rejected"))))
    if scope is not None:
        query = query.where(ToolRow.owner_unit_id.in_(list(scope)))
    out: list[tuple[str, date | None, datetime | None]] = []
    for kind, launched, created, retired, status in session.execute(query):
        start = launched or created.date()
        if status in GONE and retired is None:
            retired = created
        out.append((kind, start, retired))
    return out


def work_groups_by_name(session: Session) -> dict[str, tuple[str, str]]:
    """Work-group name → (tool id, owner unit id), to attach an uploaded chat to the 台账."""
    rows = session.execute(select(ToolRow.name, ToolRow.id, ToolRow.owner_unit_id).where(ToolRow.kind == "work_group"))
    return {name: (tid, uid) for name, tid, uid in rows}
