"""Registry checks (审核备案 and 台账 audit): pure functions of one tool and what the registry says
around it. No database: the caller counts the unit's other accounts and groups and finds the
overlapping tools (detect.duplicates), and passes them in a CheckContext.

Each check has three outcomes (principle 3): True passes, False fails, None cannot tell (an
unanswered question is not a pass). The rules, their policy clauses and word lists are data in
rules/registry.yaml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jianfu.errors import RuleError
from jianfu.records import PLATFORM_LABELS, Tool
from jianfu.taxonomy import parse_code

RULES_FILE = Path(__file__).parent / "rules" / "registry.yaml"
APP_KINDS = frozenset({"app", "miniprogram"})
BELOW_COUNTY = frozenset({"township", "village"})
FILING_QUESTIONS = {"in_plan": "是否纳入规划", "overlap": "与已有应用重复情况", "module": "能否作为已有应用模块",
                    "coordination": "业务协同", "data_sharing": "数据共享"}


class RegistryRuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Z]{3}-\d{2}(-[A-Z]+)?$")
    code: str | None
    severity: Literal["S1", "S2", "S3", "S4"]
    title: str
    policy: str = Field(min_length=4)
    limit: int | None = None
    grace_days: int | None = None
    examples: dict[Literal["fails", "passes"], list[dict[str, Any]]]


class RegistryRulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vocabularies: dict[Literal["mandatory_features", "exemption_scenarios", "complaint_channel"], list[str]]
    rules: list[RegistryRuleSpec]


@dataclass(slots=True)
class Overlap:
    """An existing tool close to the one checked (from detect.duplicates)."""

    tool_id: str
    name: str
    relation: str  # duplicate | module_of (the checked tool could be a module of this one) | contains
    score: float
    shared_functions: list[str]
    reason: str


@dataclass(slots=True)
class CheckContext:
    as_of: date
    answers: dict[str, Any] | None = None  # the filing's 立项审核 answers; None outside a filing
    overlaps: list[Overlap] = field(default_factory=list)
    same_platform_accounts: int = 0  # other live accounts of the owner unit on the same platform
    standing_groups: int = 0  # other live standing groups of the owner unit for the same audience


@dataclass(slots=True)
class CheckResult:
    rule: str
    title: str
    outcome: bool | None  # True passes, False fails, None cannot tell
    code: str | None
    severity: str
    policy: str
    detail: str
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "outcome": self.outcome, "code": self.code,
                "severity": self.severity, "policy": self.policy, "detail": self.detail, "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class RegistryRules:
    rules: dict[str, RegistryRuleSpec]
    mandatory_features: tuple[str, ...]
    exemption_scenarios: tuple[str, ...]
    complaint_channel: tuple[str, ...]


@cache
def load_rules(path: Path = RULES_FILE) -> RegistryRules:
    try:
        spec = RegistryRulesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: {exc}") from None
    for rule in spec.rules:
        if rule.code is not None:
            try:
                parse_code(rule.code)
            except ValueError as exc:
                raise RuleError(f"{path}: rule {rule.id}: {exc}") from None
    missing = set(CHECKS) - {r.id for r in spec.rules}
    if missing:
        raise RuleError(f"{path}: no rule entry for {', '.join(sorted(missing))}")
    voc = spec.vocabularies
    return RegistryRules({r.id: r for r in spec.rules}, tuple(voc["mandatory_features"]),
                         tuple(voc["exemption_scenarios"]), tuple(voc["complaint_channel"]))


def _words_in(texts: tuple[str, ...] | list[str], words: tuple[str, ...]) -> list[str]:
    return [t for t in texts if any(w in t for w in words)]


Verdict = tuple[bool | None, str, list[dict[str, Any]]] | None  # None: the rule does not apply


def _below_county(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.kind not in APP_KINDS:
        return None
    if tool.level is None:
        return None, "主办单位层级未填，无法判断", []
    if tool.level in BELOW_COUNTY:
        where = "乡镇（街道）" if tool.level == "township" else "村（社区）"
        return False, f"主办单位为{where}级，原则上不得自建应用程序", []
    return True, "主办单位为县级及以上", []


def _answers(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if ctx.answers is None:
        return None
    missing = [name for key, name in FILING_QUESTIONS.items() if ctx.answers.get(key) in (None, "")]
    if missing:
        return False, "未作答：" + "、".join(missing), []
    return True, "五项均已作答", []


def _plan(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if ctx.answers is None:
        return None
    value = ctx.answers.get("in_plan")
    if value is None or value == "":
        return None, "申请未说明是否纳入规划", []
    if value is True or str(value).strip() in ("是", "已纳入", "true", "True", "1"):
        return True, "已纳入信息化建设规划", []
    return False, "未纳入信息化建设规划", []


def _overlap_evidence(items: list[Overlap]) -> list[dict[str, Any]]:
    return [{"tool_id": o.tool_id, "name": o.name, "relation": o.relation, "score": round(o.score, 3),
             "shared_functions": o.shared_functions, "reason": o.reason} for o in items]


def _duplicates(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    close = [o for o in ctx.overlaps if o.relation in ("duplicate", "contains")]
    if close:
        names = "、".join(f"{o.name}（{o.tool_id}）" for o in close[:3])
        return False, f"与已有工具功能重复：{names}", _overlap_evidence(close)
    return True, "未发现功能重复的已登记工具", _overlap_evidence(ctx.overlaps[:3])


def _module(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.kind not in APP_KINDS:
        return None
    hosts = [o for o in ctx.overlaps if o.relation == "module_of"]
    if hosts:
        names = "、".join(f"{o.name}（{o.tool_id}）" for o in hosts[:3])
        return False, f"功能已被已有应用覆盖，可作为其模块建设：{names}", _overlap_evidence(hosts)
    return True, "没有可承载其功能的已有应用", []


def _accounts(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.kind != "public_account":
        return None
    if not tool.platform:
        return None, "未填平台，无法判断", []
    where = PLATFORM_LABELS.get(tool.platform, tool.platform)
    if ctx.same_platform_accounts >= 1:
        return False, f"本单位在{where}已有 {ctx.same_platform_accounts} 个账号", []
    return True, f"本单位在{where}仅此一个账号", []


def _standing_groups(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.kind != "work_group" or tool.temporary:
        return None
    limit = rules.rules["REG-13"].limit or 2
    total = ctx.standing_groups + 1
    if total > limit:
        who = f"面向“{tool.audience}”的" if tool.audience else ""
        return False, f"本单位{who}常设工作群共 {total} 个，超过 {limit} 个", []
    return True, f"本单位常设工作群 {total} 个", []


def _mandatory_features(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.kind not in APP_KINDS:
        return None
    found = _words_in(tool.features, rules.mandatory_features) + _words_in(tool.functions, rules.mandatory_features)
    if not found:
        return True, "未设置打卡签到、积分排名、在线时长类功能", []
    if tool.exemption and any(w in tool.exemption for w in rules.exemption_scenarios):
        return True, f"含{'、'.join(found)}，已登记安保/应急豁免：{tool.exemption}", []
    note = f"（登记的豁免“{tool.exemption}”不属于安保、应急场景）" if tool.exemption else ""
    return False, f"设有{'、'.join(dict.fromkeys(found))}{note}", [{"features": list(dict.fromkeys(found))}]


def _complaint_channel(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.kind not in APP_KINDS:
        return None
    found = _words_in(tool.features, rules.complaint_channel) + _words_in(tool.functions, rules.complaint_channel)
    if found:
        return True, f"设有{'、'.join(dict.fromkeys(found))}", []
    answered = (ctx.answers or {}).get("complaint_channel")
    if answered:
        return True, f"申请说明：{answered}", []
    return False, "功能清单中没有投诉建议或意见反馈入口", []


def _responsible(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.responsible_person and tool.responsible_person.strip():
        return True, f"责任人：{tool.responsible_person}", []
    return False, "未登记责任人", []


def _filed(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.kind not in APP_KINDS or tool.status not in ("active", "rectifying") or ctx.answers is not None:
        return None
    if tool.filing_number:
        return True, f"备案编号 {tool.filing_number}", []
    return False, "在用但无备案编号", []


def _temporary_group(tool: Tool, ctx: CheckContext, rules: RegistryRules) -> Verdict:
    if tool.kind != "work_group" or not tool.temporary or tool.status not in ("active", "rectifying"):
        return None
    if tool.task_end is None:
        return None, "临时群未登记任务结束日期", []
    grace = rules.rules["GRP-01"].grace_days or 0
    overdue = (ctx.as_of - tool.task_end).days
    if ctx.as_of > tool.task_end + timedelta(days=grace):
        return False, f"任务已于 {tool.task_end:%Y-%m-%d} 结束，{overdue} 天后仍未解散", []
    return True, f"任务结束日期 {tool.task_end:%Y-%m-%d}", []


CHECKS: dict[str, Callable[[Tool, CheckContext, RegistryRules], Verdict]] = {
    "REG-02": _answers,
    "REG-02-PLAN": _plan,
    "APP-09": _duplicates,
    "REG-02-MODULE": _module,
    "REG-01": _below_county,
    "REG-10": _accounts,
    "REG-13": _standing_groups,
    "APP-01": _mandatory_features,
    "APP-06": _complaint_channel,
    "REG-12": _responsible,
    "REG-03": _filed,
    "GRP-01": _temporary_group,
}


def check_tool(tool: Tool, ctx: CheckContext, rules: RegistryRules | None = None) -> list[CheckResult]:
    """Every check that applies to the tool, in review order, with its outcome and explanation."""
    rules = rules or load_rules()
    out = []
    for rule_id, check in CHECKS.items():
        verdict = check(tool, ctx, rules)
        if verdict is None:
            continue
        outcome, detail, evidence = verdict
        spec = rules.rules[rule_id]
        out.append(CheckResult(rule_id, spec.title, outcome, spec.code, spec.severity, spec.policy, detail, evidence))
    return out


def failures(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.outcome is False]
