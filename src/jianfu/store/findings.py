"""Message findings under review, and the dashboard's aggregates over them.

A row is one message with at least one demand. Its `fingerprint` (group, message id, text, rules and
evidence — no scores, no rule-set version) makes a rescan find the same row, so a human verdict stays.
Scope is a set of unit ids (None = everything): a row is in scope when the group's owner unit or the
issuing unit is in it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from jianfu.errors import NotFound
from jianfu.store.models import MessageFindingRow, UnitRow
from jianfu.store.platform import edit_versioned

STATUSES = ("open", "confirmed", "dismissed", "assigned", "rectifying", "closed")
OPEN_STATUSES = ("open", "confirmed", "assigned", "rectifying")
STATUS_NAME = {"open": "待审核", "confirmed": "已确认", "dismissed": "已排除", "assigned": "已交办",
               "rectifying": "整改中", "closed": "已办结"}


@dataclass(slots=True)
class StoredFinding:
    id: int
    fingerprint: str
    message_id: str
    group_name: str
    tool_id: str | None
    owner_unit_id: str
    issuing_unit_id: str | None
    sender: str | None
    sender_role: str | None
    sent_at: datetime | None
    text: str
    codes: list[str]
    details: list[dict[str, Any]]
    score: float
    severity: str
    off_hours: bool | None
    deadline: str | None
    burden_minutes: float
    group_size: int | None
    burden_total_minutes: float
    status: str
    status_reason: str | None
    assigned_unit_id: str | None
    due_on: date | None
    rectification: str | None
    version: int
    job_id: int | None = None
    unit_names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FindingQuery:
    scope: frozenset[str] | None = None
    code: str | None = None
    status: str | None = None
    unit_id: str | None = None  # owner or issuing unit
    tool_id: str | None = None
    job_id: int | None = None
    off_hours: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None


def _stored(row: Any) -> StoredFinding:
    """From an ORM row or a plain result row with the table's column names."""
    return StoredFinding(
        row.id, row.fingerprint, row.message_id, row.group_name, row.tool_id, row.owner_unit_id, row.issuing_unit_id,
        row.sender, row.sender_role, row.sent_at, row.text, list(row.codes), list(row.details), row.score,
        row.severity, row.off_hours, row.deadline, row.burden_minutes, row.group_size, row.burden_total_minutes,
        row.status, row.status_reason, row.assigned_unit_id, row.due_on, row.rectification, row.version, row.job_id,
    )


def in_scope(scope: frozenset[str] | None) -> ColumnElement[bool] | None:
    if scope is None:
        return None
    ids = list(scope)
    return or_(MessageFindingRow.owner_unit_id.in_(ids), MessageFindingRow.issuing_unit_id.in_(ids))


def _base(scope: frozenset[str] | None, since: datetime | None = None, until: datetime | None = None,
          dismissed: bool = False) -> list[ColumnElement[bool]]:
    """Scope, an optional period of sent_at, and (by default) dismissed findings left out."""
    conds = [c for c in (in_scope(scope),) if c is not None]
    if not dismissed:
        conds.append(MessageFindingRow.status != "dismissed")
    if since is not None:
        conds.append(MessageFindingRow.sent_at >= since)
    if until is not None:
        conds.append(MessageFindingRow.sent_at < until)
    return conds


def _where(q: FindingQuery) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    scope = in_scope(q.scope)
    if scope is not None:
        conds.append(scope)
    if q.code:
        # codes is a JSON list; the primary code is indexed, the others are matched in the JSON text.
        conds.append(or_(MessageFindingRow.primary_code == q.code,
                         cast(MessageFindingRow.codes, Text).like(f'%"{q.code}"%')))
    if q.status:
        conds.append(MessageFindingRow.status == q.status)
    if q.unit_id:
        conds.append(or_(MessageFindingRow.owner_unit_id == q.unit_id, MessageFindingRow.issuing_unit_id == q.unit_id))
    if q.tool_id:
        conds.append(MessageFindingRow.tool_id == q.tool_id)
    if q.job_id is not None:
        conds.append(MessageFindingRow.job_id == q.job_id)
    if q.off_hours is not None:
        conds.append(MessageFindingRow.off_hours.is_(q.off_hours))
    if q.since is not None:
        conds.append(MessageFindingRow.sent_at >= q.since)
    if q.until is not None:
        conds.append(MessageFindingRow.sent_at < q.until)
    if q.text:
        conds.append(or_(MessageFindingRow.text.contains(q.text, autoescape=True),
                         MessageFindingRow.group_name.contains(q.text, autoescape=True)))
    return conds


def upsert_findings(session: Session, rows: Sequence[dict[str, Any]], now: datetime) -> tuple[int, int]:
    """Insert new findings; a fingerprint already stored keeps its row and its review state.

    Returns (inserted, already known).
    """
    if not rows:
        return 0, 0
    prints = [r["fingerprint"] for r in rows]
    known: set[str] = set()
    for start in range(0, len(prints), 500):
        known.update(session.scalars(
            select(MessageFindingRow.fingerprint).where(MessageFindingRow.fingerprint.in_(prints[start:start + 500]))
        ))
    inserted = 0
    for r in rows:
        if r["fingerprint"] in known:
            continue
        known.add(r["fingerprint"])
        session.add(MessageFindingRow(**r, status="open", first_seen=now, updated_at=now))
        inserted += 1
    session.flush()
    return inserted, len(rows) - inserted


def get_finding(session: Session, finding_id: int) -> StoredFinding:
    row = session.get(MessageFindingRow, finding_id)
    if row is None:
        raise NotFound(f"问题线索不存在: {finding_id}")
    return _stored(row)


COUNT_CAP = 1_000


def list_findings(session: Session, q: FindingQuery, *, limit: int = 50, offset: int = 0,
                  order: str = "recent", count_cap: int | None = COUNT_CAP) -> tuple[list[StoredFinding], int]:
    """A page of findings and their total. The total is counted up to `count_cap` + 1 only: an exact count
    over a million rows costs more than the page itself, and a reader needs "more than 1,000", not the digit."""
    conds = _where(q)
    matching = select(MessageFindingRow.id).where(*conds)
    if count_cap is not None:
        matching = matching.limit(max(count_cap, offset + limit) + 1)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    if order == "worst":
        sort = (MessageFindingRow.severity.asc(), MessageFindingRow.burden_total_minutes.desc(),
                MessageFindingRow.id.desc())
    else:
        sort = (MessageFindingRow.sent_at.desc(), MessageFindingRow.id.desc())
    # Plain rows, not ORM objects: a list page only reads them, and identity-mapping 30 entities per request
    # was a large part of the page's cost under load.
    columns = MessageFindingRow.__table__.columns
    rows = session.execute(select(*columns).where(*conds).order_by(*sort).limit(limit).offset(offset))
    return [_stored(r) for r in rows], total


def update_finding(session: Session, finding_id: int, expected_version: int | None, **values: Any) -> StoredFinding:
    """Change a finding's review fields; a stale version raises ConflictError and writes nothing."""
    return _stored(edit_versioned(session, MessageFindingRow, finding_id, expected_version, "问题线索", values))


# --- aggregates for the overview ------------------------------------------------------------------------------------


def counts_by_code(session: Session, scope: frozenset[str] | None, since: datetime | None = None,
                   until: datetime | None = None) -> dict[str, int]:
    """Findings per code (a message with two codes counts for both), dismissed ones left out."""
    conds = _base(scope, since, until)
    out: dict[str, int] = {}
    # JSON has no equality on PostgreSQL: group on its text form, then read the list back.
    as_text = cast(MessageFindingRow.codes, Text)
    for codes, n in session.execute(select(as_text, func.count()).where(*conds).group_by(as_text)):
        for code in json.loads(codes):
            out[code] = out.get(code, 0) + n
    return out


def counts_by_status(session: Session, scope: frozenset[str] | None, since: datetime | None = None,
                     until: datetime | None = None) -> dict[str, int]:
    conds = _base(scope, since, until, dismissed=True)
    return {s: n for s, n in session.execute(
        select(MessageFindingRow.status, func.count()).where(*conds).group_by(MessageFindingRow.status))}


def burden_by_issuing_unit(session: Session, scope: frozenset[str] | None, limit: int = 15,
                           since: datetime | None = None, until: datetime | None = None) -> list[dict[str, Any]]:
    """Cadre-hours imposed per issuing unit (the sender's unit; the group owner when the sender's is unknown)."""
    issuer = func.coalesce(MessageFindingRow.issuing_unit_id, MessageFindingRow.owner_unit_id)
    conds = _base(scope, since, until)
    query = (
        select(issuer.label("unit_id"), UnitRow.name, func.count().label("n"),
               func.sum(MessageFindingRow.burden_total_minutes).label("minutes"),
               func.sum(case((MessageFindingRow.off_hours.is_(True), 1), else_=0)).label("off"))
        .join(UnitRow, UnitRow.id == issuer)
        .where(*conds).group_by(issuer, UnitRow.name)
        .order_by(func.sum(MessageFindingRow.burden_total_minutes).desc()).limit(limit)
    )
    return [{"unit_id": r.unit_id, "unit": r.name, "demands": r.n, "cadre_hours": round((r.minutes or 0) / 60, 1),
             "off_hours_share": round((r.off or 0) / r.n, 3) if r.n else 0.0} for r in session.execute(query)]


def heatmap(session: Session, scope: frozenset[str] | None) -> list[list[int]]:
    """Demands by local weekday (0 = Monday) and hour: [[weekday, hour, count], ...]."""
    conds = [*_base(scope), MessageFindingRow.sent_weekday.is_not(None)]
    rows = session.execute(
        select(MessageFindingRow.sent_weekday, MessageFindingRow.sent_hour, func.count())
        .where(*conds).group_by(MessageFindingRow.sent_weekday, MessageFindingRow.sent_hour)
    )
    return [[int(w), int(h), int(n)] for w, h, n in rows]


def monthly(session: Session, scope: frozenset[str] | None) -> list[dict[str, Any]]:
    """Demands and cadre-hours per local month."""
    conds = [*_base(scope), MessageFindingRow.sent_month.is_not(None)]
    rows = session.execute(
        select(MessageFindingRow.sent_month, func.count(), func.sum(MessageFindingRow.burden_total_minutes),
               func.sum(case((MessageFindingRow.off_hours.is_(True), 1), else_=0)))
        .where(*conds).group_by(MessageFindingRow.sent_month).order_by(MessageFindingRow.sent_month)
    )
    return [{"month": m, "demands": n, "cadre_hours": round((mins or 0) / 60, 1),
             "off_hours_share": round((off or 0) / n, 3) if n else 0.0} for m, n, mins, off in rows]


def worst_groups(session: Session, scope: frozenset[str] | None, limit: int = 10, since: datetime | None = None,
                 until: datetime | None = None) -> list[dict[str, Any]]:
    conds = _base(scope, since, until)
    rows = session.execute(
        select(MessageFindingRow.group_name, MessageFindingRow.tool_id, MessageFindingRow.owner_unit_id, UnitRow.name,
               func.count().label("n"), func.sum(MessageFindingRow.burden_total_minutes).label("minutes"),
               func.sum(case((MessageFindingRow.off_hours.is_(True), 1), else_=0)).label("off"))
        .join(UnitRow, UnitRow.id == MessageFindingRow.owner_unit_id)
        .where(*conds)
        .group_by(MessageFindingRow.group_name, MessageFindingRow.tool_id, MessageFindingRow.owner_unit_id,
                  UnitRow.name)
        .order_by(func.count().desc()).limit(limit)
    )
    return [{"group": r.group_name, "tool_id": r.tool_id, "owner_unit": r.name, "demands": r.n,
             "cadre_hours": round((r.minutes or 0) / 60, 1),
             "off_hours_share": round((r.off or 0) / r.n, 3) if r.n else 0.0} for r in rows]


def period_findings(session: Session, scope: frozenset[str] | None, since: datetime, until: datetime,
                    limit: int = 20) -> list[StoredFinding]:
    conds = _base(scope, since, until)
    rows = session.scalars(select(MessageFindingRow).where(and_(*conds))
                           .order_by(MessageFindingRow.severity, MessageFindingRow.burden_total_minutes.desc())
                           .limit(limit))
    return [_stored(r) for r in rows]
