"""Format sniffing picks the right reader for every sample; --format overrides it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jianfu.errors import InputError
from jianfu.ingest import FORMATS, open_source, sniff_format

from .support import SAMPLES, read_all

EXPECTED = {
    "generic/messages.jsonl": "generic",
    "generic/messages.csv": "generic-csv",
    "wecom/archive.jsonl": "wecom",
    "wecom/archive.json": "wecom",
    "wechatmsg/网格员群_utf8.csv": "wechatmsg",
    "wechatmsg/王科长_utf8.csv": "wechatmsg",
    "chatlog/chatlog.json": "chatlog",
    "chatlog/chatlog.csv": "chatlog-csv",
    "feishu/messages.json": "feishu",
    "slack": "slack",
    "telegram/result.json": "telegram",
    "paste/粘贴.txt": "paste",
    "paste/钉钉.txt": "paste",
    "paste/微信PC.txt": "paste",
    "encodings/gbk/网格员群_utf8.csv": "wechatmsg",
    "encodings/messages_gb18030.csv": "generic-csv",
    "encodings/messages_utf8bom.csv": "generic-csv",
    "encodings/粘贴_big5.txt": "paste",
}


def test_formats_tuple() -> None:
    assert FORMATS == ("generic", "generic-csv", "wecom", "wechatmsg", "chatlog", "chatlog-csv", "feishu", "slack",
                       "telegram", "paste")


@pytest.mark.parametrize(("name", "fmt"), sorted(EXPECTED.items()))
def test_sniff_every_sample(name: str, fmt: str) -> None:
    assert sniff_format(SAMPLES / name) == fmt
    assert open_source(SAMPLES / name).format == fmt


def test_every_sample_file_is_covered() -> None:
    files = {p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*")
             if p.is_file() and "slack" not in p.parts and "registry" not in p.parts and p.suffix != ".md"}
    assert files == {name for name in EXPECTED if name != "slack"}


def test_format_override_bypasses_sniffing(tmp_path: Path) -> None:
    # A generic-looking file read as paste: the override wins, nothing is sniffed.
    path = tmp_path / "notes.txt"
    path.write_text("2024-06-10 20:15:03 王科长\n请各位今晚九点前在群里接龙打卡\n", encoding="utf-8")
    source = open_source(path, "paste")
    assert source.format == "paste"
    assert open_source(SAMPLES / "wecom/archive.json", "chatlog").format == "chatlog"
    messages, problems = read_all(SAMPLES / "generic/messages.jsonl", "wecom")
    assert messages == []  # generic lines carry no WeCom msgtype: all skipped, no crash
    assert len(problems) == 1 and problems[0].line == 8  # only the broken JSON line


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.txt", "今天天气不错\n明天见\n"), ("data.json", '{"hello": "world"}'), ("table.csv", "a,b,c\n1,2,3\n"),
     ("empty.txt", "")],
)
def test_unknown_format_names_the_file(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the export format") as err:
        sniff_format(path)
    assert err.value.file == str(path)


def test_telegram_full_export_with_a_long_contacts_section(tmp_path: Path) -> None:
    # Full exports put personal data and contacts before chats: the chats may lie beyond the sniffed 64 KB.
    contacts = [{"first_name": f"联系人{i}", "last_name": "", "phone_number": "+86 138 0000 0000", "date": ""}
                for i in range(3000)]
    export = {"about": "Here is the data you requested.", "personal_information": {"user_id": 1},
              "contacts": {"about": "", "list": contacts},
              "chats": {"about": "", "list": [json.loads((SAMPLES / "telegram/result.json").read_text(
                  encoding="utf-8"))["chats"]["list"][1]]}}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    assert path.stat().st_size > 128 * 1024
    assert sniff_format(path) == "telegram"
    assert len(read_all(path)[0]) == 3


def test_plain_directory_is_not_slack(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a Slack export"):
        sniff_format(tmp_path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read file") as err:
        sniff_format(tmp_path / "nope.jsonl")
    assert err.value.file == str(tmp_path / "nope.jsonl")


@pytest.mark.parametrize(("sample", "fmt"), [("generic/messages.jsonl", "generic"),
                                            ("wechatmsg/网格员群_utf8.csv", "wechatmsg"),
                                            ("wecom/archive.json", "wecom")])
def test_gzipped_exports_are_sniffed_by_their_content(tmp_path: Path, sample: str, fmt: str) -> None:
    import gzip

    src = SAMPLES / sample
    packed = tmp_path / f"{src.name}.gz"
    packed.write_bytes(gzip.compress(src.read_bytes()))
    assert sniff_format(packed) == fmt == sniff_format(src)
    assert [m.text for m in read_all(packed)[0]] == [m.text for m in read_all(src)[0]]
