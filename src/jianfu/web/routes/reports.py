"""报告: 通报 as DOCX and PDF, findings and 台账 as XLSX, for a unit and a period."""

from __future__ import annotations

import io
import tempfile
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from jianfu.errors import UsageError
from jianfu.evaluate.bulletin import Period, build_bulletin
from jianfu.store.findings import FindingQuery
from jianfu.web.deps import CurrentAccess, ServicesDep
from jianfu.web.render import render
from jianfu.workflow.accounts import Access

router = APIRouter()
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def _period(since: str | None, until: str | None) -> Period:
    try:
        end = date.fromisoformat(until) if until else date.today()
        start = date.fromisoformat(since) if since else end - timedelta(days=90)
    except ValueError:
        raise UsageError("日期格式应为 YYYY-MM-DD") from None
    if start > end:
        raise UsageError("开始日期不能晚于结束日期")
    return Period(start, end)


def _unit_scope(services: ServicesDep, access: Access, unit: str | None) -> tuple[frozenset[str] | None, str]:
    tree = services.accounts.unit_tree()
    unit = unit or access.user.unit_id
    access.check_unit(unit)
    if unit not in tree.names:
        raise UsageError(f"没有单位 {unit}")
    below = frozenset(tree.subtree(unit)) if access.user.role != "unit_admin" else frozenset({unit})
    scope = below if access.scope is None else below & access.scope
    return (None if len(scope) >= len(tree.names) else scope), tree.names[unit]


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


@router.get("/reports", include_in_schema=False)
def reports_page(request: Request, services: ServicesDep, access: CurrentAccess) -> Response:
    units = services.accounts.selectable_units(access)
    period = _period(None, None)
    return render(request, "reports.html", {"units": units, "since": period.since, "until": period.until})


@router.get("/reports/tongbao.{fmt}", include_in_schema=False)
def tongbao(services: ServicesDep, access: CurrentAccess, fmt: str, unit: str | None = None,
            since: str | None = None, until: str | None = None) -> Response:
    from jianfu.report.tongbao import write_docx, write_pdf

    if fmt not in MEDIA:
        raise UsageError("通报格式为 docx 或 pdf")
    scope, name = _unit_scope(services, access, unit)
    period = _period(since, until)
    bulletin = build_bulletin(services.store, scope, name, period, issued_on=date.today(),
                              tz=services.settings.timezone)
    buffer = io.BytesIO()
    (write_docx if fmt == "docx" else write_pdf)(bulletin, buffer)
    buffer.seek(0)
    return StreamingResponse(buffer, media_type=MEDIA[fmt],
                             headers=_attachment(f"{name}通报_{period.since}_{period.until}.{fmt}"))


@router.get("/reports/findings.xlsx", include_in_schema=False)
def findings_xlsx(services: ServicesDep, access: CurrentAccess, unit: str | None = None, since: str | None = None,
                  until: str | None = None) -> Response:
    from jianfu.report.findings_xlsx import write_findings_xlsx

    scope, name = _unit_scope(services, access, unit)
    period = _period(since, until)
    start, end = period.bounds(services.findings.tz)
    scoped = Access(access.user, scope, access.csrf_token)
    items, _ = services.findings.list(scoped, FindingQuery(since=start, until=end), limit=100_000,
                                      count_cap=None)
    tmp = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    write_findings_xlsx(items, services.accounts.unit_tree().names, tmp, f"{name} 问题线索（{period.label()}）")
    return FileResponse(tmp, background=BackgroundTask(tmp.unlink, missing_ok=True),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers=_attachment(f"{name}问题线索_{period.since}_{period.until}.xlsx"))
