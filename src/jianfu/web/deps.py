"""What a route needs, as FastAPI dependencies: the services, the logged-in user, CSRF, roles."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from jianfu.config import Settings
from jianfu.errors import Forbidden, JianfuError
from jianfu.evaluate.overview import Overview
from jianfu.lifecycle.service import RegistryService
from jianfu.store.db import Store
from jianfu.workflow.accounts import Access, AccountService
from jianfu.workflow.clues import ClueService
from jianfu.workflow.findings import FindingService
from jianfu.workflow.scans import ScanRunner

SESSION_COOKIE = "jianfu_session"


@dataclass
class Services:
    settings: Settings
    store: Store
    accounts: AccountService
    findings: FindingService
    clues: ClueService
    scans: ScanRunner
    registry: RegistryService
    overview: Overview


class LoginRequired(JianfuError):
    """Raised when a page needs a logged-in user and there is none (pages redirect to /login)."""

    http_status = 401


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


def current_access(request: Request, services: ServicesDep) -> Access:
    access = services.accounts.access(request.cookies.get(SESSION_COOKIE))
    if access is None:
        raise LoginRequired("请先登录")
    request.state.access = access
    return access


CurrentAccess = Annotated[Access, Depends(current_access)]


async def csrf_checked(request: Request, access: CurrentAccess) -> Access:
    """State-changing requests carry the session's CSRF token (form field or X-CSRF-Token header)."""
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, access.csrf_token):
        raise Forbidden("请求校验失败（CSRF），请刷新页面后重试")
    return access


CheckedAccess = Annotated[Access, Depends(csrf_checked)]
