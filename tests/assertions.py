"""Shared asserts for detector tests (principle 14)."""

from __future__ import annotations

from jianfu.records import MessageResult


def assert_finding(result: MessageResult, code: str, evidence: str | None = None, min_score: float = 0.5) -> None:
    found = [f for f in result.findings if str(f.code) == code]
    assert found, f"expected {code} in {result.message.text!r}, got {result.labels}"
    best = max(found, key=lambda f: f.score)
    assert best.score >= min_score, f"{code} score {best.score:.2f} < {min_score}"
    text = result.message.text
    for f in found:
        assert text[f.span[0]:f.span[1]] == f.evidence, "span must index the original text"
    if evidence is not None:
        assert any(evidence in f.evidence or f.evidence in evidence for f in found), (
            f"evidence {evidence!r} not in {[f.evidence for f in found]}"
        )


def assert_no_finding(result: MessageResult, code: str | None = None) -> None:
    if code is None:
        assert not result.findings, f"expected no finding in {result.message.text!r}, got {result.labels}"
    else:
        assert code not in result.labels, f"unexpected {code} in {result.message.text!r}"
