"""The registry repository: every read and write of units, people, tools, filings and the audit log.

Functions take an open Session (one transaction, see Store.session) and the current time, so callers
decide the transaction's extent and tests decide the clock. Records in and out are the plain
dataclasses of jianfu.records; ORM rows never leave this module except through these functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jianfu.errors import ConflictError, InputError, NotFoundError
from jianfu.lifecycle import Status, check_transition, parse_status
from jianfu.records import Tool, Unit
from jianfu.store.models import AuditRow, FilingRow, PersonRow, ToolRow, UnitRow

# The fields a 台账 row sets; their hash tells whether a re-import changes anything.
IMPORTED_FIELDS = ("kind", "name", "owner_unit", "level", "description", "functions", "audience", "launched",
                   "platform", "purpose", "responsible_person", "filing_number", "features", "exemption",
                   "temporary", "task_end", "status", "merged_into")


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def content_hash(tool: Tool) -> str:
    payload = {name: _jsonable(getattr(tool, name)) for name in IMPORTED_FIELDS}
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def unit_id_for(name: str) -> str:
    """A stable id for a unit known only by its name in a 台账 row."""
    return "u-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


@dataclass(slots=True)
class ImportResult:
    units_added: int = 0
    units_updated: int = 0
    tools_added: int = 0
    tools_updated: int = 0
    tools_unchanged: int = 0
    people_added: int = 0
    updated_ids: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.units_added or self.units_updated or self.tools_added or self.tools_updated
                    or self.people_added)


@dataclass(slots=True)
class AuditEntry:
    tool_id: str
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    reason: str | None
    details: dict[str, Any] | None


@dataclass(slots=True)
class Filing:
    id: int
    tool_id: str
    submitted_by: str
    submitted_at: datetime
    answers: dict[str, Any]
    checks: list[dict[str, Any]]
    decision: str
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    redirect_to: str | None


# --- units and people ------------------------------------------------------------------------------


class _Directory:
    """Units and people of the database, loaded once per import so rows resolve without a query each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.units: dict[str, UnitRow] = {u.id: u for u in session.scalars(select(UnitRow))}
        self.unit_by_name: dict[str, UnitRow] = {u.name: u for u in self.units.values()}
        self.people: dict[tuple[str, str | None], PersonRow] = {
            (p.name, p.unit_id): p for p in session.scalars(select(PersonRow))
        }

    def unit(self, ref: str, level: str | None, result: ImportResult) -> UnitRow:
        ref = ref.strip()
        found = self.units.get(ref) or self.unit_by_name.get(ref)
        if found is not None:
            return found
        row = UnitRow(id=unit_id_for(ref), name=ref, level=level)
        self.session.add(row)
        self.session.flush()  # rows are not linked by relationship(): insert the unit before its people
        self.units[row.id] = row
        self.unit_by_name[row.name] = row
        result.units_added += 1
        return row

    def person(self, name: str, unit_id: str, result: ImportResult) -> PersonRow:
        key = (name.strip(), unit_id)
        found = self.people.get(key)
        if found is None:
            found = PersonRow(name=key[0], unit_id=unit_id, role="responsible")
            self.session.add(found)
            self.session.flush()  # the tool row needs its id
            self.people[key] = found
            result.people_added += 1
        return found


def _apply_units(directory: _Directory, units: Sequence[Unit], result: ImportResult) -> None:
    # Parents may come after children in the file: create or update all, then link.
    touched: set[str] = set()
    for unit in units:
        row = directory.units.get(unit.id) or directory.unit_by_name.get(unit.name)
        hours = [list(pair) for pair in unit.working_hours] if unit.working_hours else None
        if row is None:
            row = UnitRow(id=unit.id, name=unit.name, level=unit.level, working_hours=hours, region=unit.region)
            directory.session.add(row)
            directory.units[row.id] = row
            directory.unit_by_name[row.name] = row
            result.units_added += 1
            touched.add(row.id)
            continue
        wanted = {"name": unit.name, "level": unit.level, "working_hours": hours, "region": unit.region}
        if any(getattr(row, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(row, k, v)
            result.units_updated += 1
            touched.add(row.id)
    directory.session.flush()
    for unit in units:
        row = directory.units.get(unit.id) or directory.unit_by_name[unit.name]
        parent_id = None
        if unit.parent:
            parent = directory.units.get(unit.parent) or directory.unit_by_name.get(unit.parent)
            if parent is None:
                raise InputError(f"单位 {unit.name} 的上级单位 {unit.parent!r} 不在单位表中")
            parent_id = parent.id
        if row.parent_id != parent_id:
            row.parent_id = parent_id
            if row.id not in touched:
                result.units_updated += 1
                touched.add(row.id)
    directory.session.flush()


# --- import ----------------------------------------------------------------------------------------


def import_registry(session: Session, units: Sequence[Unit], tools: Sequence[Tool], *, actor: str,
                    now: datetime, source: str | None = None) -> ImportResult:
    """Write a validated 台账 into the database. Unchanged rows are left alone (idempotent)."""
    result = ImportResult()
    directory = _Directory(session)
    _apply_units(directory, units, result)
    existing: dict[str, ToolRow] = {
        row.id: row for row in session.scalars(select(ToolRow).where(ToolRow.id.in_([t.id for t in tools])))
    } if len(tools) <= 5000 else {row.id: row for row in session.scalars(select(ToolRow))}
    merges: list[tuple[ToolRow, str | None]] = []
    for tool in tools:
        status = parse_status(tool.status)
        digest = content_hash(tool)
        row = existing.get(tool.id)
        if row is not None and row.content_hash == digest:
            result.tools_unchanged += 1
            continue
        unit = directory.unit(tool.owner_unit, tool.level, result)
        person_id = (directory.person(tool.responsible_person, unit.id, result).id
                     if tool.responsible_person else None)
        values = {
            "kind": tool.kind, "name": tool.name, "owner_unit_id": unit.id, "level": tool.level,
            "description": tool.description, "functions": list(tool.functions), "audience": tool.audience,
            "launched": tool.launched, "platform": tool.platform, "purpose": tool.purpose,
            "responsible_person_id": person_id, "filing_number": tool.filing_number,
            "features": list(tool.features), "exemption": tool.exemption, "temporary": tool.temporary,
            "task_end": tool.task_end, "status": status.value, "content_hash": digest,
        }
        if row is None:
            row = ToolRow(id=tool.id, created_at=now, updated_at=now, **values)
            session.add(row)
            result.tools_added += 1
            session.add(AuditRow(tool_id=tool.id, at=now, actor=actor, action="import", from_status=None,
                                 to_status=status.value, reason=f"导入台账 {source}" if source else "导入台账",
                                 details=None))
        else:
            changed = sorted(k for k, v in values.items() if k != "content_hash" and getattr(row, k) != v)
            before = row.status
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = now
            result.tools_updated += 1
            result.updated_ids.append(tool.id)
            session.add(AuditRow(tool_id=tool.id, at=now, actor=actor, action="update", from_status=before,
                                 to_status=status.value, reason=f"导入台账 {source}" if source else "导入台账",
                                 details={"changed": changed}))
        merges.append((row, tool.merged_into))
    session.flush()
    for row, target in merges:
        if row.merged_into_id != target:
            if target is not None and session.get(ToolRow, target) is None:
                raise InputError(f"{row.id}: 并入对象 {target!r} 不在台账中", file=source)
            row.merged_into_id = target
    _flush(session)
    return result


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError("记录已被他人修改，本次修改未写入，请刷新后重试") from exc
    except OperationalError as exc:  # SQLite: another writer holds the database
        if "locked" in str(exc):
            raise ConflictError("数据库正被他人写入，本次修改未写入，请稍后重试") from exc
        raise


# --- reading ---------------------------------------------------------------------------------------


def _records(session: Session, rows: Iterable[ToolRow]) -> list[Tool]:
    rows = list(rows)
    unit_ids = {r.owner_unit_id for r in rows}
    person_ids = {r.responsible_person_id for r in rows if r.responsible_person_id is not None}
    units = {u.id: u for u in session.scalars(select(UnitRow).where(UnitRow.id.in_(unit_ids)))} if unit_ids else {}
    people = ({p.id: p.name for p in session.scalars(select(PersonRow).where(PersonRow.id.in_(person_ids)))}
              if person_ids else {})
    out = []
    for r in rows:
        unit = units.get(r.owner_unit_id)
        out.append(Tool(
            id=r.id, kind=r.kind, name=r.name, owner_unit=unit.name if unit else r.owner_unit_id,
            level=r.level, description=r.description, functions=tuple(r.functions), audience=r.audience,
            launched=r.launched, platform=r.platform, purpose=r.purpose,
            responsible_person=people.get(r.responsible_person_id) if r.responsible_person_id else None,
            filing_number=r.filing_number, features=tuple(r.features), exemption=r.exemption,
            temporary=r.temporary, task_end=r.task_end, status=r.status, merged_into=r.merged_into_id,
        ))
    return out


def get_tool(session: Session, tool_id: str) -> Tool:
    row = session.get(ToolRow, tool_id)
    if row is None:
        raise NotFoundError(f"台账中没有编号为 {tool_id!r} 的工具")
    return _records(session, [row])[0]


def tool_version(session: Session, tool_id: str) -> int:
    row = session.get(ToolRow, tool_id)
    if row is None:
        raise NotFoundError(f"台账中没有编号为 {tool_id!r} 的工具")
    return row.version


def list_tools(session: Session, *, kind: str | None = None, unit: str | None = None,
               status: Iterable[str] | None = None, search: str | None = None,
               limit: int | None = None, offset: int = 0) -> list[Tool]:
    query = select(ToolRow).order_by(ToolRow.id)
    if kind:
        query = query.where(ToolRow.kind == kind)
    if unit:
        unit_row = session.get(UnitRow, unit) or session.scalar(select(UnitRow).where(UnitRow.name == unit))
        if unit_row is None:
            raise NotFoundError(f"没有单位 {unit!r}")
        query = query.where(ToolRow.owner_unit_id == unit_row.id)
    if status:
        query = query.where(ToolRow.status.in_(list(status)))
    if search:
        query = query.where(ToolRow.name.contains(search))
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return _records(session, session.scalars(query))


def count_tools(session: Session) -> dict[str, int]:
    return dict(session.execute(select(ToolRow.status, func.count()).group_by(ToolRow.status)).tuples().all())


def list_units(session: Session) -> list[Unit]:
    return [Unit(id=u.id, name=u.name, level=u.level or "", parent=u.parent_id,
                 working_hours=[(a, b) for a, b in u.working_hours] if u.working_hours else None, region=u.region)
            for u in session.scalars(select(UnitRow).order_by(UnitRow.id))]


def audit_trail(session: Session, tool_id: str) -> list[AuditEntry]:
    rows = session.scalars(select(AuditRow).where(AuditRow.tool_id == tool_id).order_by(AuditRow.id))
    return [AuditEntry(r.tool_id, r.at, r.actor, r.action, r.from_status, r.to_status, r.reason, r.details)
            for r in rows]


# --- lifecycle -------------------------------------------------------------------------------------


def _row_for_update(session: Session, tool_id: str, expected_version: int | None) -> ToolRow:
    row = session.get(ToolRow, tool_id)
    if row is None:
        raise NotFoundError(f"台账中没有编号为 {tool_id!r} 的工具")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(f"{tool_id} 已被他人修改（版本 {row.version}，您看到的是 {expected_version}），"
                            "本次修改未写入，请刷新后重试")
    return row


def transition(session: Session, tool_id: str, target: Status | str, *, actor: str, reason: str, now: datetime,
               merged_into: str | None = None, expected_version: int | None = None,
               action: str = "transition", details: dict[str, Any] | None = None) -> Tool:
    """Move a tool to another lifecycle state and write who, when and why to the audit log."""
    target = Status(target)
    if not reason.strip():
        raise InputError("变更状态须说明理由")
    row = _row_for_update(session, tool_id, expected_version)
    current = Status(row.status)
    check_transition(current, target)
    if target is Status.MERGED:
        if not merged_into:
            raise InputError("整合须指明并入的工具")
        if merged_into == tool_id:
            raise InputError("不能并入自身")
        into = session.get(ToolRow, merged_into)
        if into is None:
            raise NotFoundError(f"台账中没有编号为 {merged_into!r} 的工具")
        if into.status in (Status.MERGED, Status.RETIRED, Status.REJECTED):
            raise InputError(f"{merged_into} 已是「{into.status}」状态，不能作为并入对象")
        row.merged_into_id = merged_into
    row.status = target.value
    row.updated_at = now
    session.add(AuditRow(tool_id=tool_id, at=now, actor=actor, action=action, from_status=current.value,
                         to_status=target.value, reason=reason,
                         details={**({"merged_into": merged_into} if merged_into else {}), **(details or {})}
                         or None))
    _flush(session)
    return _records(session, [row])[0]


def update_tool(session: Session, tool_id: str, changes: dict[str, Any], *, actor: str, reason: str,
                now: datetime, expected_version: int | None = None) -> Tool:
    """Edit a tool's descriptive fields (not its status: that goes through transition())."""
    editable = {"name", "description", "functions", "audience", "launched", "platform", "purpose",
                "filing_number", "features", "exemption", "temporary", "task_end", "level"}
    unknown = set(changes) - editable
    if unknown:
        raise InputError(f"不能直接修改字段：{'、'.join(sorted(unknown))}")
    row = _row_for_update(session, tool_id, expected_version)
    for name, value in changes.items():
        setattr(row, name, list(value) if isinstance(value, tuple) else value)
    row.updated_at = now
    with session.no_autoflush:  # one UPDATE, one version step
        record = _records(session, [row])[0]
    row.content_hash = content_hash(record)
    session.add(AuditRow(tool_id=tool_id, at=now, actor=actor, action="update", from_status=row.status,
                         to_status=row.status, reason=reason, details={"changed": sorted(changes)}))
    _flush(session)
    return record


# --- filing (审核备案) --------------------------------------------------------------------------------


def _filing(row: FilingRow) -> Filing:
    return Filing(row.id, row.tool_id, row.submitted_by, row.submitted_at, row.answers, row.checks, row.decision,
                  row.decided_by, row.decided_at, row.decision_reason, row.redirect_to_id)


def create_filing(session: Session, tool: Tool, *, answers: dict[str, Any], checks: list[dict[str, Any]],
                  actor: str, now: datetime) -> Filing:
    """Register a proposed tool and its filing application; the tool waits under review."""
    if session.get(ToolRow, tool.id) is not None:
        raise InputError(f"编号 {tool.id} 已在台账中")
    proposed = Tool(**{**{k: getattr(tool, k) for k in Tool.__slots__}, "status": Status.PROPOSED.value})
    import_registry(session, [], [proposed], actor=actor, now=now, source="备案申请")
    transition(session, tool.id, Status.UNDER_REVIEW, actor=actor, reason="提交备案申请", now=now, action="file")
    row = FilingRow(tool_id=tool.id, submitted_by=actor, submitted_at=now, answers=answers, checks=checks,
                    decision="pending")
    session.add(row)
    session.flush()
    return _filing(row)


def get_filing(session: Session, filing_id: int) -> Filing:
    row = session.get(FilingRow, filing_id)
    if row is None:
        raise NotFoundError(f"没有编号为 {filing_id} 的备案申请")
    return _filing(row)


def list_filings(session: Session, decision: str | None = None) -> list[Filing]:
    query = select(FilingRow).order_by(FilingRow.id)
    if decision:
        query = query.where(FilingRow.decision == decision)
    return [_filing(r) for r in session.scalars(query)]


DECISIONS = {"approve": ("approved", Status.ACTIVE), "reject": ("rejected", Status.REJECTED),
             "redirect": ("redirected", Status.MERGED)}


def decide_filing(session: Session, filing_id: int, decision: str, *, actor: str, reason: str, now: datetime,
                  redirect_to: str | None = None, filing_number: str | None = None) -> Filing:
    """Record the reviewer's decision and move the tool on: approved → active, rejected, or redirected
    (its functions go into an existing tool as a module: merged into it)."""
    if decision not in DECISIONS:
        raise InputError(f"未知的审核决定 {decision!r}（approve、reject、redirect）")
    row = session.get(FilingRow, filing_id)
    if row is None:
        raise NotFoundError(f"没有编号为 {filing_id} 的备案申请")
    if row.decision != "pending":
        raise ConflictError(f"备案申请 {filing_id} 已于 {row.decided_at:%Y-%m-%d %H:%M} 由 {row.decided_by} "
                            f"作出决定（{row.decision}），不能重复审核")
    outcome, target = DECISIONS[decision]
    if decision == "redirect" and not redirect_to:
        raise InputError("转为模块须指明已有工具（--into）")
    transition(session, row.tool_id, target, actor=actor, reason=reason, now=now, merged_into=redirect_to,
               action="review")
    if filing_number and target is Status.ACTIVE:
        tool = session.get(ToolRow, row.tool_id)
        assert tool is not None
        tool.filing_number = filing_number
    row.decision = outcome
    row.decided_by = actor
    row.decided_at = now
    row.decision_reason = reason
    row.redirect_to_id = redirect_to
    _flush(session)
    return _filing(row)
