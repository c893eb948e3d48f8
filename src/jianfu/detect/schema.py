"""The Pydantic model of a rule file. Load errors name the file and the rule id (principle 1)."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

import regex
import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from jianfu.errors import RuleError
from jianfu.taxonomy import parse_code

# A group that is itself quantified and contains a quantifier: the shape of catastrophic backtracking.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


class PatternSpec(BaseModel):
    """One way a rule can match: a literal phrase (Aho-Corasick) or a regex gated by anchor literals."""

    name: str
    literal: str | None = None
    regex: str | None = None
    anchors: list[str] = Field(default_factory=list)
    score: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _one_kind(self) -> PatternSpec:
        if (self.literal is None) == (self.regex is None):
            raise ValueError(f"pattern {self.name!r}: give exactly one of literal or regex")
        if self.regex is not None:
            if not self.anchors:
                raise ValueError(f"pattern {self.name!r}: a regex needs anchors (literals that must occur)")
            if _NESTED_QUANTIFIER.search(self.regex):
                raise ValueError(f"pattern {self.name!r}: nested quantifiers are not allowed")
            try:
                regex.compile(self.regex)
            except regex.error as exc:
                raise ValueError(f"pattern {self.name!r}: bad regex: {exc}") from None
        return self


class ContextSpec(BaseModel):
    """Words that raise a match's score when seen near it (principle 4: a window in characters)."""

    window: Literal["clause", "sentence", "message"] = "sentence"
    boost: list[str] = Field(default_factory=list)
    use_demand_markers: bool = True
    factor: float = Field(0.3, ge=0.0, le=1.0)


class SuppressSpec(BaseModel):
    """A named filter that removes (or, with `lower`, lowers) a match; see detect/filters.py."""

    filter: str
    words: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    scope: Literal["before", "clause", "sentence", "message"] = "sentence"
    lower: float | None = Field(None, ge=0.0, le=1.0)


class Examples(BaseModel):
    positive: list[str] = Field(min_length=1)
    negative: list[str] = Field(min_length=1)


class RuleSpec(BaseModel):
    id: str = Field(pattern=r"^msg\.[a-z_]+\.[a-z_0-9]+$")
    code: str
    policy: str = Field(min_length=4)
    severity: Literal["S1", "S2", "S3", "S4"] | None = None
    patterns: list[PatternSpec] = Field(min_length=1)
    context: ContextSpec = Field(default_factory=ContextSpec)
    suppress: list[SuppressSpec] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list)
    examples: Examples

    @field_validator("code")
    @classmethod
    def _known_code(cls, value: str) -> str:
        return str(parse_code(value))


class Lexicons(BaseModel):
    """Shared word lists used by filters and context (lexicons.yaml)."""

    demand_markers: list[str]
    negation: list[str]
    negation_exceptions: list[str]
    cancellation: list[str]
    discussion: list[str]
    question_particles: list[str]
    reply_tokens: list[str]

    @cached_property
    def reply_token_max(self) -> int:
        """Length of the longest reply token: how far into a message a reply can start."""
        return max(map(len, self.reply_tokens), default=0)


def load_rule_file(path: Path) -> list[RuleSpec]:
    """Validate one rule file; any problem raises RuleError naming the file and rule id."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(raw, list):
        raise RuleError(f"{path}: a rule file is a YAML list of rules")
    rules: list[RuleSpec] = []
    for index, item in enumerate(raw):
        rule_id = item.get("id", f"#{index}") if isinstance(item, dict) else f"#{index}"
        try:
            rules.append(RuleSpec.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise RuleError(f"{path}: rule {rule_id}: {where}: {first['msg']}") from None
    return rules


def load_lexicons(path: Path) -> Lexicons:
    try:
        return Lexicons.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise RuleError(f"{path}: {exc}") from None
