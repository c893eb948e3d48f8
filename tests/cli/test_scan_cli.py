"""`jianfu scan` end to end, in-process and as a real process, on the committed samples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jianfu.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
DEMO = Path(__file__).resolve().parents[2] / "src" / "jianfu" / "data" / "demo" / "chats"


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_scan_generic_writes_contract(tmp_path: Path) -> None:
    src = tmp_path / "m.jsonl"
    rows = [
        {"id": "m-1", "text": "请各位今晚8点前截图发群，10分钟内回复收到", "sent_at": "2025-05-09T21:30:00+08:00",
         "sender": "王主任", "group": "网格群"},
        {"id": "m-2", "text": "收到", "sent_at": "2025-05-09T21:31:00+08:00", "sender": "小李", "group": "网格群"},
        {"id": "m-3", "text": "以后不再要求截图发群", "sent_at": "2025-05-10T09:00:00+08:00"},
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "f.jsonl"
    assert main(["scan", str(src), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    lines = read_lines(out)
    assert [line["message_id"] for line in lines] == ["m-1", "m-2", "m-3"]
    first = lines[0]
    assert {"PROOF_TRACE", "INSTANT_REPLY"} <= set(first["labels"])
    assert first["off_hours"] is True  # Friday 21:30
    for f in first["findings"]:
        assert set(f) >= {"code", "rule", "span", "evidence", "score", "policy"}
        assert rows[0]["text"][f["span"][0]:f["span"][1]] == f["evidence"]
    assert lines[1]["labels"] == [] and lines[2]["labels"] == []
    meta = json.loads((tmp_path / "f.jsonl.meta.json").read_text(encoding="utf-8"))
    assert meta["ruleset"].startswith("sha256:") and meta["messages"] == 3


def test_spans_index_traditional_noisy_original(tmp_path: Path) -> None:
    text = "請各位今晚九點前@@截圖發群&nbsp;[抱拳]"
    src = tmp_path / "t.jsonl"
    src.write_text(json.dumps({"id": "t", "text": text, "sent_at": "2025-05-09 21:00:00"}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["scan", str(src), "--out", str(out), "-q", "-j", "1"]) == 0
    finding = next(f for f in read_lines(out)[0]["findings"] if f["code"] == "PROOF_TRACE")
    assert text[finding["span"][0]:finding["span"][1]] == finding["evidence"]
    assert "截圖發群" in finding["evidence"]


def test_malformed_lines_counted_and_rest_scanned(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "a", "text": "请接龙打卡", "sent_at": "2025-05-09T09:00:00+08:00"}\n'
                   '{"id": "b", "text": broken\n'
                   '{"id": "c", "text": "收到", "sent_at": "2025-05-09T09:01:00+08:00"}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["scan", str(src), "--out", str(out), "-q", "-j", "1"]) == 0
    assert [line["message_id"] for line in read_lines(out)] == ["a", "c"]
    meta = json.loads((tmp_path / "o.jsonl.meta.json").read_text(encoding="utf-8"))
    assert meta["problems"] == 1 and f"{src}:2" in meta["problem_samples"][0]


def test_strict_stops_with_file_and_line_and_leaves_no_output(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "a", "text": "x", "sent_at": "2025-05-09T09:00:00+08:00"}\n{"id": "b"}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["scan", str(src), "--out", str(out), "--strict", "-q", "-j", "1"]) == 1
    assert f"{src}:2" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "o.jsonl.part").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert main(["scan"]) == 2
    assert main(["scan", str(SAMPLES), "--format", "nope"]) == 2


CHAT_SAMPLES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir() and p.name not in ("encodings", "registry"))


@pytest.mark.parametrize("sample", CHAT_SAMPLES)
def test_every_format_sample_scans(tmp_path: Path, sample: str) -> None:
    """Each supported format's sample scans end to end with explained, span-correct findings."""
    out = tmp_path / "o.jsonl"
    target = SAMPLES / sample
    assert main(["scan", str(target), "--out", str(out), "-q", "-j", "1"]) == 0
    lines = read_lines(out)
    assert lines, f"no messages read from {sample}"
    assert any(line["labels"] for line in lines), f"no demand found in the {sample} sample"


def test_xlsx_report(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["scan", str(DEMO), "--xlsx", str(out), "-q", "-j", "1"]) == 0
    wb = load_workbook(out, read_only=True)
    assert "发现明细" in wb.sheetnames and "汇总" in wb.sheetnames


def test_parallel_output_equals_single_process(tmp_path: Path) -> None:
    """Worker processes give exactly the single-process output, in input order."""
    src = tmp_path / "many.jsonl"
    texts = ["请今晚8点前接龙打卡", "收到", "把照片截图发群", "明天开会", "看到的扣个1", "转发一篇文章供参考"]
    src.write_text("".join(json.dumps({"id": f"m{i}", "text": texts[i % len(texts)],
                                       "sent_at": "2025-05-09T20:00:00+08:00"}, ensure_ascii=False) + "\n"
                           for i in range(5000)), encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["scan", str(src), "--out", str(one), "-q", "-j", "1"]) == 0
    assert main(["scan", str(src), "--out", str(two), "-q", "-j", "2"]) == 0
    assert one.read_bytes() == two.read_bytes()


def test_demo_scan_runs_as_a_process() -> None:
    """`jianfu demo` scans the bundled demo chats and prints the report (the main job is the platform)."""
    proc = subprocess.run([sys.executable, "-m", "jianfu", "demo"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "强制打卡接龙" in proc.stdout and "最严重的消息" in proc.stdout


def test_explain_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "请各位今晚8点前截图发群", "--at", "2025-05-09T21:30"]) == 0
    out = capsys.readouterr().out
    assert "msg.proof.screenshot" in out and "PROOF_TRACE" in out
