"""扫描: upload a chat export, an activity CSV or pages; the work runs in the background with progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from jianfu.errors import UsageError
from jianfu.web.deps import CheckedAccess, CurrentAccess, ServicesDep
from jianfu.web.render import render
from jianfu.web.routes.registry import visible_tools
from jianfu.workflow.scans import KINDS

router = APIRouter()


@router.get("/scans", include_in_schema=False)
def scans_page(request: Request, services: ServicesDep, access: CurrentAccess) -> Response:
    jobs = services.scans.jobs(access.scope)
    units = services.accounts.selectable_units(access)
    groups = visible_tools(services, access, kind="work_group", status=["active", "rectifying"])
    return render(request, "scans.html", {"jobs": jobs, "kinds": KINDS, "units": units, "groups": groups})


@router.post("/scans", include_in_schema=False)
def scan_upload(services: ServicesDep, access: CheckedAccess, file: Annotated[UploadFile, File()],
                kind: Annotated[str, Form()] = "chat", unit_id: Annotated[str, Form()] = "",
                group_tool_id: Annotated[str, Form()] = "",
                logins: Annotated[UploadFile | None, File()] = None) -> Response:
    access.require("supervisor", "unit_admin", "reviewer")
    if kind not in KINDS:
        raise UsageError(f"未知的上传类型: {kind}")
    if not file.filename:
        raise UsageError("请选择要上传的文件")
    unit = unit_id or access.user.unit_id
    access.check_unit(unit)
    path = services.scans.save_upload(file.filename, file.file)
    logins_path = None
    if kind == "activity" and logins is not None and logins.filename:
        logins_path = services.scans.save_upload(logins.filename, logins.file)
    job = services.scans.submit(kind=kind, path=path, filename=file.filename, unit_id=unit,
                                group_tool_id=group_tool_id or None, actor=access.user.username, logins=logins_path)
    services.overview.invalidate()
    return RedirectResponse(f"/scans/{job.id}", status_code=303)


@router.get("/scans/{job_id}", include_in_schema=False)
def scan_page(request: Request, services: ServicesDep, access: CurrentAccess, job_id: int) -> Response:
    job = services.scans.job(job_id)
    access.check_unit(job.unit_id)
    return render(request, "scan.html", {"job": job, "kinds": KINDS})


@router.get("/pages", include_in_schema=False)
def pages_page(request: Request, services: ServicesDep, access: CurrentAccess) -> Response:
    """发布内容: the newest check of every page, hacked ones first, with the injected text as evidence."""
    access.require("supervisor", "reviewer")
    return render(request, "pages.html", {"pages": services.scans.pages()})
