"""The README's main job: `jianfu` with no arguments seeds the 清河市 demo on SQLite and serves it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.xdist_group("browser")


def test_main_job_serves_the_demo_with_real_findings(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JIANFU_DATA_DIR": str(tmp_path)}
    env.pop("JIANFU_DATABASE_URL", None)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "jianfu", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else "exited"
            assert time.monotonic() - started < 600, "demo did not come up"  # a hang guard, not a speed target
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        with httpx.Client(base_url=base, timeout=30) as client:
            r = client.post("/login", data={"username": "jianfu", "password": "jianfu-demo"})
            assert r.status_code in (200, 303)
            data = client.get("/api/overview").json()
        assert (tmp_path / "demo.db").exists()
        assert data["tools"]["by_kind"]["work_group"] > 3000  # the whole prefecture's registry
        assert data["findings"]["total"] > 10_000  # a year of chat, scanned
        assert data["burden"]["by_issuing_unit"][0]["cadre_hours"] > 100
        assert data["activity"]["ZOMBIE"] > 100
        assert data["pages"]["checked"] == 22 and data["pages"]["hacked"] >= 5  # the demo's published pages
        trend = data["tools"]["trend"]
        assert trend[0]["total"] > trend[-1]["total"]  # retired zombie tools: the numbers come down
    finally:
        proc.terminate()
        proc.wait(timeout=30)
