"""SQLAlchemy 2 models of the registry: units, people, tools, filings and the append-only audit log.

Only `store/` talks SQL (design.md). The same models run on SQLite (embedded default) and
PostgreSQL; types are chosen to mean the same on both (JSON lists, timezone-aware timestamps).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations are the same on both databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class AwareDateTime(TypeDecorator[datetime]):
    """Timestamps stay aware on both databases: UTC in storage (SQLite keeps no zone), aware on return."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: registry timestamps must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UnitRow(Base):
    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str | None] = mapped_column(String(16))  # None: created from a 台账 row that did not say
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    working_hours: Mapped[list[list[str]] | None] = mapped_column(JSON)
    region: Mapped[str | None] = mapped_column(String(100))


class PersonRow(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("name", "unit_id", name="uq_people_name_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(32), default="responsible")  # supervisor, unit_admin, cadre …


class ToolRow(Base):
    __tablename__ = "tools"
    __table_args__ = (Index("ix_tools_owner_kind_platform", "owner_unit_id", "kind", "platform"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    level: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    functions: Mapped[list[str]] = mapped_column(JSON, default=list)
    audience: Mapped[str] = mapped_column(String(200), default="")
    launched: Mapped[date | None] = mapped_column(Date)
    platform: Mapped[str | None] = mapped_column(String(50))
    purpose: Mapped[str] = mapped_column(Text, default="")
    responsible_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    filing_number: Mapped[str | None] = mapped_column(String(64))
    features: Mapped[list[str]] = mapped_column(JSON, default=list)
    exemption: Mapped[str | None] = mapped_column(String(200))
    temporary: Mapped[bool] = mapped_column(Boolean, default=False)
    task_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("tools.id"))
    content_hash: Mapped[str] = mapped_column(String(64))  # of the imported fields: re-import is a no-op
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())
    # Optimistic locking: an UPDATE that finds another version raises instead of losing an edit.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict


class FilingRow(Base):
    """A 审核备案 application: the applicant's answers, the checks' results and the reviewer's decision."""

    __tablename__ = "filings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tool_id: Mapped[str] = mapped_column(ForeignKey("tools.id"), index=True)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(AwareDateTime())
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision: Mapped[str] = mapped_column(String(20), default="pending")  # approved, rejected, redirected
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    redirect_to_id: Mapped[str | None] = mapped_column(ForeignKey("tools.id"))


class AuditRow(Base):
    """Who did what to which tool, when and why. Append-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tool_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # import, update, file, review, transition
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ActivityDayRow(Base):
    """One tool's figures for one day (contracts.md §3); NULL = figure missing, no row = day missing."""

    __tablename__ = "activity_days"
    __table_args__ = (UniqueConstraint("tool_id", "day", name="uq_activity_days_tool_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tool_id: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    active_users: Mapped[float | None] = mapped_column(Float)
    new_posts: Mapped[float | None] = mapped_column(Float)
    page_views: Mapped[float | None] = mapped_column(Float)
    logins: Mapped[float | None] = mapped_column(Float)
    interactions: Mapped[float | None] = mapped_column(Float)
    replies_to_public: Mapped[float | None] = mapped_column(Float)


class LoginEventRow(Base):
    __tablename__ = "login_events"
    __table_args__ = (UniqueConstraint("tool_id", "at", name="uq_login_events_tool_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tool_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(AwareDateTime())


class HealthRow(Base):
    """An assessed activity status with its reasons; one per tool and assessment date."""

    __tablename__ = "tool_health"
    __table_args__ = (UniqueConstraint("tool_id", "as_of", name="uq_tool_health_tool_as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tool_id: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), index=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    assessed_at: Mapped[datetime] = mapped_column(AwareDateTime())
    assessed_by: Mapped[str] = mapped_column(String(100))


class WebSnapshotRow(Base):
    """One fetch of one page as one user agent, with the verdict: snapshots over time show changes."""

    __tablename__ = "web_snapshots"
    __table_args__ = (Index("ix_web_snapshots_url_fetched", "url", "fetched_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000))
    agent: Mapped[str] = mapped_column(String(16))  # browser | spider
    fetched_at: Mapped[datetime] = mapped_column(AwareDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    final_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    content_gz: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    hacked: Mapped[bool] = mapped_column(Boolean, default=False)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


# --- The platform (web): accounts, scans, message findings under review, anonymous clues ---------------------------


class UserRow(Base):
    """A platform account. Roles: supervisor (all units below theirs), unit_admin (their unit), reviewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class WebSessionRow(Base):
    """A log-in. Only the token's SHA-256 is stored, so a leaked table opens no session."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())


class ScanJobRow(Base):
    """An uploaded file and the background work on it: progress, counts, outcome."""

    __tablename__ = "scan_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # chat | activity | pages
    filename: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(String(1000))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)
    group_tool_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MessageFindingRow(Base):
    """A work-group message with at least one demand finding, and its review state.

    `fingerprint` leaves out scores and rule-set version (principles.md §6), so a rescan finds the
    same row and a dismissal stays dismissed.
    """

    __tablename__ = "message_findings"
    __table_args__ = (
        Index("ix_message_findings_owner_status", "owner_unit_id", "status"),
        Index("ix_message_findings_issuing_sent", "issuing_unit_id", "sent_at"),
        Index("ix_message_findings_sent", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("scan_jobs.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[str] = mapped_column(String(200))
    group_name: Mapped[str] = mapped_column(String(200))
    tool_id: Mapped[str | None] = mapped_column(String(64), index=True)  # the work group in the 台账
    owner_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))  # 谁建群谁负责
    issuing_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))  # the sender's unit
    sender: Mapped[str | None] = mapped_column(String(100))
    sender_role: Mapped[str | None] = mapped_column(String(20))
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # Local (Asia/Shanghai) month, weekday (0 = Monday) and hour of sent_at, kept so the dashboard's
    # trend and heat map group the same way on SQLite and PostgreSQL without date functions.
    sent_month: Mapped[str | None] = mapped_column(String(7))
    sent_weekday: Mapped[int | None] = mapped_column(Integer)
    sent_hour: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    primary_code: Mapped[str] = mapped_column(String(32), index=True)
    details: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # code, rule, span, evidence, policy…
    score: Mapped[float] = mapped_column(Float)
    severity: Mapped[str] = mapped_column(String(4))
    off_hours: Mapped[bool | None] = mapped_column(Boolean)
    deadline: Mapped[str | None] = mapped_column(String(100))
    burden_minutes: Mapped[float] = mapped_column(Float, default=0.0)  # per recipient
    group_size: Mapped[int | None] = mapped_column(Integer)
    burden_total_minutes: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    status_reason: Mapped[str | None] = mapped_column(Text)
    assigned_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    rectification: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict


class ClueRow(Base):
    """An anonymous 线索: no account, no IP, no user agent; only the day it arrived is kept.

    The receipt code is shown once to the reporter; only its SHA-256 is stored.
    """

    __tablename__ = "clues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(16), index=True)
    tool_name: Mapped[str] = mapped_column(String(200), default="")
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    public_reply: Mapped[str | None] = mapped_column(Text)
    internal_note: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), index=True)  # set at triage
    tool_id: Mapped[str | None] = mapped_column(ForeignKey("tools.id"))
    finding_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    handled_by: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict


class ChangeRow(Base):
    """Every change made on the platform (findings, clues, accounts): append-only, like audit_log."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(20))  # finding, clue, user, job, tool
    subject_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
