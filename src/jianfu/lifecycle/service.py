"""The registry as users drive it: import, review a filing, retire, audit. The CLI and the web app call
these methods; each is one transaction on the store and takes the clock from `now`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jianfu.config import Settings
from jianfu.detect import duplicates
from jianfu.detect.registry_checks import CheckContext, CheckResult, Overlap, check_tool
from jianfu.errors import InputError, NotFoundError
from jianfu.lifecycle import LIVE, Status
from jianfu.records import Tool, Unit
from jianfu.store import registry as repo
from jianfu.store.db import Store


@dataclass(slots=True)
class ToolView:
    tool: Tool
    version: int
    checks: list[CheckResult]
    audit: list[repo.AuditEntry]
    filings: list[repo.Filing]


@dataclass(slots=True)
class FilingOutcome:
    filing: repo.Filing
    checks: list[CheckResult]


@dataclass(slots=True)
class AuditReport:
    """Every live tool's failed checks (registry findings), with counts per rule and per code."""

    as_of: date
    findings: dict[str, list[CheckResult]] = field(default_factory=dict)
    tools: dict[str, Tool] = field(default_factory=dict)

    def per_rule(self) -> Counter[str]:
        return Counter(r.rule for results in self.findings.values() for r in results)


def is_live(tool: Tool) -> bool:
    return Status(tool.status) in LIVE


class _Quotas:
    """Per owner unit: live accounts per platform and standing groups per audience (REG-10, REG-13)."""

    def __init__(self, live: Sequence[Tool]) -> None:
        self.accounts: Counter[tuple[str, str]] = Counter()
        self.groups: Counter[tuple[str, str]] = Counter()
        for t in live:
            if t.kind == "public_account" and t.platform:
                self.accounts[(t.owner_unit, t.platform)] += 1
            elif t.kind == "work_group" and not t.temporary:
                self.groups[(t.owner_unit, t.audience)] += 1

    def others(self, tool: Tool, counted: bool) -> tuple[int, int]:
        """Other live accounts of the unit on the tool's platform, other standing groups for its audience.
        `counted`: the tool itself is among the live tools the counts came from."""
        own = 1 if counted else 0
        accounts = groups = 0
        if tool.kind == "public_account" and tool.platform:
            accounts = self.accounts[(tool.owner_unit, tool.platform)] - own
        elif tool.kind == "work_group" and not tool.temporary:
            groups = self.groups[(tool.owner_unit, tool.audience)] - own
        return max(accounts, 0), max(groups, 0)


def overlaps_for(index: duplicates.DuplicateIndex, tool: Tool, by_id: dict[str, Tool], k: int = 5) -> list[Overlap]:
    out = []
    for match in index.query(tool, k=k):
        if match.id == tool.id:
            continue
        other = by_id.get(match.id)
        out.append(Overlap(match.id, other.name if other else match.id, match.relation, match.score,
                           list(match.shared_functions), match.reason))
    return out


class RegistryService:
    def __init__(self, store: Store, settings: Settings, now: Callable[[], datetime] | None = None) -> None:
        self.store = store
        self.settings = settings
        zone = ZoneInfo(settings.timezone)
        self.now = now or (lambda: datetime.now(zone))

    # --- import / export ---------------------------------------------------------------------------

    def import_records(self, units: Sequence[Unit], tools: Sequence[Tool], *, actor: str,
                       source: str | None = None) -> repo.ImportResult:
        with self.store.session() as s:
            return repo.import_registry(s, units, tools, actor=actor, now=self.now(), source=source)

    def tools(self, **filters: Any) -> list[Tool]:
        with self.store.session() as s:
            return repo.list_tools(s, **filters)

    def units(self) -> list[Unit]:
        with self.store.session() as s:
            return repo.list_units(s)

    # --- reading -----------------------------------------------------------------------------------

    def live_tools(self) -> list[Tool]:
        with self.store.session() as s:
            return repo.list_tools(s, status=[x.value for x in LIVE])

    def show(self, tool_id: str) -> ToolView:
        with self.store.session() as s:
            tool = repo.get_tool(s, tool_id)
            version = repo.tool_version(s, tool_id)
            audit = repo.audit_trail(s, tool_id)
            filings = [f for f in repo.list_filings(s) if f.tool_id == tool_id]
        live = self.live_tools()
        checks = self._checks(tool, live, answers=filings[-1].answers if filings else None)
        return ToolView(tool, version, checks, audit, filings)

    def _checks(self, tool: Tool, live: list[Tool], answers: dict[str, Any] | None) -> list[CheckResult]:
        others = [t for t in live if t.id != tool.id]
        index = duplicates.DuplicateIndex(others)
        by_id = {t.id: t for t in others}
        same_platform, standing = _Quotas(live).others(tool, counted=any(t.id == tool.id for t in live))
        ctx = CheckContext(as_of=self.now().date(), answers=answers, overlaps=overlaps_for(index, tool, by_id),
                           same_platform_accounts=same_platform, standing_groups=standing)
        return check_tool(tool, ctx)

    # --- 审核备案 ------------------------------------------------------------------------------------

    def file(self, tool: Tool, answers: dict[str, Any], *, actor: str) -> FilingOutcome:
        """Submit a filing: the checks run against the live registry and are stored with the application."""
        if is_live(tool) and tool.status != Status.PROPOSED:
            tool = _with_status(tool, Status.PROPOSED.value)
        checks = self._checks(tool, self.live_tools(), answers)
        with self.store.session() as s:
            filing = repo.create_filing(s, tool, answers=answers, checks=[c.to_dict() for c in checks], actor=actor,
                                        now=self.now())
        return FilingOutcome(filing, checks)

    def filing(self, filing_id: int) -> repo.Filing:
        with self.store.session() as s:
            return repo.get_filing(s, filing_id)

    def filings(self, decision: str | None = None) -> list[repo.Filing]:
        with self.store.session() as s:
            return repo.list_filings(s, decision)

    def review(self, filing_id: int, decision: str, *, actor: str, reason: str, redirect_to: str | None = None,
               filing_number: str | None = None) -> repo.Filing:
        with self.store.session() as s:
            return repo.decide_filing(s, filing_id, decision, actor=actor, reason=reason, now=self.now(),
                                      redirect_to=redirect_to, filing_number=filing_number)

    def update(self, tool_id: str, changes: dict[str, Any], *, actor: str, reason: str,
               expected_version: int | None = None) -> Tool:
        """Edit a tool's descriptive fields, with the reason in the audit log (no lost updates)."""
        with self.store.session() as s:
            return repo.update_tool(s, tool_id, changes, actor=actor, reason=reason, now=self.now(),
                                    expected_version=expected_version)

    # --- 清理退出 ------------------------------------------------------------------------------------

    def transition(self, tool_id: str, target: Status, *, actor: str, reason: str, merged_into: str | None = None,
                   expected_version: int | None = None) -> Tool:
        with self.store.session() as s:
            return repo.transition(s, tool_id, target, actor=actor, reason=reason, now=self.now(),
                                   merged_into=merged_into, expected_version=expected_version)

    def retire(self, tool_id: str, *, actor: str, reason: str, into: str | None = None) -> Tool:
        """Close a tool (关停注销 / 解散), or merge it into another when `into` is given."""
        target = Status.MERGED if into else Status.RETIRED
        return self.transition(tool_id, target, actor=actor, reason=reason, merged_into=into)

    # --- activity health (评价反馈, 清理退出) -----------------------------------------------------

    def import_activity(self, rows: Sequence[Any], logins: Sequence[tuple[str, datetime]] = ()) -> tuple[int, int, int]:
        """Daily rows and login events into the store, in one transaction: (added, updated, logins added)."""
        from jianfu.store import activity as act

        with self.store.session() as s:
            added, updated = act.import_activity(s, rows)
            return added, updated, act.import_logins(s, list(logins))

    def store_health(self, healths: Sequence[Any], *, actor: str) -> int:
        from jianfu.store import activity as act

        with self.store.session() as s:
            return act.store_health(s, healths, actor=actor, now=self.now())

    def assess_activity(self, as_of: date, *, actor: str, store: bool = True) -> tuple[list[Tool], dict[str, Any]]:
        """Assess every registry tool from the stored activity; the statuses are stored too."""
        from jianfu.detect.activity import assess_all, default_rules
        from jianfu.ingest.activity import SeriesBuilder
        from jianfu.normalise.calendar import WorkCalendar
        from jianfu.store import activity as act

        rules = default_rules()
        builder = SeriesBuilder(as_of, rules.window_days)
        tools = self.tools()
        with self.store.session() as s:
            act.load_series(s, builder)
        healths = assess_all(tools, builder.series, as_of, rules, WorkCalendar(self.settings).is_working_day)
        if store:
            self.store_health(list(healths.values()), actor=actor)
        return tools, healths

    def health_list(self, statuses: Sequence[str] | None = None, limit: int | None = None) -> list[Any]:
        from jianfu.store import activity as act

        with self.store.session() as s:
            return act.latest_health(s, statuses, limit)

    def health_history(self, tool_id: str) -> list[Any]:
        from jianfu.store import activity as act

        with self.store.session() as s:
            return act.health_history(s, tool_id)

    def act_on_health(self, tool_id: str, target: str, *, actor: str, reason: str) -> Tool:
        """Rectify or retire a tool on the strength of its latest assessment, attached to the audit entry."""
        history = self.health_history(tool_id)
        if not history:
            raise NotFoundError(f"{tool_id} 尚无运行状况评估，请先运行 jianfu activity assess")
        latest = history[0]
        if latest.status == "HEALTHY":
            raise InputError(f"{tool_id} 最近一次评估（{latest.as_of}）为正常，没有可依据的问题")
        finding = {"health": {"status": latest.status, "as_of": latest.as_of.isoformat(), "rules": latest.rules,
                              "reasons": latest.reasons}}
        with self.store.session() as s:
            return repo.transition(s, tool_id, Status(target), actor=actor, reason=reason, now=self.now(),
                                   details=finding)

    # --- audit and duplicates ----------------------------------------------------------------------

    def duplicate_clusters(self) -> list[duplicates.Cluster]:
        return duplicates.find_clusters(self.live_tools())

    def audit(self, as_of: date | None = None) -> AuditReport:
        """Run the registry checks on every live tool; duplicates come from one clustering pass."""
        live = self.live_tools()
        as_of = as_of or self.now().date()
        by_id = {t.id: t for t in live}
        overlaps: dict[str, list[Overlap]] = {}
        invert = {"module_of": "contains", "contains": "module_of", "duplicate": "duplicate"}
        for cluster in duplicates.find_clusters(live):
            shared = list(cluster.shared_functions)
            for a, b, relation, score in cluster.pairs:  # each tool's own partners, seen from its side
                overlaps.setdefault(a, []).append(Overlap(b, by_id[b].name, relation, score, shared, cluster.reason))
                overlaps.setdefault(b, []).append(
                    Overlap(a, by_id[a].name, invert[relation], score, shared, cluster.reason))
        report = AuditReport(as_of=as_of)
        quotas = _Quotas(live)
        for tool in live:
            same_platform, standing = quotas.others(tool, counted=True)
            ctx = CheckContext(as_of=as_of, overlaps=overlaps.get(tool.id, []),
                               same_platform_accounts=same_platform, standing_groups=standing)
            failed = [r for r in check_tool(tool, ctx) if r.outcome is False]
            if failed:
                report.findings[tool.id] = failed
                report.tools[tool.id] = tool
        return report


def _with_status(tool: Tool, status: str) -> Tool:
    return Tool(**{**{k: getattr(tool, k) for k in Tool.__slots__}, "status": status})


def read_application(path: Path) -> tuple[Tool, dict[str, Any]]:
    """A filing application from a JSON or YAML file: the tool's fields plus the 立项审核 answers."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取备案申请：{exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("备案申请应为一个对象（字段: 名称 …）", file=str(path))
    answers = data.pop("answers", None) or data.pop("立项审核", None) or {}
    from jianfu.ingest.registry import tool_from_mapping

    tool = tool_from_mapping(data, file=str(path))
    return tool, answers
