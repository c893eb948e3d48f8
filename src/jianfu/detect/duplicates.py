"""DUPLICATE_TOOL: clusters of registry tools whose functions overlap enough to merge or embed.

Pure code (design.md, rules for the rooms): tools in, matches and clusters out; the only I/O is loading
the packaged function dictionary (functions.yaml).

How a pair is decided:

1. Every declared function is mapped onto the canonical functions of functions.yaml (different names for
   one function: 随手拍/问题上报/事件上报/隐患随手拍 → issue_report), with a sector qualifier for the
   functions whose meaning depends on it (学校安全检查 → safety_inspection@school, 矿山安全检查 →
   safety_inspection@mine, 校园安全巡查 → safety_inspection@school). What the dictionary does not know is
   kept as normalised text (Simplified, half-width, no punctuation) and compared by character bigrams.
   Functions found in the tool's name are added; when no function is declared, the description is read.
2. Candidates come from MinHash LSH (datasketch) over the canonical ids plus character 2/3-gram shingles of
   the unmapped text, and from an inverted index over the rarest canonical ids (prefix filtering), which
   finds the small tool inside a big app that Jaccard-based LSH misses. Both are blocked by region
   (province, city, county) so that 2,800 counties' look-alike tools are never compared with each other.
3. Each candidate pair is re-checked exactly: weighted function overlap in both directions (generic
   functions such as 通知公告, 办事指南 weigh less and never make a duplicate by themselves; a function the tool
   only links to, 政务服务入口, is not its own), region compatibility, kind family, sector conflict, audience,
   name similarity and same owner as evidence. APP-09 [P]: ≥60% of the declared functions match → duplicate;
   ≥60% of the smaller tool's functions inside a bigger one → module_of (REG-02: "could it be a module of an
   existing app"). One inside the other (a county tool and its city's or province's platform) counts only when
   the upper one is a service platform (app, mini-program) and, for a module, its host; sibling places never.
   - Public accounts (REG-10: one account per unit per platform): accounts of different units are never
     duplicates on generic content (news, policy, 办事指南), nor across levels; two accounts of one unit on one
     platform that both only publish are, whatever their wording; on two platforms (WeChat and Weibo) not.
   - Work groups (REG-14, REG-13): member lists decide when known (Jaccard ≥0.8 with the same owner or topic).
     Without them, a unit's own groups (named after it, or for 本单位 people) are its business: groups of two
     units are duplicates only when both address the same place and do the same task (a township's 政府 and
     党委 防汛 groups, or the county's 防汛 group for that township's cadres); groups without a task topic
     (村民群, 干部职工群) only within one unit for the same audience. Places are compared exactly below the
     county (东丽水坊社区 ≠ 丽水坊社区, 柳坊镇 ≠ 柳坊街道).
4. Clusters are stars of accepted pairs: the tool that anchors the most others (ties: the higher level, the
   more complete) is the one to keep, and its duplicates and modules are the rest of its cluster; a tool whose
   partners are all taken stays out. Connected components would chain unrelated tools (A like B like C …) into
   clusters no office can act on.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import multiprocessing
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import ahocorasick
import opencc
import yaml
from datasketch import MinHash
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jianfu.errors import RuleError
from jianfu.records import Tool

FUNCTIONS_FILE = Path(__file__).parent / "functions.yaml"

# ---------------------------------------------------------------------------------------------------
# Thresholds. [P] = proposed default of policy-rules.md (no source gives a number).

# APP-09 / REG-02 [P]: "overlap flag if ≥60% of declared functions match a registered app of the same
# region". Both tools' functions ≥60% inside the other → duplicate.
DUPLICATE_OVERLAP = 0.6
# REG-02 "could it be a module of an existing app" (APP-09's 60% [P] read from the smaller tool's side):
# ≥60% of the smaller tool's functions inside a bigger app → module_of / contains.
MODULE_CONTAINMENT = 0.6
# Below APP-09 but close, a duplicate still needs a second sign: similar names.
BORDERLINE_OVERLAP = 0.5
NAME_EVIDENCE = 0.6  # character-bigram Dice of the names with places, owner and suffixes removed
# REG-14 [P]: work groups with the same owner/topic; member Jaccard ≥0.8 when members are known.
GROUP_MEMBER_JACCARD = 0.8
# Weights: generic functions (通知公告, 新闻资讯, 通讯录 …) count less and never make a duplicate alone.
GENERIC_WEIGHT = 0.3
# Same action, one side without a sector (安全检查 vs 学校安全检查): partial credit.
PARTIAL_QUALIFIER_CREDIT = 0.6
# Unmapped function texts match when their character-bigram Dice reaches this.
TEXT_MATCH = 0.5
TEXT_FULL_MATCH = 0.8
# What is left of a function text beside the dictionary's words is kept (as text) from this many characters:
# shorter leftovers are fragments ("费缴纳" of 停车费缴纳).
MIN_REMAINDER = 4
# module_of needs this much shared non-generic function weight (or all of the small tool's, when it has
# less): one shared function of a broad tool is not yet "could be a module of".
MODULE_MIN_SHARED = 2.0
# MinHash LSH: 64 permutations in 16 bands of 4 rows: a pair of shingle sets with Jaccard 0.5 collides in
# at least one band with probability 0.64, 0.6 with 0.88, 0.7 with 0.99. The LSH finds reworded and
# unmapped texts; the prefix index over canonical functions finds the rest (containment, low Jaccard).
NUM_PERM = 64
LSH_BANDS = 16
LSH_ROWS = NUM_PERM // LSH_BANDS
MINHASH_SEED = 20261123
# Per query, at most this many candidates (those with most LSH/index hits) go to the exact re-check; in the
# all-pairs run a provincial platform legitimately meets every county's look-alike, so the cap is higher.
MAX_CANDIDATES = 400
ALL_PAIRS_MAX_CANDIDATES = 5000
# all_pairs(workers=2) forks workers that inherit the index. Measured with bench/bench_duplicates.py on the
# 2-core machine at 100,000 tools: 1.0–1.3x on the pair stage only (copy-on-write page faults and returning
# the pairs eat most of the second core) for twice the memory, so find_clusters defaults to one process and
# never forks below this size.
PARALLEL_MIN_TOOLS = 20000

Relation = Literal["duplicate", "module_of", "contains"]
KIND_FAMILY = {"app": "service", "miniprogram": "service", "public_account": "account", "work_group": "group"}
KIND_NAME = {"app": "APP", "miniprogram": "小程序", "public_account": "公众号", "work_group": "工作群"}
LEVELS = ("province", "city", "county", "township", "village")
EMBEDDABLE_HOSTS = frozenset({"app", "miniprogram", "public_account"})

# ---------------------------------------------------------------------------------------------------
# The dictionary file: Pydantic schema, load errors name the file and the entry id.

_ID = r"^[a-z][a-z0-9_]*$"


class DomainSpec(BaseModel):
    """A sector that qualifies actions such as 安全检查 (学校 / 矿山 / 消防 …)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(min_length=1)
    units: list[str] = Field(default_factory=list)


class AudienceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(min_length=1)


class FunctionSpec(BaseModel):
    """One canonical function: its Chinese name and the other names it goes by."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(min_length=1)
    qualified: bool = False
    generic: bool = False
    family: str | None = Field(None, pattern=_ID)
    examples: dict[str, list[str]] = Field(default_factory=dict)


class DictionaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    ignore: list[str] = Field(default_factory=list)
    filler: list[str] = Field(default_factory=list)
    audiences: list[dict[str, Any]] = Field(default_factory=list)
    domains: list[dict[str, Any]] = Field(min_length=1)
    functions: list[dict[str, Any]] = Field(min_length=1)


def _entry_error(path: Path, what: str, entry_id: str, exc: ValidationError) -> RuleError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return RuleError(f"{path}: {what} {entry_id}: {where}: {first['msg']}")


def _validate_entries(path: Path, raw: list[dict[str, Any]], model: type[BaseModel], what: str) -> list[Any]:
    out = []
    for index, item in enumerate(raw):
        entry_id = str(item.get("id", f"#{index}")) if isinstance(item, dict) else f"#{index}"
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            raise _entry_error(path, what, entry_id, exc) from None
    return out


def load_function_dictionary(path: Path | str = FUNCTIONS_FILE) -> FunctionDictionary:
    """Validate and compile a function dictionary; any problem raises RuleError naming file and entry."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise RuleError(f"{path}: a function dictionary is a YAML mapping (version, domains, functions)")
    try:
        top = DictionaryFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise RuleError(f"{path}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
    domains: list[DomainSpec] = _validate_entries(path, top.domains, DomainSpec, "domain")
    audiences: list[AudienceSpec] = _validate_entries(path, top.audiences, AudienceSpec, "audience")
    functions: list[FunctionSpec] = _validate_entries(path, top.functions, FunctionSpec, "function")
    _cross_check(path, domains, audiences, functions)
    return FunctionDictionary(domains, audiences, functions, top.ignore, top.filler, source=str(path))


def _cross_check(path: Path, domains: list[DomainSpec], audiences: list[AudienceSpec],
                 functions: list[FunctionSpec]) -> None:
    for what, entries in (("domain", domains), ("audience", audiences), ("function", functions)):
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise RuleError(f"{path}: {what} {entry.id}: duplicate id")
            seen.add(entry.id)
    domain_ids = {d.id for d in domains}
    owners: dict[str, str] = {}
    for d in domains:
        for alias in d.aliases:
            key = normalise_text(alias)
            if not key:
                raise RuleError(f"{path}: domain {d.id}: alias {alias!r} is empty after normalisation")
            if key in owners and owners[key] != d.id:
                raise RuleError(f"{path}: domain {d.id}: alias {alias!r} already belongs to domain {owners[key]}")
            owners[key] = d.id
    owners = {}
    function_ids = {f.id: f for f in functions}
    for f in functions:
        if f.qualified and f.generic:
            raise RuleError(f"{path}: function {f.id}: a generic function cannot be qualified")
        for alias in f.aliases:
            text, _, implied = alias.partition("@")
            if implied and implied not in domain_ids:
                raise RuleError(f"{path}: function {f.id}: alias {alias!r} names unknown domain {implied!r}")
            if implied and not f.qualified:
                raise RuleError(f"{path}: function {f.id}: alias {alias!r} implies a domain but the function "
                                f"is not qualified")
            key = normalise_text(text)
            if not key:
                raise RuleError(f"{path}: function {f.id}: alias {alias!r} is empty after normalisation")
            if key in owners and owners[key] != f.id:
                raise RuleError(f"{path}: function {f.id}: alias {alias!r} already belongs to function "
                                f"{owners[key]}")
            owners[key] = f.id
        for text, expected in f.examples.items():
            for cid in expected:
                base, _, dom = cid.partition("@")
                if base not in function_ids or (dom and dom not in domain_ids):
                    raise RuleError(f"{path}: function {f.id}: example {text!r} expects unknown id {cid!r}")


# ---------------------------------------------------------------------------------------------------
# Text normalisation (as normalise/text.py: width, Traditional → Simplified via OpenCC; plus no
# punctuation or spaces, lower-case Latin letters).

_T2S = opencc.OpenCC("t2s")
_NON_WORD = re.compile(r"[\W_]+")
_SPLIT = re.compile(r"[、,，;；/|｜\n]+")
# "问题上报及进度查询" declares two functions; split on a conjunction with two or more characters each side.
_CONJUNCTION = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:以及|及|和|与|并)(?=[\u4e00-\u9fff]{2})")
_CJK_OR_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
# "政务服务入口", "医保服务链接": the tool links to another platform's function, it does not have it.
_LINK = re.compile(r"(?:入口|链接|跳转|外链)$")


@lru_cache(maxsize=1 << 18)
def normalise_text(text: str) -> str:
    """NFKC width folding, Traditional → Simplified, lower-case, no punctuation or spaces (cached: registers
    repeat the same function names thousands of times)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _T2S.convert(text)
    return _NON_WORD.sub("", text.lower())


def _bigrams(text: str) -> frozenset[str]:
    if len(text) < 2:
        return frozenset((text,)) if text else frozenset()
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


# ---------------------------------------------------------------------------------------------------
# Regions: place tokens at the start of the owner unit (or the name), e.g. 江苏省苏州市吴江区应急管理局 →
# (江苏, 苏州, 吴江, None, None). Two tools are compatible when no level is known for both with different
# places: the same place, one inside the other (county tool vs its city's platform), or unknown.

_PLACE = re.compile(
    r"([\u4e00-\u9fff]{1,7}?)(特别行政区|自治区|自治州|自治县|地区|新区|街道|嘎查|苏木|社区|省|市|州|盟|县|区|旗|镇|乡|村)"
)
_SUFFIX_LEVEL = {
    "特别行政区": 0, "自治区": 0, "省": 0, "市": 1, "州": 1, "盟": 1, "地区": 1, "自治州": 1,
    "县": 2, "区": 2, "旗": 2, "自治县": 2, "新区": 2, "镇": 3, "乡": 3, "街道": 3, "苏木": 3,
    "村": 4, "社区": 4, "嘎查": 4,
}
_MUNICIPALITIES = frozenset({"北京", "上海", "天津", "重庆"})
_ORG_PREFIXES = ("中国共产党", "中共", "共青团", "中国")
_BAD_PLACE_START = frozenset("全本各该我")
# 县委, 市直, 区人民政府: a level character followed by one of these is an organ, not a place (镇江, 市中 are places).
_LEVEL_CHARS = frozenset("县市区镇乡村省")
_ORGAN_SECOND = frozenset("委政直级属人城")
_NOT_PLACES = frozenset({
    "城市", "都市", "超市", "门市", "城区", "园区", "景区", "校区", "社区", "矿区", "林区", "辖区", "片区", "小区",
    "城乡", "农村", "新村",
})
# A suffix character that starts a word instead of ending a place: 市场, 区域, 区块, 县域, 乡村.
_NOT_AFTER = {"市": "场", "区": "域块", "县": "域", "乡": "村"}
# Where the department's name starts, the places have ended (清河县住房和城乡建设局: not a township "住房和城乡").
_DEPT_STARTS = (
    "住房", "城乡", "人力资源", "应急", "教育", "卫生", "市场", "自然资源", "生态", "交通", "农业", "水利", "水务",
    "文化", "发展", "工业", "商务", "财政", "民政", "公安", "司法", "审计", "统计", "医疗", "退役", "政务", "大数据",
    "城市", "综合", "行政", "人民", "政府", "党委", "纪委", "组织", "宣传", "统战", "政法", "机关", "委员会", "林业",
    "融媒体", "社会", "新时代", "营商", "投资", "供销", "总工会", "妇联", "团委", "人大", "政协", "信访", "消防",
    "防汛", "乡村振兴", "网格", "矿山", "烟草", "气象", "税务", "住建", "规划", "城管", "文明", "精神文明",
)

Region = tuple[str | None, str | None, str | None, str | None, str | None]
NO_REGION: Region = (None, None, None, None, None)


@lru_cache(maxsize=1 << 16)
def parse_region(text: str, level: str | None = None) -> tuple[Region, int]:
    """Places at the start of text (Simplified, normalised) and how many characters they take."""
    slots: list[str | None] = [None] * 5
    pos = 0
    for prefix in _ORG_PREFIXES:
        if text.startswith(prefix):
            pos = len(prefix)
            break
    found = 0
    while found < 5:
        if text.startswith(_DEPT_STARTS, pos):
            break
        m = _PLACE.match(text, pos)
        if not m or m.group(1)[0] in _BAD_PLACE_START:
            break
        if m.group(1)[0] in _LEVEL_CHARS and (len(m.group(1)) < 2 or m.group(1)[1] in _ORGAN_SECOND):
            break
        name, suffix = m.group(1), m.group(2)
        end = m.end()
        after = text[end:end + 1]
        if (name + suffix) in _NOT_PLACES or (after and after in _NOT_AFTER.get(suffix[-1], "")):
            break
        lvl = _SUFFIX_LEVEL[suffix]
        if suffix == "州":  # 苏州市, 恩施州, 贵州省: the 州 is part of the name
            name += "州"
            if text.startswith("市", end):
                end += 1
            elif text.startswith("省", end):
                end += 1
                lvl = 0
        if suffix == "市":
            if name in _MUNICIPALITIES:
                lvl = 0
            elif slots[1] is not None or slots[2] is not None:
                lvl = 2  # a county-level city after its prefecture (苏州市昆山市)
            elif level == "county" and not _PLACE.match(text, end):
                lvl = 2  # the owner itself is county level and no smaller place follows: 昆山市公安局
        if lvl <= max((i for i, s in enumerate(slots) if s is not None), default=-1):
            break  # places go from large to small; anything else is not a place prefix
        if lvl >= 3:
            name += suffix  # 柳坊镇 and 柳坊街道, 和平村 and 和平社区 are different places
        slots[lvl] = name
        pos = end
        found += 1
    region: Region = (slots[0], slots[1], slots[2], slots[3], slots[4])
    return region, (pos if found else 0)


_LOW_SUFFIXES = ("街道", "社区", "嘎查", "苏木", "镇", "乡", "村")


def _bare_place(place: str) -> str:
    """城关镇 → 城关 (township and village slots carry their suffix)."""
    for suffix in _LOW_SUFFIXES:
        if place.endswith(suffix) and len(place) > len(suffix):
            return place[:-len(suffix)]
    return place


def _same_place(a: str, b: str, level: int = 0) -> bool:
    """One place written with or without its parent (吴江 = 苏州吴江); a parent place name has at least two
    characters, so 东丽水坊 is not 丽水坊. Townships and villages (written with their suffix) must be equal:
    后桂花园社区 is not 花园社区."""
    if a == b:
        return True
    if level >= 3:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(short) >= 2 and len(long_) - len(short) >= 2 and long_.endswith(short)


def regions_compatible(a: Region, b: Region) -> bool:
    """Same place or one inside the other: a sibling county's tool is not a duplicate (REG-02 "same region").

    Both regions must name the level where the shallower of the two ends, and agree wherever both name a
    level: 清河县's tool and 临州市's platform are compatible only once 清河 is known to be in 临州 (see
    learn_gazetteer), so that at national scale a tool whose owner names only its county does not join
    every city's platform. A tool with no place at all (县应急管理局) is compatible with everything.
    """
    deepest_a = deepest_b = -1
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x is not None:
            deepest_a = i
        if y is not None:
            deepest_b = i
        if x is not None and y is not None and not _same_place(x, y, i):
            return False
    if deepest_a < 0 or deepest_b < 0:
        return True
    level = min(deepest_a, deepest_b)
    return a[level] is not None and b[level] is not None


Gazetteer = dict[tuple[int, str], tuple[int, str]]


def learn_gazetteer(regions: Iterable[Region]) -> Gazetteer:
    """Parents of places as the registry itself writes them (临州市平阳县 → 平阳 is in 临州), when unambiguous.

    Most rows name only their own place (平阳县应急管理局); a few name the parent too. Learning the links
    from those lets 平阳县's tools be told apart from another city's platform without a gazetteer file.
    """
    parents: dict[tuple[int, str], set[tuple[int, str]]] = defaultdict(set)
    for region in regions:
        known = [(i, x) for i, x in enumerate(region) if x]
        for (i, x), (j, y) in itertools.pairwise(known):
            parents[(j, y)].add((i, x))
    return {child: next(iter(ps)) for child, ps in parents.items() if len(ps) == 1}


def complete_region(region: Region, gazetteer: Gazetteer) -> Region:
    """Fill the levels above a region's top known place from the gazetteer."""
    known = [i for i, x in enumerate(region) if x]
    if not known or not gazetteer:
        return region
    slots = list(region)
    top = known[0]
    while True:
        parent = gazetteer.get((top, slots[top]))  # type: ignore[arg-type]
        if parent is None or slots[parent[0]] is not None:
            break
        slots[parent[0]] = parent[1]
        top = parent[0]
    return (slots[0], slots[1], slots[2], slots[3], slots[4])


def registry_defaults(regions: Sequence[Region]) -> Region:
    """The one place a registry has at a level, if it has exactly one (a county's own 台账 names one city)."""
    seen: list[set[str]] = [set() for _ in LEVELS]
    for region in regions:
        for i, x in enumerate(region):
            if x:
                seen[i].add(x)
    slots = [next(iter(v)) if len(v) == 1 else None for v in seen]
    return (slots[0], slots[1], slots[2], slots[3], slots[4])


def apply_defaults(region: Region, defaults: Region) -> Region:
    """Fill unknown levels above a region's deepest place with the registry's only place at that level."""
    known = [i for i, x in enumerate(region) if x]
    if not known:
        return region
    deepest = known[-1]
    slots = [x if x is not None or i >= deepest else defaults[i] for i, x in enumerate(region)]
    return (slots[0], slots[1], slots[2], slots[3], slots[4])


def _group_place(owner_region: Region, name_region: Region) -> Region:
    """Where a work group works: its owner's place, or a smaller place inside it that its name starts with (the
    county 应急管理局's 柳坊镇防汛群 is 柳坊镇's group). A name place that contradicts the owner is ignored."""
    deep_owner = max((i for i, x in enumerate(owner_region) if x), default=-1)
    deep_name = max((i for i, x in enumerate(name_region) if x), default=-1)
    if deep_name <= deep_owner or deep_owner < 0:
        return owner_region
    for i, (x, y) in enumerate(zip(owner_region, name_region, strict=True)):
        if x is not None and y is not None and not _same_place(x, y, i):
            return owner_region
    merged = [x if x is not None else y for x, y in zip(owner_region, name_region, strict=True)]
    return (merged[0], merged[1], merged[2], merged[3], merged[4])


def region_name(region: Region) -> str:
    return "".join(p for p in region if p)


# ---------------------------------------------------------------------------------------------------
# The compiled dictionary.


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    function: int  # index into FunctionDictionary.functions
    domain: str | None  # implied by the alias (巡河 → water)


class FunctionDictionary:
    """functions.yaml compiled into Aho-Corasick automata over normalised aliases."""

    def __init__(self, domains: list[DomainSpec], audiences: list[AudienceSpec], functions: list[FunctionSpec],
                 ignore: list[str], filler: list[str], source: str = "") -> None:
        self.source = source
        self._cache: dict[tuple[str, str | None, bool], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.domains = {d.id: d for d in domains}
        self.functions = functions
        self.by_id = {f.id: f for f in functions}
        self.ignore = frozenset(normalise_text(w) for w in ignore)
        filler_words = sorted({normalise_text(w) for w in filler if normalise_text(w)}, key=len, reverse=True)
        self._filler = re.compile("|".join(re.escape(w) for w in filler_words)) if filler_words else None
        self._functions = ahocorasick.Automaton()
        for index, f in enumerate(functions):
            for alias in f.aliases:
                text, _, implied = alias.partition("@")
                key = normalise_text(text)
                self._functions.add_word(key, (len(key), index, implied or None))
        self._functions.make_automaton()
        self._domains = ahocorasick.Automaton()
        for d in domains:
            for alias in d.aliases:
                key = normalise_text(alias)
                self._domains.add_word(key, (len(key), d.id))
        self._domains.make_automaton()
        self._units = ahocorasick.Automaton()
        has_units = False
        for d in domains:
            for unit in d.units:
                key = normalise_text(unit)
                self._units.add_word(key, (len(key), d.id))
                has_units = True
        if has_units:
            self._units.make_automaton()
        self._has_units = has_units
        self.audience_names = {a.id: a.name for a in audiences}
        alternatives = sorted({(normalise_text(al), a.id) for a in audiences for al in a.aliases},
                              key=lambda p: -len(p[0]))
        self._audience_ids = {al: aid for al, aid in alternatives}
        self._audience_re = (re.compile("|".join(re.escape(al) for al, _ in alternatives))
                             if alternatives else None)

    # -- names
    def display_name(self, cid: str) -> str:
        """Chinese name of a canonical id: 学校安全检查 for safety_inspection@school; text stays text."""
        base, _, dom = cid.partition("@")
        spec = self.by_id.get(base)
        if spec is None:
            return cid
        return (self.domains[dom].name + spec.name) if dom else spec.name

    def family(self, cid: str) -> str:
        base = cid.partition("@")[0]
        spec = self.by_id.get(base)
        return (spec.family or base) if spec else cid

    def is_generic(self, cid: str) -> bool:
        spec = self.by_id.get(cid.partition("@")[0])
        return bool(spec and spec.generic)

    # -- matching
    def _function_hits(self, text: str) -> list[_Hit]:
        raw = [(end - length + 1, end + 1, index, implied)
               for end, (length, index, implied) in self._functions.iter(text)]
        raw.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        hits: list[_Hit] = []
        covered = 0
        for start, end, index, implied in raw:
            if start >= covered:
                hits.append(_Hit(start, end, index, implied))
                covered = end
        return hits

    def _domain_hits(self, text: str) -> list[tuple[int, int, str]]:
        raw = [(end - length + 1, end + 1, dom) for end, (length, dom) in self._domains.iter(text)]
        raw.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out: list[tuple[int, int, str]] = []
        covered = 0
        for start, end, dom in raw:
            if start >= covered:
                out.append((start, end, dom))
                covered = end
        return out

    def context_domain(self, text: str) -> str | None:
        """The one sector a text names (None when it names none or several)."""
        found = {dom for _, _, dom in self._domain_hits(text)}
        return next(iter(found)) if len(found) == 1 else None

    def unit_domain(self, owner: str) -> str | None:
        if not self._has_units or not owner:
            return None
        found = {dom for _, (_, dom) in self._units.iter(owner)}
        return next(iter(found)) if len(found) == 1 else None

    def audiences(self, text: str) -> frozenset[str]:
        if not text or self._audience_re is None:
            return frozenset()
        return frozenset(self._audience_ids[m.group(0)] for m in self._audience_re.finditer(text))

    def meaningful(self, text: str) -> str:
        """Text with filler words (管理, 服务, 系统 …) removed: what is left says something or nothing."""
        if self._filler is not None:
            text = self._filler.sub("", text)
        return text

    def map_text(self, text: str, context_domain: str | None = None,
                 keep_rest: bool = True) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Canonical ids found in one normalised function text, and the unmapped text worth keeping."""
        key = (text, context_domain, keep_rest)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 1 << 18:
                self._cache.clear()
            ids, rest = self._map_text(text, context_domain, keep_rest)
            found = self._cache[key] = (tuple(ids), tuple(rest))
        return found

    def _map_text(self, text: str, context_domain: str | None, keep_rest: bool) -> tuple[list[str], list[str]]:
        if not text or text in self.ignore:
            return [], []
        hits = self._function_hits(text)
        ids: list[str] = []
        domains = self._domain_hits(text) if any(self.functions[h.function].qualified for h in hits) else []
        for h in hits:
            spec = self.functions[h.function]
            cid = spec.id
            if spec.qualified:
                dom = h.domain or _nearest_domain(domains, h) or context_domain
                if dom:
                    cid = f"{spec.id}@{dom}"
            if cid not in ids:
                ids.append(cid)
        if not keep_rest:
            return ids, []
        if not hits:
            rest = self.meaningful(text)
            return ids, ([text] if len(rest) >= 2 and rest not in self.ignore else [])
        pieces = []
        pos = 0
        spans = sorted([(h.start, h.end) for h in hits] + [(s, e) for s, e, _ in (domains or self._domain_hits(text))])
        for start, end in spans:
            if start > pos:
                pieces.append(text[pos:start])
            pos = max(pos, end)
        pieces.append(text[pos:])
        rest = self.meaningful("".join(pieces))
        if len(rest) >= MIN_REMAINDER:
            return ids, [rest]
        return ids, []


def _nearest_domain(domains: list[tuple[int, int, str]], hit: _Hit) -> str | None:
    if not domains:
        return None
    before = [d for d in domains if d[1] <= hit.start]
    if before:
        return before[-1][2]
    return min(domains, key=lambda d: abs(d[0] - hit.end))[2]


@lru_cache(maxsize=1)
def default_dictionary() -> FunctionDictionary:
    """The packaged functions.yaml, loaded and compiled once per process."""
    return load_function_dictionary(FUNCTIONS_FILE)


# ---------------------------------------------------------------------------------------------------
# Tool profiles: everything the exact re-check needs, computed once per tool.

_NAME_AFFIXES = re.compile(
    r"(微信公众号|公众号|服务号|订阅号|视频号|微信小程序|小程序|微信群|钉钉群|企业微信群|工作群|交流群|通知群|群|"
    r"手机app|app|客户端|移动端|平台|系统|官方|官微|发布|智慧|数字|掌上|指尖|云上|云|网上|在线|移动|"
    r"管理|服务|信息|综合|一体化|电子)"
)


@dataclass(slots=True)
class Profile:
    """A tool reduced to what duplicate detection compares."""

    index: int
    id: str
    kind: str
    family: str
    name: str
    owner: str
    unit: str  # the owner without its place prefix (应急管理局)
    region: Region
    level: str | None
    items: dict[str, float]  # canonical id → weight
    texts: tuple[str, ...]  # unmapped function texts (normalised)
    text_grams: tuple[frozenset[str], ...]
    weight: float
    specific: frozenset[str]  # non-generic canonical ids
    topics: frozenset[str]  # non-generic canonical ids found in the name (a work group's topic)
    domain: str | None  # the one sector the name or description names
    audience: frozenset[str]
    name_grams: frozenset[str]
    members: frozenset[str] | None
    tokens: tuple[str, ...]  # MinHash shingles
    owner_key: str = ""  # the unit as one identity: its place's level and name, and the unit (政府/党委 = "")
    unit_scope: bool = False  # a unit's own group (named after the unit, or for 本单位 people), not a place's
    platform: str | None = None  # WeChat / Weibo / Douyin … (REG-10 counts accounts per platform)
    audience_text: str = ""
    name_region: Region = NO_REGION  # places the name starts with (a county's group for one township)
    temporary: bool = False  # a temporary task group (the standing one is kept)
    launched: int = 0  # date.toordinal() of the launch, 0 when unknown


def _split_functions(functions: Iterable[str] | str | None) -> list[str]:
    if not functions:
        return []
    if isinstance(functions, str):
        functions = [functions]
    out: list[str] = []
    for f in functions:
        out.extend(p for p in _SPLIT.split(str(f)) if p.strip())
    return out


def _members(tool: Tool) -> frozenset[str] | None:
    extras = getattr(tool, "extras", None)
    raw = extras.get("members") if isinstance(extras, dict) else None
    if not raw:
        return None
    if isinstance(raw, str):
        raw = _SPLIT.split(raw)
    return frozenset(str(m).strip() for m in raw if str(m).strip())


# The place's own leading organs: a township's 人民政府, 党委 and 党政办 (or the bare place name in a 台账) are
# one owner for REG-10/REG-13 counting, and the groups they set up address the place's cadres.
_GENERAL_ORGANS = frozenset({"", "人民政府", "政府", "党委", "党政办", "党政办公室", "党委政府", "办事处", "街道办事处",
                             "街道办", "村民委员会", "村委会", "居民委员会", "居委会", "社区居民委员会", "社区居委会",
                             "两委", "村两委", "党工委", "党总支", "村党支部", "党支部"})
_TOP_ORGANS = frozenset({"", "人民政府", "政府"})  # above the township: only the government itself is the place
# Audience words of a unit's own people: a group "for 本单位干部职工" is that unit's, whoever else has one.
_OWN_PEOPLE = ("本单位", "本局", "本部门", "本机关", "本科室", "本委", "本办", "本系统", "本院", "本校", "本中心",
               "本公司", "本处", "本所")
_ORG_KEEP = ("共青团",)  # an organisation prefix that is part of the unit (共青团白沙县委员会 ≠ 中共白沙县委员会)


def _unit_key(unit: str, depth: int) -> str:
    organs = _GENERAL_ORGANS if depth >= 3 else _TOP_ORGANS
    return "" if unit in organs else unit


def build_profile(tool: Tool, index: int = 0, dictionary: FunctionDictionary | None = None) -> Profile:
    d = dictionary or default_dictionary()
    fn_texts = [normalise_text(f) for f in _split_functions(tool.functions)]
    name = normalise_text(tool.name)
    description = normalise_text(tool.description)
    owner = normalise_text(tool.owner_unit)
    level = tool.level if tool.level in LEVELS else None
    region, used = parse_region(owner, level)
    name_region, name_used = parse_region(name, level)
    if region == NO_REGION:
        region = name_region
        if region != NO_REGION:
            level_known = [i for i, p in enumerate(region) if p]
            # A place in the name (清河县河长制APP) bounds the region only down to its own level.
            region = tuple(p if i <= max(level_known) else None for i, p in enumerate(region))  # type: ignore[assignment]
    owner_rest = owner[used:] if used else owner
    if used:
        owner_rest = next((org for org in _ORG_KEEP if owner.startswith(org)), "") + owner_rest
    # The tool's own sector: the name first, then the description, then the owner unit.
    domain = d.context_domain(name) or d.context_domain(description)
    context = domain or d.unit_domain(owner_rest)

    # items: canonical id → weight. Every declared function counts (two declared functions that both map
    # to one canonical id weigh twice), so a tool does not shrink when the dictionary is coarser than it.
    items: dict[str, float] = {}
    texts: list[str] = []

    def add(cid: str, repeat: bool = True, share: float = 1.0) -> None:
        w = (GENERIC_WEIGHT if d.is_generic(cid) else 1.0) * share
        if cid not in items:
            items[cid] = w
        elif repeat:
            items[cid] += w

    linked: set[str] = set()  # functions a tool only links to (政务服务入口): not its own, weigh as generic
    own: set[str] = set()
    for whole in fn_texts:
        for text in _CONJUNCTION.split(whole):
            link = _LINK.search(text)
            ids, rest = d.map_text(text[:link.start()] if link else text, context)
            if len(ids) > 1:  # 灾害预警推送: the generic 推送 only qualifies the specific 灾害预警
                ids = tuple(c for c in ids if not d.is_generic(c)) or ids
            for cid in ids:  # one declared function that names two canonical ones weighs one, not two
                add(cid, share=(GENERIC_WEIGHT if link else 1.0) / len(ids))
                (linked if link else own).add(cid)
            for r in rest if not link else ():
                if r not in texts:
                    texts.append(r)
    # The topic is what the name says beside its places and its owner (书香社区居民群: no 图书借阅; 梅川县卫生健康局
    # 干部职工群: no 卫生).
    topic_text = name[name_used:]
    for place in (*region, *name_region):
        if place:
            topic_text = topic_text.replace(place, "")
            bare = _bare_place(place)
            if bare != place and len(bare) >= 2:
                topic_text = topic_text.replace(bare, "")
    if len(owner_rest) >= 2 and owner_rest not in _GENERAL_ORGANS:
        topic_text = topic_text.replace(owner_rest, "")
    name_ids, _ = d.map_text(topic_text, context, keep_rest=False)
    topics = frozenset(c for c in name_ids if not d.is_generic(c))
    if not items and not texts and tool.kind != "public_account":
        # APP-09 compares declared functions; the name stands in only for none (平安清河 names its unit's line of
        # work, not what the account does)
        for cid in topics:
            add(cid, repeat=False)
    if not fn_texts or (not items and not texts):
        desc_ids, _ = d.map_text(description, context, keep_rest=False)
        for cid in desc_ids:
            add(cid)
        if not items:
            core = d.meaningful(description)[:60]
            if len(core) >= 4:
                texts.append(core)
    text_grams = tuple(_bigrams(t) for t in texts)
    weight = sum(items.values()) + len(texts)
    specific = frozenset(c for c in items if not d.is_generic(c) and (c in own or c not in linked))

    # Name core: the name without places, the owner unit, and words every tool name has.
    core = name
    for place in region:
        if place:
            core = core.replace(place, "")
    for place in (region[3], region[4]):
        bare = _bare_place(place) if place else ""
        if len(bare) >= 2:
            core = core.replace(bare, "")
    if owner_rest and len(owner_rest) >= 2:
        core = core.replace(owner_rest, "")
    core = _NAME_AFFIXES.sub("", core)

    tokens: list[str] = []
    token_items = [c for c in items if c in specific] or list(items)
    for cid in token_items:
        tokens.append("f:" + cid)
        if "@" in cid:
            tokens.append("b:" + cid.partition("@")[0])
    for t in texts:
        tokens.extend("g:" + t[i:i + 2] for i in range(len(t) - 1))
        tokens.extend("g:" + t[i:i + 3] for i in range(len(t) - 2))
    audience_text = normalise_text(tool.audience)
    depth = _deepest(region)
    owner_key = f"{depth}|{region[depth] if depth >= 0 else ''}|{_unit_key(owner_rest, depth)}" if owner else ""
    unit_scope = (len(owner_rest) >= 2 and owner_rest not in _GENERAL_ORGANS
                  and (owner_rest in name or owner in name)) or any(w in audience_text for w in _OWN_PEOPLE)
    platform = str(getattr(tool, "platform", None) or "").strip() or None
    return Profile(
        index=index, id=str(tool.id), kind=tool.kind, family=KIND_FAMILY.get(tool.kind, tool.kind), name=tool.name,
        owner=owner, unit=owner_rest, region=region, level=level, items=items, texts=tuple(texts),
        text_grams=text_grams, weight=weight, specific=specific, topics=topics, domain=domain,
        audience=d.audiences(audience_text),
        name_grams=_bigrams(core) if len(core) >= 2 else frozenset(),
        members=_members(tool), tokens=tuple(dict.fromkeys(tokens)), owner_key=owner_key, unit_scope=unit_scope,
        platform=platform, audience_text=audience_text, name_region=name_region,
        temporary=bool(getattr(tool, "temporary", False)),
        launched=tool.launched.toordinal() if getattr(tool, "launched", None) else 0,
    )


def canonical_functions(tool: Tool, dictionary: FunctionDictionary | None = None) -> frozenset[str]:
    """Canonical function ids of a tool (qualified as id@domain); unknown functions as normalised text."""
    p = build_profile(tool, dictionary=dictionary)
    return frozenset(p.items) | frozenset(p.texts)


# ---------------------------------------------------------------------------------------------------
# The exact re-check of one pair.


@dataclass(frozen=True, slots=True)
class PairResult:
    a: int  # profile indices, in the order of the tools' ids
    b: int
    score: float
    relation: Relation  # from a's side: module_of = a could be a module of b
    cover_a: float  # share of a's functions found in b
    cover_b: float
    shared: tuple[str, ...]  # display names
    name_similarity: float
    same_owner: bool
    evidence: tuple[str, ...]


def _covered(a: Profile, b: Profile, d: FunctionDictionary) -> tuple[float, float, list[str]]:
    """Weight of a's functions found in b (canonical ids only), distinct shared specific functions, names."""
    credit = 0.0
    specific = 0.0
    shared: list[str] = []
    b_items = b.items
    partial_b: dict[str, list[str]] | None = None
    for cid, w in a.items.items():
        if cid in b_items:
            credit += w
            if cid in a.specific:
                specific += w
            shared.append(d.display_name(cid))
            continue
        base, at, _ = cid.partition("@")
        if d.by_id[base].qualified:
            if partial_b is None:
                partial_b = defaultdict(list)
                for other in b_items:
                    partial_b[other.partition("@")[0]].append(other)
            others = partial_b.get(base, ())
            # one side without a sector: partial credit; two different sectors: none
            if others and (not at or any("@" not in o for o in others)):
                credit += w * PARTIAL_QUALIFIER_CREDIT
                specific += w * PARTIAL_QUALIFIER_CREDIT
                shared.append(d.by_id[base].name)
    return credit, specific, shared


def _overlap(a: Profile, b: Profile, d: FunctionDictionary) -> tuple[float, float, float, float, list[str]]:
    """Weights of a found in b and of b found in a (all, then non-generic only), and the shared names."""
    credit_a, specific_a, shared = _covered(a, b, d)
    credit_b, specific_b = _covered(b, a, d)[:2] if credit_a > 0 else (0.0, 0.0)
    if a.texts and b.texts:
        used: set[int] = set()
        for ta, ga in zip(a.texts, a.text_grams, strict=True):
            best, best_j = 0.0, -1
            for j, gb in enumerate(b.text_grams):
                if j in used:
                    continue
                s = 1.0 if ta == b.texts[j] else _dice(ga, gb)
                if s > best:
                    best, best_j = s, j
            if best >= TEXT_MATCH:
                used.add(best_j)
                c = 1.0 if best >= TEXT_FULL_MATCH else best
                credit_a += c
                credit_b += c
                specific_a += c
                specific_b += c
                shared.append(ta if len(ta) <= len(b.texts[best_j]) else b.texts[best_j])
    return credit_a, credit_b, specific_a, specific_b, shared


def _deepest(region: Region) -> int:
    return max((i for i, p in enumerate(region) if p), default=-1)


def _same_owner(a: Profile, b: Profile) -> bool:
    """One unit: the same department at the same place (安川市新安区文旅局 = 新安区文旅局 ≠ 安川市文旅局); a place's
    government, party committee and 党政办 (or the bare place name) count as one owner below the county."""
    return bool(a.owner_key) and a.owner_key == b.owner_key


_AUDIENCE_SCOPE = re.compile(r"^(?:全体|所有|本村|本社区|本单位|本局|本部门|辖区|全|本|各)")


def _same_audience(a: Profile, b: Profile) -> bool:
    """The same people (全体村民 = 本村村民 = 村民; 村民 ≠ 网格内居民); without audiences, similar names stand in."""
    x, y = _AUDIENCE_SCOPE.sub("", a.audience_text), _AUDIENCE_SCOPE.sub("", b.audience_text)
    if x and y:
        return x == y or x in y or y in x or _dice(_bigrams(x), _bigrams(y)) >= 0.5
    return _dice(a.name_grams, b.name_grams) >= NAME_EVIDENCE if a.name_grams and b.name_grams else not (x or y)


def _shared_topics(a: Profile, b: Profile, d: FunctionDictionary) -> list[str]:
    """Topics two work groups share: the same canonical function, or one line of work (党员群 = 党支部群); the
    "task" family (信息报送, 报表, 督办) names how a group works, not what about, so it counts only exactly."""
    shared = sorted(a.topics & b.topics)
    families = {d.family(t) for t in b.topics if d.family(t) != "task"}
    shared += sorted(t for t in a.topics - b.topics if d.family(t) != "task" and d.family(t) in families)
    return shared


def _compare_groups(a: Profile, b: Profile, d: FunctionDictionary) -> PairResult | None:
    """REG-14: a duplicate group does the same work for the same people in the same place.

    Member lists, when both are known, decide (Jaccard ≥0.8 with the same owner or topic). Without them: each
    unit's own groups (named after the unit, or for 本单位 people) are its own business, so groups of two units
    are duplicates only when both address the place (a township's 人民政府 and 党委, or a county unit's group
    for one township) and do the same task; groups without a task topic (村民群, 干部职工群) are duplicates only
    within one unit for the same audience (REG-13). Generic functions (通知, 报送, 交流) never decide.
    """
    if a.audience and b.audience and not (a.audience & b.audience):
        return None  # 村民 vs 党员: different people
    da, db = _deepest(a.region), _deepest(b.region)
    if da >= 0 and db >= 0:
        if da != db:
            return None  # a county group and a township group are different groups
    elif a.level and b.level and a.level != b.level:
        return None
    same_owner = _same_owner(a, b)
    topics = _shared_topics(a, b, d)
    evidence: list[str] = []
    if a.members is not None and b.members is not None:
        inter = len(a.members & b.members)
        jaccard = inter / (len(a.members | b.members) or 1)
        if jaccard < GROUP_MEMBER_JACCARD or not (same_owner or topics):
            return None
        evidence.append(f"成员重合{jaccard:.0%}")
    elif not same_owner and (a.unit_scope or b.unit_scope):
        return None  # 卫健局干部职工群 vs 应急局干部职工群: each unit's own people
    elif a.topics or b.topics:
        if not topics:
            return None
        evidence.append("同一事项")
    elif same_owner and _same_audience(a, b):
        evidence.append("同一单位同一对象")
    else:
        return None
    credit_a, credit_b, _, _, shared = _overlap(a, b, d)
    names = [d.display_name(t) for t in topics]
    shared = names + [x for x in shared if x not in names]
    cover_a = min(1.0, credit_a / a.weight) if a.weight else 0.0
    cover_b = min(1.0, credit_b / b.weight) if b.weight else 0.0
    if same_owner:
        evidence.append("同一单位")
    name_sim = _dice(a.name_grams, b.name_grams)
    score = min(1.0, 0.6 + 0.2 * (1.0 if topics or a.members is not None else 0.5) + 0.1 * name_sim
                + (0.05 if same_owner else 0.0))
    return PairResult(a.index, b.index, round(score, 4), "duplicate", round(cover_a, 4), round(cover_b, 4),
                      tuple(dict.fromkeys(shared)), round(name_sim, 4), same_owner, tuple(evidence))


def compare(a: Profile, b: Profile, d: FunctionDictionary | None = None) -> PairResult | None:
    """The exact re-check: None when the pair is not a duplicate, else how and why it is one."""
    d = d or default_dictionary()
    if a.family != b.family and "group" in (a.family, b.family):
        return None  # a work group is not merged into an app
    if not regions_compatible(a.region, b.region):
        return None  # sibling places each keep their own tool (REG-02: "of the same region")
    if a.domain and b.domain and a.domain != b.domain:
        return None  # 学校安全 vs 矿山安全: same words, different work
    if a.family == "group":
        return _compare_groups(a, b, d)
    if a.weight <= 0 or b.weight <= 0:
        return None
    # One inside the other (a county tool and its city's platform): only a service platform (app, mini-program)
    # can host a lower level's tool; accounts are each unit's own voice (REG-10), never vertical duplicates.
    da, db = _deepest(a.region), _deepest(b.region)
    upper: Profile | None = None
    if da >= 0 and db >= 0 and da != db:
        upper = a if da < db else b
        if upper.family != "service":
            return None
    same_owner = _same_owner(a, b)
    accounts = a.kind == b.kind == "public_account"
    pa, pb = normalise_text(a.platform or ""), normalise_text(b.platform or "")
    same_platform = accounts and bool(pa) and pa == pb
    if accounts and same_owner and pa and pb and pa != pb:
        return None  # REG-10 counts per platform: one unit's WeChat and Weibo accounts are a matrix
    credit_a, credit_b, specific_a, specific_b, shared = _overlap(a, b, d)
    specific_credit = min(specific_a, specific_b)
    if credit_a <= 0 and not same_platform:
        return None
    cover_a = min(1.0, credit_a / a.weight) if a.weight else 0.0
    cover_b = min(1.0, credit_b / b.weight) if b.weight else 0.0
    lo, hi = min(cover_a, cover_b), max(cover_a, cover_b)
    name_sim = _dice(a.name_grams, b.name_grams)
    audience_clash = bool(a.audience and b.audience and not (a.audience & b.audience))
    evidence: list[str] = []
    relation: Relation | None = None

    if specific_credit <= 0:
        # Generic functions only (two accounts both publishing news) never make a duplicate by themselves: only
        # two accounts of one unit are (国办发〔2018〕123号, REG-10: one account per unit per platform) — on one
        # known platform whatever their wording, when both only publish; else when their functions overlap.
        publish_only = not (a.specific or a.texts or b.specific or b.texts)
        if accounts and same_owner and not audience_clash and (
            (same_platform and publish_only) or lo >= DUPLICATE_OVERLAP
        ):
            relation = "duplicate"
            evidence.append("同一单位同一平台账号" if same_platform else "同一单位同类账号")
    elif lo >= DUPLICATE_OVERLAP:
        relation = "duplicate"
    elif hi >= MODULE_CONTAINMENT:
        small, big, small_specific = (a, b, specific_a) if cover_a >= cover_b else (b, a, specific_b)
        small_total = sum(w for c, w in small.items.items() if c in small.specific) + len(small.texts)
        enough = small_specific >= min(MODULE_MIN_SHARED, small_total)
        big_families = {d.family(c) for c in big.items}
        named_inside = not small.topics or any(t in big.items or d.family(t) in big_families for t in small.topics)
        if enough and big.kind in EMBEDDABLE_HOSTS and small.weight <= big.weight and named_inside and not (
            small.family == "service" and big.family == "account"
        ) and small is not upper:  # a city's tool is not embedded in a county's app: the upper one is the host
            relation = "module_of" if small is a else "contains"
    # A similar name is a second sign only within one place: across levels names follow a pattern (平安X, X政务服务).
    if relation is None and specific_credit > 0 and lo >= BORDERLINE_OVERLAP and upper is None and (
        name_sim >= NAME_EVIDENCE
    ) and not audience_clash:
        relation = "duplicate"
        evidence.append("名称相近")
    if relation is None:
        return None
    if same_owner and not any(e.startswith("同一单位") for e in evidence):
        evidence.append("同一单位")
    if name_sim >= NAME_EVIDENCE and "名称相近" not in evidence:
        evidence.append("名称相近")
    score = min(1.0, 0.5 * hi + 0.4 * lo + 0.1 * name_sim + (0.05 if same_owner else 0.0))
    return PairResult(a.index, b.index, round(score, 4), relation, round(cover_a, 4), round(cover_b, 4),
                      tuple(dict.fromkeys(shared)), round(name_sim, 4), same_owner, tuple(evidence))


# ---------------------------------------------------------------------------------------------------
# Public results.


@dataclass(frozen=True, slots=True)
class Match:
    """One registered tool that a filing duplicates (or could be a module of, or contains)."""

    id: str
    score: float
    relation: Relation
    shared_functions: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Cluster:
    """Tools that should be merged into, or embedded in, one another (DUPLICATE_TOOL)."""

    ids: tuple[str, ...]
    shared_functions: tuple[str, ...]
    reason: str
    pairs: tuple[tuple[str, str, str, float], ...] = field(default=(), compare=False)  # (a, b, relation, score)
    anchor: str = field(default="", compare=False)  # the tool to keep: the others duplicate it or are its modules

    def to_dict(self) -> dict[str, Any]:
        return {"ids": list(self.ids), "shared_functions": list(self.shared_functions), "reason": self.reason}


def _label(p: Profile) -> str:
    return f"“{p.name}”（{KIND_NAME.get(p.kind, p.kind)}）"


def _pair_reason(r: PairResult, a: Profile, b: Profile) -> str:
    shared = "、".join(r.shared[:6]) or "无"
    evidence = list(r.evidence)
    if a.family == "group":
        if "同一单位同一对象" in evidence:
            who = a.audience_text or b.audience_text or "同一人员"
            text = f"{_label(a)}与{_label(b)}为同一单位面向同一对象（{who}）的重复常设工作群，应合并（REG-13/REG-14）"
        else:
            how = "、".join(e for e in evidence if e.startswith("成员重合")) or "同一事项"
            text = f"{_label(a)}与{_label(b)}为同一地方{how}的重复工作群，应合并或解散其一（REG-14）"
        evidence = [e for e in evidence if e not in ("同一事项", "同一单位同一对象", "同一单位")
                    and not e.startswith("成员重合")] + (["同一单位"] if r.same_owner else [])
    elif "同一单位同一平台账号" in evidence:
        text = (f"{_label(a)}与{_label(b)}为同一单位在同一平台（{a.platform}）开设的账号，均只发布信息，应整合为一个"
                f"（REG-10：原则上一个单位在同一平台只开设一个账号）")
        evidence = [e for e in evidence if e not in ("同一单位同一平台账号", "同一单位")]
    elif r.relation == "duplicate":
        text = (f"{_label(a)}与{_label(b)}功能重复：声明功能分别有{r.cover_a:.0%}、{r.cover_b:.0%}相互重合"
                f"（APP-09：重合≥{DUPLICATE_OVERLAP:.0%}应整合）")
    else:
        small, big, cover = (a, b, r.cover_a) if r.relation == "module_of" else (b, a, r.cover_b)
        text = (f"{_label(small)}的功能{cover:.0%}已包含在{_label(big)}中，可作为其模块嵌入，不宜单独建设"
                f"（REG-02/APP-09）")
    if "同一单位同类账号" in evidence:
        evidence = [e for e in evidence if e != "同一单位"]
    if a.region == b.region and a.region != NO_REGION:
        evidence.append(f"同属{next(p for p in reversed(a.region) if p)}")
    tail = f"；{'，'.join(evidence)}" if evidence else ""
    return f"{text}；共有功能：{shared}{tail}"


# ---------------------------------------------------------------------------------------------------
# The index.

_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=zlib.crc32).permutations


def minhash_of(tokens: Sequence[str]) -> MinHash:
    """A datasketch MinHash of the shingles (crc32 hashing: the same in every process and run)."""
    m = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=_PERMUTATIONS, scheme="affine32")
    if tokens:
        m.update_batch([t.encode("utf-8") for t in tokens])
    return m


# Region blocks. A tool is stored under its own (province, city, county) and under the wildcards above it;
# a query looks only where compatible tools can be: its own county, its city's and province's own tools and
# tools without a place (regions_compatible then decides exactly). 2,800 counties' look-alike tools never meet.
Block = tuple[str | None, str | None, str | None]
_ANY = "*"


_NOWHERE: Block = ("", "", "")  # the block of tools whose owner names no place at all


def _insert_keys(region: Region, tops: set[tuple[int, str]]) -> list[Block]:
    p, c, k = region[0], region[1], region[2]
    keys: list[Block] = [(_ANY, _ANY, _ANY)]
    if not any(region):
        keys.append(_NOWHERE)
        return keys
    if p is not None:
        keys.append((p, c, k))
        keys.append((p, _ANY, _ANY))
        if c is not None:
            keys.append((p, c, _ANY))
    for level in (1, 2, 3, 4):  # for tools whose owner names only its city, county, township or village
        name = region[level]
        if name and (level, name) in tops:
            keys.append(("#", str(level), name))
    return keys


def _top(region: Region) -> tuple[int, str] | None:
    """The largest place a region names, when it does not name its province."""
    if region[0] is not None or not any(region):
        return None
    level = next(i for i, x in enumerate(region) if x)
    return level, region[level]  # type: ignore[return-value]


def _query_keys(region: Region, tops: set[tuple[int, str]]) -> list[Block]:
    p, c, k = region[0], region[1], region[2]
    if not any(region):
        return [(_ANY, _ANY, _ANY)]
    if p is None:
        # The province is not known: a compatible tool names the same top place (or no place at all).
        top = _top(region)
        if top not in tops:
            return [(_ANY, _ANY, _ANY)]  # a filing from a place the index was not built for
        return [("#", str(top[0]), top[1]), _NOWHERE]  # type: ignore[index]
    if c is None:
        return [(p, _ANY, _ANY), _NOWHERE]
    if k is None:
        return [(p, c, _ANY), (p, None, None), _NOWHERE]
    return [(p, c, k), (p, c, None), (p, None, None), _NOWHERE]


class DuplicateIndex:
    """Registered tools indexed for duplicate checks: one filing (`query`) or all pairs (`all_pairs`).

    Candidates come from two indexes, both blocked by region:
    - an inverted index over canonical functions (a work group's topics and owner, a public account's owner),
      read through each tool's rarest keys (weighted prefix filtering: a tool that holds ≥50% of another's
      function weight holds one of its rarest ones);
    - MinHash LSH (datasketch) over canonical ids plus character 2/3-grams of unmapped function texts,
      for the tools that have such texts: reworded functions the dictionary does not know.
    """

    def __init__(self, tools: Iterable[Tool], dictionary: FunctionDictionary | None = None) -> None:
        self.dictionary = dictionary or default_dictionary()
        self.tools: list[Tool] = list(tools)
        self.profiles: list[Profile] = [build_profile(t, i, self.dictionary) for i, t in enumerate(self.tools)]
        self.gazetteer = learn_gazetteer(p.region for p in self.profiles)
        self.defaults = registry_defaults([complete_region(p.region, self.gazetteer) for p in self.profiles])
        self._owner_places = {(d, p.region[d]) for p in self.profiles if (d := _deepest(p.region)) >= 0}
        for p in self.profiles:
            self._complete(p)
        self._by_id = {p.id: p.index for p in self.profiles}
        # "#" blocks are built only for the places that some tool without a province starts from.
        self._tops: set[tuple[int, str]] = {t for t in map(_top, (p.region for p in self.profiles)) if t}
        self._bands: dict[tuple[bytes, Block], list[int]] = defaultdict(list)
        self._postings: dict[tuple[str, Block], list[int]] = defaultdict(list)
        self._df: Counter[str] = Counter()
        self._band_cache: dict[tuple[str, ...], tuple[bytes, ...]] = {}
        keys = [self._posting_keys(p) for p in self.profiles]
        for k in keys:
            self._df.update(k)
        self._prefixes: list[frozenset[str]] = [frozenset(self._prefix(p, k, False)) for p, k in
                                                zip(self.profiles, keys, strict=True)]
        for p, k in zip(self.profiles, keys, strict=True):
            self._insert(p, k)

    def __len__(self) -> int:
        return len(self.profiles)

    def _band_keys(self, p: Profile) -> tuple[bytes, ...]:
        if not p.texts or p.family == "group":
            return ()  # canonical ids alone are found exactly by the inverted index; groups go by topic and owner
        found = self._band_cache.get(p.tokens)
        if found is None:
            raw = minhash_of(p.tokens).hashvalues.tobytes()
            width = len(raw) // LSH_BANDS
            found = tuple(bytes((i,)) + raw[i * width:(i + 1) * width] for i in range(LSH_BANDS))
            if len(self._band_cache) < 1 << 18:
                self._band_cache[p.tokens] = found
        return found

    def _insert(self, p: Profile, posting_keys: list[str]) -> None:
        blocks = _insert_keys(p.region, self._tops)
        bands, postings, index = self._bands, self._postings, p.index
        for value in self._band_keys(p):
            for b in blocks:
                bands[(value, b)].append(index)
        for key in posting_keys:
            for b in blocks:
                postings[(key, b)].append(index)

    def _posting_keys(self, p: Profile) -> list[str]:
        """Specific functions; a work group's topics (by family) and owner; the owner of a publishing account."""
        if p.family == "group":  # compare() decides groups by topic, owner and members, never by functions
            keys = sorted({"~" + self.dictionary.family(t) for t in p.topics})
            if p.owner_key:
                keys.append("@" + p.owner_key)
            return keys
        keys = sorted(p.specific)
        if p.kind == "public_account" and p.owner_key:
            keys.append("@" + p.owner_key)  # two accounts of one unit (REG-10), whatever they publish
        return keys

    def _prefix(self, p: Profile, keys: list[str], full: bool) -> list[str]:
        """p's rarest keys: a tool that covers enough of p's weight to be accepted (≥50%, the borderline) holds at
        least one of them. Weighted: the most common keys are left out only while what they weigh, with p's
        generic functions and unmapped texts, stays below that share (两项都映射到工会服务 weighs two)."""
        specific = sorted((k for k in keys if k in p.specific), key=lambda c: (self._df[c], c))
        other = [k for k in keys if k not in p.specific]
        if full:
            return other + specific
        bound = min(BORDERLINE_OVERLAP, DUPLICATE_OVERLAP, MODULE_CONTAINMENT) * p.weight
        left_out = p.weight - sum(p.items[c] for c in specific)  # generic functions and texts
        keep = len(specific)
        while keep > 1 and left_out + p.items[specific[keep - 1]] < bound - 1e-9:
            keep -= 1
            left_out += p.items[specific[keep]]
        return other + specific[:keep]

    def candidates(self, p: Profile, full_prefix: bool = True,
                   limit: int = MAX_CANDIDATES) -> tuple[list[int], set[int]]:
        """Indices sharing an LSH band or a prefix key with p in its region blocks, and the LSH hits."""
        found: set[int] = set()
        band_hits: set[int] = set()
        lists: list[list[int]] = []
        blocks = _query_keys(p.region, self._tops)
        bands, postings = self._bands, self._postings
        for value in self._band_keys(p):
            for b in blocks:
                bucket = bands.get((value, b))
                if bucket:
                    band_hits.update(bucket)
                    lists.append(bucket)
        found |= band_hits
        for key in self._prefix(p, self._posting_keys(p), full_prefix):
            for b in blocks:
                posting = postings.get((key, b))
                if posting:
                    found.update(posting)
                    lists.append(posting)
        found.discard(p.index)
        if len(found) <= limit:
            return sorted(found), band_hits
        hits: Counter[int] = Counter()
        for lst in lists:
            hits.update(lst)
        hits.pop(p.index, None)
        profiles = self.profiles
        return sorted(sorted(hits, key=lambda i: (-hits[i], profiles[i].id))[:limit]), band_hits

    def _complete(self, p: Profile) -> None:
        p.region = apply_defaults(complete_region(p.region, self.gazetteer), self.defaults)
        if p.family == "group":
            deepest = _deepest(p.name_region)
            # a place named in a group's name counts only when some owner in the registry is that place (大桥驻村
            #帮扶群 names no village 大桥驻)
            if deepest >= 0 and (deepest, p.name_region[deepest]) in self._owner_places:
                p.region = _group_place(p.region, complete_region(p.name_region, self.gazetteer))

    def _completed(self, tool: Tool) -> Profile:
        p = build_profile(tool, len(self.profiles), self.dictionary)
        self._complete(p)
        return p

    def query(self, tool: Tool, k: int = 5) -> list[Match]:
        """The k registered tools a new filing duplicates, best first (the tool's own id is skipped)."""
        p = self._completed(tool)
        results: list[tuple[PairResult, Profile]] = []
        for j in self.candidates(p, full_prefix=True)[0]:
            other = self.profiles[j]
            if other.id == p.id:
                continue
            r = compare(p, other, self.dictionary)
            if r is not None:
                results.append((r, other))
        results.sort(key=lambda x: (-x[0].score, x[1].id))
        return [Match(other.id, r.score, r.relation, r.shared, _pair_reason(r, p, other)) for r, other in results[:k]]

    def pairs_for(self, indices: Iterable[int]) -> list[PairResult]:
        """Accepted pairs (a < b) found from the given tools' side; over all tools each pair is compared once.

        A pair is compared from the lower index's side unless only the higher one's query finds it (the
        higher one holds the other's rarest functions: a small tool inside a big one).
        """
        out: list[PairResult] = []
        profiles, prefixes, d = self.profiles, self._prefixes, self.dictionary
        for i in indices:
            p = profiles[i]
            own_keys = self._posting_keys(p)
            found, band_hits = self.candidates(p, full_prefix=False, limit=ALL_PAIRS_MAX_CANDIDATES)
            for j in found:
                if j < i and (j in band_hits or not prefixes[j].isdisjoint(own_keys)):
                    continue  # j's own query finds i: compared there
                q = profiles[j]
                # compared in the order of the ids, so that the result does not depend on the input order
                r = compare(p, q, d) if p.id < q.id else compare(q, p, d)
                if r is not None:
                    out.append(r)
        return out

    def all_pairs(self, workers: int = 1) -> list[PairResult]:
        """Every accepted pair, sorted; workers > 1 splits the tools over forked processes."""
        n = len(self.profiles)
        if workers <= 1 or n < PARALLEL_MIN_TOOLS or "fork" not in multiprocessing.get_all_start_methods():
            pairs = self.pairs_for(range(n))
        else:
            global _FORK_INDEX
            _FORK_INDEX = self
            chunks = [range(s, n, workers * 8) for s in range(workers * 8)]  # interleaved: balanced work
            gc.freeze()  # the children inherit the index; keep the collector from touching (copying) its pages
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    parts = pool.map(_pairs_in_child, chunks)
            finally:
                _FORK_INDEX = None
                gc.unfreeze()
            pairs = [r for part in parts for r in part]
        unique = {(min(r.a, r.b), max(r.a, r.b)): r for r in pairs}
        return [unique[k] for k in sorted(unique)]

    def clusters(self, pairs: Sequence[PairResult] | None = None, workers: int = 1) -> list[Cluster]:
        pairs = self.all_pairs(workers) if pairs is None else pairs
        return _stars(self.profiles, pairs)


_FORK_INDEX: DuplicateIndex | None = None


def _pairs_in_child(indices: range) -> list[PairResult]:
    assert _FORK_INDEX is not None
    return _FORK_INDEX.pairs_for(indices)


def _anchors_of(pairs: Sequence[PairResult]) -> dict[int, dict[int, PairResult]]:
    """Who can anchor whom: either side of a duplicate, the host of a module (never the module its host)."""
    out: dict[int, dict[int, PairResult]] = defaultdict(dict)
    for r in pairs:
        if r.relation != "module_of":
            out[r.a][r.b] = r
        if r.relation != "contains":
            out[r.b][r.a] = r
    return out


def _stars(profiles: Sequence[Profile], pairs: Sequence[PairResult]) -> list[Cluster]:
    """Clusters as stars: an anchor (the tool to keep) and the tools that duplicate it or could be its modules.

    Connected components chain unrelated tools through intermediaries (A like B, B like C, … 169 tools); an
    office can act on a star: keep the anchor, merge or embed the rest. Greedily, the tool that anchors the most
    still unassigned tools goes first (ties: the higher level, a standing rather than a temporary group, the more
    functions, the earlier launched, the smaller id), takes them, and leaves; a tool whose partners are all taken
    stays out. Every member is a duplicate or a module of the anchor; other accepted pairs between members are
    kept in Cluster.pairs.
    """
    out = _anchors_of(pairs)
    into: dict[int, list[int]] = defaultdict(list)
    for n, targets in out.items():
        for m in targets:
            into[m].append(n)
    degree = {n: len(t) for n, t in out.items()}

    def rank(n: int) -> tuple[int, int, bool, float, int, str, int]:
        p = profiles[n]
        depth = _deepest(p.region)
        return (-degree[n], depth if depth >= 0 else 9, p.temporary, -p.weight, p.launched or 10**7, p.id, n)

    heap = [rank(n) for n in out]
    heapq.heapify(heap)
    taken: set[int] = set()
    touching: dict[int, list[PairResult]] = defaultdict(list)
    for r in pairs:
        touching[r.a].append(r)
    clusters: list[Cluster] = []
    while heap:
        entry = heapq.heappop(heap)
        n = entry[-1]
        if n in taken or -entry[0] != degree[n]:
            continue  # stale entry
        if degree[n] <= 0:
            break
        members = sorted((m for m in out[n] if m not in taken), key=lambda m: profiles[m].id)
        star = [n, *members]
        for m in star:
            taken.add(m)
            for k in into[m]:
                if k not in taken:
                    degree[k] -= 1
                    heapq.heappush(heap, rank(k))
        inside = set(star)
        within = [r for m in star for r in touching[m] if r.b in inside]
        clusters.append(_cluster(profiles, n, [out[n][m] for m in members], within))
    clusters.sort(key=lambda c: c.ids)
    return clusters


def _cluster(profiles: Sequence[Profile], anchor: int, spokes: list[PairResult],
             within: list[PairResult]) -> Cluster:
    a = profiles[anchor]
    members = sorted({profiles[i].id for r in spokes for i in (r.a, r.b)})
    counts: Counter[str] = Counter()
    for r in spokes:
        counts.update(r.shared)
    shared = tuple(sorted(counts, key=lambda s: (-counts[s], s)))
    strongest = sorted(spokes, key=lambda r: (-r.score, profiles[r.a].id, profiles[r.b].id))
    lines = [_pair_reason(r, profiles[r.a], profiles[r.b]) for r in strongest[:3]]
    more = f"（另有{len(spokes) - 3}个工具与其重复）" if len(spokes) > 3 else ""
    if a.family == "group":
        head = (f"{len(members)}个工作群与{_label(a)}重复，建议保留{_label(a)}，其余合并或解散："
                if len(members) > 2 else f"建议保留{_label(a)}，合并另一群：")
    elif len(members) > 2:
        head = f"{len(members)}个工具与{_label(a)}重复或可作为其模块，建议以{_label(a)}为主体，其余整合或嵌入其中："
    else:
        head = f"建议以{_label(a)}为主体整合："
    pairs_out = tuple((profiles[r.a].id, profiles[r.b].id, r.relation, r.score)
                      for r in sorted(within, key=lambda r: (-r.score, profiles[r.a].id, profiles[r.b].id)))
    return Cluster(tuple(members), shared, head + "；".join(lines) + more, pairs_out, anchor=a.id)


def find_clusters(tools: Iterable[Tool], workers: int = 1,
                  dictionary: FunctionDictionary | None = None) -> list[Cluster]:
    """All DUPLICATE_TOOL clusters of a registry: stars of accepted pairs around the tool to keep."""
    return DuplicateIndex(tools, dictionary).clusters(workers=workers)


def clusters_to_contract(clusters: Iterable[Cluster]) -> dict[str, list[dict[str, Any]]]:
    """contracts.md §2: {"clusters": [{"ids", "shared_functions", "reason"}]}, tools in no cluster omitted."""
    ordered = sorted((c for c in clusters if len(c.ids) >= 2), key=lambda c: sorted(c.ids))
    return {"clusters": [{"ids": sorted(c.ids), "shared_functions": list(c.shared_functions), "reason": c.reason}
                         for c in ordered]}


def iter_examples(dictionary: FunctionDictionary | None = None) -> Iterator[tuple[str, str, list[str]]]:
    """(function id, example text, expected ids) for every example in the dictionary (tests run them)."""
    d = dictionary or default_dictionary()
    for f in d.functions:
        for text, expected in f.examples.items():
            yield f.id, text, expected


def map_function_text(text: str, dictionary: FunctionDictionary | None = None) -> tuple[str, ...]:
    """Canonical ids of one function text without tool context (as the dictionary examples are read)."""
    d = dictionary or default_dictionary()
    ids, _ = d.map_text(normalise_text(text), None, keep_rest=False)
    return ids


__all__ = [
    "BORDERLINE_OVERLAP", "DUPLICATE_OVERLAP", "GENERIC_WEIGHT", "GROUP_MEMBER_JACCARD", "MODULE_CONTAINMENT",
    "NAME_EVIDENCE", "Cluster", "DuplicateIndex", "FunctionDictionary", "Match", "PairResult", "Profile",
    "build_profile", "canonical_functions", "clusters_to_contract", "compare", "default_dictionary",
    "find_clusters", "iter_examples", "load_function_dictionary", "map_function_text", "normalise_text",
    "parse_region", "regions_compatible",
]
