"""`jianfu eval`: precision, recall and F1 per code on labelled messages, macro-F1, hard-negative FPs.

Labelled data is the generic message contract plus a `labels` field (a list of codes, or a string
separated by `;`, `,`, `|` or spaces) and, optionally, `hard_negative` (true for messages from the
taxonomy's "does NOT apply" column). `codes`/`label`/`expected` are accepted as the labels field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from jianfu.config import Settings
from jianfu.detect.messages import MessageDetector
from jianfu.errors import InputError
from jianfu.ingest import read_messages
from jianfu.records import Message
from jianfu.taxonomy import CHINESE_NAME, MESSAGE_CODES, parse_code

LABEL_FIELDS = ("labels", "codes", "label", "expected", "expected_labels")
TRUE_VALUES = {True, "1", "true", "True", "TRUE", "yes", "y", "是"}


def _labels_of(extras: dict[str, Any], where: str) -> list[str]:
    for name in LABEL_FIELDS:
        if name in extras:
            raw = extras[name]
            break
    else:
        raise InputError("no labels field (one of: " + ", ".join(LABEL_FIELDS) + ")", where)
    if raw is None:
        return []
    if isinstance(raw, str):
        for sep in (";", ",", "|", "、"):
            raw = raw.replace(sep, " ")
        items = raw.split()
    else:
        items = list(raw)
    try:
        return sorted({str(parse_code(str(x))) for x in items if str(x).strip()})
    except ValueError as exc:
        raise InputError(str(exc), where) from None


def _hard_negative(extras: dict[str, Any]) -> bool:
    if extras.get("hard_negative") in TRUE_VALUES:
        return True
    kind = str(extras.get("kind") or extras.get("category") or extras.get("type") or "")
    return kind.replace("-", "_").lower() == "hard_negative"


def read_labelled(paths: list[str]) -> Iterator[tuple[Message, list[str], bool]]:
    """(message, labels, is_hard_negative) for every labelled message; a bad line raises InputError."""
    for path in paths:
        for item in read_messages(path, strict=True):
            assert isinstance(item, Message)
            where = f"{item.file}:{item.line}"
            yield item, _labels_of(item.extras, where), _hard_negative(item.extras)


@dataclass(slots=True)
class Scores:
    """True and false positives and false negatives, with precision, recall and F1 (per code, or of pairs)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class QualityResult:
    files: list[str]
    messages: int = 0
    exact: int = 0
    per_code: dict[str, Scores] = field(default_factory=lambda: {str(c): Scores() for c in MESSAGE_CODES})
    hard_negatives: int = 0
    hard_negative_fp: int = 0
    negatives: int = 0
    negative_fp: int = 0
    errors: list[tuple[Message, list[str], list[str]]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def macro_f1(self) -> float:
        scored = [s.f1 for s in self.per_code.values() if s.support or s.fp]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def hard_negative_fp_rate(self) -> float | None:
        return self.hard_negative_fp / self.hard_negatives if self.hard_negatives else None

    @property
    def negative_fp_rate(self) -> float | None:
        return self.negative_fp / self.negatives if self.negatives else None


def evaluate_messages(paths: list[str], settings: Settings, use_model: bool = True,
                      detector: MessageDetector | None = None) -> QualityResult:
    detector = detector or MessageDetector.build(settings, use_model=use_model)
    result = QualityResult(files=paths, config=detector.describe())
    for message, expected, hard in read_labelled(paths):
        predicted = sorted(detector.detect(message).labels)
        result.messages += 1
        result.exact += int(predicted == expected)
        for code, score in result.per_code.items():
            if code in predicted and code in expected:
                score.tp += 1
            elif code in predicted:
                score.fp += 1
            elif code in expected:
                score.fn += 1
        if not expected:
            result.negatives += 1
            result.negative_fp += int(bool(predicted))
            if hard:
                result.hard_negatives += 1
                result.hard_negative_fp += int(bool(predicted))
        if predicted != expected:
            result.errors.append((message, expected, predicted))
    return result


def print_quality(result: QualityResult, console: Console, show_errors: int = 0) -> None:
    table = Table(title=f"检测质量 detection quality — {', '.join(result.files)}")
    for col in ("代码 code", "中文", "support", "TP", "FP", "FN", "precision", "recall", "F1"):
        table.add_column(col, justify="right" if col not in ("代码 code", "中文") else "left")
    for code, s in result.per_code.items():
        table.add_row(code, CHINESE_NAME[parse_code(code)], str(s.support), str(s.tp), str(s.fp), str(s.fn),
                      f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}")
    console.print(table)
    console.print(f"messages: {result.messages}   exact label-set match: {result.exact / max(1, result.messages):.3f}")
    console.print(f"macro-F1: {result.macro_f1:.3f}")
    hn = result.hard_negative_fp_rate
    console.print(
        f"hard negatives: {result.hard_negatives}   false positives: {result.hard_negative_fp}   "
        f"FP rate: {'n/a' if hn is None else f'{hn:.3f}'}"
    )
    neg = result.negative_fp_rate
    console.print(
        f"all negatives (no label): {result.negatives}   false positives: {result.negative_fp}   "
        f"FP rate: {'n/a' if neg is None else f'{neg:.3f}'}"
    )
    console.print(f"ruleset {result.config.get('ruleset')}   model {result.config.get('model')}")
    for message, expected, predicted in result.errors[:show_errors]:
        console.print(f"[dim]{message.id}[/] expected={expected} predicted={predicted}  ", end="")
        console.print(message.text, markup=False, highlight=False)
