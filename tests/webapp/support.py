"""Helpers for the platform tests: the platform on a real database (SQLite file or PostgreSQL),
with a small registry and four accounts.

`make_platform(db_url)` builds the services and the app exactly as `jianfu serve` does; TestClient
drives it in-process, and the browser tests start the real server process.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from jianfu.ingest.registry import read_registry
from jianfu.web.deps import Services

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PASSWORD = "correct-horse-9"
SUPERVISOR, REVIEWER, ADMIN, OTHER_ADMIN = "sup", "rev", "adm", "adm2"
ADMIN_UNIT = "QH-D02"  # 清河市人民政府办公室
OTHER_UNIT = "QH-C01"


@dataclass
class Platform:
    services: Services
    client: TestClient

    def login(self, username: str, password: str = PASSWORD) -> str:
        """Log in on this client; returns the CSRF token of the new session."""
        self.client.cookies.clear()
        r = self.client.post("/login", data={"username": username, "password": password, "next": "/"},
                             follow_redirects=False)
        assert r.status_code == 303, r.text
        return self.client.get("/api/me").json()["csrf_token"]

    def wait_job(self, job_id: int, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.client.get(f"/api/jobs/{job_id}").json()
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(0.2)
        raise AssertionError(f"job {job_id} did not finish in {timeout}s")

    def upload(self, csrf: str, path: Path, *, kind: str = "chat", unit_id: str = "", group_tool_id: str = "",
               content: bytes | None = None, logins: bytes | None = None) -> dict:
        data = content if content is not None else path.read_bytes()
        files = {"file": (path.name, data)}
        if logins is not None:
            files["logins"] = ("logins.csv", logins)
        r = self.client.post("/scans", data={"csrf_token": csrf, "kind": kind, "unit_id": unit_id,
                                             "group_tool_id": group_tool_id},
                             files=files, follow_redirects=False)
        assert r.status_code == 303, r.text
        job_id = int(r.headers["location"].rsplit("/", 1)[1])
        return self.wait_job(job_id)


def seed_platform(services: Services) -> None:
    parsed = read_registry(SAMPLES / "registry" / "tools.jsonl", units_path=SAMPLES / "registry" / "units.csv")
    assert not parsed.problems
    services.registry.import_records(parsed.units, parsed.tools, actor="test")
    accounts = services.accounts
    accounts.create_user(SUPERVISOR, PASSWORD, role="supervisor", unit_id="QH", display_name="王科长")
    accounts.create_user(REVIEWER, PASSWORD, role="reviewer", unit_id="QH", display_name="李审核")
    accounts.create_user(ADMIN, PASSWORD, role="unit_admin", unit_id=ADMIN_UNIT, display_name="张管理")
    accounts.create_user(OTHER_ADMIN, PASSWORD, role="unit_admin", unit_id=OTHER_UNIT, display_name="赵管理")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)
