"""Writers for people: the terminal report (terminal.py) and the office spreadsheet (xlsx.py).

Both render the same `ScanSummary`; the small label helpers they share live here. Importing this
package imports neither Rich nor openpyxl.
"""

from __future__ import annotations

from datetime import datetime

from jianfu.taxonomy import CHINESE_NAME, MESSAGE_CODES, SEVERITY_NAME, Code

BURDEN_NOTE = "负担估算口径见 docs/burden.md"


def code_name(label: str) -> str:
    """The Chinese name of a taxonomy code ("PROOF_TRACE" → "过度留痕"); unknown labels pass through."""
    try:
        return CHINESE_NAME[Code(label)]
    except ValueError:
        return label


def severity_label(severity: str) -> str:
    """ "S1" → "S1 红线"; an unknown level is shown as given."""
    name = SEVERITY_NAME.get(severity)
    return f"{severity} {name}" if name else severity


def off_hours_label(off_hours: bool | None) -> str:
    """是 / 否 / 未知 — a message without a usable time is unknown, never "否" (principle 3)."""
    if off_hours is None:
        return "未知"
    return "是" if off_hours else "否"


def percent(part: float, whole: float) -> str:
    """A share as "12.5%"; "—" when the whole is zero."""
    return f"{100 * part / whole:.1f}%" if whole else "—"


def code_order(labels: list[str]) -> list[str]:
    """Labels in taxonomy order (the eight message codes first), unknown labels last by name."""
    rank = {str(c): i for i, c in enumerate(MESSAGE_CODES)}
    return sorted(labels, key=lambda label: (rank.get(label, len(rank)), label))


def format_time(iso: str | None) -> str:
    """An ISO timestamp as "2025-05-09 10:13" (wall clock of its own offset); "时间未知" when None."""
    if iso is None:
        return "时间未知"
    try:
        return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def group_size_label(size: int, known: bool) -> str:
    """Recipients of a group: "57" when the export states it, "≥12" when it is a floor (senders seen)."""
    return str(size) if known else f"≥{size}"


def config_items(config: dict[str, object] | None) -> list[tuple[str, str]]:
    """The scan configuration (principle 7) as labelled pairs, known keys first in Chinese.

    `config` is what `MessageDetector.describe()` returns: ruleset, model, finding_threshold,
    model_thresholds, filters, working_hours; any other key is shown under its own name.
    """
    if not config:
        return []
    known = {
        "ruleset": "规则集版本",
        "model": "模型版本",
        "finding_threshold": "规则阈值",
        "model_thresholds": "模型阈值",
        "filters": "过滤器",
        "working_hours": "工作时间",
    }
    items: list[tuple[str, str]] = []
    for key, label in known.items():
        if key in config:
            items.append((label, _config_value(key, config[key])))
    for key, value in config.items():
        if key not in known:
            items.append((key, _config_value(key, value)))
    return items


def _config_value(key: str, value: object) -> str:
    if value is None:
        return "无" if key == "model" else "—"
    if key == "working_hours" and isinstance(value, list | tuple):
        return "、".join("–".join(str(p) for p in span) if isinstance(span, list | tuple) else str(span)
                        for span in value)
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(str(v) for v in value) or "—"
    return str(value)
