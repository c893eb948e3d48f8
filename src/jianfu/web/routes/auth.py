"""Log-in and log-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from jianfu.web.deps import SESSION_COOKIE, CheckedAccess, ServicesDep
from jianfu.web.render import render
from jianfu.workflow.accounts import SESSION_HOURS

router = APIRouter()


def _safe_next(value: str | None) -> str:
    # Only local paths: an open redirect to another site is refused.
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", include_in_schema=False)
def login(request: Request, services: ServicesDep, username: Annotated[str, Form()],
          password: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    logged = services.accounts.login(username, password)
    if logged is None:
        return render(request, "login.html", {"next": _safe_next(next), "error": "用户名或密码错误"}, status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, logged.token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, services: ServicesDep, _access: CheckedAccess) -> Response:
    services.accounts.logout(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
