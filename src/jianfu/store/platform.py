"""The platform's tables: accounts and log-ins, scan jobs, the change log and the unit tree.

Only `store/` speaks SQL (design.md); the services in `jianfu.workflow` call these functions inside
one session (one transaction) each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jianfu.errors import NotFound
from jianfu.store.models import ChangeRow, ScanJobRow, UnitRow, UserRow, WebSessionRow

ROLES = ("supervisor", "unit_admin", "reviewer")


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    unit_id: str
    unit_name: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class Change:
    at: datetime
    actor: str
    subject_type: str
    subject_id: str
    action: str
    reason: str | None
    details: dict[str, Any] | None


@dataclass(slots=True)
class Job:
    id: int
    kind: str
    filename: str
    path: str
    unit_id: str | None
    group_tool_id: str | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None
    status: str
    total: int
    processed: int
    findings: int
    problems: int
    error: str | None
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def progress(self) -> float:
        if self.status == "done":
            return 1.0
        return min(1.0, self.processed / self.total) if self.total else 0.0


@dataclass(frozen=True, slots=True)
class UnitTree:
    """Units by id with their parents: the scope of a supervisor is the subtree under their unit."""

    names: dict[str, str]
    levels: dict[str, str | None]
    parents: dict[str, str | None]

    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for unit, parent in self.parents.items():
            if parent is not None:
                out.setdefault(parent, []).append(unit)
        return out

    def subtree(self, root: str) -> set[str]:
        kids = self.children()
        seen = {root}
        stack = [root]
        while stack:
            for child in kids.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def by_name(self) -> dict[str, str]:
        return {name: uid for uid, name in self.names.items()}


# --- rows under review (findings, clues) ------------------------------------------------------------------------


def edit_versioned(session: Session, model: type[Any], key: int, expected_version: int | None, what: str,
                   values: dict[str, Any]) -> Any:
    """Set fields on one row whose `version` guards against lost updates; a stale version writes nothing."""
    from jianfu.errors import ConflictError

    row = session.get(model, key)
    if row is None:
        raise NotFound(f"{what}不存在: {key}")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(f"{what} {key} 已被他人修改，请刷新后重试")
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    return row


# --- units ----------------------------------------------------------------------------------------------------------


def unit_tree(session: Session) -> UnitTree:
    rows = session.execute(select(UnitRow.id, UnitRow.name, UnitRow.level, UnitRow.parent_id)).all()
    return UnitTree({r.id: r.name for r in rows}, {r.id: r.level for r in rows}, {r.id: r.parent_id for r in rows})


# --- accounts -------------------------------------------------------------------------------------------------------


def _user(row: UserRow, unit_name: str) -> User:
    return User(row.id, row.username, row.display_name, row.role, row.unit_id, unit_name, row.active)


def create_user(session: Session, *, username: str, display_name: str, password_hash: str, role: str,
                unit_id: str, now: datetime) -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    unit = session.get(UnitRow, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在: {unit_id}")
    row = UserRow(username=username, display_name=display_name, password_hash=password_hash, role=role,
                  unit_id=unit_id, active=True, created_at=now)
    session.add(row)
    session.flush()
    return _user(row, unit.name)


def user_credentials(session: Session, username: str) -> tuple[User, str] | None:
    """The user and their password hash, for the log-in check."""
    found = session.execute(
        select(UserRow, UnitRow.name).join(UnitRow, UnitRow.id == UserRow.unit_id).where(UserRow.username == username)
    ).first()
    if found is None:
        return None
    return _user(found[0], found[1]), found[0].password_hash


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound(f"用户不存在: {user_id}")
    row.password_hash = password_hash


def create_session(session: Session, *, user_id: int, token_hash: str, csrf_token: str, now: datetime,
                   expires_at: datetime) -> None:
    session.add(WebSessionRow(token_hash=token_hash, user_id=user_id, csrf_token=csrf_token, created_at=now,
                              expires_at=expires_at))


def session_user(session: Session, token_hash: str, now: datetime) -> tuple[User, str] | None:
    """The logged-in user and the session's CSRF token, or None for an unknown or expired token."""
    found = session.execute(
        select(UserRow, UnitRow.name, WebSessionRow.csrf_token, WebSessionRow.expires_at)
        .join(WebSessionRow, WebSessionRow.user_id == UserRow.id)
        .join(UnitRow, UnitRow.id == UserRow.unit_id)
        .where(WebSessionRow.token_hash == token_hash)
    ).first()
    if found is None or found.expires_at <= now or not found[0].active:
        return None
    return _user(found[0], found[1]), found.csrf_token


def end_session(session: Session, token_hash: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))


# --- the change log -------------------------------------------------------------------------------------------------


def record_change(session: Session, *, actor: str, subject_type: str, subject_id: str | int, action: str,
                  now: datetime, reason: str | None = None, details: dict[str, Any] | None = None) -> None:
    session.add(ChangeRow(at=now, actor=actor, subject_type=subject_type, subject_id=str(subject_id), action=action,
                          reason=reason, details=details))


def changes_for(session: Session, subject_type: str, subject_id: str | int) -> list[Change]:
    rows = session.scalars(
        select(ChangeRow).where(ChangeRow.subject_type == subject_type, ChangeRow.subject_id == str(subject_id))
        .order_by(ChangeRow.id)
    )
    return [Change(r.at, r.actor, r.subject_type, r.subject_id, r.action, r.reason, r.details) for r in rows]


# --- scan jobs ------------------------------------------------------------------------------------------------------


def _job(row: ScanJobRow) -> Job:
    return Job(row.id, row.kind, row.filename, row.path, row.unit_id, row.group_tool_id, row.created_by,
               row.created_at, row.finished_at, row.status, row.total, row.processed, row.findings, row.problems,
               row.error, dict(row.summary or {}))


def create_job(session: Session, *, kind: str, filename: str, path: str, unit_id: str | None,
               group_tool_id: str | None, created_by: str, now: datetime, inputs: dict[str, Any] | None = None) -> Job:
    """A queued job; `inputs` (e.g. a second file) is kept in the summary until the job replaces it."""
    row = ScanJobRow(kind=kind, filename=filename, path=path, unit_id=unit_id, group_tool_id=group_tool_id,
                     created_by=created_by, created_at=now, status="queued", total=0, processed=0, findings=0,
                     problems=0, summary={"inputs": inputs or {}})
    session.add(row)
    session.flush()
    return _job(row)


def get_job(session: Session, job_id: int) -> Job:
    row = session.get(ScanJobRow, job_id)
    if row is None:
        raise NotFound(f"扫描任务不存在: {job_id}")
    return _job(row)


def update_job(session: Session, job_id: int, **values: Any) -> None:
    row = session.get(ScanJobRow, job_id)
    if row is None:
        raise NotFound(f"扫描任务不存在: {job_id}")
    for key, value in values.items():
        setattr(row, key, value)


def list_jobs(session: Session, unit_ids: Sequence[str] | None = None, limit: int = 50) -> list[Job]:
    query = select(ScanJobRow).order_by(ScanJobRow.id.desc()).limit(limit)
    if unit_ids is not None:
        query = query.where(ScanJobRow.unit_id.in_(list(unit_ids)))
    return [_job(r) for r in session.scalars(query)]
