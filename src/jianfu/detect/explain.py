"""`jianfu explain "…"`: every rule's decision on one message, for people writing or checking rules."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.text import Text

from jianfu.config import Settings
from jianfu.detect.messages import MessageDetector
from jianfu.errors import UsageError
from jianfu.normalise.text import normalise
from jianfu.records import Message
from jianfu.taxonomy import CHINESE_NAME


def explain_text(text: str, at: str | None, settings: Settings, console: Console) -> None:
    sent_at = None
    if at is not None:
        try:
            sent_at = datetime.fromisoformat(at)
        except ValueError:
            raise UsageError(f"--at: not an ISO time: {at!r}") from None
        if sent_at.tzinfo is None:
            sent_at = sent_at.replace(tzinfo=ZoneInfo(settings.timezone))
    detector = MessageDetector.build(settings)
    result = detector.detect(Message(id="explain", text=text, sent_at=sent_at), explain=True)
    norm = normalise(text)
    console.print(Text("原文 original:   ") + Text(text))
    if norm.text != text:
        console.print(Text("规范化 normalised: ") + Text(norm.text))
    if result.off_hours is not None:
        console.print(f"非工作时间 off hours: {'是' if result.off_hours else '否'}")
    if result.deadline is not None:
        d = result.deadline
        console.print(Text(f"截止 deadline: {d.text} → {d.due.isoformat() if d.due else '?'}"
                           f" ({'?' if d.minutes_left is None else f'{d.minutes_left:.0f} 分钟'})"))
    for label, findings in (("命中 reported", result.findings), ("未报 not reported", result.suppressed)):
        for f in findings:
            e = f.explanation
            line = Text(f"[{label}] {f.code} {CHINESE_NAME[f.code]}  {f.rule}  得分 {f.score:.2f}  证据 ")
            line.append(f.evidence, style="bold red")
            console.print(line)
            if e is not None:
                parts = []
                if e.pattern:
                    parts.append(f"模式 {e.pattern} ({e.original_score})")
                if e.context_word:
                    parts.append(f"语境词 {e.context_word} +{e.score_context_improvement:.2f}")
                if e.model_score is not None:
                    parts.append(f"模型 {e.model_score:.2f}")
                if e.demand_score is not None:
                    parts.append(f"要求概率 {e.demand_score:.2f}")
                if e.model_features:
                    parts.append("特征 " + "/".join(e.model_features))
                if e.suppressed_by:
                    parts.append(f"过滤 {e.suppressed_by}")
                console.print(Text("    " + "；".join(parts)))
    console.print(f"labels: {result.labels or '[]'}   burden ≈ {result.burden_minutes:.1f} 分钟/人",
                  markup=False)
    console.print(f"ruleset {detector.rules.version}   model {detector.model.version if detector.model else None}",
                  markup=False)
