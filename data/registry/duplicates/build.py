"""Build the labelled duplicate-tool sets (train.jsonl, dev.jsonl and their *.gold.json) from concepts.py.

    python data/registry/duplicates/build.py            # rewrites the four files, byte for byte the same

Each split is one fictional province with its own place names, filled with tools from scenarios (planted
duplicates of several kinds, hard negatives, unrelated tools). Gold clusters are then computed from the
tools' ground-truth concepts with the labelling rule of README.md, over every pair of the split — so a
planted pair that does not meet the rule is not gold, and an accidental one that does is.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import opencc

sys.path.insert(0, str(Path(__file__).parent))
from concepts import ARCHETYPES, CONCEPTS, GROUP_AUDIENCE, GROUP_TOPICS, UNIT_GROUPS, Archetype

HERE = Path(__file__).parent
S2T = opencc.OpenCC("s2t")
GENERIC_WEIGHT = 0.3
OVERLAP = 0.6
LEVELS = ("province", "city", "county", "township", "village")
BY_KEY = {a.key: a for a in ARCHETYPES}
# A city's or county's 融媒体 app: news, live video, 爆料 and a link to the government service platform.
MEDIA_APP = Archetype("media_app", ("app",), ("city", "county"), ("融媒体中心",), ("云上{p}", "{p}融媒", "掌上{p}"),
                      ("news", "live_stream", "gov_entry"), ("issue_report", "notice"), ("群众",),
                      ("{o}客户端：{fs}。",))
# Accounts every unit at every level runs, publishing news, policy, 办事指南 and answering questions.
LEVEL_ACCOUNTS = (("委政法委", ("平安{p}", "{p}政法")), ("委宣传部", ("{p}宣传", "{p}发布")),
                  ("委组织部", ("{p}组工", "{p}先锋")), ("公安局", ("{p}公安", "平安{p}警方")))

# Place names: separate pools per split, so no place occurs in both.
PLACES = {
    "train": {
        "province": "东江", "cities": ["临州", "安川", "青原"],
        "counties": ["清河", "平阳", "永宁", "石门", "长乐", "桐柏", "新安", "云溪", "白水", "金川", "宁远", "凤台"],
        "townships": ["城关", "双桥", "河口", "梅林", "石塘", "龙泉", "高坪", "马桥", "新集", "柳湾", "南岗", "杨庄",
                      "枫林", "沙湾", "官渡", "黄坪", "东湖", "西岭"],
        "villages": ["河西", "大王庄", "李家湾", "新民", "红星", "前进", "柏树", "三合", "黄土坡", "塘坊", "中心",
                     "和平"],
    },
    "dev": {
        "province": "西岭", "cities": ["江城", "北原", "兰陵"],
        "counties": ["太和", "兴隆", "安溪", "鹤山", "定远", "莲花", "武川", "崇信", "泰宁", "龙门", "乐平", "江华"],
        "townships": ["城南", "古镇", "双河", "大桥", "白沙", "竹园", "青山", "银杏", "水口", "桃源", "花园", "关庙",
                      "岔路", "茶亭", "石桥", "河坝", "新街", "上塘"],
        "villages": ["东风", "团结", "胜利", "联合", "大柳树", "周家", "桂花", "麻塘", "杨柳", "光明", "五一", "长岭"],
    },
}
SEEDS = {"train": 20261123, "dev": 20261124}
TARGET_SCENARIOS = {"dup": 24, "vertical": 9, "module": 14, "group_dup": 12, "account_dup": 5, "sector": 12,
                    "sibling": 12, "same_unit": 9, "dept_accounts": 6, "group_neg": 10, "single": 50,
                    # hard negatives of a whole prefecture's 台账 (and the few true duplicates among them)
                    "dept_groups": 6, "village_grid": 5, "account_levels": 4, "super_app": 1}
MODULE_PAIRS = {  # host archetype → archetypes that are often built again as separate small tools
    "city_brain": ["suishoupai", "grid"], "gov_service": ["social_ins_mini", "appoint_mini", "hotline"],
    "party": ["party_study", "party_fee_mini"], "village": ["points"], "oa": ["duban"],
    "emergency": ["flood"],
}
SECTOR_PAIRS = [("school_safety", "mine_safety"), ("river", "forest"), ("river", "field"), ("fire", "gas"),
                ("site_safety", "hazchem"), ("suishoupai", "civ"), ("points", "party_study"), ("food", "fire"),
                ("mine_safety", "hazchem"), ("forest", "forest_fire"), ("straw", "forest_fire"), ("housing", "gas")]
SAME_UNIT = [("应急管理局", ["emergency", "mine_safety", "hazchem"]),
             ("教育局", ["school_safety", "enroll", "homeschool"]),
             ("委组织部", ["party", "kaohe"]), ("住房和城乡建设局", ["site_safety", "housing", "gas"]),
             ("林业局", ["forest", "forest_fire"]), ("民政局", ["elderly", "assist"]),
             ("委政法委", ["grid", "security"]), ("农业农村局", ["agri", "poverty", "field"])]
DEPT_NAMES = {"教育局": "教育", "卫生健康局": "卫健", "人力资源和社会保障局": "人社", "自然资源和规划局": "自然资源",
              "市场监督管理局": "市场监管", "公安局": "公安", "司法局": "司法", "交通运输局": "交通", "财政局": "财政",
              "民政局": "民政", "文化和旅游局": "文旅"}


@dataclass
class Row:
    kind: str
    name: str
    owner_unit: str
    level: str
    region: tuple[str | None, ...]
    concepts: list[str]
    description: str
    functions: list[str] | str
    audience: str
    launched: str
    scenario: str
    owner_key: str = ""  # the unit itself (for the same-owner rule), independent of how it is written
    topic: str | None = None
    audience_class: str = ""
    scope: str = "place"  # a work group for a place's people, or "unit": a unit's own group for its own people
    extra: dict[str, object] = field(default_factory=dict)


class Split:
    def __init__(self, split: str) -> None:
        self.split = split
        self.rng = random.Random(SEEDS[split])
        p = PLACES[split]
        self.province = p["province"]
        self.cities = p["cities"]
        counties = list(p["counties"])
        townships = list(p["townships"])
        villages = list(p["villages"])
        self.county_city = {c: self.cities[i // 4] for i, c in enumerate(counties)}
        self.counties = counties
        self.township_county = {t: counties[i % len(counties)] for i, t in enumerate(townships)}
        self.townships = townships
        self.village_township = {v: townships[i % len(townships)] for i, v in enumerate(villages)}
        self.villages = villages
        self.rows: list[Row] = []
        self.used_names: set[str] = set()

    # -- places
    def path(self, level: str, place: str) -> tuple[str | None, ...]:
        if level == "province":
            return (self.province, None, None, None, None)
        if level == "city":
            return (self.province, place, None, None, None)
        if level == "county":
            return (self.province, self.county_city[place], place, None, None)
        if level == "township":
            county = self.township_county[place]
            return (self.province, self.county_city[county], county, place, None)
        township = self.village_township[place]
        county = self.township_county[township]
        return (self.province, self.county_city[county], county, township, place)

    def full_place(self, level: str, place: str) -> str:
        suffix = {"province": "省", "city": "市", "county": "县", "township": "镇", "village": "村"}[level]
        if level == "county" and place in ("石门", "新安", "金川", "武川", "龙门", "江华"):
            suffix = "区"
        if level == "township" and place in ("东湖", "花园", "新街"):
            suffix = "街道"
        return place + suffix

    def owner_prefix(self, level: str, place: str) -> str:
        """How the 台账 writes the owner's place: usually just its own place, sometimes with its parent."""
        own = self.full_place(level, place)
        r = self.rng.random()
        if level == "county" and r < 0.3:
            return self.full_place("city", self.county_city[place]) + own
        if level == "township":
            county = self.township_county[place]
            return (self.full_place("county", county) + own) if r < 0.5 else own
        if level == "village":
            township = self.village_township[place]
            return (self.full_place("township", township) + own) if r < 0.6 else own
        if level == "city" and r < 0.2:
            return self.full_place("province", self.province) + own
        return own

    def pick_place(self, level: str) -> str:
        return self.rng.choice({"province": [self.province], "city": self.cities, "county": self.counties,
                                "township": self.townships, "village": self.villages}[level])

    def sibling(self, level: str, place: str) -> str:
        pool = {"county": self.counties, "city": self.cities, "township": self.townships,
                "village": self.villages}[level]
        return self.rng.choice([x for x in pool if x != place])

    # -- writing one tool
    def phrase(self, concept: str, avoid: set[str]) -> str:
        # Phrasings are split between the splits: the first (plain) one is shared, the others alternate, so a
        # dictionary fix made from a train error does not fix the same wording in dev.
        pool = [p for i, p in enumerate(CONCEPTS[concept][1]) if i == 0 or i % 2 == (1 if self.split == "train" else 0)]
        options = [p for p in pool if p not in avoid] or pool
        return self.rng.choice(options)

    def write(self, arch: Archetype, level: str, place: str, concepts: list[str], scenario: str,
              kind: str | None = None, owner: str | None = None, avoid: set[str] | None = None,
              name_template: str | None = None) -> Row:
        rng = self.rng
        kind = kind or rng.choice(arch.kinds)
        dept = owner or rng.choice(arch.owners)
        if "{t}" in dept:
            if level != "township":
                dept = dept.replace("{t}", "")
                dept = dept if dept not in ("人民政府", "党政办", "街道办事处") else "人民政府"
            else:
                dept = dept.replace("{t}", "")
        prefix = self.owner_prefix(level, place)
        owner_unit = prefix + dept
        if dept.startswith("委"):
            owner_unit = "中共" + owner_unit
        short = place if rng.random() < 0.7 else self.full_place(level, place)
        name = ""
        for _ in range(20):
            template = name_template or rng.choice(arch.names)
            name = template.replace("{p}", short).replace("{o}", prefix + dept).replace(
                "{d}", DEPT_NAMES.get(dept, dept[:2]))
            if name not in self.used_names:
                break
            short = self.full_place(level, place) if short == place else place
        self.used_names.add(name)
        avoid = avoid or set()
        phrases = [self.phrase(c, avoid) for c in concepts]
        rng.shuffle(phrases)
        who = rng.choice(arch.audience)
        fs = "、".join(phrases[:-1]) + ("和" + phrases[-1] if len(phrases) > 1 else phrases[0])
        description = rng.choice(arch.descriptions).format(fs=fs, who=who, o=prefix + dept)
        functions: list[str] | str = phrases
        r = rng.random()
        if r < 0.08:
            functions = []  # the 台账 left the column empty; the description says it
        elif r < 0.2:
            functions = rng.choice(["、", "；", ";", "，"]).join(phrases)
        if kind == "app" and not name.upper().endswith("APP") and rng.random() < 0.25:
            name += rng.choice(["APP", "App", "客户端"])
        elif kind == "miniprogram" and rng.random() < 0.3:
            name += "小程序"
        year = rng.randint(2017, 2025)
        launched = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        row = Row(kind=kind, name=name, owner_unit=owner_unit, level=level, region=self.path(level, place),
                  concepts=list(concepts), description=description, functions=functions, audience=who,
                  launched=launched, scenario=scenario, owner_key=f"{self.path(level, place)}|{dept}")
        if rng.random() < 0.12:  # written in Traditional characters
            row.name = S2T.convert(row.name)
            row.description = S2T.convert(row.description)
            row.functions = ([S2T.convert(f) for f in row.functions] if isinstance(row.functions, list)
                             else S2T.convert(row.functions))
        elif rng.random() < 0.08:  # full-width noise from a pasted spreadsheet
            row.name = row.name.replace("APP", "ＡＰＰ").replace("12345", "１２３４５") + "　"
            row.description = row.description.replace("，", " , ")
        self.rows.append(row)
        return row

    def concepts_of(self, arch: Archetype, k_optional: int | None = None) -> list[str]:
        opt = list(arch.optional)
        self.rng.shuffle(opt)
        k = self.rng.randint(0, len(opt)) if k_optional is None else min(k_optional, len(opt))
        return list(arch.core) + opt[:k]

    def variant(self, arch: Archetype, base: list[str]) -> list[str]:
        """A second tool doing the same work: the same core, optional functions shuffled a little."""
        out = list(arch.core) + [c for c in base if c not in arch.core and self.rng.random() < 0.7]
        spare = [c for c in arch.optional if c not in out]
        if spare and self.rng.random() < 0.4:
            out.append(self.rng.choice(spare))
        return out

    def level_for(self, arch: Archetype, prefer: str = "county") -> str:
        return prefer if prefer in arch.levels else arch.levels[0]

    # -- scenarios
    def service_archetypes(self, host: bool | None = None) -> list[Archetype]:
        return [a for a in ARCHETYPES if a.key not in ("dept_account", "media_account")
                and (host is None or a.host == host)]

    def dup(self) -> None:
        arch = self.rng.choice(self.service_archetypes())
        level = self.level_for(arch, self.rng.choice(["county", "county", "city", "township"]))
        place = self.pick_place(level)
        base = self.concepts_of(arch)
        first = self.write(arch, level, place, base, "dup")
        avoid = {f for f in (first.functions if isinstance(first.functions, list) else [])}
        for _ in range(2 if self.rng.random() < 0.25 else 1):
            self.write(arch, level, place, self.variant(arch, base), "dup", avoid=avoid)

    def vertical(self) -> None:
        options = [a for a in self.service_archetypes() if "city" in a.levels or "province" in a.levels]
        arch = self.rng.choice(options)
        county = self.pick_place("county")
        # A provincial super-app is a hub for every county tool of its kind: rare, or it swallows the split.
        upper_level = "province" if "province" in arch.levels and self.rng.random() < 0.15 else "city"
        if upper_level not in arch.levels:
            upper_level = "city" if "city" in arch.levels else "province"
        upper = self.province if upper_level == "province" else self.county_city[county]
        base = self.concepts_of(arch)
        self.write(arch, upper_level, upper, base, "vertical")
        lower_level = "county" if "county" in arch.levels else arch.levels[-1]
        lower_place = county if lower_level == "county" else self.pick_place(lower_level)
        self.write(arch, lower_level, lower_place, self.variant(arch, base), "vertical")

    def module(self) -> None:
        host_key = self.rng.choice(sorted(MODULE_PAIRS))
        host = BY_KEY[host_key]
        level = self.level_for(host, self.rng.choice(["county", "city"]))
        place = self.pick_place(level)
        smalls = [BY_KEY[k] for k in self.rng.sample(MODULE_PAIRS[host_key],
                                                        k=min(len(MODULE_PAIRS[host_key]), self.rng.randint(1, 2)))]
        concepts = list(host.core) + [c for c in host.optional if self.rng.random() < 0.5]
        for s in smalls:  # the host already does what the small tool does
            concepts += [c for c in s.core if c not in concepts]
        self.write(host, level, place, concepts, "module_host")
        for s in smalls:
            s_level = level if level in s.levels else s.levels[0]
            if s_level == "county" and level == "city":
                s_place = self.rng.choice([c for c in self.counties if self.county_city[c] == place])
            elif s_level == level:
                s_place = place
            else:
                continue
            self.write(s, s_level, s_place, self.concepts_of(s, 1), "module_small")

    def write_group(self, topic: str, level: str, place: str, scenario: str, audience: str | None = None,
                    template: str | None = None, owner: str | None = None) -> Row:
        rng = self.rng
        _, names, others = next(g for g in GROUP_TOPICS if g[0] == topic)
        concepts = [topic] + [c for c in others if rng.random() < 0.7] + (["notice"] if rng.random() < 0.6 else [])
        if rng.random() < 0.4:
            concepts.append("chat")
        dept = owner or {"village": "村民委员会", "township": rng.choice(["人民政府", "党委", "党政办"]),
                         "county": rng.choice(["应急管理局", "政府办公室", "委组织部"])}[level]
        prefix = self.owner_prefix(level, place)
        short = place if rng.random() < 0.6 else self.full_place(level, place)
        name = (template or rng.choice(names)).replace("{p}", short)
        while name in self.used_names:
            name = (template or rng.choice(names)).replace("{p}", self.full_place(level, place)) + rng.choice(
                ["", "（新）", "2群", "工作专班"])
        self.used_names.add(name)
        aud = audience or rng.choice(GROUP_AUDIENCE.get(topic, ("村干部", "乡镇干部", "工作人员", "各村负责人")))
        phrases = [self.phrase(c, set()) for c in concepts[1:]]
        description = f"{name.replace(short, '')}，用于" + "、".join(phrases or ["工作联系"]) + "。"
        row = Row(kind="work_group", name=name, owner_unit=("中共" if dept.startswith("委") else "") + prefix + dept,
                  level=level, region=self.path(level, place), concepts=concepts, description=description,
                  functions=phrases, audience=aud, launched=f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-"
                  f"{rng.randint(1, 28):02d}", scenario=scenario, owner_key=f"{self.path(level, place)}|{dept}",
                  topic=topic, audience_class=_audience_class(aud))
        if rng.random() < 0.1:
            row.name = S2T.convert(row.name)
            row.description = S2T.convert(row.description)
        self.rows.append(row)
        return row

    def group_dup(self) -> None:
        topic = self.rng.choice([g[0] for g in GROUP_TOPICS])
        level = ("village" if topic in ("t_village", "t_branch", "t_grid_res")
                 else self.rng.choice(["township", "township", "county"]))
        place = self.pick_place(level)
        aud = self.rng.choice(GROUP_AUDIENCE.get(topic, ("村干部", "乡镇干部", "工作人员")))
        self.write_group(topic, level, place, "group_dup", aud)
        self.write_group(topic, level, place, "group_dup", aud)

    def group_neg(self) -> None:
        r = self.rng.random()
        if r < 0.4:  # one village, different people
            v = self.pick_place("village")
            self.write_group("t_village", "village", v, "group_neg_audience", "全体村民")
            self.write_group("t_branch", "village", v, "group_neg_audience", "全体党员")
        elif r < 0.7:  # one township, different work
            t = self.pick_place("township")
            village_only = ("t_village", "t_branch", "t_grid_res")
            topics = self.rng.sample([g[0] for g in GROUP_TOPICS if g[0] not in village_only], 2)
            for topic in topics:
                self.write_group(topic, "township", t, "group_neg_topic", "乡镇干部")
        else:  # same work in sibling townships
            t = self.pick_place("township")
            topic = self.rng.choice(["t_flood", "t_straw", "t_civ", "t_census"])
            self.write_group(topic, "township", t, "group_neg_sibling", "村干部")
            self.write_group(topic, "township", self.sibling("township", t), "group_neg_sibling", "村干部")

    def account_dup(self) -> None:
        arch = BY_KEY["dept_account"]
        level = "county"
        place = self.pick_place(level)
        dept = self.rng.choice([d for d in arch.owners if "{t}" not in d])
        base = self.concepts_of(arch)
        self.write(arch, level, place, base, "account_dup", owner=dept, name_template="{o}")
        self.write(arch, level, place, self.variant(arch, base), "account_dup", owner=dept,
                   name_template=self.rng.choice(["{p}{d}发布", "{p}{d}在线"]))

    def write_unit_group(self, level: str, place: str, dept: str, topic: str, scenario: str) -> Row:
        """A unit's own standing group, named after the unit, for its own people."""
        rng = self.rng
        _, names, others, aud = next(g for g in UNIT_GROUPS if g[0] == topic)
        prefix = self.owner_prefix(level, place)
        if dept == "团委":
            owner_unit = f"共青团{prefix}委员会"
        else:
            owner_unit = ("中共" if dept.startswith("委") else "") + prefix + dept
        options = [n.replace("{u}", owner_unit) for n in names]
        name = next((n for n in rng.sample(options, len(options)) if n not in self.used_names), options[0] + "（新）")
        self.used_names.add(name)
        concepts = [topic] + [c for c in others if rng.random() < 0.8] + (["chat"] if rng.random() < 0.5 else [])
        phrases = [self.phrase(c, set()) for c in concepts[1:]]
        row = Row(kind="work_group", name=name, owner_unit=owner_unit, level=level, region=self.path(level, place),
                  concepts=concepts, description=f"{name}，用于" + "、".join(phrases or ["工作联系"]) + "。",
                  functions=phrases, audience=aud, launched=f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-"
                  f"{rng.randint(1, 28):02d}", scenario=scenario, owner_key=f"{self.path(level, place)}|{dept}",
                  topic=topic, audience_class=_audience_class(aud), scope="unit")
        self.rows.append(row)
        return row

    def dept_groups(self) -> None:
        """Each department's own 干部职工群 / 党支部群 / 值班群: legitimate, one per unit and audience; a unit with a
        second group for the same people has a duplicate (REG-13/REG-14)."""
        rng = self.rng
        level = rng.choice(["county", "county", "city"])
        place = self.pick_place(level)
        depts = rng.sample(["教育局", "卫生健康局", "应急管理局", "委组织部", "委宣传部", "民政局", "水利局", "团委",
                            "人力资源和社会保障局", "委办公室", "政府办公室"], 3)
        if rng.random() < 0.5:
            depts.append("")  # the place itself (清河县干部职工群, owned by 清河县)
        topics = [g[0] for g in UNIT_GROUPS]
        for dept in depts:
            mine = rng.sample(topics, 2)
            for topic in mine:
                self.write_unit_group(level, place, dept, topic, "dept_groups")
            if rng.random() < 0.3:
                self.write_unit_group(level, place, dept, mine[0], "dept_groups_dup")

    def twin_village(self, village: str) -> str:
        """Another village whose name only adds a direction: 东河西 is not 河西."""
        name = self.rng.choice("东西南北前后新") + village
        if name not in self.village_township:
            self.villages.append(name)
            self.village_township[name] = self.sibling("township", self.village_township[village])
        return name

    def village_grid(self) -> None:
        """One village's residents' group and one grid's residents' group are different people; a look-alike
        village's group is another village's."""
        rng = self.rng
        v = self.pick_place("village")
        self.write_group("t_village", "village", v, "village_grid", rng.choice(["全体村民", "本村村民", "村民"]))
        self.write_group("t_grid_res", "village", v, "village_grid", "网格内居民")
        topic = rng.choice(["t_village", "t_grid_res"])
        self.write_group(topic, "village", self.twin_village(v), "village_grid_twin",
                         "网格内居民" if topic == "t_grid_res" else "全体村民")

    def account_levels(self) -> None:
        """The city's and two counties' accounts of one kind of unit (平安临州 vs 平安清河): different units, each
        publishing news, policy and 办事指南 — not duplicates; sometimes with the city's 融媒体 app beside them."""
        rng = self.rng
        arch = BY_KEY["dept_account"]
        dept, names = rng.choice(LEVEL_ACCOUNTS)
        template = rng.choice(names)
        city = rng.choice(self.cities)
        counties = [c for c in self.counties if self.county_city[c] == city]

        def concepts() -> list[str]:
            return ["news"] + [c for c in ("service_guide", "consult", "policy_pub") if rng.random() < 0.7]

        self.write(arch, "city", city, concepts(), "account_levels", owner=dept, name_template=template)
        for county in rng.sample(counties, 2):
            self.write(arch, "county", county, concepts(), "account_levels", owner=dept, name_template=template)
        if rng.random() < 0.6:
            self.write(MEDIA_APP, "city", city, self.concepts_of(MEDIA_APP), "account_levels")

    def super_app(self) -> None:
        """A provincial super-app and county look-alikes: the counties' copies of it are its duplicates or modules
        (APP-09); look-alikes by name that do local things it does not are not, nor are they each other's."""
        rng = self.rng
        host = BY_KEY["gov_service"]
        base = [*host.core, "satisfaction"]
        self.write(host, "province", self.province, base, "super_app_host")
        for i, county in enumerate(rng.sample(self.counties, 6)):
            template = rng.choice(["{p}通", "智慧{p}", "{p}掌上办", "i{p}", "{p}办事通"])
            if i < 3:
                concepts = (self.variant(host, base) if rng.random() < 0.5
                            else self.concepts_of(BY_KEY["appoint_mini"]))
                scenario = "super_app_copy"
            else:
                local = ["parking_find", "parking_pay", "charging", "utility_pay"]
                concepts = ["online_service", *rng.sample(local, 3)]
                scenario = "super_app_lookalike"
            self.write(host, "county", county, concepts, scenario, kind=rng.choice(["app", "miniprogram"]),
                       name_template=template)

    def dept_accounts(self) -> None:
        arch = BY_KEY["dept_account"]
        place = self.pick_place("county")
        depts = self.rng.sample([d for d in arch.owners if "{t}" not in d], 3)
        for d in depts:
            self.write(arch, "county", place, self.concepts_of(arch), "dept_accounts", owner=d)

    def sector(self) -> None:
        a_key, b_key = self.rng.choice(SECTOR_PAIRS)
        place = self.pick_place("county")
        for key in (a_key, b_key):
            arch = BY_KEY[key]
            self.write(arch, "county" if "county" in arch.levels else arch.levels[0], place,
                       self.concepts_of(arch), "sector")

    def sibling_scenario(self) -> None:
        arch = self.rng.choice([a for a in self.service_archetypes(host=False) if "county" in a.levels])
        a = self.pick_place("county")
        b = self.sibling("county", a)
        base = self.concepts_of(arch)
        self.write(arch, "county", a, base, "sibling")
        self.write(arch, "county", b, self.variant(arch, base), "sibling")

    def same_unit(self) -> None:
        dept, keys = self.rng.choice(SAME_UNIT)
        place = self.pick_place("county")
        for key in self.rng.sample(keys, k=min(len(keys), self.rng.randint(2, 3))):
            arch = BY_KEY[key]
            self.write(arch, "county", place, self.concepts_of(arch), "same_unit", owner=dept)

    def single(self) -> None:
        arch = self.rng.choice(ARCHETYPES)
        level = self.rng.choice([lv for lv in arch.levels if lv != "province"] or list(arch.levels))
        self.write(arch, level, self.pick_place(level), self.concepts_of(arch), "single")

    def build(self) -> None:
        steps = {"dup": self.dup, "vertical": self.vertical, "module": self.module, "group_dup": self.group_dup,
                 "account_dup": self.account_dup, "sector": self.sector, "sibling": self.sibling_scenario,
                 "same_unit": self.same_unit, "dept_accounts": self.dept_accounts, "group_neg": self.group_neg,
                 "single": self.single, "dept_groups": self.dept_groups, "village_grid": self.village_grid,
                 "account_levels": self.account_levels, "super_app": self.super_app}
        plan = [name for name, n in TARGET_SCENARIOS.items() for _ in range(n)]
        self.rng.shuffle(plan)
        for name in plan:
            steps[name]()


def _audience_class(text: str) -> str:
    if "党员" in text:
        return "party"
    if "村民" in text or "群众" in text or "居民" in text:
        return "public"
    return "staff"


# ---------------------------------------------------------------------------------------------------
# The labelling rule (README.md), applied to ground-truth concepts.

def _weight(concepts: set[str]) -> float:
    return sum(GENERIC_WEIGHT if CONCEPTS[c][0] else 1.0 for c in concepts)


def _region_ok(a: tuple[str | None, ...], b: tuple[str | None, ...]) -> bool:
    """Same place or one inside the other (vertical); siblings are not compatible."""
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def _depth(region: tuple[str | None, ...]) -> int:
    return max(i for i, x in enumerate(region) if x)


def gold_pair(a: Row, b: Row) -> str | None:
    """"duplicate", "module_of" (a could be a module of b), "contains" (b of a) or None."""
    group_a, group_b = a.kind == "work_group", b.kind == "work_group"
    if group_a != group_b or not _region_ok(a.region, b.region):
        return None
    if group_a:
        # REG-14: the same work (topic) for the same people in the same place; groups are not vertical. Each
        # unit's own groups are its business: two units' groups are one only when both address the place.
        same_people = a.topic == b.topic and a.audience_class == b.audience_class and a.region == b.region
        same_owner = a.owner_key == b.owner_key or (a.scope == b.scope == "place")
        return "duplicate" if same_people and same_owner else None
    # One inside the other: only a service platform (app, mini-program) hosts a lower level's tool.
    da, db = _depth(a.region), _depth(b.region)
    if da != db and (a if da < db else b).kind not in ("app", "miniprogram"):
        return None
    ca, cb = set(a.concepts), set(b.concepts)
    shared = ca & cb
    if not shared:
        return None
    cover_a, cover_b = _weight(shared) / _weight(ca), _weight(shared) / _weight(cb)
    specific = any(not CONCEPTS[c][0] for c in shared)
    if not specific:  # generic functions alone: only two accounts of one unit (REG-10)
        same_unit = a.owner_key == b.owner_key and a.kind == b.kind == "public_account"
        return "duplicate" if same_unit and min(cover_a, cover_b) >= OVERLAP else None
    if min(cover_a, cover_b) >= OVERLAP:
        return "duplicate"
    small, big, cover = (a, b, cover_a) if cover_a >= cover_b else (b, a, cover_b)
    if cover >= OVERLAP and _weight(set(small.concepts)) <= _weight(set(big.concepts)) and big.kind != "work_group" \
            and not (small.kind in ("app", "miniprogram") and big.kind == "public_account"):
        if da != db and small.region == (a if da < db else b).region:
            return None  # a city's tool is not embedded in a county's app: the upper one is the host or nothing
        return "module_of" if small is a else "contains"
    return None


def gold_clusters(rows: list[Row], ids: list[str]) -> tuple[list[list[int]], list[tuple[int, int, str]]]:
    """Stars of gold pairs: the tool that anchors most (ties: higher level, more functions, launched earlier, smaller
    id) keeps the tools that duplicate it or could be its modules; repeated until no unassigned tool anchors
    another. Every member is a duplicate or a module of its star's anchor."""
    pairs = []
    out: dict[int, set[int]] = {}
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            rel = gold_pair(rows[i], rows[j])
            if rel:
                pairs.append((i, j, rel))
                if rel != "module_of":
                    out.setdefault(i, set()).add(j)
                if rel != "contains":
                    out.setdefault(j, set()).add(i)
    taken: set[int] = set()
    clusters: list[list[int]] = []
    while True:
        best = None
        for n, targets in out.items():
            if n in taken:
                continue
            free = [m for m in targets if m not in taken]
            if free:
                key = (-len(free), _depth(rows[n].region), -_weight(set(rows[n].concepts)), rows[n].launched, ids[n])
                if best is None or key < best[0]:
                    best = (key, n, free)
        if best is None:
            break
        _, n, free = best
        star = [n, *free]
        taken.update(star)
        clusters.append(sorted(star))
    return clusters, pairs


def build(split: str) -> tuple[list[dict[str, object]], dict[str, object]]:
    s = Split(split)
    s.build()
    rows = s.rows
    order = list(range(len(rows)))
    s.rng.shuffle(order)
    rows = [rows[i] for i in order]
    prefix = "t" if split == "train" else "d"
    ids = [f"{prefix}{n + 1:04d}" for n in range(len(rows))]
    clusters, pairs = gold_clusters(rows, ids)
    cluster_of: dict[int, str] = {}
    gold = []
    for n, members in enumerate(sorted(clusters, key=lambda m: ids[m[0]])):
        cid = f"{prefix}c{n + 1:03d}"
        for i in members:
            cluster_of[i] = cid
        shared = sorted({c for i in members for c in rows[i].concepts
                         if sum(c in rows[j].concepts for j in members) >= 2 and not CONCEPTS[c][0]})
        rels = sorted({"module" if rel != "duplicate" else rel for i, j, rel in pairs if i in members and j in members})
        gold.append({"ids": sorted(ids[i] for i in members), "shared_functions": [CONCEPTS[c][1][0] for c in shared],
                     "reason": f"gold {cid}: " + "/".join(rels)})
    out = []
    for i, r in enumerate(rows):
        out.append({
            "id": ids[i], "kind": r.kind, "name": r.name, "owner_unit": r.owner_unit, "level": r.level,
            "description": r.description, "functions": r.functions, "audience": r.audience, "launched": r.launched,
            "gold_cluster": cluster_of.get(i), "scenario": r.scenario,
            "truth": {"concepts": r.concepts, "region": "/".join(x or "-" for x in r.region), "unit": r.owner_key,
                      "topic": r.topic, "audience_class": r.audience_class, "scope": r.scope},
        })
    gold.sort(key=lambda c: c["ids"])
    return out, {"clusters": gold}


def main() -> None:
    for split in ("train", "dev"):
        rows, gold = build(split)
        with (HERE / f"{split}.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        (HERE / f"{split}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n",
                                                 encoding="utf-8")
        sizes = [len(c["ids"]) for c in gold["clusters"]]
        print(f"{split}: {len(rows)} tools, {len(sizes)} gold clusters ({sum(sizes)} tools in clusters, "
              f"largest {max(sizes)}), {sum(s * (s - 1) // 2 for s in sizes)} gold pairs")


if __name__ == "__main__":
    main()
