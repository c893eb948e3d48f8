"""Templates: Jinja2 with autoescaping on, so every user-supplied string (messages, names, clues) is escaped."""

from __future__ import annotations

from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from jianfu.evaluate.overview import KIND_NAME, LEVEL_NAME
from jianfu.lifecycle import STATUS_NAME as TOOL_STATUS_NAME
from jianfu.store.findings import STATUS_NAME
from jianfu.taxonomy import CHINESE_NAME, SEVERITY_NAME, Code
from jianfu.workflow.accounts import ROLE_NAME
from jianfu.workflow.clues import CATEGORIES, CLUE_STATUS_NAME
from jianfu.workflow.findings import ACTION_NAME

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
ZONE = ZoneInfo("Asia/Shanghai")


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(ZONE).strftime(fmt) if value else "—"


def highlight(text: str, details: list[dict[str, Any]]) -> Markup:
    """The message with every finding's evidence marked; everything else escaped.

    Spans may overlap (a model finding over the whole message, a rule finding inside it): the text is cut
    at every span boundary and each piece is marked with the codes that cover it.
    """
    spans = [(int(d["span"][0]), int(d["span"][1]), str(d["code"])) for d in details
             if d.get("span") and 0 <= int(d["span"][0]) < int(d["span"][1]) <= len(text)]
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    out: list[str] = []
    for a, b in pairwise(cuts):
        piece = str(escape(text[a:b]))
        codes = list(dict.fromkeys(c for x, y, c in spans if x <= a and b <= y))
        if codes:
            title = "、".join(code_name(c) for c in codes)
            cls = "ev" if len(codes) == 1 else "ev multi"
            out.append(f'<mark class="{cls}" title="{escape(title)}">{piece}</mark>')
        else:
            out.append(piece)
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
