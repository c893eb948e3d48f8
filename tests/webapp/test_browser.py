"""The main flows in a real browser: Debian's Chromium driven by Playwright against the real server process.

The server is `jianfu serve --no-demo` on a SQLite file prepared with the test registry and accounts.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jianfu.config import Settings
from jianfu.store.db import open_store
from jianfu.web.app import build_services
from webapp.support import PASSWORD, SAMPLES, SUPERVISOR, seed_platform

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
pytestmark = pytest.mark.xdist_group("browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{root / 'jianfu.db'}"
    store = open_store(url)
    seed_platform(build_services(Settings(data_dir=str(root / "data"), database_url=url), store))
    store.dispose()
    port = _free_port()
    env = {**os.environ, "JIANFU_DATA_DIR": str(root / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "jianfu", "serve", "--no-demo", "--db", url, "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stdout.read().decode() if proc.stdout else "server exited") from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport={"width": 1360, "height": 900}, accept_downloads=True,
                                  locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def _login(page, username: str = SUPERVISOR) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_login_and_overview_charts_render(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto("/findings")
    assert "/login" in page.url  # a page that needs a log-in sends you to it
    page.fill("input[name=username]", SUPERVISOR)
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "用户名或密码错误"
    _login(page)
    for chart in ("trend", "codes", "burden", "heat", "monthly", "levels"):
        page.wait_for_selector(f"#chart-{chart}[data-ready='1'] canvas")
    assert page.locator(".kpi").first.inner_text().startswith(tuple("0123456789"))
    page.screenshot(path=tmp_path / "overview.png", full_page=True)


def test_file_a_duplicate_app_and_see_it_caught(page) -> None:  # type: ignore[no-untyped-def]
    _login(page)
    page.goto("/filings/new")
    page.fill("input[name=name]", "清河政务公开掌上通")
    page.select_option("select[name=kind]", "app")
    page.select_option("select[name=owner_unit]", "QH-D02")
    page.fill("input[name=functions]", "依申请公开；政府公报查询；政策文件检索")
    page.fill("textarea[name=description]", "提供依申请公开、政府公报查询、政策文件检索等服务")
    page.click("text=提交备案申请")
    page.wait_for_url("**/filings/*")
    check = page.locator(".check[data-rule='APP-09']")
    assert "不通过" in check.inner_text() and "QH-XCX-00001" in check.inner_text()
    page.select_option("select[name=decision]", "redirect")
    page.fill("input[name=redirect_to]", "QH-XCX-00001")
    page.fill("textarea[name=reason]", "与已有小程序功能重复，作为其模块建设")
    page.click("text=提交审核结论")
    assert "转为已有应用模块" in page.locator("h1").inner_text()


def test_upload_a_chat_export_and_review_a_finding(page) -> None:  # type: ignore[no-untyped-def]
    _login(page)
    page.goto("/scans")
    page.set_input_files("input[name=file]", str(SAMPLES / "wecom" / "archive.json"))
    page.select_option("select[name=unit_id]", "QH-C01")
    page.click("text=上传并扫描")
    page.wait_for_selector("#job-done:not([hidden])", timeout=90_000)
    assert page.locator("progress").get_attribute("value") in ("1", "1.0")
    page.click("text=查看本次发现的问题")
    rows = page.locator("table.findings tbody tr")
    assert rows.count() >= 1 and rows.first.locator("mark.ev").count() >= 1
    rows.first.locator("td a").first.click()
    page.wait_for_selector("#message mark.ev")
    page.click("#btn-confirm")
    assert "已确认" in page.locator("h1").inner_text()
    page.fill("form:has(#btn-dismiss) input[name=reason]", "经核实为应急值守要求")
    page.click("#btn-dismiss")
    assert "已排除" in page.locator("h1").inner_text()
    assert "经核实为应急值守要求" in page.content()


def test_submit_a_clue_and_follow_it_with_the_receipt_code(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/clue")
    page.check("input[value=over_trace]")
    page.fill("input[name=tool_name]", "某镇网格员工作群")
    page.fill("textarea[name=description]", "每天晚上十点前要求上传入户照片和定位截图，不传就点名")
    page.click("text=匿名提交")
    code = page.locator("#receipt-code").inner_text().strip()
    assert len(code) == 19 and code.count("-") == 3
    page.goto("/clue/follow")
    page.fill("input[name=code]", code)
    page.click("button[type=submit]")
    assert page.locator("#clue-state").inner_text() == "已收到"
    assert page.locator("#clue-reply").inner_text() == "暂无答复"


def test_download_a_tongbao_and_open_it(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from pypdf import PdfReader

    _login(page)
    page.goto("/reports")
    page.fill("input[name=since]", "2024-01-01")
    page.fill("input[name=until]", "2025-12-31")
    with page.expect_download() as info:
        page.click("#dl-pdf")
    pdf = tmp_path / "tongbao.pdf"
    info.value.save_as(pdf)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "清河市减轻基层负担工作办公室" in text and "总体情况" in text
    with page.expect_download() as info:
        page.click("#dl-docx")
    doc = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert any("典型案例" in p.text for p in doc.paragraphs)
