"""The package API other stages depend on: open_source / units / parse_unit / read_messages."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from jianfu.errors import InputError, UsageError
from jianfu.ingest import open_source, parse_unit, read_messages
from jianfu.ingest.source import Broken, Source
from jianfu.records import InputProblem, Message

from .support import SAMPLES

# (sample, fmt, line and start of the first problem's reason)
FIRST_PROBLEM = [
    ("generic/messages.jsonl", "generic", 8, "invalid JSON"),
    ("generic/messages.csv", "generic-csv", 9, "expected 8 fields"),
    ("wecom/archive.jsonl", "wecom", 9, "invalid JSON"),
    ("wechatmsg/网格员群_utf8.csv", "wechatmsg", 15, "bad time"),
    ("chatlog/chatlog.json", "chatlog", None, "[8]: bad time"),
    ("chatlog/chatlog.csv", "chatlog-csv", 7, "expected 9 fields"),
    ("feishu/messages.json", "feishu", None, "pages[1].data.items[1]: bad create_time"),
    ("slack", "slack", None, "general/2024-06-12.json: unreadable day file"),
    ("telegram/result.json", "telegram", None, "chats.list[0].messages[5]: bad date"),
    ("paste/粘贴.txt", "paste", 1, "text before the first message header"),
]


@pytest.mark.parametrize(("name", "fmt", "line", "reason"), FIRST_PROBLEM)
def test_strict_raises_the_first_problem_with_file_and_line(name: str, fmt: str, line: int | None,
                                                            reason: str) -> None:
    path = SAMPLES / name
    with pytest.raises(InputError) as err:
        for _ in read_messages(path, strict=True):
            pass
    assert (err.value.file, err.value.line) == (str(path), line)
    assert err.value.message.startswith(reason)
    # Not strict: the same problem is data, and reading goes on past it.
    items = list(read_messages(path, fmt))
    problem_at = next(i for i, item in enumerate(items) if isinstance(item, InputProblem))
    assert items[problem_at] == InputProblem(str(path), line, err.value.message)
    assert any(isinstance(item, Message) for item in items[problem_at + 1:])


@pytest.mark.parametrize(("name", "fmt", "line", "reason"), FIRST_PROBLEM)
def test_units_pickle_and_parse_without_the_file(tmp_path: Path, name: str, fmt: str, line: int | None,
                                                 reason: str) -> None:
    """parse_unit is pure: units shipped (pickled) elsewhere parse the same once the file is gone."""
    original = SAMPLES / name
    copy = tmp_path / original.name
    if original.is_dir():
        shutil.copytree(original, copy)
    else:
        shutil.copyfile(original, copy)
    direct = list(read_messages(copy, fmt))
    units = pickle.loads(pickle.dumps(list(open_source(copy, fmt).units())))
    if copy.is_dir():
        shutil.rmtree(copy)
    else:
        copy.unlink()

    def outcome(unit_line: int | None, unit: object) -> Message | InputProblem | None:
        try:
            return parse_unit(fmt, str(copy), unit_line, unit)
        except InputError as exc:
            return InputProblem(str(exc.file), exc.line, exc.message)

    parsed = [r for r in (outcome(unit_line, unit) for unit_line, unit in units) if r is not None]
    assert parsed == direct
    assert any(isinstance(r, InputProblem) and r.line == line for r in parsed)


def test_file_level_problems_are_data(tmp_path: Path) -> None:
    broken = tmp_path / "result.json"
    broken.write_text('{"name": "群", "messages": [\n  {"id": 1,\n', encoding="utf-8")
    [problem] = list(read_messages(broken, "telegram"))
    assert problem.file == str(broken) and problem.line == 3 and problem.reason.startswith("invalid JSON")
    with pytest.raises(InputError):
        list(read_messages(broken, "telegram", strict=True))

    missing = tmp_path / "missing.jsonl"
    [problem] = list(read_messages(missing, "generic"))
    assert problem.file == str(missing) and "no such file" in problem.reason
    [problem] = list(read_messages(missing))
    assert problem.file == str(missing)


def test_unknown_format_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format 'qq'"):
        open_source(SAMPLES / "paste/粘贴.txt", "qq")
    with pytest.raises(UsageError):
        parse_unit("qq", "f", 1, "x")


def test_source_fields_and_pickle() -> None:
    source = open_source(SAMPLES / "wecom/archive.jsonl")
    assert (source.file, source.format, source.encoding, source.skipped) == (
        str(SAMPLES / "wecom/archive.jsonl"), "wecom", "utf-8", 0)
    assert isinstance(source, Source)
    list(source.units())
    assert source.skipped == 1
    list(source.units())  # a second pass counts afresh
    assert source.skipped == 1
    clone = pickle.loads(pickle.dumps(source))
    assert len(list(clone.units())) == len(list(source.units()))


def test_broken_units_become_input_errors() -> None:
    with pytest.raises(InputError, match="bad quoting") as err:
        parse_unit("generic-csv", "f.csv", 7, Broken("bad quoting"))
    assert (err.value.file, err.value.line) == ("f.csv", 7)


def test_unexpected_record_shapes_are_problems_not_crashes() -> None:
    item = {"message_id": "om_1", "msg_type": "text", "create_time": "1718002800000",
            "body": {"content": '{"text": "@_user_1 收到"}'}, "mentions": [{"key": 1, "name": "张三"}]}
    with pytest.raises(InputError, match="malformed record") as err:
        parse_unit("feishu", "f.json", None, {"at": "[0]", "record": item})
    assert err.value.file == "f.json"


def test_path_objects_and_strings_give_the_same_file_name() -> None:
    path = SAMPLES / "generic/messages.jsonl"
    from_path = next(iter(read_messages(path)))
    from_str = next(iter(read_messages(str(path))))
    assert isinstance(from_path, Message) and isinstance(from_str, Message)
    assert from_path.file == from_str.file == str(path)
