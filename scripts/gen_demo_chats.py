"""Generate a year of fictional work-group chat for the 清河市 demo (the web dashboard's data).

Run: .venv/bin/python scripts/gen_demo_chats.py [--seed N] [--target N]. Deterministic for a seed: re-running
reproduces the file byte for byte (the gzip header carries no timestamp). Check it with
`.venv/bin/jianfu scan src/jianfu/data/demo/chats_year/qinghe_groups.jsonl.gz --format generic --out x.jsonl -q`
(the format sniffer does not look inside .gz files, so the format is named).

Reads
  src/jianfu/data/demo/registry/qinghe_registry.xlsx   台账 (tools) + 单位 (units and their hierarchy), openpyxl
  data/messages/train.jsonl, data/messages/dev.jsonl   the labelled corpus; only its `text` is re-used
Writes
  src/jianfu/data/demo/chats_year/qinghe_groups.jsonl.gz   generic message contract, one message a line, plus
                                                           `group_id`, `sender_unit`, `group_size`

How it is built
  * About 40 live work groups (工作群, QH-QUN-…) are picked from the registry: in five counties, county
    departments, the education bureau (the "school" groups: principals and teachers), townships and
    villages/communities; plus two city-level groups. Each group gets cadre members from the units below its
    owner and 1-3 leaders/staff from the owner unit, and issuers from superior units: a township group receives
    demands from county departments, a village group from its township and county departments, a county
    department group from the city counterpart and the county office. `sender_unit` is the issuing unit.
  * Every issuer has a profile (`Profile`): posts per working day, the share of its posts that are demands
    (texts with labels in the corpus), how much it pushes into evenings (20:00-23:00) and weekends, and a factor
    applied from 2025-01 (ramping over January-February) for the units that improve. The featured units are in
    `FEATURED`: 柳溪县委宣传部 and 柳溪县教育局 and one 柳溪县 township are the worst and work off hours; 青石县农业
    农村局, 青石县委组织部 and one 云台县 township improve after 2025-01; 清源区 departments are light.
  * A post is followed by replies (收到, 好的, 已完成 …) from members, minutes later (at night when the demand
    came at night); members also chat (corpus messages without labels). Work posts use unlabelled leader/staff
    texts. Education groups draw school-related texts for a third of their posts; an issuer's demands lean to
    the codes typical of its kind (宣传部 → like/share quotas, 教育局 → rankings and proof photos …).
  * Texts are varied lightly: the corpus's place names become the group's own county/township, counts in
    "30名/5份" are scaled, and "11月30日" deadlines are moved to a few days after the message was sent.
  * Days: weekends and statutory holidays (国庆 2024-10-01..07, 春节 2025-01-28..02-04, 中秋, 元旦, 清明, 劳动节,
    端午) carry few messages except from off-hours issuers; make-up working days count as working days.
Everything is invented; the registry units and tool ids are those of the fictional prefecture.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "src" / "jianfu" / "data" / "demo" / "registry" / "qinghe_registry.xlsx"
CORPUS = (ROOT / "data" / "messages" / "train.jsonl", ROOT / "data" / "messages" / "dev.jsonl")
OUT_DIR = ROOT / "src" / "jianfu" / "data" / "demo" / "chats_year"
OUT = OUT_DIR / "qinghe_groups.jsonl.gz"

SEED = 20240701
TARGET = 60_000  # messages wanted over the year (approximate)
START = date(2024, 7, 1)
END = date(2025, 6, 30)
IMPROVE_FROM = date(2025, 1, 1)
TZ = timezone(timedelta(hours=8))

# --- calendar ----------------------------------------------------------------------------------------------------


def _span(a: date, b: date) -> set[date]:
    return {a + timedelta(days=i) for i in range((b - a).days + 1)}


HOLIDAYS: set[date] = (
    _span(date(2024, 9, 15), date(2024, 9, 17))  # 中秋
    | _span(date(2024, 10, 1), date(2024, 10, 7))  # 国庆
    | {date(2025, 1, 1)}  # 元旦
    | _span(date(2025, 1, 28), date(2025, 2, 4))  # 春节
    | _span(date(2025, 4, 4), date(2025, 4, 6))  # 清明
    | _span(date(2025, 5, 1), date(2025, 5, 5))  # 劳动节
    | _span(date(2025, 5, 31), date(2025, 6, 2))  # 端午
)
MAKEUP_WORKDAYS = {date(2024, 9, 14), date(2024, 9, 29), date(2024, 10, 12), date(2025, 1, 26), date(2025, 2, 8),
                   date(2025, 4, 27)}


def day_kind(d: date) -> str:
    """'work', 'weekend' or 'holiday'."""
    if d in HOLIDAYS:
        return "holiday"
    if d in MAKEUP_WORKDAYS or d.weekday() < 5:
        return "work"
    return "weekend"


# --- people ------------------------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢"
    "蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵"
    "孟龙万段钱汤尹黎易常武乔贺"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲建国红梅兰飞鹏辉斌宇浩凯婷雪琳"
    "晨阳欣悦佳文博志峰亮波海燕丹萍颖"
)
TITLES = {
    "village": ("书记", "主任"),
    "township": ("书记", "委员"),  # plus 主任/乡长/镇长 by the unit's name
    "county": ("局长", "主任", "科长"),
    "edu": ("局长", "科长", "主任"),
    "city": ("处长", "主任", "科长"),
}
REPLIES = ("收到", "收到", "收到！", "收到👌", "好的", "好的，收到", "收到，马上落实", "已完成", "已完成。", "已报",
           "已提交",
           "已上报", "已转发", "已落实", "1", "收到[抱拳]", "明白", "收到，立即办理", "好的，马上报", "已按要求完成")
# place names in the corpus, replaced by the group's own places
CORPUS_TOWNS = ("石门乡", "城关镇", "青石镇", "双桥镇", "白马乡", "河口镇", "云岭镇", "白岩镇", "柳溪乡", "槐川镇",
                "高坪乡",
                "红岩乡", "河坪镇", "盘龙镇", "白沙镇", "桃源乡", "河东镇", "黄竹乡", "南和镇", "城南街道", "东湖街道",
                "新华街道", "青山街道")
CORPUS_COUNTIES = ("青山县", "凤溪县", "清河县")
CORPUS_CITIES = ("云岭市",)
EDU_WORDS = re.compile(r"学校|教师|老师|班主任|学生|校长|家长|年级|班级|教育|中考|高考|课|幼儿园|学期|研修|教研")
# which codes an issuer's demands lean to, by a word in the unit's name
LEANING = (
    ("宣传部", ("LIKE_SHARE_QUOTA", "FORCED_ADOPTION", "RANKING")),
    ("融媒体", ("LIKE_SHARE_QUOTA", "FORCED_ADOPTION")),
    ("组织部", ("FORCED_CHECKIN", "RANKING", "PROOF_TRACE")),
    ("教育局", ("RANKING", "PROOF_TRACE", "INSTANT_REPLY")),
    ("农业农村局", ("DUPLICATE_REPORTING", "PROOF_TRACE", "ARBITRARY_TASK")),
    ("民政局", ("DUPLICATE_REPORTING",)),
    ("应急管理局", ("INSTANT_REPLY", "FORCED_CHECKIN")),
    ("政法委", ("FORCED_ADOPTION", "INSTANT_REPLY")),
    ("办公室", ("INSTANT_REPLY", "ARBITRARY_TASK", "DUPLICATE_REPORTING")),
    ("街道", ("FORCED_CHECKIN", "PROOF_TRACE", "ARBITRARY_TASK")),
    ("镇", ("FORCED_CHECKIN", "PROOF_TRACE", "ARBITRARY_TASK")),
    ("乡", ("FORCED_CHECKIN", "PROOF_TRACE", "ARBITRARY_TASK")),
)

# --- issuer profiles ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    rate: float  # posts per working day in one group
    demand: float  # share of posts that are demands
    off_hours: float  # 0..1: how much of its demanding goes to evenings and weekends
    after: float = 1.0  # factor on `demand` from 2025-01 (ramped in over January-February)


DEFAULT_PROFILES = {
    "village": Profile(0.45, 0.22, 0.04),
    "township": Profile(0.55, 0.45, 0.08),
    "county": Profile(0.45, 0.45, 0.08),
    "edu": Profile(0.55, 0.45, 0.10),
    "city": Profile(0.35, 0.40, 0.05),
}
# (county name, name fragment) -> profile; "TOWN" stands for the first township picked in that county
FEATURED: dict[tuple[str, str], Profile] = {
    ("柳溪县", "县委宣传部"): Profile(0.85, 0.92, 0.55),  # worst: like/share quotas, evenings and weekends
    ("柳溪县", "县教育局"): Profile(0.75, 0.85, 0.40),  # rankings and screenshots at night
    ("柳溪县", "TOWN"): Profile(0.70, 0.80, 0.45),  # a township that pushes its villages off hours
    ("青石县", "县农业农村局"): Profile(0.70, 0.88, 0.20, after=0.22),  # heavy, then improves from 2025-01
    ("青石县", "县委组织部"): Profile(0.60, 0.80, 0.15, after=0.25),  # daily check-ins, dropped in 2025
    ("云台县", "TOWN"): Profile(0.60, 0.80, 0.15, after=0.30),  # a township that improves
    ("清源区", ""): Profile(0.40, 0.25, 0.02),  # the light district: every 清源区 department
}
FEATURED_DEPTS = {"柳溪县": ("县委宣传部", "县教育局"), "青石县": ("县农业农村局", "县委组织部")}
COUNTIES = ("清源区", "柳溪县", "青石县", "云台县", "白沙县")  # the counties the demo's groups are in

# --- registry ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Unit:
    code: str
    name: str
    level: str
    parent: str | None
    children: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Person:
    name: str
    role: str
    unit: str
    profile: Profile | None = None  # issuers only


@dataclass(slots=True)
class Group:
    tool_id: str
    name: str
    kind: str  # village, township, county, edu, city
    owner: Unit
    county: str
    town: str | None  # the township name used for place substitutions
    size: int = 0
    issuers: list[Person] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)
    bot: Person | None = None
    chat_rate: float = 0.0


def read_registry(path: Path) -> tuple[dict[str, Unit], list[tuple[str, str, str, str]]]:
    """Units by code, and live, non-temporary work groups as (tool id, name, owner unit name, level)."""
    wb = load_workbook(path, read_only=True)
    units: dict[str, Unit] = {}
    for row in list(wb["单位"].iter_rows(values_only=True))[2:]:
        if not row or not row[1]:
            continue
        units[str(row[1])] = Unit(str(row[1]), str(row[2]), str(row[3]), str(row[4]) if row[4] else None)
    for u in units.values():
        if u.parent in units:
            units[u.parent].children.append(u.code)
    groups = []
    for row in list(wb["台账"].iter_rows(values_only=True))[2:]:
        live = row and row[3] == "工作群" and row[18] == "已备案运行" and row[16] != "是"  # 是否临时群 = 否
        if live and str(row[1]).startswith("QH-QUN-"):
            groups.append((str(row[1]), str(row[2]), str(row[4]), str(row[5])))
    wb.close()
    return units, groups


# --- corpus ------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Pools:
    demand: list[tuple[str, tuple[str, ...]]]  # (text, labels)
    notice: list[str]
    chat: list[str]
    bot: list[str]


def read_corpus(paths: tuple[Path, ...]) -> tuple[Pools, Pools]:
    """Non-school and school pools of texts."""
    rows = [json.loads(line) for p in paths for line in p.open(encoding="utf-8") if line.strip()]
    rows.sort(key=lambda r: r["id"])
    pools = (Pools([], [], [], []), Pools([], [], [], []))
    for r in rows:
        text = r["text"]
        pool = pools[1 if EDU_WORDS.search(text) else 0]
        labels = tuple(r.get("labels") or ())
        role = r.get("sender_role")
        if role == "bot":
            pool.bot.append(text)
        elif labels:
            pool.demand.append((text, labels))
        elif role in ("leader", "staff"):
            pool.notice.append(text)
        else:
            pool.chat.append(text)
    return pools


class Decks:
    """Per-group shuffled decks, so a group does not repeat a text until it has used the pool."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.decks: dict[tuple[str, str], list[Any]] = {}

    def draw(self, key: tuple[str, str], pool: list[Any]) -> Any:
        deck = self.decks.get(key)
        if not deck:
            deck = list(pool)
            self.rng.shuffle(deck)
            self.decks[key] = deck
        return deck.pop()


# --- building the groups -----------------------------------------------------------------------------------------


class Namer:
    """Person names, unique within a group (`used`)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def full(self, used: set[str]) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2, 2))))
            if name not in used:
                used.add(name)
                return name

    def titled(self, kind: str, used: set[str], unit: str = "") -> str:
        titles = TITLES[kind]
        if kind == "township":  # 街道 has a 主任, a 乡 a 乡长, a 镇 a 镇长
            titles = ("书记", "主任") if unit.endswith("街道") else ("书记", unit[-1:] + "长", "委员")
        for _ in range(200):
            name = self.rng.choice(SURNAMES) + self.rng.choice(titles)
            if name not in used:
                used.add(name)
                return name
        return self.full(used)


def profile_for(unit: Unit, kind: str, county: str, featured_towns: dict[str, str]) -> Profile:
    if featured_towns.get(county) == unit.code and (county, "TOWN") in FEATURED:
        return FEATURED[(county, "TOWN")]
    for (c, frag), prof in FEATURED.items():
        if c == county and frag not in ("TOWN", "") and unit.name == county + frag[1:]:
            return prof
    if (county, "") in FEATURED and kind == "county":
        return FEATURED[(county, "")]
    return DEFAULT_PROFILES[kind]


def pick_groups(units: dict[str, Unit], tools: list[tuple[str, str, str, str]], rng: random.Random) -> list[Group]:
    by_name = {u.name: u for u in units.values()}
    counties = {u.name: u for u in units.values() if u.level == "县级" and u.parent == "QH" and "-D" not in u.code}
    by_owner: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for tid, name, owner, _level in tools:
        by_owner[owner].append((tid, name))
    namer = Namer(rng)
    featured_towns: dict[str, str] = {}
    groups: list[Group] = []

    def county_of(u: Unit) -> Unit:
        while u.parent and u.parent != "QH":
            u = units[u.parent]
        return u

    def depts(c: Unit) -> list[Unit]:
        return [units[k] for k in c.children if units[k].level == "县级"]

    def towns(c: Unit) -> list[Unit]:
        return [units[k] for k in c.children if units[k].level == "乡镇"]

    def choose_tool(owner: Unit, prefer: tuple[str, ...]) -> tuple[str, str] | None:
        cands = [t for t in by_owner.get(owner.name, []) if not any(w in t[1] for w in ("居民", "村民", "党员"))]
        for word in prefer:
            hits = [t for t in cands if word in t[1]]
            if hits:
                return rng.choice(hits)
        return rng.choice(cands) if cands and owner.level != "村(社区)" else None

    def add(owner: Unit, kind: str, prefer: tuple[str, ...], town: Unit | None) -> Group | None:
        tool = choose_tool(owner, prefer)
        if tool is None or any(g.tool_id == tool[0] for g in groups):
            return None
        c = county_of(owner)
        g = Group(tool[0], tool[1], kind, owner, c.name, town.name if town else None)
        groups.append(g)
        return g

    for cname in COUNTIES:
        c = counties[cname]
        ds = depts(c)
        edu = next(d for d in ds if d.name.endswith("教育局"))
        add(edu, "edu", ("工作群", "信息报送", "干部职工"), None)
        wanted = [by_name[cname + f[1:]] for f in FEATURED_DEPTS.get(cname, ()) if not f.endswith("教育局")]
        others = [d for d in ds if d not in wanted and d is not edu and by_owner.get(d.name)]
        for d in (wanted + rng.sample(others, len(others)))[:2]:
            add(d, "county", ("工作群", "业务对接", "信息报送"), None)
        ts = [t for t in towns(c) if by_owner.get(t.name)]
        picked = rng.sample(ts, 3 if cname in ("柳溪县", "云台县") else 2)
        featured_towns[cname] = picked[0].code
        for t in picked:
            add(t, "township", ("工作群", "包村", "镇村", "党政"), t)
        # villages: two under the featured township, one elsewhere
        vill_towns = [picked[0], picked[0], rng.choice(picked[1:])]
        for t in vill_towns:
            vs = [units[k] for k in t.children if by_owner.get(units[k].name)]
            rng.shuffle(vs)
            for v in vs:
                if add(v, "village", ("两委", "网格", "社工"), t):
                    break
    city_depts = [u for u in units.values() if u.parent == "QH" and "-D" in u.code and by_owner.get(u.name)]
    for d in rng.sample(city_depts, 2):
        add(d, "city", ("工作群", "业务对接", "信息报送"), None)

    # members and issuers
    city = units["QH"]
    for g in groups:
        used: set[str] = set()
        owner = g.owner
        c = county_of(owner) if g.kind != "city" else city
        cdepts = depts(c) if g.kind != "city" else []

        def issuer(u: Unit, role: str, kind: str, used: set[str] = used) -> Person:
            cn = county_of(u).name if u.code != "QH" and u.parent else ""
            prof = profile_for(u, kind, cn, featured_towns)
            name = namer.titled(kind, used, u.name) if role == "leader" else namer.full(used)
            return Person(name, role, u.name, prof)

        if g.kind == "village":
            town = units[owner.parent] if owner.parent else owner
            g.issuers.append(issuer(owner, "leader", "village"))
            g.issuers.append(issuer(town, rng.choice(("leader", "staff")), "township"))
            feat = [by_name[c.name + f[1:]] for f in FEATURED_DEPTS.get(c.name, ())]
            pool = feat or rng.sample(cdepts, 1)
            for d in pool[:2]:
                g.issuers.append(issuer(d, "staff", "county"))
            g.size = rng.randint(12, 40)
            member_units = [owner]
        elif g.kind == "township":
            g.issuers.append(issuer(owner, "leader", "township"))
            if rng.random() < 0.6:
                g.issuers.append(issuer(owner, "staff", "township"))
            feat = [by_name[c.name + f[1:]] for f in FEATURED_DEPTS.get(c.name, ())]
            rest = [d for d in cdepts if d not in feat]
            for d in feat + rng.sample(rest, rng.randint(2, 3) - min(len(feat), 1)):
                g.issuers.append(issuer(d, rng.choice(("leader", "staff")), "county"))
            g.size = rng.randint(40, 150)
            member_units = [units[k] for k in owner.children] or [owner]
        elif g.kind == "county":
            g.issuers.append(issuer(owner, "leader", "county"))
            if rng.random() < 0.7:
                g.issuers.append(issuer(owner, "staff", "county"))
            counterpart = by_name.get("清河市" + owner.name[len(c.name):])
            if counterpart:
                g.issuers.append(issuer(counterpart, "staff", "city"))
            office = by_name.get(c.name + "委办公室")
            if office and office is not owner:
                g.issuers.append(issuer(office, "staff", "county"))
            g.size = rng.randint(30, 110)
            member_units = towns(c)
        elif g.kind == "edu":
            g.issuers.append(issuer(owner, "leader", "edu"))
            g.issuers.append(issuer(owner, "staff", "edu"))
            city_edu = by_name.get("清河市教育局")
            if city_edu:
                g.issuers.append(issuer(city_edu, "staff", "city"))
            g.size = rng.randint(60, 260)
            member_units = [owner]
        else:  # city
            g.issuers.append(issuer(owner, "leader", "city"))
            g.issuers.append(issuer(owner, "staff", "city"))
            office = by_name.get("清河市委办公室")
            if office and office is not owner:
                g.issuers.append(issuer(office, "staff", "city"))
            suffix = owner.name[len("清河市"):]
            member_units = ([by_name[cn + suffix] for cn in counties if cn + suffix in by_name]
                            or list(counties.values()))
            g.size = rng.randint(20, 60)
        n_members = min(g.size - len(g.issuers), rng.randint(10, 24))
        g.members = [Person(namer.full(used), "cadre", rng.choice(member_units).name) for _ in range(max(n_members, 4))]
        if rng.random() < 0.3:
            g.bot = Person(rng.choice(("群助手", "打卡助手", "工作通知机器人", "填报小助手")), "bot", owner.name)
        g.chat_rate = {"village": 0.9, "township": 1.0, "county": 0.7, "edu": 0.8, "city": 0.5}[g.kind]
    return groups


# --- message generation ------------------------------------------------------------------------------------------

_COUNT = re.compile(r"(?<![\d:：./\-])(\d{1,3})(?=(?:名|人|个|份|条|次|户|张|家|篇|所|处|项|件|台|本|袋)(?!钟))")
_MDAY = re.compile(r"(?<!\d)(\d{1,2})月(\d{1,2})(日|号)")


def vary(text: str, g: Group, sent: datetime, rng: random.Random, town_names: list[str]) -> str:
    for t in CORPUS_TOWNS:
        if t in text:
            text = text.replace(t, g.town if g.town and rng.random() < 0.7 else rng.choice(town_names))
    for cty in CORPUS_COUNTIES:
        if cty in text:
            text = text.replace(cty, g.county)
    for city in CORPUS_CITIES:
        text = text.replace(city, "清河市")
    if rng.random() < 0.6:
        text = _COUNT.sub(lambda m: str(max(1, round(int(m.group(1)) * rng.uniform(0.6, 1.5)))), text)

    def deadline(m: re.Match[str]) -> str:
        d = sent.date() + timedelta(days=rng.randint(1, 7))
        return f"{d.month}月{d.day}{m.group(3)}"

    return _MDAY.sub(deadline, text)


def poisson(lam: float, rng: random.Random) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def at(d: date, minute: float) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=TZ) + timedelta(seconds=int(minute * 60))


def work_minute(rng: random.Random) -> float:
    r = rng.random()
    if r < 0.46:
        return rng.triangular(8 * 60 + 30, 12 * 60, 9 * 60 + 30)
    if r < 0.92:
        return rng.triangular(14 * 60, 18 * 60, 15 * 60 + 30)
    if r < 0.96:
        return rng.uniform(7 * 60 + 40, 8 * 60 + 30)
    if r < 0.98:
        return rng.uniform(12 * 60, 14 * 60)
    return rng.uniform(18 * 60, 19 * 60 + 30)


def evening_minute(rng: random.Random) -> float:
    return rng.triangular(20 * 60, 23 * 60 + 20, 21 * 60 + 30)


def free_day_minute(rng: random.Random, demand_off: bool) -> float:
    if demand_off and rng.random() < 0.5:
        return evening_minute(rng)
    return rng.uniform(9 * 60, 21 * 60)


def demand_share(p: Profile, d: date) -> float:
    if p.after == 1.0 or d < IMPROVE_FROM:
        return p.demand
    ramp = min(1.0, ((d - IMPROVE_FROM).days + 1) / 59)  # January-February
    return p.demand * (1 - ramp * (1 - p.after))


def generate(groups: list[Group], pools: tuple[Pools, Pools], rng: random.Random, scale: float) -> list[dict]:
    decks = Decks(rng)
    out: list[dict] = []
    by_county: dict[str, list[str]] = defaultdict(list)
    for g in groups:
        if g.town and g.town not in by_county[g.county]:
            by_county[g.county].append(g.town)
    days = [START + timedelta(days=i) for i in range((END - START).days + 1)]
    for g in groups:
        msgs: list[tuple[datetime, Person, str]] = []
        towns = by_county.get(g.county) or [g.county]
        edu = g.kind == "edu"

        def pool_for(name: str, edu: bool = edu) -> tuple[int, list]:
            """Education groups draw school texts (a small pool) for a third of posts, 15% of chat; others never."""
            idx = 1 if edu and rng.random() < (0.15 if name == "chat" else 0.35) else 0
            return idx, getattr(pools[idx], name)

        leaning = {p.unit: next((codes for word, codes in LEANING if word in p.unit), ()) for p in g.issuers}
        lean_pools = {(i, code): [x for x in src.demand if code in x[1]]
                      for i, src in enumerate(pools) for code in {c for _w, cs in LEANING for c in cs}}

        for d in days:
            kind = day_kind(d)
            for p in g.issuers:
                prof = p.profile
                assert prof is not None
                share = demand_share(prof, d)
                if kind == "work":
                    lam = prof.rate * scale
                elif kind == "weekend":
                    lam = prof.rate * scale * (0.08 + 0.9 * prof.off_hours * share)
                else:
                    lam = prof.rate * scale * (0.04 + 0.4 * prof.off_hours * share)
                for _ in range(poisson(lam, rng)):
                    off_day = kind != "work"
                    is_demand = rng.random() < (min(0.97, share + prof.off_hours) if off_day else share)
                    if is_demand:
                        idx, _pool = pool_for("demand")
                        codes = leaning.get(p.unit, ())
                        if codes and rng.random() < 0.55:
                            code = rng.choice(codes)
                            lean = lean_pools[(idx, code)] or pools[idx].demand
                            text, _labels = decks.draw((g.tool_id, f"d{idx}{code}"), lean)
                        else:
                            text, _labels = decks.draw((g.tool_id, f"d{idx}"), pools[idx].demand)
                        if off_day:
                            minute = free_day_minute(rng, True)
                        elif rng.random() < prof.off_hours:
                            minute = evening_minute(rng)
                        else:
                            minute = work_minute(rng)
                    else:
                        idx, src = pool_for("notice")
                        text = decks.draw((g.tool_id, f"n{idx}"), src)
                        minute = free_day_minute(rng, False) if off_day else work_minute(rng)
                    sent = at(d, minute)
                    msgs.append((sent, p, vary(text, g, sent, rng, towns)))
                    # replies from members
                    n_rep = poisson(1.9 if is_demand else 0.45, rng)
                    t = sent
                    for m in rng.sample(g.members, min(n_rep, len(g.members))):
                        t = t + timedelta(seconds=int(rng.expovariate(1 / (240 if is_demand else 600))) + 15)
                        msgs.append((t, m, rng.choice(REPLIES)))
            # members' ordinary chat
            lam = g.chat_rate * scale * (1.0 if kind == "work" else 0.12)
            for _ in range(poisson(lam, rng)):
                idx, src = pool_for("chat")
                text = decks.draw((g.tool_id, f"c{idx}"), src)
                minute = work_minute(rng) if kind == "work" and rng.random() < 0.85 else rng.uniform(7 * 60, 22 * 60)
                sent = at(d, minute)
                msgs.append((sent, rng.choice(g.members), vary(text, g, sent, rng, towns)))
            if g.bot and kind == "work" and rng.random() < 0.12 * scale:
                src = pools[1].bot + pools[0].bot
                text = decks.draw((g.tool_id, "b"), src)
                sent = at(d, rng.choice((8 * 60 + 45, 17 * 60 + 30, 21 * 60)) + rng.random())
                msgs.append((sent, g.bot, vary(text, g, sent, rng, towns)))
        msgs = [m for m in msgs if m[0].date() <= END]
        msgs.sort(key=lambda m: m[0])
        short = g.tool_id.removeprefix("QH-").lower()
        for n, (sent, person, text) in enumerate(msgs, 1):
            out.append({
                "id": f"qh-{short}-{n:05d}", "text": text, "sent_at": sent.isoformat(), "sender": person.name,
                "sender_role": person.role, "group": g.name, "group_id": g.tool_id, "sender_unit": person.unit,
                "group_size": g.size,
            })
    out.sort(key=lambda m: (m["sent_at"], m["id"]))
    return out


def write_gzip(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows).encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(data)


def summarise(rows: list[dict], groups: list[Group]) -> Iterator[str]:
    yield f"{len(rows)} messages in {len(groups)} groups"
    kinds = Counter(g.kind for g in groups)
    yield "groups by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    posts = Counter(r["sender_unit"] for r in rows if r["sender_role"] in ("leader", "staff"))
    yield f"{len(posts)} issuing units; most posts: " + ", ".join(f"{u} {n}" for u, n in posts.most_common(6))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--target", type=int, default=TARGET, help="approximate number of messages")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    units, tools = read_registry(REGISTRY)
    pools = read_corpus(CORPUS)
    groups = pick_groups(units, tools, random.Random(args.seed))
    # one trial run fixes the rate scale that lands near the target; the final run is reseeded
    trial = generate(groups, pools, random.Random(args.seed + 1), 1.0)
    scale = args.target / max(1, len(trial))
    rows = generate(groups, pools, random.Random(args.seed + 2), scale)
    write_gzip(args.out, rows)
    for line in summarise(rows, groups):
        print(line)
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out} "
          f"({args.out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
