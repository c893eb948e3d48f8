"""Named false-positive filters and three-outcome checks (principles 3 and 5).

A filter looks at one match in its message and returns a reason string when the match is not a
demand (it is negated, quoted, a question, a reply, exempt...) or None when it cannot refute it.
A check returns True (confirms), False (refutes) or None (can't tell); None never counts as False.
Filters run at one stage, on matches, with one typed signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jianfu.detect.schema import Lexicons, SuppressSpec
from jianfu.records import Deadline

OPEN_QUOTES = "“‘「『《\"'"
RHETORICAL = ["谁", "哪个", "哪些", "还有没"]  # "谁还没接龙？" presses rather than asks
CLOSE_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", '"': '"', "'": "'"}


@dataclass(slots=True)
class MatchView:
    """A match in the normalised text, with its clause and sentence and every lexicon word seen."""

    text: str
    start: int
    end: int
    clause: tuple[int, int]
    sentence: tuple[int, int]
    words: dict[str, list[int]]  # word -> start positions in text

    def hits(self, words: list[str], lo: int, hi: int) -> str | None:
        """One of words that starts inside [lo, hi), or None.

        Iterates the few words present in the message rather than the (long) word list.
        """
        wanted = word_set(words)
        for word, positions in self.words.items():
            if word in wanted:
                for pos in positions:
                    if lo <= pos < hi:
                        return word
        return None

    def scope(self, scope: str) -> tuple[int, int]:
        if scope == "before":
            return (self.clause[0], self.start)
        if scope == "clause":
            return self.clause
        if scope == "sentence":
            return self.sentence
        return (0, len(self.text))


Filter = Callable[[MatchView, SuppressSpec, Lexicons], str | None]

_WORD_SETS: dict[int, tuple[list[str], frozenset[str]]] = {}


def word_set(words: list[str]) -> frozenset[str]:
    """A frozenset of a rule's or lexicon's word list, built once per list (they live as long as the rules)."""
    entry = _WORD_SETS.get(id(words))
    if entry is None or entry[0] is not words:
        entry = (words, frozenset(words))
        _WORD_SETS[id(words)] = entry
    return entry[1]


def _excused(view: MatchView, pos: int, exceptions: list[str]) -> bool:
    # "不得低于10%" and "不要忘了打卡" contain a negation word but strengthen the demand.
    for word in exceptions:
        for epos in view.words.get(word, ()):
            if epos <= pos < epos + len(word):
                return True
    return False


def is_negated(view: MatchView, spec: SuppressSpec, lex: Lexicons) -> str | None:
    """A negation or prohibition (不得/不要/无需/禁止...) before the match in its clause."""
    lo = view.clause[0]
    negations = word_set(lex.negation)
    extra = word_set(spec.words)
    for word, positions in view.words.items():
        if word in negations or word in extra:
            for pos in positions:
                if lo <= pos < view.start and not _excused(view, pos, lex.negation_exceptions):
                    return f"negation '{word}'"
    return None


def is_cancellation(view: MatchView, spec: SuppressSpec, lex: Lexicons) -> str | None:
    """The sentence cancels or stops the demand (取消/停止/不再...), wherever the word stands."""
    lo, hi = view.scope(spec.scope)
    wanted = word_set(lex.cancellation) | word_set(spec.words)
    for word, positions in view.words.items():
        if word in wanted:
            for pos in positions:
                if lo <= pos < hi and not _excused(view, pos, lex.negation_exceptions):
                    return f"cancellation '{word}'"
    return None


def is_quoted_demand(view: MatchView, spec: SuppressSpec, lex: Lexicons) -> str | None:
    """The match sits inside quotation marks: someone is quoting a demand, not making it."""
    lo, _ = view.sentence
    text = view.text
    for i in range(view.start - 1, lo - 1, -1):
        ch = text[i]
        if ch in CLOSE_QUOTES.values() and ch not in ('"', "'"):
            return None
        if ch in OPEN_QUOTES:
            close = CLOSE_QUOTES[ch]
            j = text.find(close, view.end)
            if j != -1:
                return f"quoted {ch}…{close}"
            return None
    return None


def is_discussion(view: MatchView, spec: SuppressSpec, lex: Lexicons) -> str | None:
    """The message discusses, reports or criticises such demands (形式主义, 反映, 自查...)."""
    lo, hi = view.scope(spec.scope if spec.scope != "sentence" else "message")
    word = view.hits(lex.discussion, lo, hi) or view.hits(spec.words, lo, hi)
    return f"discussion '{word}'" if word else None


def is_question(view: MatchView, spec: SuppressSpec, lex: Lexicons) -> str | None:
    """The clause asks whether the demand applies ("今天还要打卡吗？"), unless it is rhetorical (谁还没...)."""
    lo, hi = view.clause
    text = view.text
    end = hi
    while end < len(text) and text[end] in "?？":
        end += 1
    asks = text[hi:end] != "" or view.hits(lex.question_particles, lo, hi) is not None
    if not asks:
        return None
    if view.hits(RHETORICAL, lo, hi):
        return None  # "谁还没接龙？" presses, it does not ask
    return "question"


def is_reply_only(view: MatchView, spec: SuppressSpec, lex: Lexicons) -> str | None:
    """The whole message is a reply to a demand ("收到", "已接龙"), which is not a demand."""
    text = view.text.strip()
    if len(text) > 30:
        return None
    tokens = word_set(lex.reply_tokens)
    for size in range(min(len(text), lex.reply_token_max), 0, -1):
        token = text[:size]
        if token in tokens:
            if view.hits(lex.demand_markers, len(token), len(view.text)):
                return None
            return f"reply '{token}'"
    return None


def has_words(view: MatchView, spec: SuppressSpec, lex: Lexicons) -> str | None:
    """Any of the given words in scope refutes the match (exemptions, work product, optional...)."""
    lo, hi = view.scope(spec.scope)
    word = view.hits(spec.words, lo, hi)
    if word is None:
        return None
    if spec.unless and view.hits(spec.unless, 0, len(view.text)):
        return None
    return f"{spec.filter} '{word}'"


FILTERS: dict[str, Filter] = {
    "negation": is_negated,
    "cancellation": is_cancellation,
    "quoted": is_quoted_demand,
    "discussion": is_discussion,
    "question": is_question,
    "reply_only": is_reply_only,
    # word-list filters: the YAML names what the words mean
    "exemption": has_words,
    "work_product": has_words,
    "optional": has_words,
    "information_only": has_words,
    "unified_form": has_words,
    "real_results": has_words,
    "emergency": has_words,
    "normal_work": has_words,
}


# ---- three-outcome checks on the message as a whole -------------------------------------------

@dataclass(slots=True)
class CheckInput:
    deadline: Deadline | None
    off_hours: bool | None
    short_deadline_minutes: int
    working_minutes_left: float | None


Check = Callable[[CheckInput], bool | None]
WORKING_DAY_MINUTES = 7.5 * 60  # 08:30–12:00 + 14:00–18:00


def short_deadline(inp: CheckInput) -> bool | None:
    """A deadline within the short-deadline limit (default 60 min, MSG-06) confirms; none: can't tell."""
    if inp.deadline is None or inp.deadline.minutes_left is None:
        return None
    # A deadline already past when sent is a chase-up, not a short deadline.
    return True if 0 <= inp.deadline.minutes_left <= inp.short_deadline_minutes else None


def within_working_day(inp: CheckInput) -> bool | None:
    """A deadline less than one working day away confirms a last-minute task (MSG-08); three or more
    working days away refutes the "last minute" reading."""
    if inp.working_minutes_left is None:
        return None
    if inp.working_minutes_left < WORKING_DAY_MINUTES:
        return True
    return False if inp.working_minutes_left >= 3 * WORKING_DAY_MINUTES else None


def sent_off_hours(inp: CheckInput) -> bool | None:
    """Sent outside working hours: confirms pressure; unknown time: can't tell."""
    return True if inp.off_hours else None


CHECKS: dict[str, Check] = {
    "short_deadline": short_deadline,
    "within_working_day": within_working_day,
    "off_hours": sent_off_hours,
}
