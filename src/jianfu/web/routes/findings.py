"""问题线索 (findings): evidence highlighted with rule and policy clause; confirm, dismiss with a reason,
assign for rectification, and follow the rectification to closure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jianfu.errors import UsageError
from jianfu.store.findings import COUNT_CAP, STATUSES, FindingQuery
from jianfu.taxonomy import MESSAGE_CODES
from jianfu.web.deps import CheckedAccess, CurrentAccess, ServicesDep
from jianfu.web.render import render

router = APIRouter()
PAGE = 30
ZONE = ZoneInfo("Asia/Shanghai")


def finding_query(code: str | None, status: str | None, unit: str | None, tool: str | None, job: int | None,
                  off_hours: str | None, since: str | None, until: str | None, q: str | None) -> FindingQuery:
    def day(value: str | None) -> datetime | None:
        if not value:
            return None
        try:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), ZONE)
        except ValueError:
            raise UsageError(f"日期格式应为 YYYY-MM-DD: {value}") from None

    return FindingQuery(code=code or None, status=status or None, unit_id=unit or None, tool_id=tool or None,
                        job_id=job, off_hours={"1": True, "0": False}.get(off_hours or ""), since=day(since),
                        until=day(until), text=q or None)


@router.get("/findings", include_in_schema=False)
def findings_page(request: Request, services: ServicesDep, access: CurrentAccess, code: str | None = None,
                  status: str | None = None, unit: str | None = None, tool: str | None = None, job: int | None = None,
                  off_hours: str | None = None, since: str | None = None, until: str | None = None,
                  q: str | None = None, order: str = "recent", page: int = 1) -> Response:
    query = finding_query(code, status, unit, tool, job, off_hours, since, until, q)
    page = max(1, page)
    items, total = services.findings.list(access, query, limit=PAGE, offset=(page - 1) * PAGE, order=order)
    filters = {"code": code or "", "status": status or "", "unit": unit or "", "tool": tool or "",
               "job": job or "", "off_hours": off_hours or "", "since": since or "", "until": until or "",
               "q": q or "", "order": order}
    return render(request, "findings.html", {
        "items": items, "total": total, "capped": total > COUNT_CAP, "cap": COUNT_CAP, "page": page,
        "pages": max(1, -(-total // PAGE)), "filters": filters,
        "codes": [str(c) for c in MESSAGE_CODES], "statuses": STATUSES,
        "query": urlencode({k: v for k, v in filters.items() if v})})


@router.get("/findings/{finding_id}", include_in_schema=False)
def finding_page(request: Request, services: ServicesDep, access: CurrentAccess, finding_id: int) -> Response:
    item, history = services.findings.get(access, finding_id)
    units = services.accounts.selectable_units(access)
    return render(request, "finding.html", {"item": item, "history": history, "units": units})


@router.post("/findings/{finding_id}/act", include_in_schema=False)
def finding_act(services: ServicesDep, access: CheckedAccess, finding_id: int, action: Annotated[str, Form()],
                version: Annotated[int, Form()], reason: Annotated[str, Form()] = "",
                unit_id: Annotated[str, Form()] = "", due_on: Annotated[str, Form()] = "") -> Response:
    due = None
    if due_on:
        try:
            due = date.fromisoformat(due_on)
        except ValueError:
            raise UsageError(f"整改期限格式应为 YYYY-MM-DD: {due_on}") from None
    services.findings.act(access, finding_id, action, reason=reason, version=version, unit_id=unit_id or None,
                          due_on=due)
    services.overview.invalidate()
    return RedirectResponse(f"/findings/{finding_id}", status_code=303)
