"""Web snapshots in the store: every fetch of a page with its verdict, so changes over time show.

A snapshot whose content is byte-identical to the previous one of the same URL and agent stores no second copy
of the content (only the fetch). Functions take a Session; the caller owns the transaction.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jianfu.store.models import WebSnapshotRow


@dataclass(frozen=True, slots=True)
class Snapshot:
    url: str
    agent: str
    fetched_at: datetime
    status_code: int | None
    error: str | None
    sha256: str | None
    hacked: bool
    findings: list[dict[str, Any]]


def _snapshot(row: WebSnapshotRow) -> Snapshot:
    return Snapshot(row.url, row.agent, row.fetched_at, row.status_code, row.error, row.sha256, row.hacked,
                    list(row.findings or []))


def latest_snapshot(session: Session, url: str, agent: str) -> Snapshot | None:
    row = session.execute(select(WebSnapshotRow).where(WebSnapshotRow.url == url, WebSnapshotRow.agent == agent)
                          .order_by(WebSnapshotRow.fetched_at.desc(), WebSnapshotRow.id.desc()).limit(1)).scalar()
    return _snapshot(row) if row else None


def save_snapshot(session: Session, *, url: str, agent: str, fetched_at: datetime, status_code: int | None,
                  final_url: str | None, error: str | None, body: bytes | None, hacked: bool,
                  findings: list[dict[str, Any]]) -> Snapshot:
    digest = hashlib.sha256(body).hexdigest() if body is not None else None
    previous = latest_snapshot(session, url, agent)
    keep = body is not None and (previous is None or previous.sha256 != digest)
    row = WebSnapshotRow(url=url, agent=agent, fetched_at=fetched_at, status_code=status_code, final_url=final_url,
                         error=error, sha256=digest, content_gz=gzip.compress(body, mtime=0) if keep and body else None,
                         hacked=hacked, findings=findings)
    session.add(row)
    session.flush()
    return _snapshot(row)


def snapshot_history(session: Session, url: str) -> list[Snapshot]:
    rows = session.execute(select(WebSnapshotRow).where(WebSnapshotRow.url == url)
                           .order_by(WebSnapshotRow.fetched_at, WebSnapshotRow.id)).scalars()
    return [_snapshot(r) for r in rows]


def snapshot_content(session: Session, url: str, sha256: str) -> bytes | None:
    """The stored page with this digest (kept once, on the first snapshot that had it)."""
    row = session.execute(select(WebSnapshotRow.content_gz).where(
        WebSnapshotRow.url == url, WebSnapshotRow.sha256 == sha256, WebSnapshotRow.content_gz.is_not(None)).limit(1)
    ).scalar()
    return gzip.decompress(row) if row else None


def latest_snapshots(session: Session, agent: str = "browser", limit: int = 500) -> list[Snapshot]:
    """The newest snapshot of every URL as one agent saw it, hacked pages and pages with findings first."""
    from sqlalchemy import func

    newest = (select(func.max(WebSnapshotRow.id)).where(WebSnapshotRow.agent == agent)
              .group_by(WebSnapshotRow.url).scalar_subquery())
    rows = session.execute(select(WebSnapshotRow).where(WebSnapshotRow.id.in_(newest))).scalars()
    snaps = [_snapshot(r) for r in rows]
    snaps.sort(key=lambda s: (not s.hacked, not s.findings, s.url))
    return snaps[:limit]
