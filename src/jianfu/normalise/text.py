"""Text normalisation with an offset map back to the original text.

Detectors match on the normalised text; findings must point into the original (contracts.md), so
every normalised character knows which original characters produced it.

Steps, in this order (each later step sees the output of the earlier ones):

1. full-width ASCII → half-width (Ｆ→F, ０→0, ＠→@, ［→[) and wide or non-breaking spaces → " ".
   The full-width punctuation Chinese is written with stays (！（），；？ and ：), except that ：
   between two digits becomes ":" ("１８：００" → "18:00"). First, because it keeps every position
   and turns "＠＠" and "［抱拳］" into the forms step 2 removes;
2. noise, found in one pass over the same text and removed in one rewrite (then "@@" runs):
   - zero-width and BOM characters (U+200B–U+200F, U+2060, U+FEFF, U+00AD);
   - HTML entities, decoded with ``html.unescape`` semantics in one pass ("&amp;nbsp;" → "&nbsp;");
     what an entity yields is width-folded and stripped of zero-width characters like the rest;
   - WeChat/WeCom emoji codes: "[抱拳]", "[OK]", "/::)" (chat_emoji.py has the list; "[2024]12号"
     and "【通知】" are not emoji and stay);
   - "@@" scraping artefacts: a run of two or more "@" between two word characters is removed
     ("截@@图" → "截图"); elsewhere it is shortened to one "@" so a mention survives ("@@所有人" →
     "@所有人"). A single "@" is never touched;
3. Traditional → Simplified with OpenCC "t2s" (after the noise is gone, so "瞭@@解" is a phrase);
4. Chinese numerals in times and counts → Arabic digits (numerals.py has the rules), last, because
   they may be written in Traditional ("兩點半").

Not done, on purpose: a second entity pass (scraped text is sometimes double-escaped, but a literal
"&amp;lt;" in a message must survive), entities split by a zero-width character, entities that
decode to "[" or "@" forming new emoji codes.

The offset map: ``starts[i]``/``ends[i]`` is the original span of normalised character i. Removed
characters belong to no span. A replacement of equal length that is character for character (width,
t2s) maps each character to its own source; any other replacement (an entity, "二十" → "20") maps all
its output characters to the whole original run. When every step was character for character (a clean
message, or one that only needed width folding or t2s) the map is the identity and ``starts`` is None.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Final

import opencc

from jianfu.normalise import chat_emoji, numerals

_ZERO_WIDTH = "\u00ad\u200b-\u200f\u2060\ufeff"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}]+")
# html.unescape's own tokeniser (html._charref): a named, decimal or hex reference.
_ENTITY_RE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")

# Full-width forms that become ASCII. Excluded on purpose: ！（），：；？ (U+FF01, FF08, FF09, FF0C,
# FF1A, FF1B, FF1F) — ordinary Chinese punctuation, which rules and clause splitting rely on.
_WIDE_RANGES = "\uff02-\uff07\uff0a\uff0b\uff0d-\uff19\uff1c-\uff1e\uff20-\uff5e"
_SPACES = "\u00a0\u2000-\u200a\u202f\u205f\u3000"
_WIDTH_TABLE: Final = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
for _cp in (0xFF01, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F):
    del _WIDTH_TABLE[_cp]
_WIDTH_TABLE.update({cp: 0x20 for cp in (0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)})
_WIDTH_RE = re.compile(f"[{_WIDE_RANGES}{_SPACES}]")
_DIGIT_COLON_RE = re.compile("(?<=[0-9])：(?=[0-9])")
_AT_RUN_RE = re.compile("@{2,}")

_T2S = opencc.OpenCC("t2s")


def _traditional_chars() -> str:
    """Every BMP character that OpenCC t2s changes on its own, plus the few it changes only in phrases.

    Built from the installed OpenCC at import (about 20 ms), so the gate always agrees with the
    converter. Characters are converted newline-separated so that no phrase rule applies.
    """
    candidates = [chr(cp) for r in ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00)) for cp in range(*r)]
    converted = _T2S.convert("\n".join(candidates)).split("\n")
    changed = {c for c, s in zip(candidates, converted, strict=True) if c != s}
    # Characters that t2s changes only inside phrases (OpenCC TSPhrases: 瞭解, 憑藉, 復甦, 衹得, 彷彿,
    # 英哩). Phrase-only characters that are also everyday Simplified characters (沈 覆 坏 么 俱) are left
    # out: they would send most clean messages down the slow path, and t2s still converts their
    # phrases whenever any other Traditional character is present.
    changed.update("瞭藉甦衹彷哩")
    return "".join(sorted(changed))


# One character class decides whether any step but the numeral step can apply; non-BMP CJK is
# included as a range (a class with thousands of separate astral characters would be slow).
_TRAD_CLASS = _traditional_chars()
_TRAD_RE = re.compile(f"[{_TRAD_CLASS}\U00020000-\U0002ffff]")
_TRIGGER_RE = re.compile(f"[&\\[{_ZERO_WIDTH}{_WIDE_RANGES}{_SPACES}{_TRAD_CLASS}\U00020000-\U0002ffff]")


@dataclass(slots=True)
class Normalised:
    """A normalised text and the way back to the original."""

    original: str
    text: str
    # Original span of each normalised character; None when the map is the identity (position i of
    # text came from position i of original, as after clean text, width folding or same-length t2s).
    starts: list[int] | None = field(default=None, repr=False)
    ends: list[int] | None = field(default=None, repr=False)

    @property
    def is_identity(self) -> bool:
        return self.starts is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span (chars, end exclusive) of every original char behind text[start:end]."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span ({start}, {end}) outside normalised text of length {n}")
        if self.starts is None or self.ends is None:
            return start, end
        if start == end:  # an empty span stays empty, at the matching original position
            pos = self.starts[start] if start < n else (self.ends[-1] if n else len(self.original))
            return pos, pos
        return self.starts[start], self.ends[end - 1]


# An edit replaces text[start:end] with replacement. linear=True: same length and character for
# character, so each output char keeps its own source; otherwise the output maps to the whole run.
_Edit = tuple[int, int, str, bool]


class _Builder:
    """The text being normalised and its map, rewritten step by step."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None
        self.ends: list[int] | None = None

    def apply(self, edits: list[_Edit]) -> None:
        if not edits:
            return
        text = self.text
        if self.starts is None or self.ends is None:
            self.starts, self.ends = list(range(len(text))), list(range(1, len(text) + 1))
        starts, ends = self.starts, self.ends
        pieces: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        pos = 0
        for start, end, replacement, linear in edits:
            pieces.append(text[pos:start])
            new_starts += starts[pos:start]
            new_ends += ends[pos:start]
            if replacement:
                if linear:
                    new_starts += starts[start:end]
                    new_ends += ends[start:end]
                else:
                    k = len(replacement)
                    new_starts += [starts[start]] * k
                    new_ends += [ends[end - 1]] * k
                pieces.append(replacement)
            pos = end
        pieces.append(text[pos:])
        new_starts += starts[pos:]
        new_ends += ends[pos:]
        self.text = "".join(pieces)
        self.starts, self.ends = new_starts, new_ends

    def replace_same_length(self, new_text: str) -> None:
        """A character-for-character rewrite: the map does not change."""
        self.text = new_text


def _fold_width(b: _Builder) -> None:
    text = b.text
    if _WIDTH_RE.search(text):
        # A callback per match beats str.translate, which looks up every character of the message.
        text = _WIDTH_RE.sub(_fold_char, text)
    if "：" in text:
        text = _DIGIT_COLON_RE.sub(":", text)
    b.replace_same_length(text)


def _fold_char(m: re.Match[str]) -> str:
    return chr(_WIDTH_TABLE[ord(m.group())])


def _remove_noise(b: _Builder) -> None:
    """Zero-width characters, HTML entities and emoji codes, found on one text, one rewrite; then "@@".

    The first three finders see the same text, so their edits share coordinates and the map is
    rebuilt once. Where two overlap the one starting first wins. "@@" runs are found afterwards,
    because whether a run stands between two words depends on what is left around it
    ("截[抱拳]@@图", "截&#8203;@@图").
    """
    text = b.text
    edits: list[_Edit] = []
    if _ZERO_WIDTH_RE.search(text):
        edits += [(m.start(), m.end(), "", False) for m in _ZERO_WIDTH_RE.finditer(text)]
    if "&" in text:
        edits += _entity_edits(text)
    if "[" in text or "/:" in text:
        edits += [(m.start(), m.end(), "", False) for m in chat_emoji.PATTERN.finditer(text)]
    if edits:
        edits.sort()
        kept: list[_Edit] = []
        pos = 0
        for edit in edits:
            if edit[0] >= pos:
                kept.append(edit)
                pos = edit[1]
        b.apply(kept)
    if "@@" in b.text:
        b.apply(_at_run_edits(b.text))


def _entity_edits(text: str) -> list[_Edit]:
    edits: list[_Edit] = []
    for m in _ENTITY_RE.finditer(text):
        decoded = _decode_entity(m.group())
        if decoded is not None:
            keep, head = decoded
            edits.append((m.start(), m.end() - keep, head, False))
    return edits


@lru_cache(maxsize=4096)
def _decode_entity(token: str) -> tuple[int, str] | None:
    """(chars of token kept as they are, replacement for the rest), or None if token is no entity.

    Cached: a chat export repeats the same few entities (&nbsp; &amp; &#12290;) millions of times.
    """
    decoded = html.unescape(token)
    if decoded == token:
        return None  # "A&B", or an unknown name
    # "&nbspfoo" decodes to "\xa0foo": the undecoded tail keeps its own character map.
    keep = 0
    while keep < len(decoded) - 1 and token[-1 - keep] == decoded[-1 - keep]:
        keep += 1
    head = decoded[: len(decoded) - keep]
    # What an entity yields goes through step 1 and loses zero-width characters like the rest:
    # "&#65297;" → "１" → "1", "&#8203;" → nothing.
    return keep, _ZERO_WIDTH_RE.sub("", _WIDTH_RE.sub(_fold_char, head))


def _at_run_edits(text: str) -> list[_Edit]:
    edits: list[_Edit] = []
    for m in _AT_RUN_RE.finditer(text):
        start, end = m.span()
        # Between words the run is an artefact; elsewhere keep the last "@" so a mention survives.
        between_words = _word_char_before(text, start) and _word_char_after(text, end)
        edits.append((start, end if between_words else end - 1, "", False))
    return edits


def _word_char_before(text: str, pos: int) -> bool:
    return pos > 0 and text[pos - 1].isalnum()


def _word_char_after(text: str, pos: int) -> bool:
    return pos < len(text) and text[pos].isalnum()


def _to_simplified(b: _Builder) -> None:
    text = b.text
    if not _TRAD_RE.search(text):
        return
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        b.replace_same_length(converted)
        return
    # A phrase changed length: align the differing middle character by character where possible.
    head = 0
    while head < min(len(text), len(converted)) and text[head] == converted[head]:
        head += 1
    tail = 0
    while tail < min(len(text), len(converted)) - head and text[-1 - tail] == converted[-1 - tail]:
        tail += 1
    middle, new_middle = text[head : len(text) - tail], converted[head : len(converted) - tail]
    singles = [_T2S.convert(c) for c in middle]
    if "".join(singles) == new_middle:
        edits = [(head + i, head + i + 1, s, len(s) == 1) for i, s in enumerate(singles) if s != middle[i]]
    else:
        edits = [(head, head + len(middle), new_middle, False)]
    b.apply(edits)


def _convert_numerals(b: _Builder) -> None:
    edits = numerals.numeral_edits(b.text)
    b.apply([(start, end, repl, False) for start, end, repl in edits])


def normalise(text: str) -> Normalised:
    """The normalised text of one message with its map back to text (see the module docstring)."""
    # Fast path: most messages are clean Simplified Chinese and need no step at all.
    if (
        _TRIGGER_RE.search(text) is None
        and "@@" not in text
        and "/:" not in text
        and ("：" not in text or _DIGIT_COLON_RE.search(text) is None)
        and numerals.PATTERN.search(text) is None
    ):
        return Normalised(text, text)
    b = _Builder(text)
    _fold_width(b)
    _remove_noise(b)
    _to_simplified(b)
    _convert_numerals(b)
    # starts stays None when only character-for-character steps ran (the usual Traditional message):
    # the text changed but every position still maps to itself.
    return Normalised(text, b.text, b.starts, b.ends)


_CLAUSE_END = "。；！？!?;\n\r"
_CLAUSE_END_RE = re.compile(f"[{_CLAUSE_END}]+")
_CLAUSE_COMMA_RE = re.compile(f"[{_CLAUSE_END}，,]+")


def split_clauses(text: str, *, commas: bool = False) -> list[tuple[int, int]]:
    """Spans (start, end) of the clauses of text, delimiters and surrounding whitespace left out.

    By default clauses end at 。；！？!?; and line breaks (the clause of principle 4, the window rules
    use for context words). With commas=True they also end at ，and ",", for rules that need the
    smaller phrase a demand sits in ("今晚8点前，截图发群" then has two clauses).
    """
    delimiters = _CLAUSE_COMMA_RE if commas else _CLAUSE_END_RE
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in delimiters.finditer(text):
        _add_clause(text, pos, m.start(), spans)
        pos = m.end()
    _add_clause(text, pos, len(text), spans)
    return spans


def _add_clause(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → Traditional (OpenCC s2t): for building lookups that must also match unconverted text."""
    return str(_s2t().convert(text))
