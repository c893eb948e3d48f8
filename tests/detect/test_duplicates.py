"""DUPLICATE_TOOL: function dictionary, pair decisions, clusters, contract output and pair scoring."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from jianfu.detect import duplicates
from jianfu.detect.duplicates import (
    FUNCTIONS_FILE,
    DuplicateIndex,
    canonical_functions,
    clusters_to_contract,
    default_dictionary,
    find_clusters,
    iter_examples,
    load_function_dictionary,
    map_function_text,
    parse_region,
    regions_compatible,
)
from jianfu.errors import RuleError
from jianfu.evaluate.duplicates_quality import (
    duplicates_quality_table,
    evaluate_duplicates,
    pair_scores,
    read_labelled_registry,
)
from jianfu.records import Tool

DATA = Path(__file__).resolve().parents[2] / "data" / "registry" / "duplicates"
_counter = iter(range(1, 10_000))


def tool(name: str, functions: list[str] | str, owner: str = "清河县应急管理局", kind: str = "app",
         level: str = "county", description: str = "", audience: str = "", id: str | None = None) -> Tool:
    if isinstance(functions, str):
        functions = [functions]
    return Tool(id=id or f"x{next(_counter):04d}", kind=kind, name=name, owner_unit=owner, level=level,
                description=description, functions=tuple(functions), audience=audience)


def pair(a: Tool, b: Tool) -> duplicates.PairResult | None:
    index = DuplicateIndex([a, b])
    return duplicates.compare(index.profiles[0], index.profiles[1])


# ---------------------------------------------------------------------------------------------------
# functions.yaml

EXAMPLES = list(iter_examples())


def test_dictionary_size_and_examples_exist() -> None:
    d = default_dictionary()
    assert 150 <= len(d.functions) <= 260
    assert len(EXAMPLES) >= 30
    assert all(f.examples for f in d.functions if f.qualified), "every qualified function shows its domains"


@pytest.mark.parametrize(("function_id", "text", "expected"), EXAMPLES)
def test_dictionary_example(function_id: str, text: str, expected: list[str]) -> None:
    assert sorted(map_function_text(text)) == sorted(expected), f"{function_id}: {text}"


def test_domain_qualifier_separates_sectors_and_joins_synonyms() -> None:
    assert map_function_text("学校安全检查") == map_function_text("校园安全巡查") == ("safety_inspection@school",)
    assert map_function_text("矿山安全检查") == ("safety_inspection@mine",)
    for synonym in ("随手拍", "问题上报", "事件上报", "隐患随手拍"):
        assert map_function_text(synonym) == ("issue_report",), synonym
    for synonym in ("在线办事", "网上办事", "一网通办"):
        assert map_function_text(synonym) == ("online_service",), synonym


GOOD = """
version: 1
domains:
  - {id: school, name: 学校, aliases: [学校, 校园]}
functions:
  - id: safety_inspection
    name: 安全检查
    qualified: true
    aliases: [安全检查, 安全巡查]
    examples: {学校安全检查: [safety_inspection@school]}
  - {id: notice, name: 通知公告, generic: true, aliases: [通知公告]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "functions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_small_dictionary_loads(tmp_path: Path) -> None:
    d = load_function_dictionary(write(tmp_path, GOOD))
    assert d.map_text("学校安全巡查")[0] == ("safety_inspection@school",)


@pytest.mark.parametrize(
    ("old", "new", "entry", "message"),
    [
        ("aliases: [通知公告]", "aliases: [安全检查]", "function notice",
         "already belongs to function safety_inspection"),
        ("[安全检查, 安全巡查]", "[安全检查, 安全巡查@mine]", "function safety_inspection", "unknown domain"),
        ("- {id: notice,", "- {id: Notice,", "function Notice", "should match pattern"),
        ("qualified: true\n", "qualified: true\n    colour: red\n", "function safety_inspection", "Extra inputs"),
        ("[safety_inspection@school]", "[safety_check@school]", "function safety_inspection", "unknown id"),
        ("{id: school, name: 学校, aliases: [学校, 校园]}", "{id: school, name: 学校, aliases: []}", "domain school",
         "at least 1"),
    ],
)
def test_bad_dictionary_names_file_and_entry(tmp_path: Path, old: str, new: str, entry: str, message: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(RuleError) as err:
        load_function_dictionary(path)
    text = str(err.value)
    assert str(path) in text and entry in text and message in text, text


def test_packaged_dictionary_validates() -> None:
    assert load_function_dictionary(FUNCTIONS_FILE).source == str(FUNCTIONS_FILE)


# ---------------------------------------------------------------------------------------------------
# canonical functions, regions


def test_canonical_functions_normalises_and_keeps_unknown_text() -> None:
    t = tool("清河随手拍", ["隱患隨手拍", "進度查詢", "ＡＩ垃圾识别打卡积分換購"])
    found = canonical_functions(t)
    assert "issue_report" in found and "handling_feedback" in found
    assert any(not f.isascii() for f in found), "an unknown function stays, as Simplified text"
    assert all("換" not in f and "Ａ" not in f for f in found)


def test_description_stands_in_for_missing_functions() -> None:
    t = tool("清河县河长通", [], description="河长巡河打卡、河湖问题随手拍、一河一档。")
    assert {"patrol@water", "river_chief"} <= canonical_functions(t)


def test_region_parsing() -> None:
    n = duplicates.normalise_text
    assert parse_region(n("江苏省苏州市吴江区应急管理局"))[0] == ("江苏", "苏州", "吴江", None, None)
    assert parse_region(n("清河县住房和城乡建设局"))[0] == (None, None, "清河", None, None)
    assert parse_region(n("吴江区市场监督管理局"))[0] == (None, None, "吴江", None, None)
    assert parse_region(n("县应急管理局"))[0] == (None, None, None, None, None)
    assert not regions_compatible((None, None, "清河", None, None), (None, None, "平阳", None, None))
    assert regions_compatible(("东江", "临州", "清河", None, None), ("东江", "临州", None, None, None))


def test_lookalike_places_are_different_places() -> None:
    n = duplicates.normalise_text
    town, street = parse_region(n("柳坊镇人民政府"))[0], parse_region(n("柳坊街道"))[0]
    assert town[3] == "柳坊镇" and street[3] == "柳坊街道" and not regions_compatible(town, street)
    a, b = parse_region(n("丽水坊社区"))[0], parse_region(n("东丽水坊社区"))[0]
    assert not regions_compatible(a, b)
    assert not regions_compatible(parse_region(n("花园社区"))[0], parse_region(n("后桂花园社区"))[0])


# ---------------------------------------------------------------------------------------------------
# pair decisions


def test_synonyms_caught() -> None:
    a = tool("清河随手拍", ["随手拍", "进度查询", "积分兑换"], owner="中共清河县委政法委")
    b = tool("清河e拍通", ["问题上报", "办理进度", "积分奖励"], owner="清河县城市管理局", kind="miniprogram")
    r = pair(a, b)
    assert r is not None and r.relation == "duplicate"
    assert "随手拍" in r.shared


def test_rewording_outside_the_dictionary_caught() -> None:
    a = tool("清河古建巡护", ["古民居木构件白蚁防治登记", "古民居修缮进度公示", "河长制"], owner="清河县文物局")
    b = tool("清河古民居保护", ["古民居木构件白蚁防治记录", "古民居修缮进度公开", "河长制"], owner="清河县文物局")
    r = pair(a, b)
    assert r is not None and r.relation == "duplicate"


def test_school_and_mine_safety_not_clustered() -> None:
    school = tool("清河平安校园", ["学校安全检查", "隐患上报", "隐患整改"], owner="清河县教育局")
    mine = tool("清河矿山安全", ["矿山安全检查", "隐患上报", "隐患整改"], owner="清河县应急管理局")
    school2 = tool("清河校园安全管理平台", ["校园安全巡查", "校园隐患上报", "整改跟踪"], owner="清河县教育局")
    assert pair(school, mine) is None
    r = pair(school, school2)
    assert r is not None and r.relation == "duplicate"
    ids = [c.ids for c in find_clusters([school, mine, school2])]
    assert ids == [tuple(sorted((school.id, school2.id)))]


def test_module_of_detected() -> None:
    host = tool("临州城市大脑", ["随手拍", "事件分拨", "城市管理", "视频监控", "数据驾驶舱", "指挥调度", "进度查询"],
                owner="临州市大数据局", level="city")
    small = tool("清河随手拍", ["随手拍", "事件分拨", "进度查询"], owner="临州市清河县委政法委", kind="miniprogram")
    index = DuplicateIndex([host])
    matches = index.query(small)
    assert [m.id for m in matches] == [host.id]
    assert matches[0].relation == "module_of" and "模块" in matches[0].reason
    assert DuplicateIndex([small]).query(host)[0].relation == "contains"


def test_sibling_counties_not_duplicates_but_vertical_is() -> None:
    a = tool("清河随手拍", ["随手拍", "事件分拨", "进度查询"], owner="临州市清河县委政法委")
    b = tool("平阳随手拍", ["随手拍", "事件分拨", "进度查询"], owner="临州市平阳县委政法委")
    city = tool("临州随手拍", ["随手拍", "事件分拨", "办理进度"], owner="临州市委政法委", level="city")
    assert pair(a, b) is None
    assert pair(a, city) is not None


def test_generic_functions_alone_are_not_duplicates_across_units() -> None:
    edu = tool("清河教育发布", ["新闻动态", "通知公告", "政策解读"], owner="清河县教育局", kind="public_account")
    health = tool("清河卫健发布", ["工作动态", "通知公告", "政策解读"], owner="清河县卫生健康局", kind="public_account")
    edu2 = tool("清河县教育局", ["要闻", "公告公示"], owner="清河县教育局", kind="public_account")
    assert pair(edu, health) is None
    r = pair(edu, edu2)
    assert r is not None and "同一单位同类账号" in r.evidence


def test_work_groups() -> None:
    flood = tool("城关镇防汛工作群", ["雨情通报", "信息报送"], owner="清河县城关镇人民政府", kind="work_group",
                 level="township", audience="村干部")
    flood2 = tool("城关镇汛期值班群", ["值班排班", "通知"], owner="城关镇党委", kind="work_group", level="township",
                  audience="村干部")
    civ = tool("城关镇创文工作群", ["信息报送", "通知"], owner="清河县城关镇人民政府", kind="work_group",
               level="township", audience="村干部")
    villagers = tool("河西村村民群", ["通知"], owner="河西村村民委员会", kind="work_group", level="village",
                     audience="全体村民")
    members = tool("河西村党员群", ["通知"], owner="河西村村民委员会", kind="work_group", level="village",
                   audience="全体党员")
    assert pair(flood, flood2) is not None
    assert pair(flood, civ) is None
    assert pair(villagers, members) is None
    app = tool("清河防汛", ["雨情通报", "信息报送"], owner="清河县城关镇人民政府")
    assert pair(flood, app) is None, "a work group is not merged into an app"


def group(name: str, owner: str, audience: str, level: str = "county",
          functions: tuple[str, ...] = ("通知发布", "信息报送", "工作交流"), id: str | None = None) -> Tool:
    return tool(name, list(functions), owner=owner, kind="work_group", level=level, audience=audience, id=id)


def account(name: str, functions: list[str], owner: str, platform: str | None, level: str = "city") -> Tool:
    return Tool(id=f"x{next(_counter):04d}", kind="public_account", name=name, owner_unit=owner, level=level,
                functions=tuple(functions), audience="群众", platform=platform)


def test_each_units_own_groups_are_not_duplicates() -> None:
    """REG-13/REG-14: every unit may have its own staff, party branch and duty groups; generic functions
    (通知发布, 信息报送, 工作交流) never make two groups one."""
    health = group("梅川县卫生健康局干部职工群", "梅川县卫生健康局", "本单位干部职工")
    emergency = group("梅川县应急管理局干部职工群", "梅川县应急管理局", "本单位干部职工")
    county = group("梅川县干部职工群", "梅川县", "本单位干部职工")
    branch_a = group("梅川县卫生健康局党支部学习群", "梅川县卫生健康局", "本单位党员")
    branch_b = group("梅川县应急管理局党支部学习群", "梅川县应急管理局", "本单位党员")
    league = group("共青团梅川县委员会值班值守群", "共青团梅川县委员会", "值班人员")
    duty = group("梅川县值班值守群", "梅川县", "值班人员")
    for a, b in [(health, emergency), (health, county), (branch_a, branch_b), (league, duty), (health, branch_a)]:
        assert pair(a, b) is None, (a.name, b.name)
    second = group("梅川县卫生健康局工作群", "梅川县卫生健康局", "本单位干部职工")
    r = pair(health, second)
    assert r is not None and "同一单位同一对象" in r.evidence, "one unit, two groups for all its staff"


def test_village_groups_for_different_people_or_places() -> None:
    villagers = group("白垸村村民群", "白垸村", "本村村民", level="village")
    grid = group("白垸村网格群", "白垸村", "网格内居民", level="village")
    assert pair(villagers, grid) is None, "the whole village vs one grid's residents"
    a = group("丽水坊社区网格群", "丽水坊社区", "网格内居民", level="village", functions=("通知发布", "工作交流"))
    b = group("东丽水坊社区网格群", "东丽水坊社区", "网格内居民", level="village", functions=("通知发布", "工作交流"))
    assert pair(a, b) is None, "two communities, similar names"
    again = group("白垸村村民服务群", "白垸村村民委员会", "全体村民", level="village")
    assert pair(villagers, again) is not None, "one village's two groups for all its villagers"


def test_same_task_groups_of_one_place_by_two_units() -> None:
    town = group("柳坊镇防汛抗旱工作群", "梅川县柳坊镇人民政府", "防汛责任人", level="township")
    county = group("柳坊镇防汛抗旱群", "梅川县应急管理局", "防汛责任人", level="county")
    party = group("柳坊镇汛期值班群", "柳坊镇党委", "防汛责任人", level="township")
    assert pair(town, county) is not None, "the county's group for the township's cadres"
    assert pair(town, party) is not None, "the township's government and party committee"
    other = group("柳坊街道防汛抗旱工作群", "柳坊街道", "防汛责任人", level="township")
    assert pair(town, other) is None


def test_accounts_of_different_units_are_not_duplicates() -> None:
    """REG-10 counts accounts per unit and platform: other units' accounts, at other levels, publish the same
    kinds of things without duplicating one another."""
    city = account("平安清河", ["信息发布", "服务指南", "在线咨询"], "清河市委政法委员会", "WeChat")
    county = account("平安柳溪", ["信息发布", "服务指南", "在线咨询"], "清河市柳溪县委政法委员会", "WeChat", "county")
    propaganda = account("清河宣传", ["信息发布", "政策解读", "办事指南", "留言互动"], "清河市委宣传部", "WeChat")
    app = tool("云上清河", ["新闻资讯", "直播", "爆料", "政务服务入口"], owner="清河市融媒体中心", level="city")
    for a, b in [(city, county), (city, propaganda), (city, app), (county, app)]:
        assert pair(a, b) is None, (a.name, b.name)
    assert not [c for c in find_clusters([city, county, propaganda, app]) if len(c.ids) > 1]


def test_one_unit_one_account_per_platform() -> None:
    first = account("清河交通", ["新闻资讯", "政策解读", "便民查询", "互动留言"], "清河市交通运输局", "WeChat")
    second = account("清河交通在线", ["信息发布", "服务指南", "在线咨询"], "清河市交通运输局", "WeChat")
    weibo = account("清河交通", ["新闻资讯", "政策解读", "互动留言"], "清河市交通运输局", "Weibo")
    r = pair(first, second)
    assert r is not None and "同一单位同一平台账号" in r.evidence
    assert pair(first, weibo) is None, "a unit's WeChat and Weibo accounts are a matrix, not duplicates"


def test_a_link_to_a_platform_is_not_its_function() -> None:
    media = tool("云上清河", ["新闻资讯", "直播", "爆料", "政务服务入口"], owner="清河市融媒体中心", level="city")
    service = tool("清河办事通", ["事项办理", "电子证照", "一件事一次办", "好差评"], owner="清河市政务服务和数据管理局",
                   level="city")
    assert pair(media, service) is None


def test_enterprise_self_inspection_reworded() -> None:
    a = tool("清河安全生产通", ["隐患排查", "企业自查上报", "执法检查记录"], owner="清河市应急管理局", level="city")
    b = tool("清河企业安全自查", ["隐患自查", "企业自查填报", "检查记录查询"], owner="清河市市场监督管理局",
             kind="miniprogram", level="city")
    r = pair(a, b)
    assert r is not None and "安全检查" in r.shared[0]  # 企业自查上报 = 企业自查填报: the same hazard self-checks


def test_super_app_with_county_lookalikes_is_one_star() -> None:
    """A provincial platform and the counties' copies of it: one star around the platform; look-alikes by name
    that do local things, and sibling counties' tools, stay out; nothing chains."""
    province = tool("东江政务服务", ["一网通办", "办件进度查询", "预约办事", "电子证照", "办事指南"],
                    owner="东江省政务服务管理局", level="province", id="p0")
    copies = [tool(f"{c}通", ["网上办事", "办件查询", "预约取号"], owner=f"东江省临州市{c}县行政审批局", id=f"c{i}")
              for i, c in enumerate(["清河", "平阳", "永宁"])]
    lookalikes = [tool(f"智慧{c}", ["网上办事", "停车缴费", "车位查询", "充电桩"], owner=f"东江省临州市{c}县大数据局",
                       id=f"l{i}") for i, c in enumerate(["石门", "长乐"])]
    clusters = find_clusters([province, *copies, *lookalikes])
    assert [c.ids for c in clusters] == [("c0", "c1", "c2", "p0")]
    assert clusters[0].anchor == "p0" and "“东江政务服务”" in clusters[0].reason.split("：")[0]


def test_clusters_are_stars_not_chains() -> None:
    tools, _ = read_labelled_registry(DATA / "train.jsonl")
    for c in find_clusters(tools):
        partners = {b if a == c.anchor else a for a, b, _, _ in c.pairs if c.anchor in (a, b)}
        assert partners == set(c.ids) - {c.anchor}, c.ids


# ---------------------------------------------------------------------------------------------------
# clusters, contract, determinism


def registry() -> list[Tool]:
    return [
        tool("清河随手拍", ["随手拍", "进度查询"], owner="中共清河县委政法委", id="r1"),
        tool("清河e拍通", ["问题上报", "办理进度"], owner="清河县城市管理局", kind="miniprogram", id="r2"),
        tool("清河平安校园", ["学校安全检查", "隐患上报", "隐患整改"], owner="清河县教育局", id="r3"),
        tool("清河矿山安全", ["矿山安全检查", "隐患上报", "隐患整改"], owner="清河县应急管理局", id="r4"),
        tool("清河智慧党建", ["党员管理", "党费缴纳", "三会一课", "党员学习"], owner="中共清河县委组织部", id="r5"),
        tool("清河先锋", ["党员信息库", "在线交党费", "主题党日", "理论学习"], owner="中共清河县委组织部", id="r6"),
        tool("清河党费通", ["党费缴纳", "党员管理"], owner="中共清河县委组织部", kind="miniprogram", id="r7"),
        tool("清河河长制", ["巡河", "河湖问题上报", "一河一档"], owner="清河县水利局", id="r8"),
    ]


def test_contract_shape() -> None:
    out = clusters_to_contract(find_clusters(registry()))
    assert set(out) == {"clusters"}
    assert [c["ids"] for c in out["clusters"]] == [["r1", "r2"], ["r5", "r6", "r7"]]
    for c in out["clusters"]:
        assert set(c) == {"ids", "shared_functions", "reason"}
        assert c["ids"] == sorted(c["ids"]) and len(c["ids"]) >= 2
        assert c["shared_functions"] and all(isinstance(s, str) for s in c["shared_functions"])
        assert "重" in c["reason"] and not c["reason"].isascii()
    json.dumps(out, ensure_ascii=False)


def test_deterministic_under_input_order_and_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    tools, _ = read_labelled_registry(DATA / "train.jsonl")
    tools = tools[:160]
    first = clusters_to_contract(find_clusters(tools))
    shuffled = list(tools)
    random.Random(3).shuffle(shuffled)
    assert clusters_to_contract(find_clusters(shuffled)) == first
    monkeypatch.setattr(duplicates, "PARALLEL_MIN_TOOLS", 0)
    assert clusters_to_contract(find_clusters(tools, workers=2)) == first


def test_query_skips_itself_and_ranks() -> None:
    tools = registry()
    index = DuplicateIndex(tools)
    matches = index.query(tools[4], k=5)
    assert tools[4].id not in [m.id for m in matches]
    assert [m.id for m in matches][:1] == ["r6"]
    assert all(m.score >= n.score for m, n in itertools.pairwise(matches))


# ---------------------------------------------------------------------------------------------------
# pair scoring


def test_pair_scores() -> None:
    s = pair_scores([["a", "b", "c"], ["d", "e"]], [{"ids": ["a", "b"]}, {"ids": ["d", "e", "f"]}])
    # predicted pairs ab ac bc de; gold pairs ab de df ef
    assert (s.tp, s.fp, s.fn) == (2, 2, 2)
    assert s.precision == s.recall == s.f1 == 0.5
    empty = pair_scores([], [])
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)


def test_quality_on_a_labelled_file(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "kind": "app", "name": "清河随手拍", "owner_unit": "清河县委政法委", "functions": "随手拍;进度查询",
         "gold_cluster": "g1"},
        {"id": "b", "kind": "miniprogram", "name": "清河e拍通", "owner_unit": "清河县城市管理局",
         "functions": ["问题上报", "办理进度"], "gold_cluster": "g1"},
        {"id": "c", "kind": "app", "name": "清河矿山安全", "owner_unit": "清河县应急管理局",
         "functions": ["矿山安全检查"], "gold_cluster": None},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    result = evaluate_duplicates(path)
    assert (result.scores.tp, result.scores.fp, result.scores.fn) == (1, 0, 0)
    table = duplicates_quality_table(path)
    assert table.row_count == 1 and "precision" in [c.header for c in table.columns]
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"clusters": [{"ids": ["a", "c"]}]}), encoding="utf-8")
    assert evaluate_duplicates(path, gold).scores.fn == 1


def test_labelled_train_set_quality() -> None:
    result = evaluate_duplicates(DATA / "train.jsonl")
    assert result.tools >= 250 and result.gold_clusters >= 50
    assert result.scores.precision >= 0.9 and result.scores.recall >= 0.9
