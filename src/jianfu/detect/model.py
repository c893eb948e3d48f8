"""The small offline classifier, stacked on the rules.

Features: binary character 1–4-grams and word uni/bigrams (rjieba segmentation, its dictionary ships
in the wheel) of the normalised text, each family L2-normalised, plus the rule engine's outcomes for
the message (each code's best rule score, whether a filter refuted a match, and the message-level
signals: negation, cancellation, discussion, question, reply, deadline, off hours).

Two kinds of logistic regression share those features: one per code ("which demand is this?") and
one demand gate ("does this message make or enforce a demand at all?"). The gate is trained on every
message, so what tells a demand from a look-alike (a cancellation, a report about another county, a
question about a rule) is learned once from all hard negatives instead of eight times from a few each.
Training (`jianfu train`, detect/train.py) uses scikit-learn with 5-fold cross-validation on the train
split to pick C and both thresholds; the shipped artefact is a plain `.npz` so inference needs only
numpy and rjieba.

How rules and model meet is decided in one place, `decide()`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import rjieba

from jianfu.detect.engine import Scan
from jianfu.detect.filters import (
    CheckInput,
    MatchView,
    is_cancellation,
    is_discussion,
    is_negated,
    is_reply_only,
    word_set,
)
from jianfu.detect.schema import Lexicons, SuppressSpec
from jianfu.taxonomy import MESSAGE_CODES, Code

MODEL_DIR = Path(__file__).parent / "model"
DEFAULT_MODEL = MODEL_DIR / "messages.npz"
NGRAM_SIZES = (1, 2, 3, 4)
WORD_PREFIX = "w:"  # word features share the vocabulary with character n-grams, kept apart by this prefix
_DIGITS = re.compile(r"\d+")
_WHOLE = SuppressSpec(filter="message", scope="message")

DENSE_FEATURES: tuple[str, ...] = (
    *(f"rule:{c}" for c in MESSAGE_CODES),
    *(f"refuted:{c}" for c in MESSAGE_CODES),
    "negation", "cancellation", "discussion", "question", "reply_only", "demand_markers",
    "deadline", "short_deadline", "off_hours",
)


def featurise(text: str) -> list[str]:
    """Character n-grams and prefixed word uni/bigrams of the normalised text.

    Digits are folded to 0 first so '10分钟' ~ '30分钟'.
    """
    folded = _DIGITS.sub("0", text)
    grams: list[str] = []
    for n in NGRAM_SIZES:
        grams.extend(folded[i:i + n] for i in range(len(folded) - n + 1))
    words = [w for w in rjieba.cut(folded) if not w.isspace()]
    grams.extend(WORD_PREFIX + w for w in words)
    grams.extend(f"{WORD_PREFIX}{a}_{b}" for a, b in pairwise(words))
    return grams


def is_word_feature(gram: str) -> bool:
    return gram.startswith(WORD_PREFIX) and len(gram) > len(WORD_PREFIX)


def dense_features(scan: Scan, lexicons: Lexicons, checks: CheckInput) -> list[float]:
    """The rule engine's view of a message as numbers, in DENSE_FEATURES order."""
    rule = dict.fromkeys(MESSAGE_CODES, 0.0)
    refuted = dict.fromkeys(MESSAGE_CODES, 0.0)
    for m in scan.matches:
        if m.suppressed_by is None:
            rule[m.rule.code] = max(rule[m.rule.code], m.score)
        else:
            refuted[m.rule.code] = 1.0
    text = scan.text
    whole = MatchView(text, len(text), len(text), (0, len(text)), (0, len(text)), scan.words)
    particles = word_set(lexicons.question_particles)
    markers_set = word_set(lexicons.demand_markers)
    question = text.rstrip().endswith(("?", "？")) or any(w in particles for w in scan.words)
    markers = sum(len(pos) for w, pos in scan.words.items() if w in markers_set)
    deadline = checks.deadline
    short = (deadline is not None and deadline.minutes_left is not None
             and 0 <= deadline.minutes_left <= checks.short_deadline_minutes)
    return [
        *(rule[c] for c in MESSAGE_CODES),
        *(refuted[c] for c in MESSAGE_CODES),
        float(is_negated(whole, _WHOLE, lexicons) is not None),
        float(is_cancellation(whole, _WHOLE, lexicons) is not None),
        float(is_discussion(whole, _WHOLE, lexicons) is not None),
        float(question),
        float(is_reply_only(whole, _WHOLE, lexicons) is not None),
        min(markers, 5) / 5.0,
        float(deadline is not None),
        float(short),
        float(bool(checks.off_hours)),
    ]


@dataclass(frozen=True, slots=True)
class ModelScores:
    """The model's view of one message: P(code) for each code and P(the message is a demand)."""

    codes: dict[Code, float]
    demand: float


def decide(rule_score: float | None, rule_refuted: bool, model_score: float | None, demand_score: float | None,
           finding_threshold: float, thresholds: tuple[float, float] | None) -> bool:
    """The one documented way rules and model meet.

    - A match that a filter refuted (negation, cancellation, quotation, exemption...) stays refuted:
      filters are explicit knowledge and the model may not overrule them.
    - With a model, its probabilities decide: the code's probability must reach `thresholds[0]` and
      the demand gate's `thresholds[1]`. The model has seen the rule outcomes as features and the text
      around them, so it can accept indirect wording and reject a keyword used harmlessly. Both bars
      are chosen by cross-validation on the train split (detect/train.py).
    - Without a model, an unrefuted rule score at or above the finding threshold decides.
    """
    if rule_refuted:
        return False
    if model_score is not None and demand_score is not None and thresholds is not None:
        return model_score >= thresholds[0] and demand_score >= thresholds[1]
    return rule_score is not None and rule_score >= finding_threshold


@dataclass(slots=True)
class ModelEvidence:
    start: int
    end: int
    features: list[str]


class MessageModel:
    """Linear one-vs-rest scores over n-grams plus the rule engine's dense features.

    Weight columns are the codes in `codes` order, then the demand gate.
    """

    def __init__(self, vocabulary: list[str], weights: np.ndarray, dense_weights: np.ndarray, bias: np.ndarray,
                 codes: list[Code], thresholds: tuple[float, float], version: str = "") -> None:
        if weights.shape[1] != len(codes) + 1:
            raise ValueError("model weights need one column per code plus the demand gate")
        self.index = {gram: i for i, gram in enumerate(vocabulary)}
        self.vocabulary = vocabulary
        self.is_word = np.array([is_word_feature(g) for g in vocabulary], dtype=bool)
        self.weights = weights.astype(np.float32)
        self.dense_weights = dense_weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.codes = codes
        self.thresholds = thresholds  # (code, demand gate)
        self.version = version

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL) -> MessageModel:
        raw = Path(path).read_bytes()
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if list(meta["dense_features"]) != list(DENSE_FEATURES):
                raise ValueError(f"{path}: model was trained with other dense features; run `jianfu train`")
            if "threshold_demand" not in meta:
                raise ValueError(f"{path}: model predates the demand gate; run `jianfu train`")
            thresholds = (float(meta["threshold"]), float(meta["threshold_demand"]))
            return cls([str(g) for g in data["vocabulary"]], data["weights"], data["dense_weights"], data["bias"],
                       [Code(c) for c in meta["codes"]], thresholds, "sha256:" + hashlib.sha256(raw).hexdigest()[:16])

    def save(self, path: str | Path, meta: dict[str, object]) -> None:
        meta = {**meta, "codes": [str(c) for c in self.codes], "ngram_sizes": list(NGRAM_SIZES),
                "dense_features": list(DENSE_FEATURES), "threshold": self.thresholds[0],
                "threshold_demand": self.thresholds[1]}
        np.savez_compressed(path, vocabulary=np.array(self.vocabulary, dtype=str), weights=self.weights,
                            dense_weights=self.dense_weights, bias=self.bias,
                            meta=np.array(json.dumps(meta, ensure_ascii=False)))

    def ids(self, text: str) -> list[int]:
        """Vocabulary ids of the text's n-grams and words."""
        found = set(map(self.index.get, featurise(text)))
        found.discard(None)
        return sorted(found)  # type: ignore[arg-type]

    def predict(self, text: str, dense: list[float]) -> ModelScores:
        ids = np.array(self.ids(text), dtype=np.intp)
        logits = self.bias + np.asarray(dense, dtype=np.float32) @ self.dense_weights
        # Each feature family is L2-normalised on its own, as in training (train._matrix).
        words = ids[self.is_word[ids]]
        chars = ids[~self.is_word[ids]]
        for family in (chars, words):
            if len(family):
                logits = logits + self.weights[family].sum(axis=0) / np.sqrt(len(family))
        probs = 1.0 / (1.0 + np.exp(-logits))
        return ModelScores({code: float(p) for code, p in zip(self.codes, probs[:-1], strict=True)},
                           float(probs[-1]))

    def evidence(self, text: str, code: Code, spans: list[tuple[int, int]]) -> ModelEvidence:
        """The clause that contributes most to code's score, and its strongest n-grams."""
        column = self.codes.index(code)
        folded = _DIGITS.sub("0", text)
        # Folding digits shortens the text; map folded offsets back to the original positions.
        offsets: list[int] = []
        pos = 0
        for m in _DIGITS.finditer(text):
            offsets.extend(range(pos, m.start()))
            offsets.append(m.start())
            pos = m.end()
        offsets.extend(range(pos, len(text)))
        per_span = [0.0] * len(spans)
        top: set[tuple[float, str]] = set()
        for n in NGRAM_SIZES:
            for i in range(len(folded) - n + 1):
                idx = self.index.get(folded[i:i + n])
                if idx is None:
                    continue
                w = float(self.weights[idx, column])
                if w <= 0:
                    continue
                if n > 1:  # single characters weigh in but explain nothing to a reader
                    top.add((w, folded[i:i + n]))
                for k, (lo, hi) in enumerate(spans):
                    if lo <= offsets[i] < hi:
                        per_span[k] += w
                        break
        best = max(range(len(spans)), key=per_span.__getitem__) if spans else 0
        lo, hi = spans[best] if spans else (0, len(text))
        return ModelEvidence(lo, hi, [g for _, g in sorted(top, reverse=True)[:3]])
