"""The contract's generic JSONL and CSV (contracts.md §1)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jianfu.errors import InputError
from jianfu.ingest import open_source, parse_unit, read_messages

from .support import SAMPLES, read_all

SH = ZoneInfo("Asia/Shanghai")
JSONL = SAMPLES / "generic/messages.jsonl"
CSV = SAMPLES / "generic/messages.csv"


def test_jsonl_sample_messages_times_and_extras() -> None:
    messages, problems = read_all(JSONL)
    assert [m.id for m in messages] == ["g-001", "g-002", "g-003", "g-004", "g-005", "g-006", "g-008", "g-010",
                                        "g-012", "g-013", "g-014"]
    by_id = {m.id: m for m in messages}
    # ISO with offset, naive local, Z, epoch seconds, epoch ms, slashes: all the same zone afterwards.
    assert by_id["g-001"].sent_at == datetime(2024, 6, 10, 20, 15, tzinfo=SH)
    assert by_id["g-002"].sent_at == datetime(2024, 6, 10, 20, 16, 3, tzinfo=SH)
    assert by_id["g-003"].sent_at == datetime(2024, 6, 10, 20, 30, tzinfo=SH)
    assert by_id["g-004"].sent_at == datetime(2024, 6, 10, 15, 0, tzinfo=SH)
    assert by_id["g-005"].sent_at == datetime(2024, 6, 10, 18, 0, 0, 123000, tzinfo=SH)
    assert by_id["g-006"].sent_at == datetime(2024, 6, 11, 9, 5, tzinfo=SH)
    assert all(m.sent_at is not None and m.sent_at.tzinfo is SH for m in messages)
    assert by_id["g-002"].extras.get("time_assumed_zone") is True
    assert "time_assumed_zone" not in by_id["g-001"].extras

    g1 = by_id["g-001"]
    assert (g1.text, g1.sender, g1.sender_role, g1.group, g1.group_size) == (
        "请各位今晚九点前在群里接龙打卡", "王科长", "leader", "XX镇网格员工作群", 48)
    assert (g1.source, g1.file, g1.line) == ("generic", str(JSONL), 1)
    assert g1.extras == {"labels": ["FORCED_CHECKIN"]}
    assert by_id["g-010"].extras == {"labels": [], "hard_negative": True}
    assert by_id["g-014"].group_size == 120  # "120" as a string is accepted
    # Text is kept exactly as exported, noise and Traditional characters included.
    assert by_id["g-004"].text == "把今天的入户照片截图发群里留痕@@每户至少３张[抱拳]"
    assert by_id["g-005"].text == "請各位關注公眾號並轉發朋友圈截圖，今晚統計"
    assert by_id["g-008"].text == "这个表上周报过了还要再报一遍，&nbsp;今天下班前交"

    # The blank line 7 shifts later records: line numbers are physical lines.
    assert by_id["g-008"].line == 9
    assert [(p.file, p.line) for p in problems] == [(str(JSONL), 8), (str(JSONL), 10), (str(JSONL), 12)]
    assert problems[0].reason.startswith("invalid JSON")
    assert problems[1].reason == "missing sent_at"
    assert "昨天晚上" in problems[2].reason


def test_jsonl_empty_text_is_skipped_not_an_error() -> None:
    source = open_source(JSONL)
    results = []
    for line, unit in source.units():
        try:
            results.append(parse_unit(source.format, source.file, line, unit))
        except InputError:
            continue
    assert results.count(None) == 1


def test_jsonl_units_are_raw_lines_and_blank_lines_are_skipped() -> None:
    source = open_source(JSONL)
    units = list(source.units())
    assert len(units) == 15
    assert all(isinstance(unit, str) for _, unit in units)
    assert [line for line, _ in units][5:8] == [6, 8, 9]


def test_csv_sample() -> None:
    messages, problems = read_all(CSV)
    assert [m.id for m in messages] == ["c-001", "c-002", "c-003", "c-004", "c-005", "c-006", "c-009"]
    by_id = {m.id: m for m in messages}
    assert by_id["c-003"].text == "所有人十分钟内回复收到,不回复的点名"
    assert by_id["c-003"].sent_at == datetime(2024, 6, 10, 20, 30, tzinfo=SH)
    assert by_id["c-004"].text == "把入户照片截图发群里留痕\n每户至少３张"  # quoted multi-line cell
    assert by_id["c-004"].sent_at == datetime(2024, 6, 10, 21, 0, tzinfo=SH)
    assert by_id["c-004"].extras == {"labels": ["PROOF_TRACE"], "time_assumed_zone": True}
    assert by_id["c-006"].extras["labels"] == ["RANKING", "DUPLICATE_REPORTING"]
    assert by_id["c-006"].group_size is None  # empty cell
    assert by_id["c-001"].group_size == 48
    assert all(m.source == "generic-csv" for m in messages)
    # Records are numbered by the line they start on (c-004 spans lines 5-6).
    assert [m.line for m in messages] == [2, 3, 4, 5, 7, 8, 11]
    assert [(p.line, p.reason) for p in problems] == [
        (9, "expected 8 fields, found 4"),
        (10, "missing id"),
        (12, "bad sent_at: unparsable time: '2024-13-40 25:00' (month must be in 1..12)"),
    ]


def test_csv_without_required_columns_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "no_text.csv"
    path.write_text("id,sent_at,sender\n1,2024-06-10 10:00,王科长\n", encoding="utf-8")
    [problem] = list(read_messages(path, "generic-csv"))
    assert (problem.file, problem.line) == (str(path), 1)
    assert "text" in problem.reason


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "a", "text": "收到"', "invalid JSON"),
        ('["a", "b"]', "expected a JSON object"),
        ('{"text": "收到", "sent_at": "2024-06-10 10:00"}', "missing id"),
        ('{"id": "a", "sent_at": "2024-06-10 10:00"}', "missing text"),
        ('{"id": "a", "text": 5, "sent_at": "2024-06-10 10:00"}', "text must be a string"),
        ('{"id": "a", "text": "收到", "sent_at": "yesterday"}', "bad sent_at"),
        ('{"id": "a", "text": "收到", "sent_at": "2024-06-10 10:00", "group_size": "many"}', "group_size"),
        ('{"id": [1], "text": "收到", "sent_at": "2024-06-10 10:00"}', "id must be a string"),
    ],
)
def test_malformed_generic_lines(line: str, reason: str) -> None:
    with pytest.raises(InputError) as err:
        parse_unit("generic", "f.jsonl", 42, line)
    assert (err.value.file, err.value.line) == ("f.jsonl", 42)
    assert reason in err.value.message


def test_integer_ids_and_numeric_senders_become_strings() -> None:
    msg = parse_unit("generic", "f.jsonl", 1, '{"id": 17, "text": "收到", "sent_at": 1718002800, "sender": 42}')
    assert msg is not None and msg.id == "17" and msg.sender == "42"
