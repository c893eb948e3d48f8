"""Reading and writing the registry (台账) files: XLSX, CSV (UTF-8 and GBK), JSONL; validation; round trips.

The samples under tests/samples/registry/ and the demo workbook are written by scripts/gen_prefecture.py
(seeded); broken.csv holds one deliberately bad row per kind of error.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
import tracemalloc
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

import jianfu
from jianfu.errors import InputError
from jianfu.ingest.encoding import detect_encoding
from jianfu.ingest.registry import (
    TOOL_COLUMNS,
    UNIT_COLUMNS,
    RegistryFile,
    RowProblem,
    format_working_hours,
    iter_registry,
    parse_bool,
    parse_date,
    parse_kind,
    parse_level,
    parse_platform,
    parse_working_hours,
    read_registry,
    split_list,
)
from jianfu.lifecycle import Status
from jianfu.records import Tool, Unit
from jianfu.report.registry_export import (
    TITLE,
    write_registry_csv,
    write_registry_jsonl,
    write_registry_xlsx,
    write_units_csv,
    write_units_jsonl,
)

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "registry"
DEMO = Path(jianfu.__file__).resolve().parent / "data" / "demo" / "registry"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gen_prefecture.py"


def plain(tools: list[Tool]) -> list[Tool]:
    """Tools without where they were read from (file/line), for comparing across formats."""
    return [replace(t, file=None, line=None) for t in tools]


def where(problems: list[RowProblem]) -> list[tuple[str | None, int | None, str | None]]:
    return [(p.sheet, p.row, p.column) for p in problems]


@pytest.fixture(scope="module")
def demo() -> RegistryFile:
    return read_registry(DEMO / "qinghe_registry.xlsx")


# --- each format reads ----------------------------------------------------------------------------


def test_jsonl_english_csv_and_gbk_chinese_csv_read_the_same_tools() -> None:
    jsonl = read_registry(SAMPLES / "tools.jsonl")
    english = read_registry(SAMPLES / "tools_en.csv")
    chinese = read_registry(SAMPLES / "tools_zh_gbk.csv")
    for rf in (jsonl, english, chinese):
        assert rf.ok, rf.problems
        assert rf.warnings == []
        assert rf.units == []
    assert detect_encoding(SAMPLES / "tools_zh_gbk.csv") == "gb18030"  # GBK, read through its superset
    assert len(jsonl.tools) == 64
    assert plain(jsonl.tools) == plain(english.tools) == plain(chinese.tools)
    assert {t.kind for t in jsonl.tools} == {"app", "miniprogram", "public_account", "work_group"}

    first = chinese.tools[0]
    assert (first.file, first.line) == (str(SAMPLES / "tools_zh_gbk.csv"), 2)
    assert (jsonl.tools[0].line, english.tools[-1].line) == (1, 65)
    assert plain([first])[0] == Tool(
        "QH-XCX-00001", "miniprogram", "清河政府信息公开", "清河市人民政府办公室", "city",
        "提供依申请公开、政府公报查询、政策文件检索等服务", ("依申请公开", "政府公报查询", "政策文件检索"), "群众",
        date(2014, 3, 4), "WeChat", "政务公开", "高强红", "清网备〔2014〕0011号", ("拍照上传", "打卡签到", "在线时长"))
    temporary = [t for t in chinese.tools if t.temporary and t.status == "active"]
    assert all(t.kind == "work_group" and t.task_end is not None for t in temporary)
    assert sum(t.task_end < date(2025, 6, 30) for t in temporary) == 3  # planted: still active after the task


def test_units_file_alone_and_as_units_path() -> None:
    rf = read_registry(SAMPLES / "units.csv")
    assert rf.ok and rf.warnings == [] and rf.tools == []
    assert len(rf.units) == 88
    assert rf.units[0] == Unit("QH", "清河市", "city", None, None, "清河市")
    ids = {u.id for u in rf.units}
    assert all(u.parent in ids for u in rf.units if u.parent)
    assert {u.level for u in rf.units} == {"city", "county", "township", "village"}
    assert any(u.working_hours == [("08:30", "12:00"), ("14:30", "18:00")] for u in rf.units)

    both = read_registry(SAMPLES / "tools.jsonl", units_path=SAMPLES / "units.csv")
    assert both.ok and len(both.units) == 88 and len(both.tools) == 64
    names = {u.name for u in both.units}
    assert all(t.owner_unit in names for t in both.tools)


def test_hand_kept_office_workbook() -> None:
    """First sheet 'Sheet1' under a merged title, 序号/备注 columns, header variants, numbers as ids,
    dates as cells, as 年月日 text, dotted and as a bare Excel serial; a 单位 sheet; a 说明 sheet."""
    path = SAMPLES / "office.xlsx"
    rf = read_registry(path)
    assert rf.ok, rf.problems
    assert [str(w) for w in rf.warnings] == [
        f"{path}[说明]: 未识别的工作表，已忽略（台账应在「台账」或第一个工作表，单位在「单位」工作表）",
        f"{path}[Sheet1]:2:备注: 未知列，已忽略",
        f"{path}[Sheet1]:6: 表头第 15 列之后的值已忽略",
    ]
    tools = {t.id: t for t in rf.tools}
    assert list(tools) == ["1001", "1002", "1003", "1004", "LX-005", "1006"]
    assert [t.line for t in rf.tools] == [3, 4, 5, 6, 7, 8]  # Excel's row numbers, under title and header
    account = tools["1001"]
    assert (account.kind, account.level, account.platform) == ("public_account", "county", "WeChat")
    assert account.functions == ("教育资讯", "招生公告", "政策解读")  # "，" and ";" both split
    assert account.launched == date(2019, 3, 5)
    assert tools["1002"].launched == date(2021, 9, 1)  # 2021年9月1日
    assert tools["1003"].launched == date(2024, 5, 1)  # the serial 45413 in a General cell
    assert tools["LX-005"].launched == date(2022, 6, 15)  # 2022.6.15
    group = tools["1004"]
    assert (group.kind, group.level, group.platform) == ("work_group", "township", "WeCom")
    assert (group.temporary, group.task_end) == (True, date(2024, 6, 30))
    assert (group.responsible_person, group.filing_number) == (None, None)  # empty, and "无"
    assert (tools["1006"].level, tools["1006"].filing_number) == ("village", None)  # "/"
    assert rf.units == [
        Unit("LX", "柳溪县", "county", None, [("08:30", "12:00"), ("14:30", "17:30")]),
        Unit("LX-JY", "柳溪县教育局", "county", "LX"),
        Unit("LX-CG", "城关镇", "township", "LX", [("08:00", "12:00"), ("14:30", "18:00")]),
        Unit("LX-CG-DH", "东湖社区", "village", "LX-CG"),
    ]


def test_english_and_chinese_header_variants(tmp_path: Path) -> None:
    path = tmp_path / "variants.csv"
    path.write_text("ID,Name,Kind,Owner Unit,级别,上线日期（必填）,负责人*,所在平台\n"
                    "x1,清河就业,小程序,清河市人力资源和社会保障局,市直,2023/7/9,赵敏,支付宝小程序\n", encoding="utf-8")
    rf = read_registry(path)
    assert rf.ok and rf.warnings == []
    assert plain(rf.tools) == [Tool("x1", "miniprogram", "清河就业", "清河市人力资源和社会保障局", "city",
                                    launched=date(2023, 7, 9), responsible_person="赵敏", platform="Alipay")]


def test_demo_workbook_holds_the_planted_problems(demo: RegistryFile) -> None:
    path = DEMO / "qinghe_registry.xlsx"
    assert path.stat().st_size < 1_500_000
    assert demo.ok and demo.warnings == []
    key = json.loads((DEMO / "qinghe_planted.json").read_text(encoding="utf-8"))
    assert len(demo.tools) == key["totals"]["tools"] and 3000 <= len(demo.tools) <= 5000
    assert len(demo.units) == key["totals"]["units"]
    assert demo.tools[0].line == 3
    tools = {t.id: t for t in demo.tools}
    as_of = date.fromisoformat(key["as_of"])
    for ids in key["duplicate_clusters"]:
        assert len({tools[i].owner_unit for i in ids}) == len(ids) >= 2
        assert all(tools[i].kind in ("app", "miniprogram") for i in ids)
    for pair in key["same_platform_accounts"]:
        assert len({(tools[i].owner_unit, tools[i].platform, tools[i].kind) for i in pair}) == 1
    assert all(tools[i].kind == "app" and tools[i].level in ("township", "village") for i in key["below_county_apps"])
    assert all({"打卡签到", "积分排名", "在线时长"} & set(tools[i].features) for i in key["banned_features"])
    assert set(key["exempted"]) < set(key["banned_features"])
    assert all(tools[i].exemption for i in key["exempted"])
    assert all(tools[i].kind == "work_group" and tools[i].responsible_person is None
               for i in key["groups_without_responsible"])
    assert all(tools[i].temporary and tools[i].task_end < as_of and tools[i].status == "active"
               for i in key["temporary_expired"])
    assert all(tools[i].task_end >= as_of for i in key["temporary_running"])
    assert all(tools[i].filing_number is None and tools[i].kind != "work_group" for i in key["unfiled"])
    counts = key["counts"]
    assert (counts["duplicate_clusters"], counts["below_county_apps"], counts["same_platform_accounts"]) == (12, 14, 10)
    assert (counts["banned_features"], counts["exempted"], counts["groups_without_responsible"]) == (20, 6, 45)
    assert (counts["temporary_expired"], counts["unfiled"]) == (30, 16)
    merged = [t for t in demo.tools if t.status == "merged"]
    assert merged and all(t.merged_into in tools for t in merged)


def test_generator_reproduces_the_committed_files(demo: RegistryFile) -> None:
    spec = importlib.util.spec_from_file_location("gen_prefecture", SCRIPT)
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(gen)
    finally:
        del sys.modules[spec.name]
    units, tools, key, _ = gen.generate()
    assert plain(demo.tools) == tools
    assert demo.units == units
    assert key == json.loads((DEMO / "qinghe_planted.json").read_text(encoding="utf-8"))


# --- every kind of row error names file, row and column ---------------------------------------------

BROKEN_EXPECTED = [
    (3, "编号", "必填项为空"),
    (4, "类型", "无法识别的类型 '网站'"),
    (5, "层级", "无法识别的层级 '地区级'"),
    (5, "上线时间", "无法识别的日期 '2024-13-01'"),
    (6, "编号", "编号 'BR-001' 与第 2 行重复"),
    (7, "名称", "必填项为空"),
    (7, "主办单位", "必填项为空"),
    (8, "是否临时群", "无法识别的是/否值 '也许'"),
    (8, "任务结束日期", "无法识别的日期 '明年六月'"),
    (9, "状态", "无法识别的状态 '暂停使用'"),
    (10, None, "本行有 14 个值，多于表头的 13 列"),
    (12, "上线时间", "无法识别的日期 '2024/2/30'"),
    (13, "类型", "必填项为空"),
]


def test_broken_csv_reports_all_problems_of_every_row() -> None:
    path = SAMPLES / "broken.csv"
    rf = read_registry(path)
    assert not rf.ok
    got = [(p.row, p.column, p.reason) for p in rf.problems]
    assert [(r, c) for r, c, _ in got] == [(r, c) for r, c, _ in BROKEN_EXPECTED]
    for (_, _, reason), (_, _, expected) in zip(got, BROKEN_EXPECTED, strict=True):
        assert reason.startswith(expected)
    assert all(p.file == str(path) and p.sheet is None and p.is_error for p in rf.problems)
    assert str(rf.problems[3]) == f"{path}:5:上线时间: 无法识别的日期 '2024-13-01'"
    assert str(rf.problems[10]) == f"{path}:10: 本行有 14 个值，多于表头的 13 列"
    assert [str(w) for w in rf.warnings] == [f"{path}:1:备注说明: 未知列，已忽略"]
    assert [row for _, _, row in rf.invalid_rows] == [3, 4, 5, 6, 7, 8, 9, 10, 12, 13]
    # --skip-invalid keeps the rest: the valid rows are complete records
    assert [t.id for t in rf.tools] == ["BR-001", "BR-010"]
    group = rf.tools[1]
    assert (group.kind, group.platform, group.temporary, group.status) == ("work_group", "DingTalk", True, "retired")
    assert (group.launched, group.task_end, group.line) == (date(2024, 5, 1), date(2024, 6, 30), 11)


def test_xlsx_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["某县政务应用台账"])
    ws.append(["编号", "名称", "类型", "主办单位", "上线时间", "是否临时群"])
    ws.append(["A1", "甲", "APP", "某局", date(2024, 1, 1), None])
    ws.append(["A2", "乙", "APP", "某局", "2024-13-01", None])
    ws.append(["A3", None, "网站", "某局", 45413, "大概"])
    ws.append([])
    ws.append(["A1", "丙", "小程序", "某局", None, None])
    units = wb.create_sheet("单位")
    units.append(["单位编号", "单位名称", "层级", "上级单位编号", "工作时间"])
    units.append(["U1", "某县", "县级", None, "08:30-12:00,14:00-18:00"])
    units.append(["U2", "某局", "大区", "U1", None])
    units.append(["U3", "某镇", "乡镇", "U1", "8点到12点"])
    units.append(["U1", "某县（重复）", "县级", None, None])
    path = tmp_path / "台账.xlsx"
    wb.save(path)

    rf = read_registry(path)
    assert where(rf.problems) == [
        ("单位", 3, "层级"), ("单位", 4, "工作时间"), ("单位", 5, "单位编号"),
        ("台账", 4, "上线时间"), ("台账", 5, "名称"), ("台账", 5, "类型"), ("台账", 5, "是否临时群"),
        ("台账", 7, "编号"),
    ]
    assert str(rf.problems[3]) == f"{path}[台账]:4:上线时间: 无法识别的日期 '2024-13-01'"
    assert str(rf.problems[-1]) == f"{path}[台账]:7:编号: 编号 'A1' 与第 3 行重复"
    assert [t.id for t in rf.tools] == ["A1"] and rf.tools[0].launched == date(2024, 1, 1)
    assert [u.id for u in rf.units] == ["U1"]


def test_jsonl_errors_name_line_and_key(tmp_path: Path) -> None:
    lines = [
        '{"id":"j1","kind":"app","name":"甲","owner_unit":"某局","functions":["a","b"],"note":1}',
        '{"id":"j2","kind":"应用","name":"乙","owner_unit":"某局","functions":"a、b","note":2}',
        '{"id":"j3","kind":"app","name":["乙"],"owner_unit":"某局","functions":5}',
        "not json",
        "[1, 2]",
        "",
        '{"id":"j7","kind":"work_group","name":"群","owner_unit":"某局","temporary":"maybe","launched":"2024-02-30"}',
        '{"kind":"app","name":"丁","owner_unit":"某局"}',
        '{"id":"j1","kind":"app","name":"戊","owner_unit":"某局"}',
        '{"id":"j10","kind":"public_account","name":"号","owner_unit":"某局","level":"省级","temporary":true}',
        '{"id":"j11","kind":"app","name":"己","owner_unit":"某局","launched":null,"functions":[]}',
    ]
    path = tmp_path / "tools.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rf = read_registry(path)
    assert where(rf.problems) == [
        (None, 3, "name"), (None, 3, "functions"), (None, 4, None), (None, 5, None),
        (None, 7, "temporary"), (None, 7, "launched"), (None, 8, "id"), (None, 9, "id"),
    ]
    assert rf.problems[2].reason.startswith("JSON 格式错误")
    assert str(rf.problems[6]) == f"{path}:8:id: 必填项为空"
    assert where(rf.warnings) == [(None, 1, "note"), (None, 10, "temporary")]  # unknown key warned once
    assert [t.id for t in rf.tools] == ["j1", "j2", "j10", "j11"]
    assert rf.tools[1].functions == ("a", "b") and rf.tools[1].kind == "app"
    assert rf.tools[2].level == "province" and rf.tools[3].launched is None


def test_units_csv_errors(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("id,name,level,parent,working_hours\n"
                    "c1,某市,city,,08:30-12:00;14:00-18:00\n"
                    "c2,,county,c1,\n"
                    "c3,某县,县,c1,18:00-08:00\n"
                    "c1,某市二,市级,,\n"
                    ",某镇,town,c3,\n", encoding="utf-8")
    rf = read_registry(path)
    assert [(p.row, p.column) for p in rf.problems] == [
        (3, "name"), (4, "working_hours"), (5, "id"), (6, "id"), (6, "level")]
    assert rf.units == [Unit("c1", "某市", "city", None, [("08:30", "12:00"), ("14:00", "18:00")])]


def test_missing_required_column_is_reported_once_at_the_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("编号,名称,类型,平台\n" + "".join(f"t{i},甲,APP,微信\n" for i in range(50)), encoding="utf-8")
    rf = read_registry(path)
    assert [(p.row, p.column) for p in rf.problems] == [(1, "主办单位")]
    assert rf.problems[0].reason == "缺少必填列「主办单位」（owner_unit）"
    assert rf.tools == []


def test_unreadable_files_raise_input_error_naming_them(tmp_path: Path) -> None:
    cases = {
        "missing.csv": None,
        "corrupt.xlsx": b"PK\x03\x04 not really a zip",
        "text.xlsx": "编号,名称\n".encode(),
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
        "noheader.csv": "这不是台账\n只是一段文字\n".encode(),
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(InputError) as info:
            read_registry(path)
        assert name in str(info.value), str(info.value)
    with pytest.raises(InputError, match="xls"):
        read_registry(tmp_path / "old.xls")
    with pytest.raises(InputError, match="找不到表头"):
        read_registry(tmp_path / "noheader.csv")
    with pytest.raises(InputError):
        read_registry(tmp_path)  # a directory

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    rf = read_registry(empty)
    assert rf.ok and rf.tools == [] and [w.reason for w in rf.warnings] == ["没有任何记录"]


# --- value parsers --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "2024-05-01", "2024/5/1", "2024年5月1日", "2024.5.1", "20240501", "２０２４年５月１日", "2024-05-01 08:30:00",
    " 2024 年 5 月 1 日 ", 45413, 45413.0, datetime(2024, 5, 1, 9, 30), date(2024, 5, 1)])
def test_dates(value: object) -> None:
    assert parse_date(value) == date(2024, 5, 1)


@pytest.mark.parametrize("value", ["2024-13-01", "2024/2/30", "明天", "5/1/2024", "2024-05", True, -3, [2024]])
def test_bad_dates(value: object) -> None:
    with pytest.raises(ValueError, match="无法识别的日期"):
        parse_date(value)


def test_enums_booleans_lists_hours_platforms() -> None:
    kinds = {"应用": "app", "APP": "app", "app": "app", "政务APP": "app", "小程序": "miniprogram",
             "微信小程序": "miniprogram", "公众号": "public_account", "政务公众号": "public_account",
             "工作群": "work_group", "微信群": "work_group", "work_group": "work_group"}
    assert {k: parse_kind(k) for k in kinds} == kinds
    levels = {"省级": "province", "市级": "city", "县级": "county", "县（区）": "county", "乡镇": "township",
              "街道": "township", "村(社区)": "village", "村（社区）": "village", "社区": "village", "county": "county"}
    assert {k: parse_level(k) for k in levels} == levels
    for bad, parse in (("网站", parse_kind), ("地区级", parse_level)):
        with pytest.raises(ValueError):
            parse(bad)
    assert [parse_bool(v) for v in ("是", "否", "true", "FALSE", "1", "0", "Yes", 1, 0, True)] == \
        [True, False, True, False, True, False, True, True, False, True]
    for bad in ("也许", 2, None):
        with pytest.raises(ValueError):
            parse_bool(bad)
    assert split_list("a;b；c、d,e，f") == ("a", "b", "c", "d", "e", "f")
    assert split_list(" a 、、b ;a") == ("a", "b")
    assert split_list('["x", "y"]') == ("x", "y")
    with pytest.raises(ValueError):
        split_list(["a", 1])
    hours = parse_working_hours("8:30-12:00，14:00 - 18:00")
    assert hours == [("08:30", "12:00"), ("14:00", "18:00")]
    assert format_working_hours(hours) == "08:30-12:00,14:00-18:00"
    assert parse_working_hours([["08:00", "12:00"]]) == [("08:00", "12:00")]
    for bad in ("8点到12点", "12:00-08:00", "25:00-26:00", ""):
        with pytest.raises(ValueError):
            parse_working_hours(bad)
    assert [parse_platform(p) for p in ("微信公众平台", "企业微信", "钉钉", "抖音", "自建", "WeChat", "政务外网")] == \
        ["WeChat", "WeCom", "DingTalk", "Douyin", "own", "WeChat", "政务外网"]


# --- export and round trip ------------------------------------------------------------------------


def edge_units() -> list[Unit]:
    return [
        Unit("P1", "某省", "province", None, None, None),
        Unit("007", "=某市", "city", "P1", [("08:00", "12:00"), ("14:30", "17:30")], "某省"),
    ]


def edge_tools() -> list[Tool]:
    """Every field set, and the values that trip exporters: formulas, leading zeros, every status."""
    tools = [
        Tool("007", "app", "=HYPERLINK(\"x\")", "=某市", "city", "第一行\n第二行", ("打卡签到", "积分排名"), "全体干部",
             date(2019, 12, 31), "own", "考勤", "王小明", "清网备〔2019〕0007号", ("打卡签到", "在线时长"),
             "应急：汛期值守期间启用，经减负办批准", False, None, "rectifying", None),
        Tool("g-1", "work_group", "某镇防汛临时工作群", "某镇", "township", functions=("任务部署",),
             platform="政务外网", temporary=True, task_end=date(2024, 9, 30), status="retired"),
        Tool("m-1", "miniprogram", "合并掉的小程序", "某局", None, status="merged", merged_into="007"),
    ]
    tools += [Tool(f"s-{s.value}", "public_account", f"状态{s.value}", "某局", "village", status=s.value)
              for s in Status]
    return tools


@pytest.fixture(scope="module")
def sample() -> tuple[list[Unit], list[Tool]]:
    units = read_registry(SAMPLES / "units.csv").units + edge_units()
    tools = plain(read_registry(SAMPLES / "tools.jsonl").tools) + edge_tools()
    return units, tools


@pytest.mark.parametrize("fmt", ["xlsx", "jsonl", "csv-zh", "csv-en", "csv-gbk"])
def test_round_trip(tmp_path: Path, sample: tuple[list[Unit], list[Tool]], fmt: str) -> None:
    units, tools = sample
    units_path = None
    if fmt == "xlsx":
        path = write_registry_xlsx(units, tools, tmp_path / "台账.xlsx")
    elif fmt == "jsonl":
        path = tmp_path / "tools.jsonl"
        assert write_registry_jsonl(tools, path) == len(tools)
        units_path = tmp_path / "units.jsonl"
        write_units_jsonl(units, units_path)
    else:
        chinese = fmt != "csv-en"
        encoding = "gbk" if fmt == "csv-gbk" else "utf-8-sig"
        path = tmp_path / "tools.csv"
        write_registry_csv(tools, path, chinese=chinese, encoding=encoding)
        units_path = tmp_path / "units.csv"
        write_units_csv(units, units_path, chinese=chinese, encoding=encoding)
    rf = read_registry(path, units_path=units_path)
    assert rf.ok, rf.problems[:5]
    assert rf.warnings == []
    assert plain(rf.tools) == tools
    assert rf.units == units
    again = read_registry(path, units_path=units_path)  # re-reading the same file gives the same records
    assert again.tools == rf.tools and again.units == rf.units


def test_xlsx_layout(tmp_path: Path, sample: tuple[list[Unit], list[Tool]]) -> None:
    units, tools = sample
    path = write_registry_xlsx(units, tools, tmp_path / "台账.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["台账", "单位"]
    ws = wb["台账"]
    assert ws["A1"].value == TITLE and ws["A1"].font.bold
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:T1"]
    assert ws.freeze_panes == "C3"
    assert [c.value for c in ws[2]] == [
        "序号", "编号", "名称", "类型", "主办单位", "层级", "平台", "功能描述", "主要功能", "使用对象", "上线时间",
        "建设目的", "责任人", "备案编号", "功能特性", "豁免情况", "是否临时群", "任务结束日期", "状态", "并入对象"]
    assert all(c.font.bold for c in ws[2])
    assert ws.auto_filter.ref == f"A2:T{len(tools) + 2}"
    assert ws.column_dimensions["C"].width == 26  # 名称
    launched = ws.cell(row=3, column=1 + 1 + [c.field for c in TOOL_COLUMNS].index("launched"))
    assert isinstance(launched.value, datetime) and launched.number_format == "yyyy-mm-dd"
    assert ws.cell(row=3, column=1).value == 1  # 序号
    assert ws.cell(row=3, column=4).value == "小程序"
    assert ws.cell(row=3, column=5).value == "清河市人民政府办公室"
    formula = next(r for r in ws.iter_rows(min_row=3) if r[1].value == "007")
    assert formula[2].data_type == "s"  # text, never a formula
    unit_ws = wb["单位"]
    assert [c.value for c in unit_ws[2]] == ["序号", *(c.header for c in UNIT_COLUMNS)]
    assert unit_ws.freeze_panes == "C3"


# --- streaming ------------------------------------------------------------------------------------

STREAM_ROWS = 100_000
# Measured: 13.6 MB peak for 100k rows (CPython 3.11). Of that, ~127 bytes a row is the duplicate-id
# index (the id string, its first row number and the dict slot), which must hold every id to find
# duplicates anywhere in the file; the rest is constant: the CSV buffer and the memo tables (capped at
# 8,192 values per field). Keeping the rows instead (read_registry) takes ~55 MB (~550 bytes a Tool).
# 24 MB leaves ~75% headroom over the measurement and stays under half of what keeping rows costs.
STREAM_PEAK_LIMIT = 24 * 1024 * 1024


@pytest.mark.slow
def test_streaming_100k_row_csv_keeps_memory_bounded(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.header for c in TOOL_COLUMNS])
        for i in range(STREAM_ROWS):
            writer.writerow([f"T{i:06d}", f"青石镇第{i}网格工作群", "工作群", f"青石县第{i % 500}村", "村(社区)",
                             "微信", f"用于第{i}网格的通知与信息报送", "通知发布、信息报送", "网格员", "2023-05-01",
                             "网格化管理", f"王{i % 97}", "", "", "", "否", "", "已备案运行", ""])
    count = problems = 0
    tracemalloc.start()
    try:
        for item in iter_registry(path):
            if isinstance(item, Tool):
                count += 1
            else:
                problems += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (count, problems) == (STREAM_ROWS, 0)
    assert peak < STREAM_PEAK_LIMIT, f"peak {peak / 1e6:.1f} MB"
