"""A mergeable summary of a scan: counts by group and code, off-hours share, burden, worst messages.

Each worker process fills its own `ScanSummary` and the parent merges them, so a scan of millions
of messages keeps only these aggregates (bounded by groups × senders), never the messages.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from jianfu.records import MessageResult

WORST_KEPT = 10
PROBLEM_SAMPLES_KEPT = 20
NO_GROUP = "（未标明群组）"
NO_SENDER = "（未知发送人）"


@dataclass(slots=True)
class WorstMessage:
    """A message with demands, kept for the "worst messages" table with its highlighted evidence."""

    rank: tuple[int, float, int]  # (severity strength, max score, number of codes)
    message_id: str
    group: str
    sender: str
    sent_at: str | None
    text: str
    labels: list[str]
    spans: list[tuple[int, int]]
    severity: str
    off_hours: bool | None
    burden_minutes: float

    def __lt__(self, other: WorstMessage) -> bool:
        return (self.rank, self.message_id) < (other.rank, other.message_id)


@dataclass(slots=True)
class ScanSummary:
    files: list[dict[str, Any]] = field(default_factory=list)  # per-file status rows (principle 9)
    messages: int = 0
    with_demands: int = 0
    findings: int = 0
    timed_demands: int = 0  # demands whose time is known
    off_hours_demands: int = 0
    skipped: int = 0
    problems: int = 0
    problem_samples: list[str] = field(default_factory=list)
    by_code: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    group_messages: Counter[str] = field(default_factory=Counter)
    group_demands: Counter[str] = field(default_factory=Counter)
    group_codes: dict[str, Counter[str]] = field(default_factory=dict)
    group_senders: dict[str, set[str]] = field(default_factory=dict)
    group_size_known: dict[str, int] = field(default_factory=dict)
    # per-recipient minutes by (sender, group); multiplied by the group size when reported
    burden: Counter[tuple[str, str]] = field(default_factory=Counter)
    weekday_hour: Counter[tuple[int, int]] = field(default_factory=Counter)
    worst: list[WorstMessage] = field(default_factory=list)  # a min-heap of the WORST_KEPT worst

    def add(self, result: MessageResult) -> None:
        msg = result.message
        group = msg.group or NO_GROUP
        sender = msg.sender or NO_SENDER
        self.messages += 1
        self.group_messages[group] += 1
        self.group_senders.setdefault(group, set()).add(sender)
        if msg.group_size:
            self.group_size_known[group] = max(self.group_size_known.get(group, 0), msg.group_size)
        if not result.findings:
            return
        self.with_demands += 1
        self.findings += len(result.findings)
        self.group_demands[group] += 1
        codes = self.group_codes.setdefault(group, Counter())
        for label in result.labels:
            self.by_code[label] += 1
            codes[label] += 1
        severity = min(f.severity for f in result.findings)
        self.by_severity[severity] += 1
        if result.off_hours is not None:
            self.timed_demands += 1
            self.off_hours_demands += int(result.off_hours)
        if msg.sent_at is not None:
            self.weekday_hour[(msg.sent_at.weekday(), msg.sent_at.hour)] += 1
        self.burden[(sender, group)] += result.burden_minutes
        rank = (5 - int(severity[1]), max(f.score for f in result.findings), len(result.labels))
        if len(self.worst) >= WORST_KEPT and (rank, msg.id) <= (self.worst[0].rank, self.worst[0].message_id):
            return  # not among the worst: skip building the record
        worst = WorstMessage(rank, msg.id, group, sender, msg.sent_at.isoformat() if msg.sent_at else None,
                             msg.text, result.labels, [f.span for f in result.findings], severity,
                             result.off_hours, result.burden_minutes)
        if len(self.worst) < WORST_KEPT:
            heapq.heappush(self.worst, worst)
        elif self.worst[0] < worst:
            heapq.heapreplace(self.worst, worst)

    def add_problem(self, problem: str) -> None:
        self.problems += 1
        if len(self.problem_samples) < PROBLEM_SAMPLES_KEPT:
            self.problem_samples.append(problem)

    def merge(self, other: ScanSummary) -> None:
        self.messages += other.messages
        self.with_demands += other.with_demands
        self.findings += other.findings
        self.timed_demands += other.timed_demands
        self.off_hours_demands += other.off_hours_demands
        self.skipped += other.skipped
        self.problems += other.problems
        room = PROBLEM_SAMPLES_KEPT - len(self.problem_samples)
        self.problem_samples.extend(other.problem_samples[:max(0, room)])
        self.by_code.update(other.by_code)
        self.by_severity.update(other.by_severity)
        self.group_messages.update(other.group_messages)
        self.group_demands.update(other.group_demands)
        for g, c in other.group_codes.items():
            self.group_codes.setdefault(g, Counter()).update(c)
        for g, s in other.group_senders.items():
            self.group_senders.setdefault(g, set()).update(s)
        for g, n in other.group_size_known.items():
            self.group_size_known[g] = max(self.group_size_known.get(g, 0), n)
        self.burden.update(other.burden)
        self.weekday_hour.update(other.weekday_hour)
        for w in other.worst:
            if len(self.worst) < WORST_KEPT:
                heapq.heappush(self.worst, w)
            elif self.worst[0] < w:
                heapq.heapreplace(self.worst, w)

    # ---- derived figures, used by every report ---------------------------------------------

    def group_size(self, group: str) -> tuple[int, bool]:
        """Recipients of a group: the size the export states, else the distinct senders seen (a floor)."""
        if group in self.group_size_known:
            return self.group_size_known[group], True
        return max(1, len(self.group_senders.get(group, ()))), False

    def off_hours_share(self) -> float | None:
        return self.off_hours_demands / self.timed_demands if self.timed_demands else None

    def burden_by_sender(self) -> list[tuple[str, float]]:
        """Cadre-minutes imposed by each sender: per-recipient minutes × recipients of the group."""
        totals: Counter[str] = Counter()
        for (sender, group), minutes in self.burden.items():
            totals[sender] += minutes * self.group_size(group)[0]
        return totals.most_common()

    def burden_total_minutes(self) -> float:
        return sum(m for _, m in self.burden_by_sender())

    def worst_messages(self) -> list[WorstMessage]:
        return sorted(self.worst, reverse=True)
