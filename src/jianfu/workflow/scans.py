"""Background work on uploads: chat exports, activity CSVs and pages, with progress in the job row.

One worker thread runs the jobs in order, so a long upload never blocks the web server and two scans
never compete for the two cores. The scan runs in-process (workers=1): forking a threaded server is
unsafe, and an upload is small next to the archives the CLI and Spark are for.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jianfu.config import Settings
from jianfu.errors import InputError, JianfuError
from jianfu.records import MessageResult
from jianfu.store import platform as repo
from jianfu.store.db import Store
from jianfu.workflow.findings import FindingService

KINDS = {"chat": "群聊导出", "activity": "运行数据", "pages": "网页"}


class ScanRunner:
    def __init__(self, store: Store, settings: Settings, now: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.settings = settings.model_copy(update={"workers": 1})
        self.now = now or (lambda: datetime.now(UTC))
        self.findings = FindingService(store, settings.timezone, self.now)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jianfu-scan")
        self._detector: Any = None
        self._lock = threading.Lock()
        self.uploads = Path(settings.data_dir) / "uploads"

    def save_upload(self, filename: str, data_source: Any) -> Path:
        """Copy an uploaded file (a binary file object) under the data dir; the name is kept for the user."""
        safe = "".join(ch for ch in Path(filename).name if ch not in '\\/:*?"<>|\x00') or "upload"
        folder = self.uploads / self.now().strftime("%Y%m%d%H%M%S%f")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / safe
        with path.open("wb") as fh:
            shutil.copyfileobj(data_source, fh, length=1 << 20)
        return path

    def submit(self, *, kind: str, path: Path, filename: str, unit_id: str | None, group_tool_id: str | None,
               actor: str, logins: Path | None = None) -> repo.Job:
        if kind not in KINDS:
            raise InputError(f"未知的上传类型: {kind}")
        with self.store.session() as s:
            job = repo.create_job(s, kind=kind, filename=filename, path=str(path), unit_id=unit_id,
                                  group_tool_id=group_tool_id, created_by=actor, now=self.now(),
                                  inputs={"logins": str(logins)} if logins else None)
            repo.record_change(s, actor=actor, subject_type="job", subject_id=job.id, action="upload", now=self.now(),
                               details={"kind": kind, "filename": filename})
        self._pool.submit(self.run, job.id)
        return job

    def jobs(self, scope: frozenset[str] | None, limit: int = 50) -> list[repo.Job]:
        with self.store.session() as s:
            return repo.list_jobs(s, sorted(scope) if scope is not None else None, limit)

    def pages(self) -> list[Any]:
        from jianfu.store.web import latest_snapshots

        with self.store.session() as s:
            return latest_snapshots(s)

    def job(self, job_id: int) -> repo.Job:
        with self.store.session() as s:
            return repo.get_job(s, job_id)

    def run(self, job_id: int) -> None:
        with self.store.session() as s:
            job = repo.get_job(s, job_id)
            repo.update_job(s, job_id, status="running")
        try:
            summary = {"chat": self._chat, "activity": self._activity, "pages": self._pages}[job.kind](job)
        except (JianfuError, OSError, ValueError) as exc:
            with self.store.session() as s:
                repo.update_job(s, job_id, status="failed", error=str(exc), finished_at=self.now())
            return
        except Exception as exc:  # recorded, never lost: the job row says what went wrong
            with self.store.session() as s:
                repo.update_job(s, job_id, status="failed", error=f"内部错误: {exc!r}", finished_at=self.now())
            raise
        with self.store.session() as s:
            repo.update_job(s, job_id, status="done", finished_at=self.now(), summary=summary)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

    # --- the three kinds ----------------------------------------------------------------------------------------

    def detector(self) -> Any:
        with self._lock:
            if self._detector is None:
                from jianfu.detect.messages import MessageDetector

                self._detector = MessageDetector.build(self.settings)
            return self._detector

    def _chat(self, job: repo.Job) -> dict[str, Any]:
        from jianfu.scan import scan_files

        total = _count_units(job.path)
        with self.store.session() as s:
            repo.update_job(s, job.id, total=total)
        placement = self.findings.placement(job.unit_id or "", job.group_tool_id)
        if not placement.default_unit_id:
            raise InputError("请为上传的群聊选择所属单位", file=job.filename)
        pending: list[MessageResult] = []
        counts = {"new": 0, "known": 0, "processed": 0}

        def on_units(n: int) -> None:
            counts["processed"] += n
            if pending:
                new, known = self.findings.ingest(pending, placement, job.id)
                counts["new"] += new
                counts["known"] += known
                pending.clear()
            with self.store.session() as s:
                repo.update_job(s, job.id, processed=counts["processed"], findings=counts["new"] + counts["known"])

        outcome = scan_files([job.path], self.settings, on_result=pending.append, on_units=on_units,
                             detector=self.detector())
        if pending:
            new, known = self.findings.ingest(pending, placement, job.id)
            counts["new"] += new
            counts["known"] += known
        summary = outcome.summary
        with self.store.session() as s:
            repo.update_job(s, job.id, processed=max(total, summary.messages), total=max(total, summary.messages),
                            findings=counts["new"] + counts["known"], problems=summary.problems)
        return {"messages": summary.messages, "skipped": summary.skipped, "problems": summary.problems,
                "problem_samples": summary.problem_samples[:20], "new_findings": counts["new"],
                "known_findings": counts["known"], "format": summary.files[0]["format"] if summary.files else None,
                "encoding": summary.files[0]["encoding"] if summary.files else None}

    def _activity(self, job: repo.Job) -> dict[str, Any]:
        from jianfu.ingest.activity import iter_activity, iter_logins
        from jianfu.lifecycle.service import RegistryService

        problems: list[Any] = []
        rows = list(iter_activity(Path(job.path), problems))
        logins_path = job.summary.get("inputs", {}).get("logins")
        events = list(iter_logins(logins_path, problems)) if logins_path else []
        if problems:
            raise InputError(f"{len(problems)} 处错误，未写入任何数据；第一处：{problems[0]}", file=job.filename)
        if not rows:
            raise InputError("文件中没有运行数据行", file=job.filename)
        service = RegistryService(self.store, self.settings, self.now)
        added, updated, logins_added = service.import_activity(rows, events)
        as_of: date = max(r.day for r in rows)
        _, healths = service.assess_activity(as_of, actor=job.created_by)
        statuses: dict[str, int] = {}
        for h in healths.values():
            statuses[h.status] = statuses.get(h.status, 0) + 1
        with self.store.session() as s:
            repo.update_job(s, job.id, total=len(rows), processed=len(rows),
                            findings=sum(n for st, n in statuses.items() if st != "HEALTHY"))
        return {"rows": len(rows), "added": added, "updated": updated, "logins": logins_added,
                "as_of": as_of.isoformat(), "statuses": statuses}

    def _pages(self, job: repo.Job) -> dict[str, Any]:
        from jianfu.detect.web import default_web_rules, scan_page
        from jianfu.ingest.pages import iter_pages

        rules = default_web_rules()
        as_of = self.now().astimezone().date()
        pages = list(iter_pages([job.path]))  # read once: judged, then kept as snapshots
        verdicts = [scan_page(p.source, kind=p.kind, file=Path(p.file).name, as_of=as_of, rules=rules).to_json()
                    for p in pages]
        store_page_verdicts(self.store, verdicts, [p.source for p in pages], self.now())
        hacked = sum(1 for v in verdicts if v.get("hacked"))
        with self.store.session() as s:
            repo.update_job(s, job.id, total=len(verdicts), processed=len(verdicts),
                            findings=sum(len(v.get("findings", [])) for v in verdicts))
        return {"pages": verdicts[:200], "hacked": hacked, "count": len(verdicts)}


def store_page_verdicts(store: Store, verdicts: list[dict[str, Any]], sources: list[str], now: datetime) -> None:
    """Each checked page becomes a snapshot (as `web crawl` stores them), so the platform keeps its history."""
    from jianfu.store.web import save_snapshot

    with store.session() as s:
        for verdict, source in zip(verdicts, sources, strict=True):
            url = verdict.get("url") or f"file:{verdict['file']}"
            save_snapshot(s, url=url, agent="browser", fetched_at=now, status_code=None, final_url=None, error=None,
                          body=source.encode("utf-8"), hacked=bool(verdict.get("hacked")),
                          findings=list(verdict.get("findings", [])))


def _count_units(path: str) -> int:
    """Lines in the file (a progress estimate; gzip is read through)."""
    import gzip

    opener: Any = gzip.open if path.endswith(".gz") else open
    n = 0
    with opener(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            n += chunk.count(b"\n")
    return n
