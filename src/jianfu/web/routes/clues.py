"""线索征集: the public form (no log-in, nothing about the reporter kept), follow-up by receipt code, and
the supervisors' triage that links a clue to tools and findings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jianfu.store.clues import CLUE_STATUSES
from jianfu.web.deps import CheckedAccess, CurrentAccess, ServicesDep
from jianfu.web.render import render

router = APIRouter()


@router.get("/clue", include_in_schema=False)
def clue_form(request: Request) -> Response:
    return render(request, "clue_form.html", {"error": None, "values": {}})


@router.post("/clue", include_in_schema=False)
def clue_submit(request: Request, services: ServicesDep, category: Annotated[str, Form()] = "",
                description: Annotated[str, Form()] = "", tool_name: Annotated[str, Form()] = "",
                unit_name: Annotated[str, Form()] = "") -> Response:
    from jianfu.errors import UsageError

    try:
        code = services.clues.submit(category=category, description=description, tool_name=tool_name,
                                     unit_name=unit_name)
    except UsageError as exc:
        values = {"category": category, "description": description, "tool_name": tool_name, "unit_name": unit_name}
        return render(request, "clue_form.html", {"error": str(exc), "values": values}, status_code=400)
    return render(request, "clue_receipt.html", {"code": code})


@router.get("/clue/follow", include_in_schema=False)
def clue_follow_form(request: Request) -> Response:
    return render(request, "clue_follow.html", {"status": None, "asked": False})


@router.post("/clue/follow", include_in_schema=False)
def clue_follow(request: Request, services: ServicesDep, code: Annotated[str, Form()] = "") -> Response:
    status = services.clues.follow(code)
    return render(request, "clue_follow.html", {"status": status, "asked": True},
                  status_code=200 if status else 404)


@router.get("/clues", include_in_schema=False)
def clues_page(request: Request, services: ServicesDep, access: CurrentAccess, status: str | None = None) -> Response:
    clues = services.clues.list(access, status or None)
    return render(request, "clues.html", {"clues": clues, "statuses": CLUE_STATUSES, "status": status or ""})


@router.get("/clues/{clue_id}", include_in_schema=False)
def clue_page(request: Request, services: ServicesDep, access: CurrentAccess, clue_id: int) -> Response:
    clue, history = services.clues.get(access, clue_id)
    units = services.accounts.selectable_units(access)
    return render(request, "clue.html", {"clue": clue, "history": history, "statuses": CLUE_STATUSES,
                                         "units": units})


@router.post("/clues/{clue_id}/triage", include_in_schema=False)
def clue_triage(services: ServicesDep, access: CheckedAccess, clue_id: int, status: Annotated[str, Form()],
                version: Annotated[int, Form()], public_reply: Annotated[str, Form()] = "",
                internal_note: Annotated[str, Form()] = "", unit_id: Annotated[str, Form()] = "",
                tool_id: Annotated[str, Form()] = "", finding_ids: Annotated[str, Form()] = "") -> Response:
    from jianfu.errors import UsageError

    try:
        ids = [int(x) for x in finding_ids.replace("，", ",").split(",") if x.strip()]
    except ValueError:
        raise UsageError("关联问题线索编号应为数字，用逗号分隔") from None
    if tool_id.strip():
        services.registry.show(tool_id.strip())  # NotFound for an unknown tool
    services.clues.triage(access, clue_id, status=status, version=version, public_reply=public_reply,
                          internal_note=internal_note, unit_id=unit_id, tool_id=tool_id.strip(), finding_ids=ids)
    return RedirectResponse(f"/clues/{clue_id}", status_code=303)
