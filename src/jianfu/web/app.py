"""`create_app(settings)`: the platform on SQLite (default) or PostgreSQL, pages and the JSON API.

Errors have one JSON shape under /api — `{"ok": false, "error": "...", "errors": [...], "status": n}` —
and a Chinese error page elsewhere; a page that needs a log-in redirects to /login.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from jianfu.config import Settings
from jianfu.errors import JianfuError
from jianfu.evaluate.overview import Overview
from jianfu.lifecycle.service import RegistryService
from jianfu.store.db import Store, default_url, open_store
from jianfu.web.deps import LoginRequired, Services
from jianfu.web.render import render
from jianfu.workflow.accounts import AccountService, UnitDirectory
from jianfu.workflow.clues import ClueService
from jianfu.workflow.findings import FindingService
from jianfu.workflow.scans import ScanRunner

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """Pure ASGI middleware (cheaper than Starlette's BaseHTTPMiddleware): security headers on every response,
    and no caching of pages that carry user data."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                 if not (path.startswith("/api/docs") and k == "Content-Security-Policy")]
        if not path.startswith("/static"):
            extra.append((b"cache-control", b"no-store"))

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_services(settings: Settings, store: Store | None = None) -> Services:
    store = store or open_store(default_url(settings))
    units = UnitDirectory(store)
    return Services(settings=settings, store=store, accounts=AccountService(store, units=units),
                    findings=FindingService(store, settings.timezone, units=units),
                    clues=ClueService(store, settings.timezone),
                    scans=ScanRunner(store, settings), registry=RegistryService(store, settings),
                    overview=Overview(store))


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or Settings.load()
    services = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        yield
        services.scans.shutdown()

    app = FastAPI(title="减负 jianfu", version="0.1.0", lifespan=lifespan, docs_url="/api/docs",
                  openapi_url="/api/openapi.json", redoc_url=None,
                  description="防治“指尖上的形式主义”平台的 JSON API：总览、问题线索、台账、扫描任务、线索征集。")
    app.state.services = services
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    app.add_middleware(SecurityHeaders)

    @app.exception_handler(JianfuError)
    async def jianfu_error(request: Request, exc: JianfuError) -> Response:
        if isinstance(exc, LoginRequired) and not _is_api(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _error(request, exc.http_status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "页面不存在", 405: "不支持的请求方式"}.get(exc.status_code, str(exc.detail))
        return _error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()]
        return _error(request, 400, "请求参数有误", errors)

    from jianfu.web.routes import api, auth, clues, findings, overview, registry, reports, scans

    for module in (auth, overview, registry, scans, findings, clues, reports, api):
        app.include_router(module.router)
    return app


def app_from_env() -> FastAPI:
    """The app for a server with several worker processes (`uvicorn --factory`): settings from JIANFU_* variables
    and the TOML file named by JIANFU_CONFIG_FILE, as `jianfu serve` sets them."""
    import os

    return create_app(Settings.load(os.environ.get("JIANFU_CONFIG_FILE") or None))


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, errors: list[str] | None = None) -> Response:
    if _is_api(request):
        return JSONResponse({"ok": False, "error": message, "errors": errors or [message], "status": status},
                            status_code=status)
    return render(request, "error.html", {"status": status, "message": message, "errors": errors or []},
                  status_code=status)
