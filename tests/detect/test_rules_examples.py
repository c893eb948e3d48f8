"""Every rule's YAML examples are tests: positives fire that rule, negatives do not (principle 14)."""

from __future__ import annotations

import pytest

from jianfu.detect.engine import RuleSet
from jianfu.detect.messages import MessageDetector
from jianfu.records import Message
from jianfu.taxonomy import MESSAGE_CODES

RULES = RuleSet.load().rules
POSITIVE = [(r.spec.id, str(r.code), text) for r in RULES for text in r.spec.examples.positive]
NEGATIVE = [(r.spec.id, str(r.code), text) for r in RULES for text in r.spec.examples.negative]


def rule_decision(detector: MessageDetector, rule_id: str, text: str) -> tuple[float, str | None] | None:
    """(score, suppressed_by) of the rule's best match in text, or None when it does not match."""
    scan = detector.analyse(Message(id="x", text=text, sent_at=None)).scan
    found = [m for m in scan.matches if m.rule.spec.id == rule_id]
    return (found[0].score, found[0].suppressed_by) if found else None


def test_every_code_has_rules() -> None:
    assert {r.code for r in RULES} == set(MESSAGE_CODES)


@pytest.mark.parametrize(("rule_id", "code", "text"), POSITIVE)
def test_positive_example_fires_its_rule(rules_only: MessageDetector, rule_id: str, code: str, text: str) -> None:
    decision = rule_decision(rules_only, rule_id, text)
    assert decision is not None, f"{rule_id} does not match {text!r}"
    score, suppressed_by = decision
    assert suppressed_by is None, f"{rule_id} refuted on positive {text!r}: {suppressed_by}"
    assert score >= rules_only.settings.finding_threshold, f"{rule_id} scores {score:.2f} on {text!r}"


@pytest.mark.parametrize(("rule_id", "code", "text"), POSITIVE)
def test_positive_example_reported(detector: MessageDetector, rule_id: str, code: str, text: str) -> None:
    assert code in detector.detect(Message(id="x", text=text, sent_at=None)).labels


@pytest.mark.parametrize(("rule_id", "code", "text"), NEGATIVE)
def test_negative_example_does_not_fire(rules_only: MessageDetector, rule_id: str, code: str, text: str) -> None:
    decision = rule_decision(rules_only, rule_id, text)
    if decision is not None:
        score, suppressed_by = decision
        assert suppressed_by is not None or score < rules_only.settings.finding_threshold, (
            f"{rule_id} fired on negative {text!r} (score {score:.2f})"
        )


@pytest.mark.parametrize(("rule_id", "code", "text"), NEGATIVE)
def test_negative_example_with_model(detector: MessageDetector, rule_id: str, code: str, text: str) -> None:
    """The model must not bring back what the rule's filters refuted."""
    result = detector.detect(Message(id="x", text=text, sent_at=None))
    assert code not in result.labels, f"{code} reported on negative {text!r} with the model"
