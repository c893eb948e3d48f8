"""Demand detection in one chat message: normalise → rules → model → time → findings.

`MessageDetector.detect(message)` is the single entry point. It is pure: the message carries its
own time (no clock is read), and the detector holds only what was loaded once (rules, model,
calendar, settings), so the CLI, the web import and Spark workers call the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from jianfu.config import Settings
from jianfu.detect.engine import RuleMatch, RuleSet, Scan
from jianfu.detect.filters import CHECKS, CheckInput
from jianfu.detect.model import DEFAULT_MODEL, MessageModel, ModelScores, decide, dense_features
from jianfu.evaluate.burden import burden_minutes
from jianfu.normalise.calendar import WorkCalendar, parse_deadline
from jianfu.normalise.text import Normalised, normalise
from jianfu.records import Deadline, Explanation, Finding, Message, MessageResult
from jianfu.taxonomy import MESSAGE_CODES, MESSAGE_SEVERITY, Code, raise_severity

MODEL_RULE_PREFIX = "model."
# Policy clause quoted for findings the model makes without a rule (MSG-01..08 by code).
MODEL_POLICY = {
    Code.FORCED_CHECKIN: "MSG-01《若干意见》：不得强制要求打卡接龙",
    Code.PROOF_TRACE: "MSG-02《若干意见》：不得随意要求上传不必要的截图、视频（过度留痕）",
    Code.LIKE_SHARE_QUOTA: "MSG-03《若干意见》：不得把关注、点赞、转发等作为考核依据或强制要求",
    Code.RANKING: "MSG-04《若干意见》：不得滥用排名",
    Code.FORCED_ADOPTION: "MSG-05《若干意见》：不得强制推广、下载使用政务应用程序",
    Code.INSTANT_REPLY: "MSG-06《若干意见》：不得脱离工作实际强制要求即时响应",
    Code.DUPLICATE_REPORTING: "MSG-07《若干意见》：不得多头填报、重复索要数据",
    Code.ARBITRARY_TASK: "MSG-08《若干意见》：不得通过工作群组随意摊派任务、索要材料",
}
DEADLINE_CODES = (Code.INSTANT_REPLY, Code.ARBITRARY_TASK)
CACHE_ENTRIES = 20_000  # per dict and worker: a few tens of MB at most


@dataclass(slots=True)
class Analysis:
    norm: Normalised
    off_hours: bool | None
    deadline: Deadline | None
    checks: CheckInput
    scan: Scan


@dataclass(slots=True)
class Candidate:
    code: Code
    rule: str
    policy: str
    severity: str
    start: int  # normalised-text span
    end: int
    score: float
    explanation: Explanation


class MessageDetector:
    """Everything needed to scan messages, loaded once per process."""

    def __init__(self, settings: Settings, rules: RuleSet, model: MessageModel | None,
                 calendar: WorkCalendar) -> None:
        self.settings = settings
        self.rules = rules
        self.model = model
        self.calendar = calendar
        # Chat exports repeat texts ("收到", forwarded notices, bot reminders). The text-level work
        # depends only on the text and the outcomes of the time checks, so it is cached on exactly
        # those; a bounded dict, cleared when full, keeps worker memory flat.
        self._norms: dict[str, Normalised] = {}
        self._scans: dict[tuple[object, ...], tuple[Scan, ModelScores | None]] = {}
        self._decisions: dict[int, tuple[Scan, list[Candidate]]] = {}  # by id(scan), the scan kept alive

    @classmethod
    def build(cls, settings: Settings | None = None, use_model: bool = True) -> MessageDetector:
        settings = settings or Settings()
        model = MessageModel.load(DEFAULT_MODEL) if use_model and DEFAULT_MODEL.exists() else None
        return cls(settings, RuleSet.load(settings.rules_paths), model, WorkCalendar(settings))

    def describe(self) -> dict[str, object]:
        """What produced the results (principle 7): rule-set and model hashes, thresholds, filters."""
        return {
            "ruleset": self.rules.version,
            "model": self.model.version if self.model else None,
            "finding_threshold": self.settings.finding_threshold,
            "model_thresholds": self.model.thresholds if self.model else None,
            "filters": sorted({s.filter for r in self.rules.rules for s in r.suppress}),
            "working_hours": self.settings.working_hours,
        }

    def analyse(self, message: Message) -> Analysis:
        """Normalise, time and rule-scan a message: everything before the decision."""
        return self._text_level(message)[0]

    def _text_level(self, message: Message) -> tuple[Analysis, ModelScores | None]:
        """analyse() plus the model's scores, served from the cache when text and time outcomes repeat."""
        sent_at = message.sent_at
        norm = self._norms.get(message.text)
        if norm is None:
            norm = normalise(message.text)
            if len(self._norms) >= CACHE_ENTRIES:
                self._norms.clear()
            self._norms[message.text] = norm
        off_hours = self.calendar.is_off_hours(sent_at) if sent_at is not None else None
        deadline = parse_deadline(norm.text, sent_at, calendar=self.calendar)
        working_left = None
        if deadline is not None and deadline.due is not None and sent_at is not None:
            working_left = self.calendar.working_minutes_between(sent_at, deadline.due)
        checks = CheckInput(deadline, off_hours, self.settings.short_deadline_minutes, working_left)
        # Everything below depends on the text and on these outcomes only.
        key = (message.text, off_hours, deadline is not None, *(CHECKS[name](checks) for name in CHECKS))
        cached = self._scans.get(key)
        if cached is not None:
            return Analysis(norm, off_hours, deadline, checks, cached[0]), cached[1]
        scan = self.rules.scan(norm.text, checks)
        probs = None
        if self.model is not None and scan.words:
            probs = self.model.predict(norm.text, dense_features(scan, self.rules.lexicons, checks))
        if len(self._scans) >= CACHE_ENTRIES:
            self._scans.clear()
        self._scans[key] = (scan, probs)
        return Analysis(norm, off_hours, deadline, checks, scan), probs

    def detect(self, message: Message, explain: bool = False) -> MessageResult:
        a, probs = self._text_level(message)
        norm = a.norm
        if explain:
            kept, dropped = self._decide(a.scan, probs, norm.text, explain=True)
        else:  # the decision depends on the cached text-level work only: cache it beside that work
            entry = self._decisions.get(id(a.scan))
            if entry is None or entry[0] is not a.scan:
                entry = (a.scan, self._decide(a.scan, probs, norm.text, explain=False)[0])
                if len(self._decisions) >= CACHE_ENTRIES:
                    self._decisions.clear()
                self._decisions[id(a.scan)] = entry
            kept, dropped = entry[1], []
        findings = [self._finding(c, norm, a.off_hours, a.deadline, explain) for c in kept]
        findings.sort(key=lambda f: (f.span[0], str(f.code)))
        suppressed = [self._finding(c, norm, a.off_hours, a.deadline, True) for c in dropped] if explain else []
        codes = list(dict.fromkeys(f.code for f in findings))
        return MessageResult(
            message=message,
            findings=findings,
            off_hours=a.off_hours,
            deadline=self._deadline_in_original(a.deadline, norm),
            burden_minutes=burden_minutes(codes, norm.text, a.off_hours) if codes else 0.0,
            suppressed=suppressed,
        )

    def _decide(self, scan: Scan, probs: ModelScores | None, text: str,
                explain: bool) -> tuple[list[Candidate], list[Candidate]]:
        """Rules and model combined per code (model.decide): the candidates kept and those dropped."""
        thresholds = self.model.thresholds if self.model is not None else None
        if thresholds is not None and self.settings.model_threshold is not None:
            thresholds = (self.settings.model_threshold, thresholds[1])
        kept: list[Candidate] = []
        dropped: list[Candidate] = []
        by_code: dict[Code, list[RuleMatch]] = {}
        for match in scan.matches:
            by_code.setdefault(match.rule.code, []).append(match)
        codes = MESSAGE_CODES if probs is not None else by_code
        for code in codes:
            p = probs.codes.get(code) if probs is not None else None
            matches = by_code.get(code, [])
            live = [m for m in matches if m.suppressed_by is None]
            best = max(live, key=lambda m: m.score) if live else None
            accepted = decide(best.score if best else None, bool(matches) and not live, p,
                              probs.demand if probs is not None else None, self.settings.finding_threshold,
                              thresholds)
            for m in matches:
                m.explanation.model_score = p
                m.explanation.demand_score = probs.demand if probs is not None else None
                m.explanation.model = self.model.version if self.model else None
            if best is not None:
                cand = Candidate(code, best.rule.spec.id, best.rule.spec.policy, best.rule.severity, best.start,
                                 best.end, p if p is not None else best.score, best.explanation)
                (kept if accepted else dropped).append(cand)
            elif accepted:
                cand = self._model_candidate(scan, text, code, p or 0.0, probs.demand if probs else None)
                (dropped if cand.explanation.suppressed_by else kept).append(cand)
            if explain:
                dropped.extend(Candidate(code, m.rule.spec.id, m.rule.spec.policy, m.rule.severity, m.start,
                                         m.end, m.score, m.explanation) for m in matches if m is not best)
        return kept, dropped

    def _model_candidate(self, scan: Scan, text: str, code: Code, p: float, demand: float | None) -> Candidate:
        assert self.model is not None
        clauses, _ = scan.spans()
        ev = self.model.evidence(text, code, clauses)
        explanation = Explanation(model_score=p, demand_score=demand, model_features=ev.features,
                                  model=self.model.version, ruleset=self.rules.version)
        # The model's evidence obeys the same explicit filters as a rule's match.
        explanation.suppressed_by = self.rules.refute_span(scan, code, ev.start, ev.end)
        return Candidate(code, MODEL_RULE_PREFIX + code.lower(), MODEL_POLICY[code], MESSAGE_SEVERITY[code],
                         ev.start, ev.end, p, explanation)

    def _finding(self, c: Candidate, norm: Normalised, off_hours: bool | None, deadline: Deadline | None,
                 explain: bool) -> Finding:
        start, end = norm.to_original(c.start, c.end)
        severity = c.severity
        if explain:  # explanations may be shared through the cache; never write into a shared one
            c.explanation = replace(c.explanation)
        if off_hours:
            severity = raise_severity(severity)
        short = self.settings.short_deadline_minutes
        if (c.code in DEADLINE_CODES and deadline is not None and deadline.minutes_left is not None
                and 0 <= deadline.minutes_left <= short):
            severity = raise_severity(severity)
            if explain:
                c.explanation.deadline = f"{deadline.text} ({deadline.minutes_left:.0f} 分钟)"
        return Finding(code=c.code, rule=c.rule, span=(start, end), evidence=norm.original[start:end],
                       score=c.score, policy=c.policy, severity=severity,
                       explanation=c.explanation if explain else None)

    @staticmethod
    def _deadline_in_original(deadline: Deadline | None, norm: Normalised) -> Deadline | None:
        if deadline is None:
            return None
        start, end = norm.to_original(*deadline.span)
        return Deadline(norm.original[start:end], (start, end), deadline.due, deadline.minutes_left)
