"""台账: browse and filter tools, a tool's page with its checks and history, lifecycle actions with reasons,
the filing/review workflow with the duplicate check's suggestions, XLSX import and export."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from jianfu.errors import InputError, NotFoundError, UsageError
from jianfu.ingest.registry import split_list
from jianfu.lifecycle import STATUS_NAME, Status, parse_status
from jianfu.records import TOOL_KINDS, Tool
from jianfu.web.deps import CheckedAccess, CurrentAccess, ServicesDep
from jianfu.web.render import render
from jianfu.workflow.accounts import Access

router = APIRouter()
PAGE = 50
QUESTIONS = {"in_plan": "是否纳入信息化建设规划", "overlap": "与已有应用的重复情况", "module": "能否作为已有应用的模块",
             "coordination": "业务协同情况", "data_sharing": "数据管理与共享情况"}


def visible_tools(services: ServicesDep, access: Access, **filters: object) -> list[Tool]:
    tools = services.registry.tools(**filters)
    if access.scope is None:
        return tools
    ids = services.accounts.unit_tree().by_name()
    return [t for t in tools if ids.get(t.owner_unit, t.owner_unit) in access.scope]


def _tool_for(services: ServicesDep, access: Access, tool_id: str) -> Tool:
    view = services.registry.show(tool_id)
    ids = services.accounts.unit_tree().by_name()
    access.check_unit(ids.get(view.tool.owner_unit, view.tool.owner_unit))
    return view.tool


@router.get("/registry", include_in_schema=False)
def registry_page(request: Request, services: ServicesDep, access: CurrentAccess, kind: str | None = None,
                  status: str | None = None, q: str | None = None, unit: str | None = None, page: int = 1) -> Response:
    tools = visible_tools(services, access, kind=kind or None, status=[status] if status else None,
                          search=q or None)
    if unit:
        tools = [t for t in tools if unit in t.owner_unit]
    page = max(1, page)
    shown = tools[(page - 1) * PAGE: page * PAGE]
    return render(request, "registry.html", {
        "tools": shown, "total": len(tools), "page": page, "pages": max(1, -(-len(tools) // PAGE)),
        "filters": {"kind": kind or "", "status": status or "", "q": q or "", "unit": unit or ""},
        "kinds": TOOL_KINDS, "statuses": [str(s) for s in Status]})


@router.get("/registry/export.xlsx", include_in_schema=False)
def registry_export(services: ServicesDep, access: CurrentAccess, unit: str | None = None) -> Response:
    """The 台账 as the office XLSX: everything the user may see, or one unit and the units below it."""
    from jianfu.report.registry_export import write_registry_xlsx

    tools = visible_tools(services, access)
    if unit:
        access.check_unit(unit)
        tree = services.accounts.unit_tree()
        below = {tree.names[u] for u in tree.subtree(unit) if u in tree.names}
        tools = [t for t in tools if t.owner_unit in below]
    names = {t.owner_unit for t in tools}
    units = [u for u in services.registry.units() if u.name in names]
    tmp = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    write_registry_xlsx(units, tools, tmp)
    return FileResponse(tmp, filename="台账.xlsx", background=BackgroundTask(tmp.unlink, missing_ok=True),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.post("/registry/import", include_in_schema=False)
def registry_import(request: Request, services: ServicesDep, access: CheckedAccess,
                    file: Annotated[UploadFile, File()]) -> Response:
    from jianfu.ingest.registry import read_registry

    access.require("supervisor")
    suffix = Path(file.filename or "upload.xlsx").suffix.lower()
    if suffix not in (".xlsx", ".csv", ".jsonl"):
        raise InputError("台账文件应为 XLSX、CSV 或 JSONL", file=file.filename)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file.filename or f"upload{suffix}").name
        path.write_bytes(file.file.read())
        parsed = read_registry(path)
        if parsed.problems:
            return render(request, "import_result.html", {"problems": [str(p) for p in parsed.problems[:200]],
                                                          "count": len(parsed.problems), "result": None},
                          status_code=400)
        result = services.registry.import_records(parsed.units, parsed.tools, actor=access.user.username,
                                                  source=file.filename)
    services.overview.invalidate()
    services.accounts.units.invalidate()
    return render(request, "import_result.html", {"problems": [], "count": 0, "result": result})


@router.get("/registry/{tool_id}", include_in_schema=False)
def tool_page(request: Request, services: ServicesDep, access: CurrentAccess, tool_id: str) -> Response:
    _tool_for(services, access, tool_id)
    view = services.registry.show(tool_id)
    health = services.registry.health_history(tool_id)
    current = parse_status(view.tool.status)
    from jianfu.lifecycle import TRANSITIONS

    targets = [(str(s), STATUS_NAME[s]) for s in sorted(TRANSITIONS[current])
               if s not in (Status.UNDER_REVIEW, Status.PROPOSED)]
    return render(request, "tool.html", {"view": view, "health": health, "targets": targets})


@router.post("/registry/{tool_id}/transition", include_in_schema=False)
def tool_transition(services: ServicesDep, access: CheckedAccess, tool_id: str, target: Annotated[str, Form()],
                    reason: Annotated[str, Form()], version: Annotated[int, Form()],
                    into: Annotated[str, Form()] = "") -> Response:
    access.require("supervisor", "unit_admin")
    _tool_for(services, access, tool_id)
    if not reason.strip():
        raise UsageError("状态变更必须填写理由")
    status = parse_status(target)
    if status == Status.MERGED and not into.strip():
        raise UsageError("整合需要填写并入的工具编号")
    services.registry.transition(tool_id, status, actor=access.user.username, reason=reason.strip(),
                                 merged_into=into.strip() or None, expected_version=version)
    services.overview.invalidate()
    return RedirectResponse(f"/registry/{tool_id}", status_code=303)


@router.post("/registry/{tool_id}/edit", include_in_schema=False)
def tool_edit(services: ServicesDep, access: CheckedAccess, tool_id: str, version: Annotated[int, Form()],
              reason: Annotated[str, Form()], name: Annotated[str, Form()], description: Annotated[str, Form()] = "",
              functions: Annotated[str, Form()] = "", audience: Annotated[str, Form()] = "",
              platform: Annotated[str, Form()] = "", filing_number: Annotated[str, Form()] = "") -> Response:
    """Owners correct their records (GSA site-scanning's lesson); every edit names its reason."""
    access.require("supervisor", "unit_admin")
    tool = _tool_for(services, access, tool_id)
    if not reason.strip():
        raise UsageError("修改台账必须填写理由")
    if not name.strip():
        raise UsageError("名称不能为空")
    split = split_list(functions)
    wanted = {"name": name.strip(), "description": description.strip(), "functions": split,
              "audience": audience.strip(), "platform": platform.strip() or None,
              "filing_number": filing_number.strip() or None}
    changes = {k: v for k, v in wanted.items() if v != getattr(tool, k)}
    if changes:
        services.registry.update(tool_id, changes, actor=access.user.username, reason=reason.strip(),
                                 expected_version=version)
        services.overview.invalidate()
    return RedirectResponse(f"/registry/{tool_id}", status_code=303)


# --- 审核备案 ---------------------------------------------------------------------------------------------------


@router.get("/filings", include_in_schema=False)
def filings_page(request: Request, services: ServicesDep, access: CurrentAccess) -> Response:
    filings = services.registry.filings()
    if access.scope is not None:
        ids = services.accounts.unit_tree().by_name()
        tools = {t.id: t for t in services.registry.tools()}
        filings = [f for f in filings if f.tool_id in tools
                   and ids.get(tools[f.tool_id].owner_unit) in access.scope]
    return render(request, "filings.html", {"filings": filings[::-1]})


@router.get("/filings/new", include_in_schema=False)
def filing_form(request: Request, services: ServicesDep, access: CurrentAccess) -> Response:
    units = services.accounts.selectable_units(access)
    return render(request, "filing_new.html", {"units": units, "questions": QUESTIONS, "kinds": TOOL_KINDS})


@router.post("/filings", include_in_schema=False)
def filing_submit(services: ServicesDep, access: CheckedAccess, name: Annotated[str, Form()],
                  kind: Annotated[str, Form()], owner_unit: Annotated[str, Form()],
                  functions: Annotated[str, Form()], description: Annotated[str, Form()] = "",
                  platform: Annotated[str, Form()] = "", responsible_person: Annotated[str, Form()] = "",
                  audience: Annotated[str, Form()] = "", in_plan: Annotated[str, Form()] = "",
                  overlap: Annotated[str, Form()] = "", module: Annotated[str, Form()] = "",
                  coordination: Annotated[str, Form()] = "", data_sharing: Annotated[str, Form()] = "") -> Response:
    from jianfu.ingest.registry import tool_from_mapping

    access.require("supervisor", "unit_admin")
    tree = services.accounts.unit_tree()
    access.check_unit(owner_unit)
    if owner_unit not in tree.names:
        raise NotFoundError(f"没有单位 {owner_unit}")
    if kind not in TOOL_KINDS:
        raise UsageError(f"未知的工具类型: {kind}")
    split = split_list(functions)
    tool_id = f"NEW-{services.registry.now().strftime('%Y%m%d%H%M%S%f')}"
    record = {"id": tool_id, "kind": kind, "name": name.strip(), "owner_unit": tree.names[owner_unit],
              "level": tree.levels.get(owner_unit), "description": description, "functions": list(split),
              "platform": platform or None, "responsible_person": responsible_person or None,
              "audience": audience, "status": "proposed"}
    tool = tool_from_mapping(record, file="备案申请")
    answers = {"in_plan": in_plan == "yes" if in_plan in ("yes", "no") else None, "overlap": overlap,
               "module": module, "coordination": coordination, "data_sharing": data_sharing}
    outcome = services.registry.file(tool, answers, actor=access.user.username)
    services.overview.invalidate()
    return RedirectResponse(f"/filings/{outcome.filing.id}", status_code=303)


@router.get("/filings/{filing_id}", include_in_schema=False)
def filing_page(request: Request, services: ServicesDep, access: CurrentAccess, filing_id: int) -> Response:
    filing = services.registry.filing(filing_id)
    tool = _tool_for(services, access, filing.tool_id)
    return render(request, "filing.html", {"filing": filing, "tool": tool, "questions": QUESTIONS})


@router.post("/filings/{filing_id}/review", include_in_schema=False)
def filing_review(services: ServicesDep, access: CheckedAccess, filing_id: int, decision: Annotated[str, Form()],
                  reason: Annotated[str, Form()], redirect_to: Annotated[str, Form()] = "",
                  filing_number: Annotated[str, Form()] = "") -> Response:
    access.require("supervisor", "reviewer")
    if decision not in ("approve", "reject", "redirect"):
        raise UsageError("审核结论应为 通过 / 不通过 / 转为已有应用模块")
    if not reason.strip():
        raise UsageError("审核结论必须填写理由")
    filing = services.registry.filing(filing_id)
    _tool_for(services, access, filing.tool_id)
    services.registry.review(filing_id, decision, actor=access.user.username, reason=reason.strip(),
                             redirect_to=redirect_to.strip() or None,
                             filing_number=filing_number.strip() or None)
    services.overview.invalidate()
    return RedirectResponse(f"/filings/{filing_id}", status_code=303)
