"""Activity in the store: daily figures, login events and assessed health.

Imports are idempotent (a re-import of the same file changes nothing) and run inside the caller's
transaction, so a failed import writes nothing. Like store/registry.py, functions take a Session and
the caller's clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from jianfu.detect.activity import Health
from jianfu.ingest.activity import METRICS, SHANGHAI, ActivityRow, SeriesBuilder
from jianfu.store.models import ActivityDayRow, HealthRow, LoginEventRow, ToolRow

CHUNK = 2_000


@dataclass(frozen=True, slots=True)
class StoredHealth:
    tool_id: str
    name: str
    as_of: date
    status: str
    reasons: list[str]
    rules: list[str]
    assessed_at: datetime
    assessed_by: str


def _values(row: ActivityRow) -> dict[str, float | None]:
    return {m: (None if math.isnan(v) else v) for m, v in zip(METRICS, row.values, strict=True)}


def import_activity(session: Session, rows: Iterable[ActivityRow]) -> tuple[int, int]:
    """Upsert daily rows by (tool, day): returns (added, updated); unchanged rows are left alone."""
    added = updated = 0
    batch: dict[tuple[str, date], dict[str, float | None]] = {}

    def flush() -> None:
        nonlocal added, updated
        if not batch:
            return
        ids = {k[0] for k in batch}
        days = [k[1] for k in batch]
        existing = {(r.tool_id, r.day): r for r in session.execute(
            select(ActivityDayRow).where(ActivityDayRow.tool_id.in_(ids),
                                         ActivityDayRow.day.between(min(days), max(days)))).scalars()}
        new = []
        for (tool_id, day), values in batch.items():
            old = existing.get((tool_id, day))
            if old is None:
                new.append({"tool_id": tool_id, "day": day, **values})
            elif any(getattr(old, m) != values[m] for m in METRICS):
                session.execute(update(ActivityDayRow).where(ActivityDayRow.id == old.id).values(**values))
                updated += 1
        if new:
            session.execute(insert(ActivityDayRow), new)
            added += len(new)
        batch.clear()

    for row in rows:
        batch[(row.tool_id, row.day)] = _values(row)
        if len(batch) >= CHUNK:
            flush()
    flush()
    return added, updated


def import_logins(session: Session, events: Sequence[tuple[str, datetime]]) -> int:
    added = 0
    for i in range(0, len(events), CHUNK):
        chunk = dict.fromkeys(events[i:i + CHUNK])
        ids = {t for t, _ in chunk}
        lo, hi = min(at for _, at in chunk), max(at for _, at in chunk)
        existing = {(r.tool_id, r.at) for r in session.execute(
            select(LoginEventRow).where(LoginEventRow.tool_id.in_(ids), LoginEventRow.at.between(lo, hi))).scalars()}
        new = [{"tool_id": t, "at": at} for t, at in chunk if (t, at) not in existing]
        if new:
            session.execute(insert(LoginEventRow), new)
            added += len(new)
    return added


def load_series(session: Session, builder: SeriesBuilder) -> None:
    """Fill the builder from the stored rows (all of them: first/last seen span the whole history)."""
    cols = [getattr(ActivityDayRow, m) for m in METRICS]
    query = select(ActivityDayRow.tool_id, ActivityDayRow.day, *cols).where(ActivityDayRow.day <= builder.as_of)
    for tool_id, day, *values in session.execute(query).yield_per(10_000):
        builder.add(ActivityRow(day, tool_id, tuple(math.nan if v is None else float(v) for v in values)))
    since = datetime.combine(builder.start, datetime.min.time(), tzinfo=SHANGHAI)
    for tool_id, at in session.execute(select(LoginEventRow.tool_id, LoginEventRow.at)
                                       .where(LoginEventRow.at >= since - timedelta(days=1))).yield_per(10_000):
        builder.add_login(tool_id, at)


def store_health(session: Session, healths: Sequence[Health], *, actor: str, now: datetime) -> int:
    """Write (or replace) each tool's status for its assessment date; returns how many were written."""
    for h in healths:
        assert h.as_of is not None
        row = session.execute(select(HealthRow).where(HealthRow.tool_id == h.tool_id,
                                                      HealthRow.as_of == h.as_of)).scalar_one_or_none()
        if row is None:
            session.add(HealthRow(tool_id=h.tool_id, as_of=h.as_of, status=h.status, reasons=h.reasons,
                                  rules=h.rules, assessed_at=now, assessed_by=actor))
        else:
            row.status, row.reasons, row.rules = h.status, h.reasons, h.rules
            row.assessed_at, row.assessed_by = now, actor
    session.flush()
    return len(healths)


def _stored(row: HealthRow, name: str | None) -> StoredHealth:
    return StoredHealth(row.tool_id, name or "", row.as_of, row.status, list(row.reasons), list(row.rules),
                        row.assessed_at, row.assessed_by)


def latest_health(session: Session, statuses: Sequence[str] | None = None,
                  limit: int | None = None) -> list[StoredHealth]:
    """Each tool's most recent assessment (optionally only some statuses), worst first."""
    newest = (select(HealthRow.tool_id, func.max(HealthRow.as_of).label("as_of"))
              .group_by(HealthRow.tool_id).subquery())
    query = (select(HealthRow, ToolRow.name)
             .join(newest, and_(HealthRow.tool_id == newest.c.tool_id, HealthRow.as_of == newest.c.as_of))
             .outerjoin(ToolRow, ToolRow.id == HealthRow.tool_id))
    if statuses:
        query = query.where(HealthRow.status.in_(statuses))
    order = {"ZOMBIE": 0, "EMPTY_SHELL": 1, "FORCED_USAGE_PATTERN": 2, "HEALTHY": 3}
    rows = sorted((_stored(r, n) for r, n in session.execute(query)), key=lambda h: (order[h.status], h.tool_id))
    return rows[:limit] if limit else rows


def health_history(session: Session, tool_id: str) -> list[StoredHealth]:
    name = session.execute(select(ToolRow.name).where(ToolRow.id == tool_id)).scalar_one_or_none()
    rows = session.execute(select(HealthRow).where(HealthRow.tool_id == tool_id)
                           .order_by(HealthRow.as_of.desc())).scalars()
    return [_stored(r, name) for r in rows]


def health_counts(session: Session, scope: Sequence[str] | frozenset[str] | None) -> dict[str, int]:
    """Tools per latest status, for the tools owned by units in scope (None = all)."""
    newest = (select(HealthRow.tool_id, func.max(HealthRow.as_of).label("as_of"))
              .group_by(HealthRow.tool_id).subquery())
    query = (select(HealthRow.status, func.count())
             .join(newest, and_(HealthRow.tool_id == newest.c.tool_id, HealthRow.as_of == newest.c.as_of))
             .join(ToolRow, ToolRow.id == HealthRow.tool_id).group_by(HealthRow.status))
    if scope is not None:
        query = query.where(ToolRow.owner_unit_id.in_(list(scope)))
    return {status: n for status, n in session.execute(query)}
