"""The bundled demo: the fictional prefecture 清河市 with its registry, a year of activity, a year of
work-group chat, a few clues and review decisions, and three demo accounts.

Everything goes through the same services a real office uses (import, assess, scan, review), so the
demo shows what the platform does with real files. Seeding takes well under a minute.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from jianfu.config import Settings
from jianfu.errors import JianfuError
from jianfu.store.db import Store
from jianfu.store.findings import FindingQuery
from jianfu.workflow.accounts import Access, AccountService, scope_for

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
ZONE = ZoneInfo("Asia/Shanghai")
AS_OF = date(2025, 6, 30)
PAGES_AS_OF = date(2025, 9, 30)  # the day the demo's pages were checked


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    password: str
    role: str
    unit_id: str
    display_name: str


# Demo credentials are printed when the demo starts; they exist only in a demo database.
ACCOUNTS = (
    DemoAccount("jianfu", "jianfu-demo", "supervisor", "QH", "市减负办 王科长"),
    DemoAccount("shenhe", "jianfu-demo", "reviewer", "QH", "市网信办 李审核"),
    DemoAccount("liuxi", "jianfu-demo", "unit_admin", "QH-C03-D03", "柳溪县委宣传部 管理员"),
)
CLUES = (
    ("forced_use", "柳溪县某政务APP", "柳溪县委宣传部",
     "每天早上8点前必须在APP上签到打卡，周末也要，没签到的在群里点名。"),
    ("ranking", "学习积分群", "洲堡乡", "乡里每周一在群里通报各村积分排名，倒数三名的村支书要写说明。"),
    ("over_trace", "网格员工作群", "", "入户走访要求每户拍三张照片、发定位，晚上十点前传到群里，不传的算没去。"),
    ("duplicate", "", "青石县农业农村局",
     "同一份农户种植数据，这个月已经在三个系统里各报了一遍，还要在群里再报一次表格。"),
    ("shell_zombie", "清河惠民通", "", "这个公众号两年没更新过，但每个月还要求我们关注并截图。"),
)


def is_empty(store: Store) -> bool:
    from sqlalchemy import func, select

    from jianfu.store.models import ToolRow

    with store.session() as s:
        return not s.scalar(select(func.count()).select_from(ToolRow))


def seed(store: Store, settings: Settings, log: Callable[[str], None] = print) -> None:
    """Fill an empty database with the demo prefecture."""
    from jianfu.detect.activity import assess_all, default_rules
    from jianfu.ingest.activity import read_series
    from jianfu.ingest.registry import read_registry
    from jianfu.lifecycle.service import RegistryService
    from jianfu.normalise.calendar import WorkCalendar
    from jianfu.workflow.clues import ClueService
    from jianfu.workflow.findings import FindingService

    actor = f"demo:{getpass.getuser()}"
    year_start = datetime(2024, 7, 1, 9, 0, tzinfo=ZONE)
    registry = RegistryService(store, settings, now=lambda: year_start)
    parsed = read_registry(DEMO / "registry" / "qinghe_registry.xlsx")
    registry.import_records(parsed.units, parsed.tools, actor=actor, source="qinghe_registry.xlsx")
    log(f"台账：{len(parsed.units)} 个单位，{len(parsed.tools)} 个工具")

    rules = default_rules()
    builder, _ = read_series(DEMO / "activity" / "qinghe_activity.csv.gz", AS_OF, rules.window_days,
                             logins=DEMO / "activity" / "qinghe_logins.csv.gz")
    healths = assess_all(parsed.tools, builder.series, AS_OF, rules, WorkCalendar(settings).is_working_day)
    registry.store_health(list(healths.values()), actor=actor)
    zombies = sorted(tid for tid, h in healths.items() if h.status == "ZOMBIE")
    log(f"运行数据：评估 {len(healths)} 个工具，僵尸类 {len(zombies)} 个")

    # The 2025 cleanup campaign (清理退出), month by month from January to June: zombie and empty-shell
    # tools are closed and duplicates merged into the tool to keep, so the overview's trend comes down.
    gone = sorted(tid for tid, h in healths.items() if h.status in ("ZOMBIE", "EMPTY_SHELL"))
    merges: list[tuple[str, str]] = []
    for cluster in registry.duplicate_clusters():
        merges += [(tid, cluster.anchor) for tid in cluster.ids if cluster.anchor and tid != cluster.anchor]
    steps = [(tid, None) for tid in gone] + merges
    span_days = (date(2025, 6, 27) - date(2025, 1, 6)).days
    done = 0
    for i, (tool_id, into) in enumerate(steps):
        when = datetime(2025, 1, 6, 10, 0, tzinfo=ZONE) + timedelta(days=(i * span_days) // max(1, len(steps)))
        service = RegistryService(store, settings, now=lambda when=when: when)
        try:
            if into:
                service.retire(tool_id, actor=actor, into=into, reason="功能重复，整合迁移至保留的工具（示例数据）")
            else:
                service.retire(tool_id, actor=actor, reason="运行监测为僵尸类/空壳类，经主办单位确认关停（示例数据）")
            done += 1
        except JianfuError:  # already merged or closed by an earlier step of the campaign
            continue
    log(f"清理退出：关停注销、整合迁移 {done} 个工具")

    findings = FindingService(store, settings.timezone)
    runner_settings = settings.model_copy(update={"workers": 0})
    from jianfu.scan import scan_files

    results: list = []
    files = [str(DEMO / "chats_year" / "qinghe_groups.jsonl.gz")]
    scan_files(files, runner_settings, fmt="generic", on_result=results.append)
    placement = findings.placement("QH")
    new, _ = findings.ingest(results, placement)
    small = sorted(str(p) for p in (DEMO / "chats").iterdir() if p.is_file())
    results = []
    scan_files(small, runner_settings, on_result=results.append)
    new_small, _ = findings.ingest(results, findings.placement("QH-C03"))
    log(f"群聊：发现问题 {new + new_small} 条")

    from jianfu.detect.web import default_web_rules, scan_page
    from jianfu.ingest.pages import iter_pages
    from jianfu.workflow.scans import store_page_verdicts

    pages = list(iter_pages([str(DEMO / "pages")]))
    web_rules = default_web_rules()
    verdicts = [scan_page(p.source, kind=p.kind, file=p.file, as_of=PAGES_AS_OF, rules=web_rules).to_json()
                for p in pages]
    store_page_verdicts(store, verdicts, [p.source for p in pages], datetime(2025, 9, 30, 9, 0, tzinfo=ZONE))
    log(f"发布内容：检测 {len(pages)} 个网页，被植入 {sum(1 for v in verdicts if v['hacked'])} 个")

    accounts = AccountService(store)
    for a in ACCOUNTS:
        accounts.create_user(a.username, a.password, role=a.role, unit_id=a.unit_id, display_name=a.display_name,
                             actor=actor)
    _reviews(store, accounts, findings)
    clues = ClueService(store, settings.timezone, now=lambda: datetime(2025, 6, 20, tzinfo=UTC))
    for category, tool, unit, text in CLUES:
        clues.submit(category=category, description=text, tool_name=tool, unit_name=unit)
    log(f"线索征集：{len(CLUES)} 条示例线索；示例账号 {', '.join(a.username for a in ACCOUNTS)}")


def _reviews(store: Store, accounts: AccountService, findings: object) -> None:
    """A few decisions, so the review states and the rectification flow show in the demo."""
    from jianfu.store import platform as repo
    from jianfu.workflow.findings import FindingService

    assert isinstance(findings, FindingService)
    with store.session() as s:
        tree = repo.unit_tree(s)
        found = repo.user_credentials(s, "jianfu")
    assert found is not None
    supervisor = Access(found[0], scope_for(found[0], tree), "")
    items, _ = findings.list(supervisor, FindingQuery(), limit=12, order="worst")
    for i, item in enumerate(items):
        if i < 4:
            findings.act(supervisor, item.id, "confirm", reason="经核实属实")
        if i in (1, 2):
            findings.act(supervisor, item.id, "assign", reason="请于15个工作日内整改并报告",
                         unit_id=item.issuing_unit_id or item.owner_unit_id, due_on=AS_OF + timedelta(days=21))
        if i == 2:
            findings.act(supervisor, item.id, "rectify", reason="已取消群内每日截图要求，改为线下抽查")
        if i == 5:
            findings.act(supervisor, item.id, "dismiss", reason="防汛值守期间的必要点名，属应急事项")
