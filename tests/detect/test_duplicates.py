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
