"""`jianfu train`: fit the stacked message model on the labelled train split (never on dev).

C and the two decision thresholds (code, demand gate) are chosen by 5-fold cross-validation on the
train split: the combination with the best macro-F1 whose hard-negative false-positive rate stays
within the target (5%).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jianfu.detect.messages import MessageDetector
from jianfu.detect.model import (
    DEFAULT_MODEL,
    DENSE_FEATURES,
    MessageModel,
    dense_features,
    featurise,
    is_word_feature,
)
from jianfu.records import Message
from jianfu.taxonomy import MESSAGE_CODES

MIN_DF = 2
C_GRID = (4.0, 8.0, 16.0)
THRESHOLD_GRID = tuple(round(t, 2) for t in np.arange(0.2, 0.91, 0.05))
FOLDS = 5
HARD_NEGATIVE_FP_TARGET = 0.05
SEED = 20261123


@dataclass(slots=True)
class Example:
    message: Message
    labels: list[str]
    hard_negative: bool


@dataclass(slots=True)
class CvReport:
    c: float
    threshold: float
    threshold_demand: float
    macro_f1: float
    hard_negative_fp: float
    per_code_f1: dict[str, float]


def _matrix(texts: list[list[str]], dense: np.ndarray, vocabulary: list[str]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix, hstack

    index = {g: i for i, g in enumerate(vocabulary)}
    rows, cols, vals = [], [], []
    for r, grams in enumerate(texts):
        ids = {index[g] for g in grams if g in index}
        words = sorted(i for i in ids if is_word_feature(vocabulary[i]))
        chars = sorted(ids.difference(words))
        for family in (chars, words):  # each family L2-normalised on its own, as MessageModel.predict does
            if family:
                rows.extend([r] * len(family))
                cols.extend(family)
                vals.extend([1.0 / np.sqrt(len(family))] * len(family))
    sparse = csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocabulary)), dtype=np.float64)
    return hstack([sparse, csr_matrix(dense)]).tocsr()


def _vocabulary(grams: Sequence[list[str]]) -> list[str]:
    df: dict[str, int] = {}
    for g in grams:
        for x in set(g):
            df[x] = df.get(x, 0) + 1
    return sorted(x for x, n in df.items() if n >= MIN_DF)


def _fit(x, y_all: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    weights = np.zeros((x.shape[1], y_all.shape[1]), dtype=np.float32)
    bias = np.full(y_all.shape[1], -10.0, dtype=np.float32)
    for j in range(y_all.shape[1]):
        if y_all[:, j].sum() == 0:
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        clf.fit(x, y_all[:, j])
        weights[:, j] = clf.coef_[0]
        bias[j] = clf.intercept_[0]
    return weights, bias


def _predict(probs: np.ndarray, dense: np.ndarray, t_code: float, t_demand: float) -> np.ndarray:
    """The decisions `model.decide` makes, vectorised over the out-of-fold probabilities.

    `probs` has one column per code and the demand gate last.
    """
    n = probs.shape[1] - 1
    live = dense[:, :n] > 0
    refuted = (dense[:, n:2 * n] > 0) & ~live
    return (probs[:, :n] >= t_code) & (probs[:, n:] >= t_demand) & ~refuted


def _scores(pred: np.ndarray, y: np.ndarray, hard: np.ndarray) -> tuple[float, float, list[float]]:
    f1s = []
    for j in range(y.shape[1]):
        tp = int((pred[:, j] & (y[:, j] == 1)).sum())
        fp = int((pred[:, j] & (y[:, j] == 0)).sum())
        fn = int((~pred[:, j] & (y[:, j] == 1)).sum())
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    hn_fp = float(pred[hard].any(axis=1).mean()) if hard.any() else 0.0
    return float(np.mean(f1s)), hn_fp, f1s


def train_model(examples: list[Example], detector: MessageDetector, out: Path = DEFAULT_MODEL,
                source: str = "") -> tuple[MessageModel, CvReport]:
    """Cross-validate C and the threshold on the examples, then fit on all of them and save."""
    texts, dense_rows = [], []
    digest = hashlib.sha256()
    for ex in examples:
        a = detector.analyse(ex.message)
        texts.append(featurise(a.norm.text))
        dense_rows.append(dense_features(a.scan, detector.rules.lexicons, a.checks))
        digest.update(ex.message.text.encode("utf-8"))
    dense = np.array(dense_rows, dtype=np.float64)
    codes = list(MESSAGE_CODES)
    y_codes = np.array([[1 if str(c) in ex.labels else 0 for c in codes] for ex in examples])
    y = np.hstack([y_codes, y_codes.any(axis=1, keepdims=True).astype(int)])  # the demand gate last
    hard = np.array([ex.hard_negative and not ex.labels for ex in examples])

    rng = np.random.default_rng(SEED)
    fold_of = rng.permutation(len(examples)) % FOLDS
    oof = {c: np.zeros(y.shape, dtype=np.float64) for c in C_GRID}
    for k in range(FOLDS):
        tr, te = fold_of != k, fold_of == k
        vocab = _vocabulary([texts[i] for i in np.flatnonzero(tr)])
        x_tr = _matrix([texts[i] for i in np.flatnonzero(tr)], dense[tr], vocab)
        x_te = _matrix([texts[i] for i in np.flatnonzero(te)], dense[te], vocab)
        for c in C_GRID:
            w, b = _fit(x_tr, y[tr], c)
            oof[c][te] = 1.0 / (1.0 + np.exp(-(x_te @ w + b)))
    best: CvReport | None = None
    for c in C_GRID:
        for t in THRESHOLD_GRID:
            for t_demand in THRESHOLD_GRID:
                macro, hn, f1s = _scores(_predict(oof[c], dense, t, t_demand), y_codes, hard)
                ok = hn <= HARD_NEGATIVE_FP_TARGET
                report = CvReport(c, t, t_demand, macro, hn, {str(k): f for k, f in zip(codes, f1s, strict=True)})
                if best is None or (ok, macro) > (best.hard_negative_fp <= HARD_NEGATIVE_FP_TARGET, best.macro_f1):
                    best = report
    assert best is not None
    vocab = _vocabulary(texts)
    w, b = _fit(_matrix(texts, dense, vocab), y, best.c)
    n_vocab = len(vocab)
    model = MessageModel(vocab, w[:n_vocab], w[n_vocab:], b, codes, (best.threshold, best.threshold_demand))
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out, {"train_sha256": digest.hexdigest()[:16], "train_size": len(examples), "source": source,
                     "min_df": MIN_DF, "C": best.c, "cv_folds": FOLDS, "cv_macro_f1": round(best.macro_f1, 4),
                     "cv_hard_negative_fp": round(best.hard_negative_fp, 4),
                     "ruleset": detector.rules.version, "dense_features": list(DENSE_FEATURES)})
    return MessageModel.load(out), best
