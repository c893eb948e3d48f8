"""The JSON API under /api (OpenAPI at /api/openapi.json), used by the pages' progress bar and by scripts.

Errors always have the shape {"ok": false, "error": "...", "errors": [...], "status": n}. State-changing
calls need the session's CSRF token in the X-CSRF-Token header (see GET /api/me), except the public clue
endpoints, which need no log-in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from jianfu.store.findings import COUNT_CAP, StoredFinding
from jianfu.web.deps import CheckedAccess, CurrentAccess, ServicesDep
from jianfu.web.routes.findings import finding_query

router = APIRouter(prefix="/api", tags=["api"])


class MePublic(BaseModel):
    username: str
    display_name: str
    role: str
    unit_id: str
    unit_name: str
    csrf_token: str


class FindingPublic(BaseModel):
    id: int
    message_id: str
    group: str
    tool_id: str | None
    owner_unit_id: str
    issuing_unit_id: str | None
    sender: str | None
    sent_at: str | None
    text: str
    labels: list[str]
    findings: list[dict[str, Any]]
    severity: str
    off_hours: bool | None
    burden_minutes: float
    burden_total_minutes: float
    status: str
    status_reason: str | None
    assigned_unit_id: str | None
    due_on: str | None
    version: int


class FindingPage(BaseModel):
    total: int = Field(description="matching findings, counted up to 1,001 (1,001 = more than 1,000)")
    total_capped: bool
    items: list[FindingPublic]


class FindingAction(BaseModel):
    action: str = Field(description="confirm | dismiss | assign | rectify | close | reopen")
    reason: str = ""
    version: int | None = None
    unit_id: str | None = None
    due_on: date | None = None


class JobPublic(BaseModel):
    id: int
    kind: str
    filename: str
    status: str
    progress: float
    total: int
    processed: int
    findings: int
    problems: int
    error: str | None
    summary: dict[str, Any]


class ClueCreate(BaseModel):
    category: str = Field(description="forced_use | over_trace | ranking | duplicate | shell_zombie")
    description: str
    tool_name: str = ""
    unit_name: str = ""


class ClueReceipt(BaseModel):
    ok: bool = True
    receipt_code: str


class ClueFollow(BaseModel):
    receipt_code: str


class ClueStatusPublic(BaseModel):
    category: str
    received_on: str
    status: str
    reply: str | None


def _public(f: StoredFinding) -> FindingPublic:
    return FindingPublic(
        id=f.id, message_id=f.message_id, group=f.group_name, tool_id=f.tool_id, owner_unit_id=f.owner_unit_id,
        issuing_unit_id=f.issuing_unit_id, sender=f.sender, sent_at=f.sent_at.isoformat() if f.sent_at else None,
        text=f.text, labels=f.codes, findings=f.details, severity=f.severity, off_hours=f.off_hours,
        burden_minutes=f.burden_minutes, burden_total_minutes=f.burden_total_minutes, status=f.status,
        status_reason=f.status_reason, assigned_unit_id=f.assigned_unit_id,
        due_on=f.due_on.isoformat() if f.due_on else None, version=f.version)


@router.get("/me", response_model=MePublic)
def me(access: CurrentAccess) -> MePublic:
    u = access.user
    return MePublic(username=u.username, display_name=u.display_name, role=u.role, unit_id=u.unit_id,
                    unit_name=u.unit_name, csrf_token=access.csrf_token)


@router.get("/overview")
def overview(services: ServicesDep, access: CurrentAccess) -> dict[str, Any]:
    """Every figure of the 总览 page for the user's scope."""
    return {"ok": True, **services.overview.build(access.scope)}


@router.get("/findings", response_model=FindingPage)
def findings(services: ServicesDep, access: CurrentAccess, code: str | None = None, status: str | None = None,
             unit: str | None = None, tool: str | None = None, job: int | None = None, off_hours: str | None = None,
             since: str | None = None, until: str | None = None, q: str | None = None, order: str = "recent",
             limit: int = 50, offset: int = 0) -> FindingPage:
    query = finding_query(code, status, unit, tool, job, off_hours, since, until, q)
    items, total = services.findings.list(access, query, limit=max(1, min(limit, 500)), offset=max(0, offset),
                                          order=order)
    return FindingPage(total=total, total_capped=total > COUNT_CAP, items=[_public(f) for f in items])


@router.get("/findings/{finding_id}", response_model=FindingPublic)
def finding(services: ServicesDep, access: CurrentAccess, finding_id: int) -> FindingPublic:
    return _public(services.findings.get(access, finding_id)[0])


@router.post("/findings/{finding_id}/actions", response_model=FindingPublic)
def finding_action(services: ServicesDep, access: CheckedAccess, finding_id: int, body: FindingAction
                   ) -> FindingPublic:
    updated = services.findings.act(access, finding_id, body.action, reason=body.reason, version=body.version,
                                    unit_id=body.unit_id, due_on=body.due_on)
    services.overview.invalidate()
    return _public(updated)


@router.get("/jobs/{job_id}", response_model=JobPublic)
def job(services: ServicesDep, access: CurrentAccess, job_id: int) -> JobPublic:
    j = services.scans.job(job_id)
    access.check_unit(j.unit_id)
    return JobPublic(id=j.id, kind=j.kind, filename=j.filename, status=j.status, progress=round(j.progress, 3),
                     total=j.total, processed=j.processed, findings=j.findings, problems=j.problems, error=j.error,
                     summary=j.summary)


@router.get("/tools")
def tools(services: ServicesDep, access: CurrentAccess, kind: str | None = None, status: str | None = None,
          q: str | None = None) -> dict[str, Any]:
    from jianfu.report.registry_export import tool_to_dict
    from jianfu.web.routes.registry import visible_tools

    found = visible_tools(services, access, kind=kind or None, status=[status] if status else None, search=q or None)
    return {"ok": True, "total": len(found), "items": [tool_to_dict(t) for t in found[:1000]]}


@router.post("/clues", response_model=ClueReceipt, status_code=201)
def clue_create(services: ServicesDep, body: ClueCreate) -> ClueReceipt:
    """Public: submit an anonymous clue; the receipt code is returned once."""
    code = services.clues.submit(category=body.category, description=body.description, tool_name=body.tool_name,
                                 unit_name=body.unit_name)
    return ClueReceipt(receipt_code=code)


@router.post("/clues/follow", response_model=ClueStatusPublic)
def clue_follow(services: ServicesDep, body: ClueFollow) -> ClueStatusPublic:
    from jianfu.errors import NotFound

    status = services.clues.follow(body.receipt_code)
    if status is None:
        raise NotFound("没有这个回执码")
    return ClueStatusPublic(category=status.category, received_on=status.received_on, status=status.status,
                            reply=status.reply)
