"""Seeded generator of a national-scale registry of government tools with planted duplicates, for benchmarks.

The mix follows a national 台账: about 2,800 counties in 31 provinces, most tools owned at county or
township level, fewer at city and province level; each tool an archetype of data/registry/duplicates/concepts.py
(随手拍, 智慧党建, 河长制, 网格, 各部门公众号, 工作群 …) with its functions written in one of the archetype's
phrasings. One tool in six is a planted duplicate of another (same place or its city/province, reworded),
so the clustering has real work to do. About half the owner units name the province and city, the others
only their own place, as registers do. Work groups are a large share of a real 台账: township and village
task groups, and the county and city departments' own standing groups (干部职工群, 党支部群, 值班群 — one unit's
each, named after it), which the detector must keep apart unit by unit.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data" / "registry" / "duplicates"))
from concepts import ARCHETYPES, CONCEPTS, GROUP_TOPICS, UNIT_GROUPS, Archetype

from jianfu.records import Tool

PROVINCES = ["河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北",
             "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台江", "内江", "宁川", "新和",
             "西平", "广川", "北陵", "南溪", "东岳"]
_CHARS = ("安宁平阳清河永兴长乐新华东西南北中江山川湖海林泉石桥龙凤金银玉城关家庄集源水田塘岭岗坪湾口沟坝"
          "丰盛昌隆泰和顺利民康福寿德仁义礼信明光辉阳春秋云霞松柏桃李杨柳梅兰竹菊荷莲芦花草青白黄红紫蓝"
          "大小上下前后左右高低远近深浅多少宝珠翠峰崖岩洞溪涧潭池浦港湘汉淮渭泾洛汾沁漳滦浑")
LEVEL_MIX = (("province", 0.01), ("city", 0.09), ("county", 0.6), ("township", 0.25), ("village", 0.05))
DUPLICATE_SHARE = 1 / 6
UNIT_GROUP_SHARE = 0.25  # of county and city tools: a department's own standing group
DEPARTMENTS = ("教育局", "卫生健康局", "应急管理局", "民政局", "水利局", "公安局", "财政局", "农业农村局", "委组织部",
               "委宣传部", "人力资源和社会保障局", "市场监督管理局", "住房和城乡建设局", "自然资源和规划局")


@dataclass(frozen=True)
class Place:
    level: str
    path: tuple[str, ...]  # names from the province down

    @property
    def name(self) -> str:
        return self.path[-1]


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        n = rng.choice(_CHARS) + rng.choice(_CHARS)
        if n not in taken and n[0] != n[1]:
            taken.add(n)
            out.append(n)
    return out


def build_places(seed: int = 11) -> dict[str, list[Place]]:
    rng = random.Random(seed)
    taken: set[str] = set(PROVINCES)
    places: dict[str, list[Place]] = {lv: [] for lv, _ in LEVEL_MIX}
    for prov in PROVINCES:
        places["province"].append(Place("province", (prov,)))
        for city in _names(rng, 10, taken):
            places["city"].append(Place("city", (prov, city)))
            for county in _names(rng, 9, taken):
                places["county"].append(Place("county", (prov, city, county)))
                for town in _names(rng, 3, taken):
                    places["township"].append(Place("township", (prov, city, county, town)))
                    if rng.random() < 0.3:
                        village = _names(rng, 1, taken)[0]
                        places["village"].append(Place("village", (prov, city, county, town, village)))
    return places


SUFFIX = ("省", "市", "县", "镇", "村")


def full_name(place: Place, with_parents: bool) -> str:
    parts = place.path if with_parents else place.path[-1:]
    offset = len(place.path) - len(parts)
    return "".join(p + SUFFIX[offset + i] for i, p in enumerate(parts))


class Generator:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.places = build_places()
        self.service = [a for a in ARCHETYPES]
        self.counter = 0

    def _place(self, level: str) -> Place:
        return self.rng.choice(self.places[level])

    def _tool(self, arch: Archetype, place: Place, concepts: list[str], kind: str | None = None) -> Tool:
        rng = self.rng
        self.counter += 1
        dept = rng.choice(arch.owners).replace("{t}", "")
        owner = full_name(place, rng.random() < 0.55) + (dept or "人民政府")
        short = place.name if rng.random() < 0.7 else full_name(place, False)
        name = rng.choice(arch.names).replace("{p}", short).replace("{o}", owner).replace("{d}", dept[:2])
        phrases = [rng.choice(CONCEPTS[c][1]) for c in concepts]
        rng.shuffle(phrases)
        fs = "、".join(phrases)
        description = rng.choice(arch.descriptions).format(fs=fs, who=rng.choice(arch.audience), o=owner)
        return Tool(id=f"T{self.counter:07d}", kind=kind or rng.choice(arch.kinds), name=name, owner_unit=owner,
                    level=place.level, description=description,
                    functions=tuple(phrases) if rng.random() > 0.08 else (), audience=rng.choice(arch.audience),
                    launched=date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28)))

    def _group(self, place: Place) -> Tool:
        rng = self.rng
        _topic, names, others = rng.choice(GROUP_TOPICS)
        self.counter += 1
        concepts = [c for c in others if rng.random() < 0.7] + ["notice"]
        name = rng.choice(names).replace("{p}", place.name)
        return Tool(id=f"T{self.counter:07d}", kind="work_group", name=name,
                    owner_unit=full_name(place, rng.random() < 0.5) + rng.choice(["人民政府", "党委", "村民委员会"]),
                    level=place.level, description=name + "，用于工作联系。",
                    functions=tuple(rng.choice(CONCEPTS[c][1]) for c in concepts), audience="工作人员")

    def _unit_group(self, place: Place) -> Tool:
        rng = self.rng
        _topic, names, others, audience = rng.choice(UNIT_GROUPS)
        self.counter += 1
        owner = full_name(place, rng.random() < 0.5) + rng.choice(DEPARTMENTS)
        name = rng.choice(names).replace("{u}", owner)
        concepts = [c for c in others if rng.random() < 0.8] + ["chat"]
        return Tool(id=f"T{self.counter:07d}", kind="work_group", name=name, owner_unit=owner, level=place.level,
                    description=name + "，用于单位内部工作联系。",
                    functions=tuple(rng.choice(CONCEPTS[c][1]) for c in concepts), audience=audience)

    def _concepts(self, arch: Archetype) -> list[str]:
        opt = [c for c in arch.optional if self.rng.random() < 0.5]
        return list(arch.core) + opt

    def tools(self, count: int) -> Iterator[Tool]:
        rng = self.rng
        levels = [lv for lv, _ in LEVEL_MIX]
        weights = [w for _, w in LEVEL_MIX]
        recent: list[tuple[Archetype, Place, list[str]]] = []
        produced = 0
        while produced < count:
            if recent and rng.random() < DUPLICATE_SHARE:
                # A planted duplicate: the same archetype in the same place or one level up, reworded.
                arch, place, concepts = rng.choice(recent)
                if rng.random() < 0.3 and len(place.path) > 1:
                    upper = Place(LEVEL_MIX[len(place.path) - 2][0], place.path[:-1])
                    if upper.level in arch.levels or rng.random() < 0.5:
                        place = upper
                keep = [c for c in concepts if c in arch.core or rng.random() < 0.7]
                yield self._tool(arch, place, keep)
            else:
                level = rng.choices(levels, weights)[0]
                place = self._place(level)
                if level in ("township", "village") and rng.random() < 0.4:
                    yield self._group(place)
                elif level in ("county", "city") and rng.random() < UNIT_GROUP_SHARE:
                    yield self._unit_group(place)
                else:
                    candidates = [a for a in self.service if level in a.levels] or self.service
                    arch = rng.choice(candidates)
                    concepts = self._concepts(arch)
                    recent.append((arch, place, concepts))
                    if len(recent) > 5000:
                        recent.pop(0)
                    yield self._tool(arch, place, concepts)
            produced += 1


def generate(count: int, seed: int = 7) -> list[Tool]:
    """count tools, the same for the same seed."""
    return list(Generator(seed).tools(count))


if __name__ == "__main__":
    for t in generate(int(sys.argv[1]) if len(sys.argv) > 1 else 10):
        print(t.id, t.kind, t.level, t.name, t.owner_unit, "、".join(t.functions))
