"""Shared by the ingest tests: where the committed samples are, and a reader that splits results."""

from __future__ import annotations

from pathlib import Path

from jianfu.ingest import read_messages
from jianfu.records import InputProblem, Message

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def read_all(path: str | Path, fmt: str | None = None) -> tuple[list[Message], list[InputProblem]]:
    """read_messages(path, fmt) split into (messages, problems), each in file order."""
    messages: list[Message] = []
    problems: list[InputProblem] = []
    for item in read_messages(path, fmt):
        if isinstance(item, Message):
            messages.append(item)
        else:
            problems.append(item)
    return messages, problems
