"""The registry rules' own examples (rules/registry.yaml) and the checks' three outcomes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jianfu.detect.registry_checks import (
    CHECKS,
    CheckContext,
    Overlap,
    check_tool,
    load_rules,
)
from jianfu.errors import RuleError
from jianfu.records import Tool

CONTEXT_KEYS = {"answers", "overlap", "same_platform_accounts", "standing_groups", "as_of"}
RULES = load_rules()


def _case(example: dict[str, Any]) -> tuple[Tool, CheckContext]:
    fields = {k: v for k, v in example.items() if k not in CONTEXT_KEYS}
    for key in ("features", "functions"):
        if key in fields:
            fields[key] = tuple(fields[key])
    if isinstance(fields.get("task_end"), str):
        fields["task_end"] = date.fromisoformat(fields["task_end"])
    base: dict[str, Any] = {"id": "t1", "kind": "app", "name": "测试应用", "owner_unit": "清河县人民政府",
                            "level": "county", "responsible_person": "李明", "status": "active"}
    tool = Tool(**{**base, **fields})
    overlaps = []
    if example.get("overlap") in ("duplicate", "module_of"):
        overlaps = [Overlap("x9", "已有平台", example["overlap"], 0.8, ["事件上报"], "功能重合")]
    as_of = example.get("as_of", date(2026, 11, 23))
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    ctx = CheckContext(as_of=as_of, answers=example.get("answers"), overlaps=overlaps,
                       same_platform_accounts=example.get("same_platform_accounts", 0),
                       standing_groups=example.get("standing_groups", 0))
    return tool, ctx


CASES = [(rule_id, kind, i, ex) for rule_id, spec in RULES.rules.items()
         for kind in ("fails", "passes") for i, ex in enumerate(spec.examples.get(kind, []))]


@pytest.mark.parametrize(("rule_id", "kind", "index", "example"), CASES,
                         ids=[f"{r}-{k}-{i}" for r, k, i, _ in CASES])
def test_rule_examples(rule_id: str, kind: str, index: int, example: dict[str, Any]) -> None:
    tool, ctx = _case(example)
    results = {r.rule: r for r in check_tool(tool, ctx)}
    if kind == "fails":
        assert rule_id in results and results[rule_id].outcome is False, results.get(rule_id)
        assert results[rule_id].detail
    else:
        assert rule_id not in results or results[rule_id].outcome is True, results[rule_id]


def test_every_check_has_examples_both_ways() -> None:
    for rule_id in CHECKS:
        spec = RULES.rules[rule_id]
        assert spec.examples.get("fails") and spec.examples.get("passes"), rule_id


def test_unknown_answers_are_not_a_pass() -> None:
    tool, ctx = _case({"answers": {"overlap": "无"}})
    results = {r.rule: r for r in check_tool(tool, ctx)}
    assert results["REG-02-PLAN"].outcome is None
    assert results["REG-02"].outcome is False and "是否纳入规划" in results["REG-02"].detail
    tool, ctx = _case({"kind": "public_account", "platform": None})
    assert {r.rule: r for r in check_tool(tool, ctx)}["REG-10"].outcome is None


def test_overlap_evidence_names_the_closest_tools() -> None:
    tool, ctx = _case({"overlap": "duplicate"})
    dup = {r.rule: r for r in check_tool(tool, ctx)}["APP-09"]
    assert dup.code == "DUPLICATE_TOOL"
    assert dup.evidence[0]["tool_id"] == "x9" and dup.evidence[0]["shared_functions"] == ["事件上报"]


def test_bad_rule_file_names_file_and_rule(tmp_path: Path) -> None:
    bad = tmp_path / "registry.yaml"
    text = (Path(__file__).parents[2] / "src/jianfu/detect/rules/registry.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("code: MANDATORY_FEATURE", "code: NOT_A_CODE"), encoding="utf-8")
    with pytest.raises(RuleError, match=r"registry\.yaml.*APP-01.*NOT_A_CODE"):
        load_rules.__wrapped__(bad)
