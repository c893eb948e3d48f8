"""The `jianfu scan` output line of contracts.md §1, plus documented extra fields."""

from __future__ import annotations

from typing import Any

from jianfu.records import MessageResult

FORMAT_VERSION = "jianfu.findings/1"


def result_line(result: MessageResult, explain: bool = False) -> dict[str, Any]:
    """One line per input message: message_id, labels, off_hours, findings (+ extras)."""
    msg = result.message
    line: dict[str, Any] = {
        "message_id": msg.id,
        "labels": result.labels,
        "off_hours": result.off_hours,
        "findings": [f.to_dict(explain) for f in result.findings],
    }
    # Extras (contracts.md allows them): where the message came from, its burden and deadline.
    line["group"] = msg.group
    line["sender"] = msg.sender
    line["sent_at"] = msg.sent_at  # orjson writes an aware datetime as ISO 8601 with its offset
    if result.findings:
        line["burden_minutes"] = round(result.burden_minutes, 1)
        if msg.group_size:
            line["recipients"] = msg.group_size
    if result.deadline is not None:
        d = result.deadline
        line["deadline"] = {
            "text": d.text,
            "span": [d.span[0], d.span[1]],
            "due": d.due,
            "minutes_left": round(d.minutes_left, 1) if d.minutes_left is not None else None,
        }
    if explain and result.suppressed:
        line["suppressed"] = [f.to_dict(True) for f in result.suppressed]
    return line
