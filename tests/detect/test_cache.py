"""The text-level cache never changes a result: cached, uncached and time-shifted runs agree."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jianfu.detect.messages as messages_module
from jianfu.config import Settings
from jianfu.contract import result_line
from jianfu.detect.messages import MessageDetector
from jianfu.evaluate.quality import read_labelled
from jianfu.records import Message

DEV = Path(__file__).resolve().parents[2] / "data" / "messages" / "dev.jsonl"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_cached_equals_uncached(detector: MessageDetector, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    messages = [m for m, _, _ in read_labelled([str(DEV)])][:400]
    first = [result_line(detector.detect(m), explain=True) for m in messages + messages]
    monkeypatch.setattr(messages_module, "CACHE_ENTRIES", 0)  # every entry cleared before the next
    fresh = MessageDetector.build(Settings(workers=1))
    second = [result_line(fresh.detect(m), explain=True) for m in messages + messages]
    assert first == second
    assert first[:400] == first[400:]


def test_same_text_at_other_times_is_not_served_stale(detector: MessageDetector) -> None:
    text = "所有人看到后回复收到"
    day = detector.detect(Message("a", text, datetime(2025, 5, 9, 10, 0, tzinfo=SHANGHAI)))
    night = detector.detect(Message("b", text, datetime(2025, 5, 9, 22, 30, tzinfo=SHANGHAI)))
    assert day.off_hours is False and night.off_hours is True
    assert day.labels == night.labels == ["INSTANT_REPLY"]
    assert int(night.findings[0].severity[1]) < int(day.findings[0].severity[1])
