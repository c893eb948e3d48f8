"""The registry repository on real SQLite and real PostgreSQL: migrations, idempotent import,
lifecycle with an append-only audit log, filings, and no lost updates under concurrent edits."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from jianfu.errors import ConflictError, InputError, NotFoundError
from jianfu.lifecycle import LifecycleError, Status
from jianfu.records import Tool, Unit
from jianfu.store import registry as repo
from jianfu.store.db import Store, make_engine, upgrade
from jianfu.store.models import Base

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
UNITS = [
    Unit("u-city", "清河市人民政府", "city"),
    Unit("u-county", "清河县人民政府", "county", parent="u-city"),
    Unit("u-town", "白岩镇人民政府", "township", parent="清河县人民政府"),  # parent by name
]


def tool(tid: str, **kw: object) -> Tool:
    base = {"kind": "app", "name": f"工具{tid}", "owner_unit": "清河县人民政府", "level": "county",
            "functions": ("通知公告", "事件上报"), "responsible_person": "李明"}
    base.update(kw)
    return Tool(id=tid, **base)  # type: ignore[arg-type]


def _import(store: Store, tools: list[Tool], units: list[Unit] | None = None, when=NOW) -> repo.ImportResult:
    with store.session() as s:
        return repo.import_registry(s, units if units is not None else UNITS, tools, actor="测试员", now=when)


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    from alembic.script import ScriptDirectory

    from jianfu.store.db import alembic_config

    with store.engine.connect() as conn:
        head = ScriptDirectory.from_config(alembic_config(conn)).get_current_head()
        assert head is not None and head != "0001"  # later issues add migrations on top of the registry's
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head


def test_upgrade_is_idempotent_and_downgrade_works(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)  # second run: nothing to do
    from alembic import command

    from jianfu.store.db import alembic_config

    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with engine.connect() as conn:
        tables = set(conn.dialect.get_table_names(conn))
    assert "tools" not in tables and "audit_log" not in tables
    upgrade(engine)
    engine.dispose()


def test_import_is_idempotent(store: Store) -> None:
    tools = [tool("a1"), tool("a2", kind="public_account", platform="微信"), tool("g1", kind="work_group")]
    first = _import(store, tools)
    assert (first.units_added, first.tools_added, first.people_added) == (3, 3, 1)
    second = _import(store, tools, when=NOW + timedelta(days=1))
    assert not second.changed
    assert second.tools_unchanged == 3
    with store.session() as s:
        assert len(repo.audit_trail(s, "a1")) == 1
        assert repo.tool_version(s, "a1") == 1


def test_reimport_with_a_change_updates_and_logs_what_changed(store: Store) -> None:
    _import(store, [tool("a1"), tool("a2")])
    result = _import(store, [tool("a1", functions=("通知公告", "事件上报", "意见反馈")), tool("a2")])
    assert (result.tools_updated, result.tools_unchanged) == (1, 1)
    with store.session() as s:
        trail = repo.audit_trail(s, "a1")
        assert [e.action for e in trail] == ["import", "update"]
        assert trail[-1].details == {"changed": ["functions"]}
        assert repo.get_tool(s, "a1").functions == ("通知公告", "事件上报", "意见反馈")


def test_units_form_a_hierarchy_and_unknown_owners_become_units(store: Store) -> None:
    _import(store, [tool("a1", owner_unit="清河县教育局", level="county")])
    with store.session() as s:
        units = {u.name: u for u in repo.list_units(s)}
    assert units["白岩镇人民政府"].parent == "u-county"
    assert units["清河县人民政府"].parent == "u-city"
    assert units["清河县教育局"].id == repo.unit_id_for("清河县教育局")
    with pytest.raises(InputError, match="上级单位"):
        _import(store, [], [Unit("u-x", "某村委会", "village", parent="不存在的镇")])


def test_lifecycle_writes_who_when_why(store: Store) -> None:
    _import(store, [tool("a1"), tool("a2")])
    with store.session() as s:
        repo.transition(s, "a1", Status.RECTIFYING, actor="王督查", reason="设有打卡功能", now=NOW)
    with store.session() as s:
        repo.transition(s, "a1", Status.MERGED, actor="王督查", reason="并入a2", now=NOW, merged_into="a2")
    with store.session() as s:
        got = repo.get_tool(s, "a1")
        trail = repo.audit_trail(s, "a1")
    assert (got.status, got.merged_into) == ("merged", "a2")
    assert [(e.from_status, e.to_status, e.actor, e.reason) for e in trail[1:]] == [
        ("active", "rectifying", "王督查", "设有打卡功能"), ("rectifying", "merged", "王督查", "并入a2")]
    assert trail[1].at == NOW


def test_forbidden_transitions_are_refused_and_nothing_changes(store: Store) -> None:
    _import(store, [tool("a1"), tool("a2", status="retired")])
    with pytest.raises(LifecycleError, match="已关停注销"), store.session() as s:
        repo.transition(s, "a2", Status.ACTIVE, actor="x", reason="复活", now=NOW)
    with pytest.raises(InputError, match="并入"), store.session() as s:
        repo.transition(s, "a1", Status.MERGED, actor="x", reason="无目标", now=NOW)
    with pytest.raises(InputError, match="不能作为并入对象"), store.session() as s:
        repo.transition(s, "a1", Status.MERGED, actor="x", reason="并入已关停的", now=NOW, merged_into="a2")
    with pytest.raises(NotFoundError), store.session() as s:
        repo.transition(s, "nope", Status.RETIRED, actor="x", reason="y", now=NOW)
    with store.session() as s:
        assert repo.get_tool(s, "a1").status == "active"
        assert len(repo.audit_trail(s, "a1")) == 1


def test_audit_log_is_append_only_in_the_database(store: Store) -> None:
    _import(store, [tool("a1")])
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    with store.session() as s:
        assert repo.audit_trail(s, "a1")[0].actor == "测试员"


def test_stale_version_is_a_conflict_not_a_lost_update(store: Store) -> None:
    _import(store, [tool("a1")])
    with store.session() as s:
        seen = repo.tool_version(s, "a1")
    with store.session() as s:
        repo.update_tool(s, "a1", {"description": "甲的修改"}, actor="甲", reason="补充说明", now=NOW,
                         expected_version=seen)
    with pytest.raises(ConflictError, match="已被他人修改"), store.session() as s:
        repo.update_tool(s, "a1", {"description": "乙的修改"}, actor="乙", reason="补充说明", now=NOW,
                         expected_version=seen)
    with store.session() as s:
        assert repo.get_tool(s, "a1").description == "甲的修改"
        assert repo.tool_version(s, "a1") == seen + 1


def test_interleaved_sessions_do_not_lose_an_update(store: Store) -> None:
    """Two editors read the same row, both write: the second write must fail, not overwrite."""
    _import(store, [tool("a1")])
    first = store._sessions()
    second = store._sessions()
    try:
        from jianfu.store.models import ToolRow

        row1 = first.get(ToolRow, "a1")
        row2 = second.get(ToolRow, "a1")
        assert row1 is not None and row2 is not None
        row1.description = "first"
        first.commit()
        row2.description = "second"
        with pytest.raises(ConflictError):
            repo._flush(second)
        second.rollback()
    finally:
        first.close()
        second.close()
    with store.session() as s:
        assert repo.get_tool(s, "a1").description == "first"


def test_concurrent_transitions_from_threads(store: Store) -> None:
    """Eight threads try to retire or merge the same tool at once: exactly one wins, the log has one entry."""
    _import(store, [tool("a1"), tool("a2")])
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        barrier.wait()
        try:
            with store.session() as s:
                target = Status.RETIRED if n % 2 else Status.MERGED
                repo.transition(s, "a1", target, actor=f"用户{n}", reason="清理", now=NOW,
                                merged_into=None if n % 2 else "a2")
            outcomes.append("ok")
        except (ConflictError, LifecycleError) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    with store.session() as s:
        transitions = [e for e in repo.audit_trail(s, "a1") if e.action == "transition"]
    assert len(transitions) == 1


def test_filing_review_flow(store: Store) -> None:
    _import(store, [tool("a1")])
    new = tool("n1", name="清河县随手拍", status="active")
    checks = [{"rule": "APP-09", "outcome": False}]
    with store.session() as s:
        filing = repo.create_filing(s, new, answers={"in_plan": True}, checks=checks, actor="县应急局", now=NOW)
    assert filing.decision == "pending"
    with store.session() as s:
        assert repo.get_tool(s, "n1").status == "under_review"
        assert [f.id for f in repo.list_filings(s, "pending")] == [filing.id]
        repo.decide_filing(s, filing.id, "redirect", actor="网信办", reason="并入已有平台", now=NOW, redirect_to="a1")
    with store.session() as s:
        got = repo.get_tool(s, "n1")
        trail = repo.audit_trail(s, "n1")
        assert repo.get_filing(s, filing.id).checks == checks
    assert (got.status, got.merged_into) == ("merged", "a1")
    assert [(e.action, e.to_status) for e in trail] == [("import", "proposed"), ("file", "under_review"),
                                                         ("review", "merged")]
    with pytest.raises(ConflictError, match="不能重复审核"), store.session() as s:
        repo.decide_filing(s, filing.id, "approve", actor="网信办", reason="改主意", now=NOW)
    with pytest.raises(InputError, match="已在台账中"), store.session() as s:
        repo.create_filing(s, new, answers={}, checks=[], actor="x", now=NOW)


def test_dates_and_lists_round_trip(store: Store) -> None:
    t = tool("g1", kind="work_group", temporary=True, task_end=date(2026, 3, 1), features=("接龙",),
             launched=date(2025, 1, 2), responsible_person=None)
    _import(store, [t])
    with store.session() as s:
        got = repo.get_tool(s, "g1")
    assert got == replace(t, owner_unit="清河县人民政府")
