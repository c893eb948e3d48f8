"""A bad rule fails at load with the file name and rule id (principle 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jianfu.detect.schema import load_rule_file
from jianfu.errors import RuleError

GOOD = """
- id: msg.test.ok
  code: PROOF_TRACE
  policy: "MSG-02 test clause"
  patterns:
    - {name: p, literal: 截图发群, score: 0.7}
  examples:
    positive: ["请截图发群"]
    negative: ["不用截图发群"]
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rules.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_rule_loads(tmp_path: Path) -> None:
    rules = load_rule_file(write(tmp_path, GOOD))
    assert rules[0].id == "msg.test.ok"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("score: 0.7", "score: 1.7", "less than or equal to 1"),
        ("code: PROOF_TRACE", "code: NOT_A_CODE", "unknown taxonomy code"),
        ("literal: 截图发群", "regex: '(截图'", "anchors"),
        ("literal: 截图发群", "regex: '(截图', anchors: [截图]", "bad regex"),
        ("literal: 截图发群", "regex: '(截图+)+发群', anchors: [截图]", "nested quantifiers"),
        ('    negative: ["不用截图发群"]\n', "", "negative"),
    ],
)
def test_bad_rule_names_file_and_rule(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(RuleError) as err:
        load_rule_file(path)
    text = str(err.value)
    assert str(path) in text and "msg.test.ok" in text and message in text


def test_not_a_list(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="list of rules"):
        load_rule_file(write(tmp_path, "id: x\n"))
