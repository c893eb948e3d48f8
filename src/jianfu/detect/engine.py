"""The rule engine: rules as data compiled once, matched with one Aho-Corasick pass per message.

Literal patterns, regex anchors, context words and filter words all go into one automaton, so a
message is scanned once; a regex runs only on messages that contain one of its anchors. Each match
is scored (pattern score, + context boost, ± checks) and then filtered (principles 1, 4, 5).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick
import regex

from jianfu.detect.filters import CHECKS, FILTERS, CheckInput, MatchView
from jianfu.detect.schema import Lexicons, RuleSpec, SuppressSpec, load_lexicons, load_rule_file
from jianfu.errors import RuleError
from jianfu.records import Explanation
from jianfu.taxonomy import MESSAGE_SEVERITY, Code

RULES_DIR = Path(__file__).parent / "rules"
REGEX_TIMEOUT_SECONDS = 0.05
CHECK_CONFIRM_BONUS = 0.15
CHECK_REFUTE_PENALTY = 0.3

SENTENCE_ENDS = frozenset("。！？!?；;\n")
CLAUSE_ENDS = SENTENCE_ENDS | frozenset("，,:：")


@dataclass(slots=True)
class CompiledPattern:
    name: str
    score: float
    regex: regex.Pattern[str] | None


@dataclass(slots=True)
class CompiledRule:
    spec: RuleSpec
    code: Code
    severity: str
    patterns: list[CompiledPattern]
    boost: list[str]
    suppress: list[SuppressSpec]


@dataclass(slots=True)
class RuleMatch:
    """The best-scoring match of one rule in one message (normalised-text span)."""

    rule: CompiledRule
    start: int
    end: int
    score: float
    explanation: Explanation
    suppressed_by: str | None = None


@dataclass(slots=True)
class Scan:
    """What one automaton pass saw in a message: every word's positions and the rule matches."""

    text: str
    words: dict[str, list[int]] = field(default_factory=dict)
    matches: list[RuleMatch] = field(default_factory=list)
    _spans: tuple[list[tuple[int, int]], list[tuple[int, int]]] | None = None

    def spans(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """(clauses, sentences) of the text, computed once and only when needed."""
        if self._spans is None:
            self._spans = (split_spans(self.text, CLAUSE_ENDS), split_spans(self.text, SENTENCE_ENDS))
        return self._spans

    def view(self, start: int, end: int) -> MatchView:
        clauses, sentences = self.spans()
        return MatchView(self.text, start, end, _containing(clauses, start), _containing(sentences, start),
                         self.words)


def split_spans(text: str, ends: frozenset[str]) -> list[tuple[int, int]]:
    """Spans between delimiters; a delimiter belongs to neither side."""
    spans: list[tuple[int, int]] = []
    lo = 0
    for i, ch in enumerate(text):
        if ch in ends:
            if i > lo:
                spans.append((lo, i))
            lo = i + 1
    if lo < len(text):
        spans.append((lo, len(text)))
    return spans or [(0, len(text))]


def _containing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for lo, hi in spans:
        if lo <= pos < hi:
            return (lo, hi)
    return spans[-1] if spans else (0, 0)


class RuleSet:
    """Compiled message rules. Build once (per process or Spark executor), use for every message."""

    def __init__(self, rules: list[RuleSpec], lexicons: Lexicons, version: str) -> None:
        self.lexicons = lexicons
        self.version = version
        self.rules: list[CompiledRule] = []
        automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[int, int, bool]]] = {}  # word -> (rule, pattern, is_literal)

        def add_word(word: str) -> None:
            entries.setdefault(word, [])

        for lst in (lexicons.demand_markers, lexicons.negation, lexicons.negation_exceptions,
                    lexicons.cancellation, lexicons.discussion, lexicons.question_particles,
                    lexicons.reply_tokens, ["谁", "哪个", "哪些", "还有没"]):
            for word in lst:
                add_word(word)
        for r_index, spec in enumerate(rules):
            code = Code(spec.code)
            compiled = CompiledRule(
                spec=spec, code=code, severity=spec.severity or MESSAGE_SEVERITY.get(code, "S3"),
                patterns=[], boost=list(spec.context.boost), suppress=list(spec.suppress),
            )
            if spec.context.use_demand_markers:
                compiled.boost += lexicons.demand_markers
            for p_index, pat in enumerate(spec.patterns):
                if pat.literal is not None:
                    entries.setdefault(pat.literal, []).append((r_index, p_index, True))
                    compiled.patterns.append(CompiledPattern(pat.name, pat.score, None))
                else:
                    for anchor in pat.anchors:
                        entries.setdefault(anchor, []).append((r_index, p_index, False))
                    compiled.patterns.append(
                        CompiledPattern(pat.name, pat.score, regex.compile(pat.regex or ""))
                    )
            for word in spec.context.boost:
                add_word(word)
            for sup in spec.suppress:
                for word in (*sup.words, *sup.unless):
                    add_word(word)
                if sup.filter not in FILTERS:
                    raise RuleError(f"rule {spec.id}: unknown filter {sup.filter!r}")
            for check in spec.checks:
                if check not in CHECKS:
                    raise RuleError(f"rule {spec.id}: unknown check {check!r}")
            self.rules.append(compiled)
        for word, targets in entries.items():
            automaton.add_word(word, (word, tuple(targets)))
        automaton.make_automaton()
        self._automaton = automaton

    @classmethod
    def load(cls, paths: list[str | Path] | None = None) -> RuleSet:
        """The bundled rules plus any extra rule files or folders; the version hashes their content."""
        files = sorted((RULES_DIR / "messages").glob("*.yaml"))
        for extra in paths or []:
            p = Path(extra)
            files += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
        digest = hashlib.sha256()
        rules: list[RuleSpec] = []
        seen: set[str] = set()
        lex_path = RULES_DIR / "lexicons.yaml"
        digest.update(lex_path.read_bytes())
        for f in files:
            digest.update(f.read_bytes())
            for rule in load_rule_file(f):
                if rule.id in seen:
                    raise RuleError(f"{f}: duplicate rule id {rule.id}")
                seen.add(rule.id)
                rules.append(rule)
        return cls(rules, load_lexicons(lex_path), "sha256:" + digest.hexdigest()[:16])

    def scan(self, text: str, checks: CheckInput | None = None) -> Scan:
        """One automaton pass, then regexes on anchored candidates, then scoring and filters."""
        result = Scan(text)
        words = result.words
        literal_hits: list[tuple[int, int, int, int]] = []
        regex_candidates: set[tuple[int, int]] = set()
        for end, (word, targets) in self._automaton.iter(text):
            start = end - len(word) + 1
            words.setdefault(word, []).append(start)
            for r_index, p_index, is_literal in targets:
                if is_literal:
                    literal_hits.append((r_index, p_index, start, end + 1))
                else:
                    regex_candidates.add((r_index, p_index))
        if not literal_hits and not regex_candidates:
            return result
        for r_index, p_index in regex_candidates:
            pattern = self.rules[r_index].patterns[p_index].regex
            assert pattern is not None
            for m in pattern.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
                if m.end() > m.start():
                    literal_hits.append((r_index, p_index, m.start(), m.end()))
        best: dict[int, RuleMatch] = {}
        for r_index, p_index, start, end in literal_hits:
            match = self._score(result, self.rules[r_index], p_index, start, end, checks)
            current = best.get(r_index)
            if current is None or _better(match, current):
                best[r_index] = match
        result.matches = list(best.values())
        return result

    def _score(self, scan: Scan, rule: CompiledRule, p_index: int, start: int, end: int,
               checks: CheckInput | None) -> RuleMatch:
        pattern = rule.patterns[p_index]
        view = scan.view(start, end)
        explanation = Explanation(pattern=pattern.name, original_score=pattern.score, ruleset=self.version)
        score = pattern.score
        lo, hi = view.scope(rule.spec.context.window)
        word = view.hits(rule.boost, lo, hi)
        if word is not None:
            score += rule.spec.context.factor
            explanation.context_word = word
            explanation.score_context_improvement = rule.spec.context.factor
        if checks is not None:
            for name in rule.spec.checks:
                outcome = CHECKS[name](checks)
                if outcome is True:
                    score += CHECK_CONFIRM_BONUS
                elif outcome is False:
                    score -= CHECK_REFUTE_PENALTY
        suppressed_by = None
        for spec in rule.suppress:
            reason = FILTERS[spec.filter](view, spec, self.lexicons)
            if reason is None:
                continue
            if spec.lower is not None:
                score -= spec.lower
                explanation.suppressed_by = f"lowered by {reason}"
                continue
            suppressed_by = reason
            explanation.suppressed_by = reason
            break
        return RuleMatch(rule, start, end, min(1.0, max(0.0, score)), explanation, suppressed_by)


    def refute_span(self, scan: Scan, code: Code, start: int, end: int) -> str | None:
        """The first filter of code's rules that refutes a span found by other means (the model)."""
        view = scan.view(start, end)
        for rule in self.rules:
            if rule.code != code:
                continue
            for spec in rule.suppress:
                if spec.lower is None:
                    reason = FILTERS[spec.filter](view, spec, self.lexicons)
                    if reason is not None:
                        return reason
        return None


def _better(a: RuleMatch, b: RuleMatch) -> bool:
    if (a.suppressed_by is None) != (b.suppressed_by is None):
        return a.suppressed_by is None
    return a.score > b.score
