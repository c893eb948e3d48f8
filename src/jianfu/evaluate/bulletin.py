"""The 通报 for a unit and a period, assembled from stored findings, the registry and clues.

The content follows the bulletins supervision offices publish: overall figures, the issuing units
that imposed the most burden, the worst groups, typical cases quoted with their evidence, cleanup of
zombie and duplicate tools, and the requirements that follow. Rendering is `report.tongbao`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from jianfu.report.tongbao import Tongbao, TongbaoSection, TongbaoTable
from jianfu.store import clues as clue_repo
from jianfu.store import findings as finding_repo
from jianfu.store.activity import health_counts
from jianfu.store.db import Store
from jianfu.taxonomy import CHINESE_NAME, MESSAGE_CODES

CN_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class Period:
    since: date
    until: date  # inclusive

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return (datetime.combine(self.since, time.min, zone),
                datetime.combine(self.until + timedelta(days=1), time.min, zone))

    def label(self) -> str:
        return f"{self.since.year}年{self.since.month}月{self.since.day}日至{self.until.year}年{self.until.month}月" \
               f"{self.until.day}日"


def build_bulletin(store: Store, scope: frozenset[str] | None, unit_name: str, period: Period, *,
                   issued_on: date, number: str | None = None, tz: str = "Asia/Shanghai") -> Tongbao:
    zone = ZoneInfo(tz)
    since, until = period.bounds(zone)
    with store.session() as s:
        codes = finding_repo.counts_by_code(s, scope, since, until)
        statuses = finding_repo.counts_by_status(s, scope, since, until)
        burden = finding_repo.burden_by_issuing_unit(s, scope, limit=10, since=since, until=until)
        groups = finding_repo.worst_groups(s, scope, limit=10, since=since, until=until)
        cases = finding_repo.period_findings(s, scope, since, until, limit=6)
        tools = clue_repo.tool_counts(s, scope)
        health = health_counts(s, scope)
        clues = clue_repo.clue_counts(s, scope)
    demands = sum(n for st, n in statuses.items() if st != "dismissed")
    dismissed = statuses.get("dismissed", 0)
    hours = round(sum(b["cadre_hours"] for b in burden), 1)
    off_share = (sum(b["off_hours_share"] * b["demands"] for b in burden) / sum(b["demands"] for b in burden)
                 if burden else 0.0)
    live = {k: 0 for k in ("app", "miniprogram", "public_account", "work_group")}
    for row in tools:
        live[row["kind"]] = live.get(row["kind"], 0) + row["count"]
    code_parts = "，".join(f"{CHINESE_NAME[c]}{codes[str(c)]}条" for c in MESSAGE_CODES if codes.get(str(c)))
    overall = [
        f"{period.label()}，{unit_name}范围内在册政务应用程序{live['app']}个、小程序{live['miniprogram']}个、"
        f"政务公众账号{live['public_account']}个、工作群组{live['work_group']}个。",
        f"经对工作群组消息进行检测并人工审核，发现“指尖上的形式主义”问题{demands}条（另有{dismissed}条经审核排除），"
        f"其中{code_parts or '无'}。按每项要求耗费的时间估算，上述问题给基层干部增加负担约{hours}人·小时，"
        f"{round(off_share * 100)}%的要求在工作时间以外发出。",
        f"同期收到群众和干部反映线索{sum(clues.values())}条，运行监测发现僵尸类工具{health.get('ZOMBIE', 0)}个、"
        f"空壳类工具{health.get('EMPTY_SHELL', 0)}个、强制使用痕迹{health.get('FORCED_USAGE_PATTERN', 0)}个。",
    ]
    sections = [TongbaoSection("一、总体情况", overall)]
    tables = []
    if burden:
        tables.append(TongbaoTable("表1 负担较重的发文单位",
                                   ["序号", "单位", "问题数", "负担（人·小时）", "工作时间外占比"],
                                   [[str(i), b["unit"], str(b["demands"]), f"{b['cadre_hours']:.1f}",
                                     f"{round(b['off_hours_share'] * 100)}%"] for i, b in enumerate(burden, 1)]))
    if groups:
        tables.append(TongbaoTable("表2 问题较多的工作群组",
                                   ["序号", "群组", "建群单位", "问题数", "负担（人·小时）"],
                                   [[str(i), g["group"], g["owner_unit"], str(g["demands"]), f"{g['cadre_hours']:.1f}"]
                                    for i, g in enumerate(groups, 1)]))
    worst = burden[0]["unit"] if burden else None
    sections.append(TongbaoSection(
        "二、突出问题",
        [f"从发文单位看，{worst}通过工作群组提出的要求最多、给基层增加的负担最重。" if worst else
         "本期未发现突出问题。",
         "各单位问题数量和负担估算见表1、表2。负担按每项要求每名接收人耗费的分钟数乘以群组人数估算，"
         "估算口径见平台“负担估算说明”。"], tables))
    typical = []
    for i, case in enumerate(cases, 1):
        evidence = "；".join(dict.fromkeys(d["evidence"] for d in case.details))
        when = case.sent_at.astimezone(zone).strftime("%Y年%m月%d日%H:%M") if case.sent_at else "时间不详"
        names = "、".join(CHINESE_NAME.get(c, c) for c in case.codes)  # type: ignore[call-overload]
        typical.append(f"（{CN_NUMBERS[i - 1] if i <= 10 else i}）{when}，“{case.group_name}”中发出"
                       f"“{evidence}”的要求，属于{names}。")
    sections.append(TongbaoSection("三、典型案例", typical or ["本期无典型案例。"]))
    sections.append(TongbaoSection("四、工作要求", [
        "各单位要对照本通报逐条核查，属实的立即整改，于15个工作日内将整改情况报送本办。",
        "严格落实“谁建群谁负责”，不得要求基层通过工作群组打卡接龙、截图留痕、点赞转发，不得以排名、积分考核基层；"
        "非工作时间除应急、安保、防汛等紧急事项外不发布工作要求。",
        "对长期不用的僵尸类、空壳类应用和账号，以及功能重复的工具，要限期关停注销或整合迁移。",
    ]))
    year = issued_on.year
    return Tongbao(
        issuer=f"{unit_name}减轻基层负担工作办公室",
        number=number or f"减负通〔{year}〕{issued_on.month}号",
        title=f"关于{period.label()}“指尖上的形式主义”问题情况的通报",
        recipients="各有关单位：", sections=sections,
        signature=f"{unit_name}减轻基层负担工作办公室", date=issued_on,
        note="（本通报由减负平台根据经人工审核的检测结果生成）",
    )
