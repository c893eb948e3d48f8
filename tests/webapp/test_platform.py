"""The platform end to end through HTTP, on SQLite and PostgreSQL: log-in, CSRF, scopes, uploads, review,
rectification, anonymous clues, filings, reports, the JSON API and its error shape."""

from __future__ import annotations

import calendar
import io
import json
from datetime import date

import pytest
from sqlalchemy import inspect, text

from jianfu.scan import scan_files
from webapp.support import ADMIN, ADMIN_UNIT, OTHER_ADMIN, OTHER_UNIT, PASSWORD, REVIEWER, SAMPLES, SUPERVISOR, Platform

CHAT = SAMPLES / "generic" / "messages.jsonl"


def test_pages_need_a_login_and_bad_passwords_fail(platform: Platform) -> None:
    c = platform.client
    r = c.get("/findings", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert c.get("/api/findings").json() == {"ok": False, "error": "请先登录", "errors": ["请先登录"], "status": 401}
    r = c.post("/login", data={"username": SUPERVISOR, "password": "wrong-password"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    assert c.post("/login", data={"username": "nobody", "password": PASSWORD}).status_code == 401
    platform.login(SUPERVISOR)
    page = c.get("/")
    assert "总览" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"


def test_passwords_are_argon2_and_sessions_keep_only_a_hash(platform: Platform) -> None:
    platform.login(SUPERVISOR)
    token = platform.client.cookies.get("jianfu_session")
    with platform.services.store.engine.connect() as conn:
        hashes = [r[0] for r in conn.execute(text("SELECT password_hash FROM users"))]
        sessions = [r[0] for r in conn.execute(text("SELECT token_hash FROM web_sessions"))]
    assert all(h.startswith("$argon2id$") for h in hashes) and PASSWORD not in "".join(hashes)
    assert token and token not in sessions and len(sessions) == 1


def test_state_changes_need_the_csrf_token(platform: Platform) -> None:
    csrf = platform.login(SUPERVISOR)
    files = {"file": (CHAT.name, CHAT.read_bytes())}
    r = platform.client.post("/scans", data={"kind": "chat"}, files=files)
    assert r.status_code == 403 and "CSRF" in r.text
    r = platform.client.post("/scans", data={"kind": "chat", "csrf_token": "forged"}, files=files)
    assert r.status_code == 403
    r = platform.client.post("/api/findings/1/actions", json={"action": "confirm"})
    assert r.status_code == 403 and r.json()["ok"] is False
    assert platform.client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert platform.client.get("/api/me").status_code == 401


def test_upload_scan_review_and_dismissal_survives_a_rescan(platform: Platform) -> None:
    csrf = platform.login(SUPERVISOR)
    job = platform.upload(csrf, CHAT, unit_id=OTHER_UNIT)
    assert job["status"] == "done", job
    cli = scan_files([str(CHAT)], platform.services.settings, detector=platform.services.scans.detector())
    # the platform scans exactly as the CLI does: the sample's malformed lines are counted, not fatal
    assert job["summary"]["messages"] == cli.summary.messages == 11
    assert job["summary"]["problems"] == cli.summary.problems == 3
    page = platform.client.get(f"/api/findings?job={job['id']}&limit=100").json()
    assert page["total"] == job["findings"] == cli.summary.with_demands > 0
    checkin = next(f for f in page["items"] if f["message_id"] == "g-001")
    assert "FORCED_CHECKIN" in checkin["labels"] and checkin["off_hours"] is True
    span = checkin["findings"][0]["span"]
    assert checkin["text"][span[0]:span[1]] == checkin["findings"][0]["evidence"]
    assert checkin["burden_total_minutes"] == pytest.approx(checkin["burden_minutes"] * 48, rel=0.01)
    html = platform.client.get(f"/findings/{checkin['id']}").text
    rule = next(f for f in checkin["findings"] if f["code"] == "FORCED_CHECKIN")
    marked = html.split('id="message">')[1].split("</blockquote>")[0]
    assert f'强制打卡接龙">{rule["evidence"]}</mark>' in marked.replace("即时响应、", "")
    assert checkin["findings"][0]["rule"] in html and checkin["findings"][0]["policy"][:10] in html

    r = platform.client.post(f"/findings/{checkin['id']}/act",
                             data={"csrf_token": csrf, "action": "dismiss", "version": checkin["version"],
                                   "reason": ""})
    assert r.status_code == 400 and "理由" in r.text  # a dismissal needs a reason
    r = platform.client.post(f"/findings/{checkin['id']}/act",
                             data={"csrf_token": csrf, "action": "dismiss", "version": checkin["version"],
                                   "reason": "防汛值守点名"}, follow_redirects=False)
    assert r.status_code == 303
    again = platform.upload(csrf, CHAT, unit_id=OTHER_UNIT)
    assert again["summary"]["new_findings"] == 0 and again["summary"]["known_findings"] == job["findings"]
    after = platform.client.get(f"/api/findings/{checkin['id']}").json()
    assert after["status"] == "dismissed" and after["status_reason"] == "防汛值守点名"
    assert platform.client.get("/api/findings?limit=500").json()["total"] == page["total"]


def test_rectification_is_tracked_to_closure_and_logged(platform: Platform) -> None:
    csrf = platform.login(SUPERVISOR)
    job = platform.upload(csrf, CHAT, unit_id=OTHER_UNIT)
    item = platform.client.get(f"/api/findings?job={job['id']}").json()["items"][0]

    def act(action: str, csrf: str, **body: object) -> dict:
        r = platform.client.post(f"/api/findings/{item['id']}/actions", json={"action": action, **body},
                                 headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
        return r.json()

    act("confirm", csrf, reason="属实")
    assigned = act("assign", csrf, reason="限期整改", unit_id=ADMIN_UNIT, due_on="2025-07-31")
    assert assigned["status"] == "assigned" and assigned["assigned_unit_id"] == ADMIN_UNIT
    stale = platform.client.post(f"/api/findings/{item['id']}/actions", headers={"X-CSRF-Token": csrf},
                                 json={"action": "close", "reason": "x", "version": 1})
    assert stale.status_code == 409 or stale.json()["status"] in (400, 409)
    admin_csrf = platform.login(ADMIN)  # the assigned unit reports what it changed
    assert act("rectify", admin_csrf, reason="已取消每日打卡")["status"] == "rectifying"
    r = platform.client.post(f"/api/findings/{item['id']}/actions", json={"action": "close", "reason": "核实"},
                             headers={"X-CSRF-Token": admin_csrf})
    assert r.status_code == 403  # only a supervisor verifies and closes
    csrf = platform.login(SUPERVISOR)
    closed = act("close", csrf, reason="已核实")
    assert closed["status"] == "closed"
    html = platform.client.get(f"/findings/{item['id']}").text
    for step in ("确认", "交办整改", "报告整改", "办结"):
        assert step in html
    with platform.services.store.engine.begin() as conn:
        actions = [r[0] for r in conn.execute(text(
            "SELECT action FROM change_log WHERE subject_type='finding' ORDER BY id"))]
    assert actions == ["confirm", "assign", "rectify", "close"]
    with pytest.raises(Exception, match="append-only"), platform.services.store.engine.begin() as conn:
        conn.execute(text("UPDATE change_log SET actor = 'someone else'"))


def test_a_unit_admin_sees_and_changes_only_their_own_unit(platform: Platform) -> None:
    csrf = platform.login(SUPERVISOR)
    job = platform.upload(csrf, CHAT, unit_id=OTHER_UNIT)
    foreign = platform.client.get(f"/api/findings?job={job['id']}").json()["items"][0]
    admin_csrf = platform.login(ADMIN)
    assert platform.client.get("/api/findings").json()["total"] == 0
    r = platform.client.get(f"/api/findings/{foreign['id']}")
    assert r.status_code == 403 and r.json()["error"] == "无权访问其他单位的数据"
    assert platform.client.get(f"/findings/{foreign['id']}").status_code == 403
    r = platform.client.post(f"/api/findings/{foreign['id']}/actions", json={"action": "rectify", "reason": "x"},
                             headers={"X-CSRF-Token": admin_csrf})
    assert r.status_code == 403
    assert platform.client.get(f"/api/jobs/{job['id']}").status_code == 403
    tools = platform.client.get("/api/tools").json()["items"]
    assert tools and {t["owner_unit"] for t in tools} == {"清河市人民政府办公室"}
    other_tool = next(t for t in platform.services.registry.tools() if t.owner_unit != "清河市人民政府办公室")
    assert platform.client.get(f"/registry/{other_tool.id}").status_code == 403
    r = platform.client.post(f"/registry/{other_tool.id}/transition",
                             data={"csrf_token": admin_csrf, "target": "retired", "reason": "x", "version": 1})
    assert r.status_code == 403
    assert platform.services.registry.show(other_tool.id).tool.status == "active"
    # the other unit's administrator sees the findings of its own unit
    platform.login(OTHER_ADMIN)
    assert platform.client.get("/api/findings").json()["total"] == job["findings"]


def test_user_text_is_escaped_everywhere_it_is_shown(platform: Platform) -> None:
    csrf = platform.login(SUPERVISOR)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    line = {"id": "x-1", "text": f"请各位今晚十点前截图发群{evil}", "sent_at": "2025-05-09T21:30:00+08:00",
            "sender": f"王{evil}", "group": f"群{evil}"}
    job = platform.upload(csrf, CHAT, unit_id=OTHER_UNIT, content=(json.dumps(line, ensure_ascii=False) + "\n")
                          .encode())
    assert job["status"] == "done" and job["findings"] == 1
    fid = platform.client.get(f"/api/findings?job={job['id']}").json()["items"][0]["id"]
    platform.client.post("/clue", data={"category": "over_trace", "description": f"截图留痕{evil}",
                                        "tool_name": evil, "unit_name": evil})
    for path in (f"/findings/{fid}", "/findings", "/", "/clues", "/clues/1"):
        html = platform.client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html or "&lt;img" in html or path == "/", path


def test_anonymous_clue_keeps_nothing_about_the_reporter(platform: Platform) -> None:
    c = platform.client
    c.cookies.clear()
    r = c.post("/clue", data={"category": "ranking", "description": "每周在群里通报积分排名，倒数的要写检讨",
                              "tool_name": "学习积分群", "unit_name": "某乡"},
               headers={"User-Agent": "TraceMe/1.0", "X-Forwarded-For": "203.0.113.7"})
    assert r.status_code == 200
    code = r.text.split('id="receipt-code">')[1].split("<")[0]
    assert len(code) == 19
    columns = {col["name"] for col in inspect(platform.services.store.engine).get_columns("clues")}
    assert columns == {"id", "receipt_hash", "category", "tool_name", "unit_name", "description", "received_on",
                       "status", "public_reply", "internal_note", "unit_id", "tool_id", "finding_ids", "handled_by",
                       "version"}
    with platform.services.store.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM clues")).mappings().one()
        dump = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
        log = json.dumps([list(map(str, r)) for r in conn.execute(text("SELECT * FROM change_log"))],
                         ensure_ascii=False)
    for trace in ("TraceMe", "203.0.113.7", "testclient", code, code.replace("-", "")):
        assert trace not in dump and trace not in log
    assert len(str(row["received_on"])) == 10  # a day, not a time
    r = c.post("/clue/follow", data={"code": code.lower()})
    assert r.status_code == 200 and "已收到" in r.text
    assert c.post("/clue/follow", data={"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 404
    # a supervisor triages it and replies; the reporter sees the reply with the code
    csrf = platform.login(SUPERVISOR)
    clue_id = row["id"]
    r = c.post(f"/clues/{clue_id}/triage", data={"csrf_token": csrf, "status": "verified", "version": 1,
                                                 "public_reply": "经核查属实，已责令整改", "unit_id": OTHER_UNIT,
                                                 "tool_id": "QH-QUN-00107", "internal_note": "转清源区"},
               follow_redirects=False)
    assert r.status_code == 303
    assert "QH-QUN-00107" in c.get(f"/clues/{clue_id}").text
    c.cookies.clear()
    r = c.post("/api/clues/follow", json={"receipt_code": code})
    assert r.json() == {"category": "滥用排名", "received_on": str(row["received_on"]), "status": "情况属实",
                        "reply": "经核查属实，已责令整改"}
    assert c.post("/api/clues", json={"category": "bogus", "description": "xxxxxx"}).json()["status"] == 400
    # reviewers see clues; unit administrators do not
    platform.login(ADMIN)
    assert platform.client.get("/clues").status_code == 403
    platform.login(REVIEWER)
    assert platform.client.get("/clues").status_code == 200


def test_filing_a_duplicate_app_is_caught_and_redirected(platform: Platform) -> None:
    csrf = platform.login(SUPERVISOR)
    existing = next(t for t in platform.services.registry.tools(kind="miniprogram") if t.id == "QH-XCX-00001")
    r = platform.client.post("/filings", data={
        "csrf_token": csrf, "name": "清河政务公开通", "kind": "app", "owner_unit": "QH-D02",
        "functions": "；".join(existing.functions), "description": existing.description, "in_plan": "yes",
    }, follow_redirects=False)
    assert r.status_code == 303, r.text
    html = platform.client.get(r.headers["location"]).text
    assert 'data-rule="APP-09"' in html and "QH-XCX-00001" in html
    fid = int(r.headers["location"].rsplit("/", 1)[1])
    r = platform.client.post(f"/filings/{fid}/review", data={"csrf_token": csrf, "decision": "redirect",
                                                             "redirect_to": "QH-XCX-00001", "reason": "作为模块建设"},
                             follow_redirects=False)
    assert r.status_code == 303
    assert platform.services.registry.filing(fid).decision == "redirected"


def test_reports_open_as_real_documents(platform: Platform) -> None:
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    csrf = platform.login(SUPERVISOR)
    platform.upload(csrf, CHAT, unit_id=OTHER_UNIT)
    q = "unit=QH&since=2024-01-01&until=2024-12-31"
    docx = platform.client.get(f"/reports/tongbao.docx?{q}")
    assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
    text_docx = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "清河市减轻基层负担工作办公室" in text_docx and "强制打卡接龙" in text_docx
    pdf = platform.client.get(f"/reports/tongbao.pdf?{q}")
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    assert "总体情况" in "".join(p.extract_text() for p in pages)
    xlsx = platform.client.get(f"/reports/findings.xlsx?{q}")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["问题线索", "汇总"] and wb["问题线索"].max_row > 3
    reg = load_workbook(io.BytesIO(platform.client.get("/registry/export.xlsx").content))
    assert reg.worksheets[0].max_row >= 60
    assert platform.client.get("/reports/tongbao.pdf?unit=QH&since=2025-02-01&until=2025-01-01").status_code == 400


def test_overview_shows_counts_burden_and_heatmap(platform: Platform) -> None:
    csrf = platform.login(SUPERVISOR)
    job = platform.upload(csrf, CHAT, unit_id=OTHER_UNIT)
    data = platform.client.get("/api/overview").json()
    live_groups = platform.services.registry.tools(kind="work_group", status=["active", "rectifying"])
    assert data["tools"]["by_kind"]["work_group"] == len(live_groups) > 0
    assert sum(r["count"] for r in data["findings"]["by_code"]) >= job["findings"]
    assert sum(n for _, _, n in data["heatmap"]) == job["findings"]
    assert data["burden"]["by_issuing_unit"][0]["unit"] == "清源区"
    trend = data["tools"]["trend"]
    assert len(trend) == 12 and all(sum(r[k] for k in ("app", "miniprogram", "public_account", "work_group"))
                                    == r["total"] for r in trend)
    first = date.fromisoformat(trend[-1]["month"] + "-01")
    month_end = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    launched = [t for t in platform.services.registry.tools()
                if t.launched and t.launched <= month_end and t.status not in ("proposed", "under_review", "rejected")]
    assert trend[-1]["total"] == len(launched)
    html = platform.client.get("/").text
    assert 'id="chart-heat"' in html and 'id="table-burden"' in html and "清源区" in html


def test_api_errors_have_one_shape_and_an_openapi_spec(platform: Platform) -> None:
    platform.login(SUPERVISOR)
    c = platform.client
    for path, status in (("/api/findings/999999", 404), ("/api/jobs/999999", 404), ("/api/nowhere", 404),
                         ("/api/findings?since=not-a-date", 400), ("/api/findings?limit=abc", 400)):
        body = c.get(path).json()
        assert set(body) == {"ok", "error", "errors", "status"} and body["status"] == status, path
    spec = c.get("/api/openapi.json").json()
    assert {"/api/findings", "/api/overview", "/api/clues", "/api/jobs/{job_id}"} <= set(spec["paths"])
    assert c.get("/no-such-page").status_code == 404


def test_totals_are_counted_up_to_the_cap(platform: Platform) -> None:
    from jianfu.store.findings import FindingQuery

    csrf = platform.login(SUPERVISOR)
    job = platform.upload(csrf, CHAT, unit_id=OTHER_UNIT)
    assert job["findings"] >= 5
    access = platform.services.accounts.access(platform.client.cookies.get("jianfu_session"))
    assert access is not None
    items, total = platform.services.findings.list(access, FindingQuery(), limit=2, count_cap=3)
    assert len(items) == 2 and total == 4  # cap + 1 means "more than the cap"
    items, total = platform.services.findings.list(access, FindingQuery(), limit=2, offset=4, count_cap=3)
    assert total >= 6 or total == job["findings"]  # a later page still knows there are rows up to it
    assert platform.services.findings.list(access, FindingQuery(), count_cap=None)[1] == job["findings"]
