"""`jianfu registry …` end to end on SQLite and PostgreSQL, as a user runs it: import a 台账, file a
duplicate app and see it caught with its reasons, redirect or reject it, retire a zombie group, audit,
export and re-import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jianfu.cli import main
from jianfu.ingest.registry import read_registry

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "registry"
DEMO = Path(__file__).resolve().parents[2] / "src" / "jianfu" / "data" / "demo" / "registry"

# A new elderly-care app of another unit, worded differently from 清河智慧养老 / 颐养清河 in the 台账.
DUPLICATE_APPLICATION = """\
编号: QH-NEW-0001
名称: 清河银龄通
类型: APP
主办单位: 清河市卫生健康委员会
层级: 市级
平台: 自建
责任人: 周敏
功能描述: 老年人高龄补贴在线申领，预约助老服务，查询社区助餐点
主要功能: [高龄补贴在线申领, 助老服务预约, 助餐点查询]
功能特性: [意见反馈]
answers:
  in_plan: true
  overlap: 未发现重复
  module: 否
  coordination: 与市民政局协同
  data_sharing: 接入市共享平台
"""


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "220")

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["registry", "--db", db_url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _import_sample(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("import", str(SAMPLES / "units.csv"), "--by", "市网信办")
    assert code == 0, out
    code, out, _ = cli("import", str(SAMPLES / "tools.jsonl"), "--by", "市网信办")
    assert code == 0 and "新增 64" in out, out


def test_import_is_idempotent_and_bad_files_write_nothing(cli) -> None:  # type: ignore[no-untyped-def]
    _import_sample(cli)
    code, out, _ = cli("import", str(SAMPLES / "tools_zh_gbk.csv"))  # the same rows, Chinese headers, GBK
    assert code == 0 and "未变 64" in out and "新增 0 更新 0" in out, out
    code, _, err = cli("import", str(SAMPLES / "broken.csv"))
    assert code == 1
    assert "broken.csv:" in err and "未写入任何数据" in err
    code, out, _ = cli("list", "--limit", "0")
    assert "台账（64 条）" in out
    code, out, _ = cli("import", str(SAMPLES / "broken.csv"), "--skip-invalid")
    assert code == 0 and "跳过错误行" in out
    valid = len(read_registry(SAMPLES / "broken.csv").tools)
    code, out, _ = cli("list", "--limit", "0")
    assert f"台账（{64 + valid} 条）" in out or valid == 0


def test_filing_a_duplicate_is_caught_and_redirected(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _import_sample(cli)
    app = tmp_path / "application.yaml"
    app.write_text(DUPLICATE_APPLICATION, encoding="utf-8")
    code, out, _ = cli("file", str(app), "--by", "市卫健委")
    assert code == 0, out
    assert "APP-09" in out and "不通过" in out
    assert "QH-APP-00006" in out or "QH-APP-00011" in out  # the closest existing tools are named
    filing_id = out.split("备案申请编号 ")[1].split("，")[0]
    code, out, _ = cli("review")
    assert filing_id in out and "APP-09" in out  # pending, with its failed checks
    code, out, _ = cli("review", filing_id)
    assert "与已有工具功能重复" in out
    code, out, _ = cli("review", filing_id, "--redirect", "QH-APP-00011", "--reason", "作为颐养清河的模块建设",
                       "--by", "市网信办")
    assert code == 0 and "转为 QH-APP-00011 的功能模块" in out
    code, out, _ = cli("show", "QH-NEW-0001")
    assert "已整合" in out and "QH-APP-00011" in out
    assert "提交备案申请" in out and "作为颐养清河的模块建设" in out and "市网信办" in out
    code, _, err = cli("review", filing_id, "--approve", "--reason", "再审")
    assert code == 1 and "不能重复审核" in err


def test_reject_and_a_clean_filing_is_approved(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _import_sample(cli)
    clean = tmp_path / "clean.yaml"
    clean.write_text(DUPLICATE_APPLICATION.replace("QH-NEW-0001", "QH-NEW-0002").replace("清河银龄通", "清河古籍修复")
                     .replace("高龄补贴在线申领, 助老服务预约, 助餐点查询", "古籍修复预约, 修复进度查询")
                     .replace("老年人高龄补贴在线申领，预约助老服务，查询社区助餐点", "预约古籍修复、查询修复进度"),
                     encoding="utf-8")
    code, out, _ = cli("file", str(clean))
    assert code == 0 and "不通过 0 项" in out, out
    fid = out.split("备案申请编号 ")[1].split("，")[0]
    code, out, _ = cli("review", fid, "--approve", "--reason", "符合规划", "--filing-number", "清网备〔2026〕0001号")
    assert code == 0
    code, out, _ = cli("show", "QH-NEW-0002")
    assert "已备案运行" in out and "清网备〔2026〕0001号" in out
    dup = tmp_path / "dup.yaml"
    dup.write_text(DUPLICATE_APPLICATION, encoding="utf-8")
    code, out, _ = cli("file", str(dup))
    fid = out.split("备案申请编号 ")[1].split("，")[0]
    code, out, _ = cli("review", fid, "--reject", "--reason", "重复建设")
    assert code == 0 and "不予通过" in out
    code, _, err = cli("review", fid, "--approve")
    assert code == 2 or "reason" in err


def test_retire_a_zombie_group_and_audit(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _import_sample(cli)
    report = tmp_path / "audit.json"
    code, out, _ = cli("audit", "--as-of", "2025-06-30", "--out", str(report))
    assert code == 0, out
    findings = json.loads(report.read_text(encoding="utf-8"))["tools"]
    zombies = sorted(tid for tid, rs in findings.items() if any(r["rule"] == "GRP-01" for r in rs))
    assert zombies, "the sample has temporary groups past their task end"
    assert any(r["rule"] == "APP-01" for r in findings.get("QH-XCX-00001", []))  # 打卡签到 + 在线时长, no exemption
    code, out, _ = cli("retire", zombies[0], "--reason", "任务已结束，解散临时群", "--by", "县网信办")
    assert code == 0 and "已关停注销" in out
    code, out, _ = cli("audit", "--as-of", "2025-06-30", "--out", str(report))
    assert zombies[0] not in json.loads(report.read_text(encoding="utf-8"))["tools"]
    code, _, err = cli("retire", zombies[0], "--reason", "再次")
    assert code == 1 and "终态" in err


def test_export_round_trips(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _import_sample(cli)
    xlsx, jsonl = tmp_path / "out.xlsx", tmp_path / "out.jsonl"
    code, out, _ = cli("export", "--xlsx", str(xlsx), "--jsonl", str(jsonl))
    assert code == 0 and "已导出 64 条" in out
    again = read_registry(xlsx)
    assert again.ok and len(again.tools) == 64
    code, out, _ = cli("import", str(xlsx))
    assert "未变 64" in out, out


def test_duplicates_on_a_file_writes_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "clusters.json"
    assert main(["registry", "duplicates", str(SAMPLES / "tools.jsonl"), "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"clusters"}
    ids = [set(c["ids"]) for c in data["clusters"]]
    assert any({"QH-APP-00006", "QH-APP-00011"} <= c for c in ids)
    for c in data["clusters"]:
        assert len(c["ids"]) >= 2 and c["shared_functions"] and c["reason"]


def test_whole_prefecture(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The issue's 'done when' on the generated 清河市 registry: import, audit against the generator's
    answer key, file a duplicate app, redirect it, retire a zombie group."""
    key = json.loads((DEMO / "qinghe_planted.json").read_text(encoding="utf-8"))
    code, out, _ = cli("import", str(DEMO / "qinghe_registry.xlsx"), "--by", "清河市网信办")
    assert code == 0 and f"新增 {key['totals']['tools']}" in out, out
    report = tmp_path / "audit.json"
    assert cli("audit", "--as-of", key["as_of"], "--out", str(report))[0] == 0
    findings = json.loads(report.read_text(encoding="utf-8"))["tools"]

    def flagged(rule: str) -> set[str]:
        return {tid for tid, rs in findings.items() if any(r["rule"] == rule for r in rs)}

    assert flagged("GRP-01") == set(key["temporary_expired"])
    assert flagged("REG-01") == set(key["below_county_apps"])
    assert flagged("REG-12") >= set(key["groups_without_responsible"])
    assert flagged("APP-01") == set(key["banned_features"]) - set(key["exempted"])
    assert flagged("REG-10") == {t for pair in key["same_platform_accounts"] for t in pair}
    assert flagged("REG-03") == set(key["unfiled"])
    assert not flagged("GRP-01") & set(key["temporary_running"])

    code, out, _ = cli("file", str(DEMO / "application_example.yaml"), "--by", "市卫健委")
    assert code == 0 and "APP-09" in out and "不通过" in out
    assert "QH-APP-00006" in out or "QH-APP-00011" in out
    filing = out.split("备案申请编号 ")[1].split("，")[0]
    code, out, _ = cli("review", filing, "--redirect", "QH-APP-00011", "--reason", "并入颐养清河")
    assert code == 0 and "转为 QH-APP-00011 的功能模块" in out
    zombie = sorted(key["temporary_expired"])[0]
    code, out, _ = cli("retire", zombie, "--reason", "任务已结束")
    assert code == 0 and "已关停注销" in out
    code, out, _ = cli("show", zombie)
    assert "任务已结束" in out and "已关停注销" in out
