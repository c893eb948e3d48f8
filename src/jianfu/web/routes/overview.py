"""总览: the dashboard."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from jianfu.web.deps import CurrentAccess, ServicesDep
from jianfu.web.render import TEMPLATES, render

router = APIRouter()
KEPT_FRAGMENTS = 32


def _body(request: Request, data: dict[str, Any]) -> Markup:
    """The charts and tables of one overview build, rendered once: every user of the scope sees the same."""
    state = request.app.state.__dict__
    lock: threading.Lock = state.setdefault("overview_html_lock", threading.Lock())
    fragments: dict[int, tuple[dict[str, Any], Markup]] = state.setdefault("overview_html", {})
    with lock:
        hit = fragments.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    html = Markup(TEMPLATES.get_template("overview_body.html").render(data=data))
    with lock:
        if len(fragments) >= KEPT_FRAGMENTS:
            fragments.pop(next(iter(fragments)))
        fragments[id(data)] = (data, html)  # the data is kept with it, so its id cannot be reused meanwhile
    return html


@router.get("/", include_in_schema=False)
def overview_page(request: Request, services: ServicesDep, access: CurrentAccess) -> Response:
    data = services.overview.build(access.scope)
    return render(request, "overview.html", {"data": data, "body": _body(request, data)})
