"""Benchmark: the web platform under load, on PostgreSQL with a million message findings.

The 清河市 demo registry (1,533 units, 3,706 tools) is imported into a database of its own, then --rows
generated findings are bulk-loaded with COPY (spread over the demo's work groups and units, a year of
sent_at, consistent local month/weekday/hour, 1–2 codes, review states), followed by VACUUM ANALYZE.
The real server (`jianfu serve --no-demo --db …`) runs as a subprocess; `wrk` drives --users concurrent
connections at one endpoint at a time for --seconds (after a short warm-up), as a supervisor at the root
unit (sees everything), a supervisor of one county (a scope of ~100 units) and a unit admin of one county
department. Every endpoint is run --repeat times in rotating order; the table shows medians of the runs.

Baselines, measured in the same run on the same server: a static file (/static/app.css, the server's floor)
and /login (a template render with no database work). The overview page is cached per scope for 30 s, so
`/` is primed once before its run and measures the cached path; the uncached cost is timed in-process with
`Overview(store, ttl_seconds=0).build(scope)` (median of 5, one user, no load) as extra rows.

Needs PostgreSQL (trust auth; default postgresql://postgres@127.0.0.1:5432) and wrk (`apt-get install wrk`).

    python bench/bench_platform.py [--rows 1000000] [--users 50] [--seconds 20] [--repeat 3] [--keep] [--reuse]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psycopg
from psycopg import sql
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("platform_load.lua")
TARGET_MS = 300.0
PASSWORD = "bench-platform-9"
SUPERVISOR, COUNTY, ADMIN = "bench_sup", "bench_county", "bench_admin"
COUNTY_UNIT = "QH-C03"  # 柳溪县
ADMIN_UNIT = "QH-C03-D03"  # 柳溪县委宣传部, the demo's unit admin
OVERVIEW_TTL = 30.0  # seconds, Overview's default

CODES = ("FORCED_CHECKIN", "PROOF_TRACE", "LIKE_SHARE_QUOTA", "RANKING", "FORCED_ADOPTION", "INSTANT_REPLY",
         "DUPLICATE_REPORTING", "ARBITRARY_TASK")
CODE_WEIGHTS = (0.20, 0.22, 0.12, 0.08, 0.10, 0.13, 0.09, 0.06)
SEVERITY = {"FORCED_CHECKIN": "S1", "PROOF_TRACE": "S1", "LIKE_SHARE_QUOTA": "S1", "RANKING": "S1",
            "FORCED_ADOPTION": "S1", "INSTANT_REPLY": "S2", "DUPLICATE_REPORTING": "S2", "ARBITRARY_TASK": "S3"}
# (evidence, a message around it, burden minutes per recipient) per code.
MESSAGES = {
    "FORCED_CHECKIN": ("每天打卡", "请各位每天打卡签到，八点前完成，未打卡的点名通报。", 3.0),
    "PROOF_TRACE": ("截图发群", "入户走访完成后请拍照留痕，截图发群，今晚十点前报齐。", 8.0),
    "LIKE_SHARE_QUOTA": ("点赞转发", "请全体干部对这篇推文点赞转发，每人不少于三个群，截图回传。", 5.0),
    "RANKING": ("通报排名", "本周学习积分排名如下，后三名的村请写情况说明，周一通报排名。", 10.0),
    "FORCED_ADOPTION": ("必须下载", "各单位干部必须下载注册新版APP，明天统计注册率。", 6.0),
    "INSTANT_REPLY": ("收到请回复", "收到请回复“收到”，五分钟内未回复的逐一电话确认。", 1.0),
    "DUPLICATE_REPORTING": ("再报一遍", "上周系统里报过的种植数据，请在群里再报一遍表格。", 20.0),
    "ARBITRARY_TASK": ("临时安排", "临时安排：请各村今天下午抽两人到乡里帮忙布置会场。", 30.0),
}
STATUSES = ("open", "confirmed", "dismissed", "assigned", "rectifying", "closed")
STATUS_WEIGHTS = (0.88, 0.04, 0.03, 0.02, 0.02, 0.01)
SENDERS = ("王主任", "李书记", "张科长", "刘干事", "陈站长", "杨副乡长", "赵组长", "黄网格员")
ROLES = ("leader", "staff", "cadre", "leader")
YEAR_START = np.datetime64("2024-07-01T00:00:00", "s")  # local (Asia/Shanghai, UTC+8, no DST) midnight, a Monday
COLUMNS = ("fingerprint", "job_id", "message_id", "group_name", "tool_id", "owner_unit_id", "issuing_unit_id",
           "sender", "sender_role", "sent_at", "sent_month", "sent_weekday", "sent_hour", "text", "codes",
           "primary_code", "details", "score", "severity", "off_hours", "deadline", "burden_minutes", "group_size",
           "burden_total_minutes", "status", "status_reason", "assigned_unit_id", "due_on", "rectification",
           "first_seen", "updated_at", "version")


@dataclass(frozen=True, slots=True)
class Endpoint:
    label: str
    path: str
    who: str | None  # account whose session cookie is sent; None = no cookie
    baseline: bool = False
    prime: bool = False  # GET once before the warm-up (fills the overview cache)


ENDPOINTS = (
    Endpoint("/static/app.css  (baseline: floor)", "/static/app.css", None, baseline=True),
    Endpoint("/login  (baseline: template, no DB)", "/login", None, baseline=True),
    Endpoint("/  overview, cached  (supervisor)", "/", SUPERVISOR, prime=True),
    Endpoint("/findings  (supervisor)", "/findings", SUPERVISOR),
    Endpoint("/findings?code=PROOF_TRACE&page=5  (supervisor)", "/findings?code=PROOF_TRACE&page=5", SUPERVISOR),
    Endpoint("/findings  (county supervisor)", "/findings", COUNTY),
    Endpoint("/findings  (unit admin)", "/findings", ADMIN),
    Endpoint("/api/findings?limit=50  (supervisor)", "/api/findings?limit=50", SUPERVISOR),
)


# --- database ---------------------------------------------------------------------------------------------------


def admin_conn(base: str) -> psycopg.Connection[Any]:
    return psycopg.connect(f"{base}/postgres", autocommit=True)


def prepare_database(base: str, name: str, reuse: bool) -> None:
    with admin_conn(base) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None
        if exists and not reuse:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(base: str, name: str) -> None:
    with admin_conn(base) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def import_registry(url: str, data_dir: Path) -> tuple[float, bool]:
    """The demo's unit tree and tools through the registry service; returns (seconds, imported now)."""
    from jianfu.config import Settings
    from jianfu.ingest.registry import read_registry
    from jianfu.store.db import open_store
    from jianfu.web.app import build_services
    from jianfu.workflow.demo import DEMO, is_empty

    start = time.perf_counter()
    store = open_store(url)
    try:
        if not is_empty(store):
            return time.perf_counter() - start, False
        services = build_services(Settings(workers=1, data_dir=str(data_dir), database_url=url), store)
        parsed = read_registry(DEMO / "registry" / "qinghe_registry.xlsx")
        services.registry.import_records(parsed.units, parsed.tools, actor="bench")
        services.scans.shutdown()
    finally:
        store.dispose()
    return time.perf_counter() - start, True


def ensure_accounts(url: str, data_dir: Path) -> None:
    from sqlalchemy import select

    from jianfu.config import Settings
    from jianfu.store.db import open_store
    from jianfu.store.models import UserRow
    from jianfu.web.app import build_services

    store = open_store(url, migrate=False)
    try:
        services = build_services(Settings(workers=1, data_dir=str(data_dir), database_url=url), store)
        with store.session() as s:
            known = set(s.scalars(select(UserRow.username)))
        for username, role, unit in ((SUPERVISOR, "supervisor", "QH"), (COUNTY, "supervisor", COUNTY_UNIT),
                                     (ADMIN, "unit_admin", ADMIN_UNIT)):
            if username not in known:
                services.accounts.create_user(username, PASSWORD, role=role, unit_id=unit, display_name=username)
        services.scans.shutdown()
    finally:
        store.dispose()


def generate_chunks(units: list[tuple[str, str | None]], groups: list[tuple[str, str, str]], rows: int,
                    seed: int = 20240701, chunk: int = 50_000) -> Iterator[bytes]:
    """COPY text lines of --rows findings, spread over the demo's work groups (id, name, owner) and units."""
    rng = np.random.default_rng(seed)
    unit_ids = [u for u, _ in units]
    parent_of = dict(units)
    if not groups:
        raise SystemExit("no work-group tools in the registry")
    g_tool = [g[0] for g in groups]
    g_name = [g[1].replace("\t", " ").replace("\\", "/") for g in groups]
    g_owner = [g[2] for g in groups]
    g_parent = [parent_of.get(o) or o for o in g_owner]
    g_size = rng.integers(12, 400, len(groups))
    g_weight = rng.lognormal(0.0, 1.0, len(groups))  # some groups are far busier than others
    g_weight /= g_weight.sum()
    # A year of days, weekends quieter; hours mostly in office time, some evenings and early mornings.
    day_weight = np.array([0.35 if d % 7 >= 5 else 1.0 for d in range(365)])
    day_weight /= day_weight.sum()
    hour_weight = np.array([1, 1, 1, 1, 1, 2, 4, 10, 30, 60, 60, 50, 25, 25, 55, 60, 55, 45, 30, 25, 22, 18, 10, 4],
                           dtype=float)
    hour_weight /= hour_weight.sum()
    # The 8 single codes and the 56 ordered pairs, with their JSON, text and burden, prepared once.
    combos: list[tuple[str, str, str, str, str, float]] = []
    for first in CODES:
        for second in (None, *[c for c in CODES if c != first]):
            codes = [first] if second is None else [first, second]
            details = []
            text = ""
            for code in codes:
                evidence, message, _ = MESSAGES[code]
                at = len(text) + message.index(evidence)
                details.append({"code": code, "rule": f"msg.{code.lower()}", "span": [at, at + len(evidence)],
                                "evidence": evidence, "score": 0.9, "policy": f"MSG-0{CODES.index(code) + 1} 基层减负",
                                "severity": SEVERITY[code]})
                text += message
            severity = min(SEVERITY[c] for c in codes)
            combos.append((json.dumps(codes, ensure_ascii=False), first, json.dumps(details, ensure_ascii=False),
                           text, severity, sum(MESSAGES[c][2] for c in codes)))
    code_p = np.array(CODE_WEIGHTS) / sum(CODE_WEIGHTS)
    done = 0
    while done < rows:
        n = min(chunk, rows - done)
        g = rng.choice(len(groups), n, p=g_weight)
        pick = rng.random(n)
        rand_unit = rng.integers(0, len(unit_ids), n)
        day = rng.choice(365, n, p=day_weight)
        hour = rng.choice(24, n, p=hour_weight)
        second_of_hour = rng.integers(0, 3600, n)
        local = YEAR_START + (day * 86400 + hour * 3600 + second_of_hour).astype("timedelta64[s]")
        utc = np.datetime_as_string(local - np.timedelta64(8, "h"), unit="s")
        local_month = np.datetime_as_string(local, unit="M")
        weekday = day % 7  # 2024-07-01 is a Monday
        first = rng.choice(8, n, p=code_p)
        second = rng.integers(0, 7, n)
        two = rng.random(n) < 0.25
        status = rng.choice(len(STATUSES), n, p=STATUS_WEIGHTS)
        score = rng.uniform(0.55, 0.99, n)
        lines: list[str] = []
        for k in range(n):
            i = done + k
            gi = int(g[k])
            owner = g_owner[gi]
            p = pick[k]
            issuer = owner if p < 0.5 else g_parent[gi] if p < 0.8 else unit_ids[int(rand_unit[k])]
            # combos holds, per first code, the single code then its 7 pairs in CODES order.
            combo = int(first[k]) * 8 + (1 + int(second[k]) if two[k] else 0)
            codes_json, primary, details, text, severity, burden = combos[combo]
            size = int(g_size[gi])
            h = int(hour[k])
            wd = int(weekday[k])
            st = STATUSES[int(status[k])]
            sent = f"{utc[k]}+00"
            assigned = issuer if st in ("assigned", "rectifying", "closed") else "\\N"
            lines.append("\t".join((
                hashlib.sha256(f"bench-platform-{i}".encode()).hexdigest(), "\\N", f"m{i}", g_name[gi], g_tool[gi],
                owner, issuer, SENDERS[i % len(SENDERS)], ROLES[i % len(ROLES)], sent, str(local_month[k]), str(wd),
                str(h), text, codes_json, primary, details, f"{score[k]:.3f}", severity,
                "t" if (h < 9 or h >= 18 or wd >= 5) else "f", "今晚十点前" if i % 3 == 0 else "\\N", f"{burden}",
                str(size), f"{burden * size}", st, "属应急事项（压测数据）" if st == "dismissed" else "\\N", assigned,
                "2025-07-31" if assigned != "\\N" else "\\N", "已整改（压测数据）" if st == "closed" else "\\N",
                sent, sent, "1",
            )))
        done += n
        yield ("\n".join(lines) + "\n").encode()


def load_findings(url: str, rows: int, console: Console) -> dict[str, float]:
    """TRUNCATE, drop secondary indexes, COPY the rows, rebuild the indexes, VACUUM ANALYZE; seconds per step."""
    times: dict[str, float] = {}
    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE message_findings RESTART IDENTITY")
        units = [(str(u), p) for u, p in conn.execute("SELECT id, parent_id FROM units ORDER BY id")]
        groups = [(str(i), str(n), str(o)) for i, n, o in conn.execute(
            "SELECT id, name, owner_unit_id FROM tools WHERE kind = 'work_group' ORDER BY id")]
        conn.execute("SET maintenance_work_mem = '256MB'")
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'message_findings' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)").fetchall()
        uniques = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'message_findings'::regclass AND contype = 'u'").fetchall()
        for name, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        for name, _ in uniques:
            conn.execute(sql.SQL("ALTER TABLE message_findings DROP CONSTRAINT {}").format(sql.Identifier(name)))
        # The generated ids are valid by construction: skip the per-row foreign-key triggers while loading.
        conn.execute("SET session_replication_role = replica")
        start = time.perf_counter()
        copy_sql = sql.SQL("COPY message_findings ({}) FROM STDIN").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS))
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for n, data in enumerate(generate_chunks(units, groups, rows), start=1):
                copy.write(data)
                if n % 4 == 0:
                    console.print(f"  COPY: {min(n * 50_000, rows):,} rows, {time.perf_counter() - start:.0f} s",
                                  highlight=False)
        times["generate + COPY"] = time.perf_counter() - start
        conn.execute("SET session_replication_role = origin")
        start = time.perf_counter()
        for name, definition in uniques:
            conn.execute(sql.SQL("ALTER TABLE message_findings ADD CONSTRAINT {} {}").format(
                sql.Identifier(name), sql.SQL(definition)))
        for _, definition in indexes:
            conn.execute(definition)
        conn.commit()
        times["indexes"] = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        # VACUUM too, not only ANALYZE: autovacuum would otherwise start on the fresh million rows mid-run.
        conn.execute("VACUUM (ANALYZE) message_findings")
    times["VACUUM ANALYZE"] = time.perf_counter() - start
    return times


def wait_idle(url: str, limit: float = 240.0) -> float:
    """Wait until no query of the server runs in the database (a slow run leaves queries behind)."""
    start = time.perf_counter()
    quiet = 0
    with psycopg.connect(url, autocommit=True) as conn:
        while time.perf_counter() - start < limit and quiet < 2:
            busy = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND state = 'active' AND pid <> pg_backend_pid()").fetchone()
            quiet = quiet + 1 if busy is not None and busy[0] == 0 else 0
            time.sleep(0.25)
    return time.perf_counter() - start


# --- the in-process overview, uncached --------------------------------------------------------------------------


def overview_builds(url: str, scopes: dict[str, str], repeat: int = 5) -> dict[str, list[float]]:
    """Seconds of `Overview(store, ttl_seconds=0).build(scope)` for each account's scope."""
    from jianfu.evaluate.overview import Overview
    from jianfu.store import platform as platform_repo
    from jianfu.store.db import open_store
    from jianfu.workflow.accounts import scope_for

    store = open_store(url, migrate=False)
    out: dict[str, list[float]] = {}
    try:
        with store.session() as s:
            tree = platform_repo.unit_tree(s)
            users = {u: platform_repo.user_credentials(s, u) for u in scopes}
        overview = Overview(store, ttl_seconds=0)
        for username, label in scopes.items():
            found = users[username]
            assert found is not None
            scope = scope_for(found[0], tree)
            overview.build(scope)  # warm the connection and the page cache once
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                overview.build(scope)
                times.append(time.perf_counter() - start)
            out[label] = times
    finally:
        store.dispose()
    return out


# --- the server and the load ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JIANFU_DATA_DIR": str(data_dir)}
    env.pop("JIANFU_DATABASE_URL", None)
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "jianfu", "serve", "--no-demo", "--db", url, "--port",
                                 str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"server did not answer within 90 s:\n{log.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def log_in(base_url: str, username: str) -> str:
    with httpx.Client(base_url=base_url, timeout=60) as client:
        r = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/"},
                        follow_redirects=False)
        token = r.cookies.get("jianfu_session")
        if r.status_code != 303 or not token:
            raise SystemExit(f"log-in of {username} failed: {r.status_code} {r.text[:200]}")
        return token


def check(base_url: str, endpoint: Endpoint, cookies: dict[str, str]) -> float:
    """One request: must be a 200 (not a redirect to /login); returns its seconds."""
    headers = {"Cookie": f"jianfu_session={cookies[endpoint.who]}"} if endpoint.who else {}
    start = time.perf_counter()
    r = httpx.get(base_url + endpoint.path, headers=headers, timeout=600, follow_redirects=False)
    elapsed = time.perf_counter() - start
    if r.status_code != 200:
        raise SystemExit(f"{endpoint.path} as {endpoint.who}: HTTP {r.status_code} {r.text[:200]}")
    return elapsed


def run_wrk(base_url: str, endpoint: Endpoint, cookies: dict[str, str], users: int, seconds: float) -> dict[str, Any]:
    env = {**os.environ, "JIANFU_COOKIE": cookies[endpoint.who] if endpoint.who else ""}
    cmd = ["wrk", f"-t{min(2, users)}", f"-c{users}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
           "-s", str(LUA), base_url + endpoint.path]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 120, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return dict(json.loads(line.removeprefix("WRK_JSON ")))
    raise SystemExit(f"wrk gave no summary (rc {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


# --- report -----------------------------------------------------------------------------------------------------


def db_facts(url: str) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        def one(query: str) -> Any:
            row = conn.execute(query).fetchone()
            return row[0] if row else None

        return {
            "rows": one("SELECT count(*) FROM message_findings"),
            "db_size": one("SELECT pg_size_pretty(pg_database_size(current_database()))"),
            "table_size": one("SELECT pg_size_pretty(pg_total_relation_size('message_findings'))"),
            "units": one("SELECT count(*) FROM units"),
            "tools": one("SELECT count(*) FROM tools"),
            "admin_rows": one(f"SELECT count(*) FROM message_findings WHERE owner_unit_id = '{ADMIN_UNIT}' "
                              f"OR issuing_unit_id = '{ADMIN_UNIT}'"),
            "version": one("SHOW server_version"),
            "shared_buffers": one("SHOW shared_buffers"),
        }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="message findings to load")
    ap.add_argument("--users", type=int, default=50, help="concurrent connections (wrk -c)")
    ap.add_argument("--seconds", type=float, default=20.0, help="measured seconds per endpoint and run")
    ap.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds of load before each run")
    ap.add_argument("--repeat", type=int, default=3, help="runs per endpoint (medians are shown)")
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="server URL, without database")
    ap.add_argument("--db-name", default="jianfu_bench_platform")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument("--reuse", action="store_true", help="keep an existing database that already has --rows rows")
    args = ap.parse_args()
    console = Console(width=200)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    if args.seconds + args.warmup > OVERVIEW_TTL - 3:
        console.print(f"[yellow]note: warm-up + run > {OVERVIEW_TTL - 3:.0f} s, the cached overview expires "
                      "within its run (every user then rebuilds it at once)[/]")
    url = f"{args.pg}/{args.db_name}"
    work = Path(tempfile.mkdtemp(prefix="bench-platform-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        prepare_database(args.pg, args.db_name, args.reuse)
        registry_s, imported = import_registry(url, work / "data")
        console.print(f"registry: {'imported' if imported else 'already there'} in {registry_s:.1f} s")
        load: dict[str, float] = {}
        have = db_facts(url)["rows"]
        if args.reuse and have == args.rows:
            console.print(f"findings: {have:,} rows already loaded (--reuse)")
        else:
            console.print(f"findings: loading {args.rows:,} rows …")
            load = load_findings(url, args.rows, console)
        ensure_accounts(url, work / "data")
        facts = db_facts(url)

        console.print("overview, uncached, in-process: 5 builds per scope …")
        builds = overview_builds(url, {SUPERVISOR: "supervisor (everything)", COUNTY: f"county ({COUNTY_UNIT})",
                                       ADMIN: f"unit admin ({ADMIN_UNIT})"})

        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        proc = start_server(url, port, work / "data", work / "server.log")
        cookies = {u: log_in(base_url, u) for u in (SUPERVISOR, COUNTY, ADMIN)}
        first = {e.label: check(base_url, e, cookies) for e in ENDPOINTS}
        wait_idle(url)

        results: dict[str, list[dict[str, Any]]] = {e.label: [] for e in ENDPOINTS}
        for r in range(args.repeat):
            order = ENDPOINTS[r % len(ENDPOINTS):] + ENDPOINTS[:r % len(ENDPOINTS)]
            for e in order:
                wait_idle(url)
                if e.prime:
                    check(base_url, e, cookies)
                if args.warmup > 0:
                    run_wrk(base_url, e, cookies, args.users, args.warmup)
                    wait_idle(url)
                res = run_wrk(base_url, e, cookies, args.users, args.seconds)
                results[e.label].append(res)
                console.print(f"  run {r + 1}/{args.repeat}  {e.label:<50} {res['requests']:>7,} req  "
                              f"p50 {res['p50'] / 1000:8.1f} ms  p95 {res['p95'] / 1000:8.1f} ms"
                              f"{'  not-200: ' + str(res['not_200']) if res['not_200'] else ''}"
                              f"{'  timeouts: ' + str(res['timeout']) if res['timeout'] else ''}", highlight=False)
        wait_idle(url)
    finally:
        if proc is not None:
            stop_server(proc)
        if not args.keep:
            drop_database(args.pg, args.db_name)
        shutil.rmtree(work, ignore_errors=True)

    def med(label: str, key: str) -> float:
        return median([float(x[key]) for x in results[label]])

    static_p95 = med(ENDPOINTS[0].label, "p95") / 1000
    login_p95 = med(ENDPOINTS[1].label, "p95") / 1000
    table = Table(title=f"Platform under load: {args.users} concurrent users, {args.seconds:.0f} s per run, "
                        f"medians of {args.repeat} runs ({facts['rows']:,} findings on PostgreSQL "
                        f"{facts['version']})")
    for col in ("endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", f"p95 ≤ {TARGET_MS:.0f} ms",
                "p95 × static", "p95 × /login", "errors"):
        table.add_column(col, justify="left" if col == "endpoint" else "right")
    for e in ENDPOINTS:
        runs = results[e.label]
        p95 = med(e.label, "p95") / 1000
        rps = median([x["requests"] / (x["duration_us"] / 1e6) for x in runs])
        errors = sum(int(x["not_200"]) + int(x["timeout"]) + int(x["connect"]) + int(x["read"]) for x in runs)
        table.add_row(e.label, f"{med(e.label, 'requests'):,.0f}", f"{rps:,.1f}", f"{med(e.label, 'p50') / 1000:,.1f}",
                      f"{p95:,.1f}", f"{med(e.label, 'p99') / 1000:,.1f}",
                      "—" if e.baseline else ("yes" if p95 <= TARGET_MS else "[red]NO[/]"),
                      f"{p95 / static_p95:,.1f}", f"{p95 / login_p95:,.1f}", str(errors))
    for label, times in builds.items():
        ms = median(times) * 1000
        table.add_row(f"overview build, uncached, in-process: {label}", str(len(times)), "—", f"{ms:,.1f}",
                      f"{max(times) * 1000:,.1f}*", "—", "yes" if ms <= TARGET_MS else "[red]NO[/]", "—", "—", "0")
    console.print(table)
    console.print("* uncached overview rows: one user, no load; p50 = median of the builds, p95 column = slowest "
                  "build. 'errors' = non-200 responses + timeouts + socket errors over all runs.", highlight=False)
    console.print(f"findings: {facts['rows']:,} rows (unit admin {ADMIN_UNIT} sees {facts['admin_rows']:,}); "
                  f"table {facts['table_size']}, database {facts['db_size']}; {facts['units']:,} units, "
                  f"{facts['tools']:,} tools; shared_buffers {facts['shared_buffers']}; "
                  f"cores {os.cpu_count()}", highlight=False)
    if load:
        console.print("load: " + ", ".join(f"{k} {v:.1f} s" for k, v in load.items())
                      + f", total {sum(load.values()):.1f} s ({facts['rows'] / load['generate + COPY']:,.0f} rows/s "
                        "generated and copied)", highlight=False)
    console.print("first request of each endpoint (cold, single): "
                  + ", ".join(f"{e.path} {first[e.label] * 1000:,.0f} ms" for e in ENDPOINTS), highlight=False)


if __name__ == "__main__":
    main()
