"""Templates: Jinja2 with autoescaping on, so every user-supplied string (messages, names, clues) is escaped."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from jianfu.evaluate.overview import KIND_NAME, LEVEL_NAME
from jianfu.lifecycle import STATUS_NAME as TOOL_STATUS_NAME
from jianfu.taxonomy import CHINESE_NAME, SEVERITY_NAME, Code
from jianfu.workflow.accounts import ROLE_NAME
from jianfu.workflow.clues import CATEGORIES, CLUE_STATUS_NAME
from jianfu.workflow.findings import ACTION_NAME, STATUS_NAME

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
ZONE = ZoneInfo("Asia/Shanghai")


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(ZONE).strftime(fmt) if value else "—"


def highlight(text: str, details: list[dict[str, Any]]) -> Markup:
    """The message with each finding's evidence span marked; everything else escaped."""
    spans = sorted({(int(d["span"][0]), int(d["span"][1]), d["code"]) for d in details if d.get("span")})
    out: list[str] = []
    pos = 0
    for start, end, code in spans:
        if start < pos or end > len(text):
            continue
        out.append(str(escape(text[pos:start])))
        out.append(f'<mark class="ev" title="{escape(CHINESE_NAME.get(Code(code), code))}">'
                   f"{escape(text[start:end])}</mark>")
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def code_name(code: str) -> str:
    try:
        return CHINESE_NAME[Code(code)]
    except ValueError:
        return code


TEMPLATES.env.filters.update(local_time=local_time, highlight=highlight, code_name=code_name)
TEMPLATES.env.globals.update(
    KIND_NAME=KIND_NAME, LEVEL_NAME=LEVEL_NAME, TOOL_STATUS_NAME={str(k): v for k, v in TOOL_STATUS_NAME.items()},
    FINDING_STATUS_NAME=STATUS_NAME, ACTION_NAME=ACTION_NAME, ROLE_NAME=ROLE_NAME, SEVERITY_NAME=SEVERITY_NAME,
    CATEGORIES=CATEGORIES, CLUE_STATUS_NAME=CLUE_STATUS_NAME, CODE_NAME={str(c): n for c, n in CHINESE_NAME.items()},
)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    ctx = dict(context or {})
    access = getattr(request.state, "access", None)
    ctx.setdefault("access", access)
    ctx.setdefault("csrf_token", access.csrf_token if access else "")
    ctx.setdefault("today", date.today())
    return TEMPLATES.TemplateResponse(request, name, ctx, status_code=status_code)
