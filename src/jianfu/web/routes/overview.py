"""总览: the dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jianfu.web.deps import CurrentAccess, ServicesDep
from jianfu.web.render import render

router = APIRouter()


@router.get("/", include_in_schema=False)
def overview_page(request: Request, services: ServicesDep, access: CurrentAccess) -> Response:
    data = services.overview.build(access.scope)
    return render(request, "overview.html", {"data": data})
