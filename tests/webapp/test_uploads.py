"""Uploads other than chats: activity CSVs and pages run in the background too; the 台账 is imported,
exported and edited through the pages, with errors named and nothing half-written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from jianfu.ingest.registry import read_registry
from jianfu.store.models import AuditRow, ToolRow
from webapp.support import ADMIN, SAMPLES, SUPERVISOR, Platform, csrf_of

DATA = Path(__file__).resolve().parents[2] / "data"


def test_activity_upload_assesses_tools_like_the_cli(platform: Platform, tmp_path: Path) -> None:
    gold = json.loads((DATA / "activity" / "dev" / "gold.json").read_text(encoding="utf-8"))["tools"]
    wanted = [f"d{i:04d}" for i in range(12)]
    lines = [json.loads(x) for x in (DATA / "activity" / "dev" / "registry.jsonl").read_text("utf-8").splitlines()]
    subset = tmp_path / "registry.jsonl"
    subset.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in lines if t["id"] in wanted), "utf-8")
    parsed = read_registry(subset)
    platform.services.registry.import_records(parsed.units, parsed.tools, actor="test")
    out = io.StringIO()
    with (DATA / "activity" / "dev" / "activity.csv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        writer = csv.writer(out)
        writer.writerow(next(reader))
        writer.writerows(row for row in reader if row[1] in wanted)
    logins = [ln for i, ln in enumerate((DATA / "activity" / "dev" / "logins.csv").read_text("utf-8").splitlines())
              if i == 0 or ln.split(",", 1)[0] in wanted]
    csrf = platform.login(SUPERVISOR)
    job = platform.upload(csrf, Path("activity.csv"), kind="activity", content=out.getvalue().encode(),
                          logins=("\n".join(logins) + "\n").encode())
    assert job["status"] == "done", job
    assert job["summary"]["as_of"] == "2025-11-30" and job["summary"]["added"] == job["summary"]["rows"] > 0
    for tool_id in wanted:
        history = platform.services.registry.health_history(tool_id)
        assert history and history[-1].status == gold[tool_id], tool_id
    # a broken file writes nothing and says where
    bad = ("date,id,active_users,new_posts,page_views,logins,interactions,replies_to_public\n"
           "2025-11-31,d0000,1,1,1,1,1,1\n")
    failed = platform.upload(csrf, Path("bad.csv"), kind="activity", content=bad.encode())
    assert failed["status"] == "failed" and "bad.csv" in failed["error"]


def test_pages_upload_finds_injected_spam(platform: Platform) -> None:
    gold = json.loads((DATA / "web" / "dev" / "gold.json").read_text(encoding="utf-8"))["pages"]
    hacked = next(name for name, g in gold.items() if g["hacked"] and g["injections"])
    csrf = platform.login(SUPERVISOR)
    job = platform.upload(csrf, DATA / "web" / "dev" / "pages" / hacked, kind="pages")
    assert job["status"] == "done" and job["summary"]["hacked"] == 1
    techniques = {f.get("technique") for f in job["summary"]["pages"][0]["findings"]}
    assert {i["technique"] for i in gold[hacked]["injections"]} <= techniques
    assert "被植入" in platform.client.get(f"/scans/{job['id']}").text
    listing = platform.client.get("/pages").text  # kept as a snapshot, like a crawl
    assert f"file:{hacked}" in listing and '<tr class="bad">' in listing
    assert platform.client.get("/api/overview").json()["pages"]["hacked"] == 1


def test_registry_import_export_and_edit(platform: Platform, tmp_path: Path) -> None:
    csrf = platform.login(SUPERVISOR)
    with platform.services.store.session() as s:
        before = s.scalar(select(func.count()).select_from(ToolRow))
    broken = SAMPLES / "registry" / "broken.csv"
    r = platform.client.post("/registry/import", data={"csrf_token": csrf},
                             files={"file": (broken.name, broken.read_bytes())})
    assert r.status_code == 400 and "broken.csv" in r.text and "未写入任何数据" in r.text
    with platform.services.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ToolRow)) == before
    # the office's own GBK CSV of the same registry: nothing changes on a re-import
    gbk = SAMPLES / "registry" / "tools_zh_gbk.csv"
    r = platform.client.post("/registry/import", data={"csrf_token": csrf},
                             files={"file": (gbk.name, gbk.read_bytes())})
    assert r.status_code == 200 and "新增工具 0 个" in r.text
    export = load_workbook(io.BytesIO(platform.client.get("/registry/export.xlsx").content))
    ids = {cell for ws in export.worksheets for row in ws.iter_rows(values_only=True) for cell in row}
    assert "QH-XCX-00001" in ids
    one = load_workbook(io.BytesIO(platform.client.get("/registry/export.xlsx?unit=QH-C01").content))
    one_ids = {c for ws in one.worksheets for row in ws.iter_rows(values_only=True) for c in row}
    assert "QH-QUN-00107" in one_ids and "QH-XCX-00001" not in one_ids  # 清源区 only
    # an owner corrects a record; the reason lands in the audit log
    tool = next(t for t in platform.services.registry.tools() if t.owner_unit == "清河市人民政府办公室")
    admin_csrf = platform.login(ADMIN)
    page = platform.client.get(f"/registry/{tool.id}").text
    version = int(page.split('name="version" value="')[1].split('"')[0])
    assert csrf_of(page) == admin_csrf
    r = platform.client.post(f"/registry/{tool.id}/edit", data={
        "csrf_token": admin_csrf, "version": version, "reason": "更正功能描述", "name": tool.name + "（更正）",
        "functions": "；".join(tool.functions), "description": tool.description, "audience": tool.audience,
        "platform": tool.platform or "", "filing_number": tool.filing_number or ""}, follow_redirects=False)
    assert r.status_code == 303
    assert platform.services.registry.show(tool.id).tool.name == tool.name + "（更正）"
    stale = platform.client.post(f"/registry/{tool.id}/edit", data={
        "csrf_token": admin_csrf, "version": version, "reason": "再改", "name": "旧版本上的修改"})
    assert stale.status_code == 409  # a write on a stale version loses nothing
    with platform.services.store.session() as s:
        reasons = list(s.scalars(select(AuditRow.reason).where(AuditRow.tool_id == tool.id,
                                                               AuditRow.action == "update")))
    assert reasons == ["更正功能描述"]
