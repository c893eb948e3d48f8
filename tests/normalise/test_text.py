"""Normalisation: each step as a table, the offset map as properties."""

from __future__ import annotations

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianfu.normalise.text import Normalised, normalise, split_clauses

ENTITIES = [
    ("&nbsp;通知", " 通知"),
    ("A&amp;B", "A&B"),
    ("句号&#12290;", "句号。"),
    ("句号&#x3002;", "句号。"),
    ("&lt;b&gt;", "<b>"),
    ("&quot;收到&quot;", '"收到"'),
    ("A&B", "A&B"),  # not an entity
    ("&unknown;", "&unknown;"),
    ("&amp;nbsp;", "&nbsp;"),  # one pass only
    ("&nbspfoo", " foo"),  # html.unescape's prefix rule
    ("&#65297;&#65304;点", "18点"),  # what an entity yields is width-folded too
    ("截&#8203;图", "截图"),  # and loses zero-width characters
]
ZERO_WIDTH = [
    ("截\u200b图", "截图"),
    ("截\u200c图\u200d发群", "截图发群"),
    ("\ufeff收到", "收到"),
    ("打\u00ad卡", "打卡"),
    ("接\u2060龙", "接龙"),
    ("\u200b", ""),
]
AT_RUNS = [
    ("截@@圖發群", "截图发群"),
    ("请@@各位@@同志", "请各位同志"),
    ("请@@@各位", "请各位"),
    ("@所有人 请回复", "@所有人 请回复"),  # a single @ is a mention
    ("@@所有人", "@所有人"),  # not between words: shortened, the mention survives
    ("张三 @@所有人", "张三 @所有人"),
    ("截\u200b@@图", "截图"),  # a zero-width neighbour does not hide the words
]
EMOJI = [
    ("收到[抱拳]", "收到"),
    ("[玫瑰][玫瑰]好的", "好的"),
    ("[OK]", ""),
    ("[强][强][强]", ""),
    ("/::)收到", "收到"),
    ("收到/:rose", "收到"),
    ("/:roses", "/:roses"),  # a letter code does not run on into a word
    ("[發呆]", ""),  # the Traditional name HK/TW clients write
    ("［抱拳］收到", "收到"),  # full-width brackets fold first
    ("[2024]12号", "[2024]12号"),
    ("【通知】", "【通知】"),
    ("[附件]", "[附件]"),  # not an emoji name
    ("[抱拳抱拳]", "[抱拳抱拳]"),
]
WIDTH = [
    ("ＦＯＯ", "FOO"),
    ("０１２３", "0123"),
    ("请\u3000注意", "请 注意"),
    ("１８：００前", "18:00前"),
    ("18：00前", "18:00前"),
    ("通知：今晚开会", "通知：今晚开会"),  # ：stays outside digits
    ("好！真的？是，对；（一）", "好！真的？是，对；（一）"),  # Chinese punctuation stays
    ("ａｂｃ＠ｘ．ｃｏｍ", "abc@x.com"),
    ("价格\u00a0100元", "价格 100元"),
]
TRADITIONAL = [
    ("請於今晚報送", "请于今晚报送"),
    ("請各位截圖發群", "请各位截图发群"),
    ("瞭解情況", "了解情况"),
    ("瞭解", "了解"),  # a phrase-only character still reaches t2s
    ("头发", "头发"),
]
NUMERALS = [
    ("今晚十点前", "今晚10点前"),
    ("十分钟内", "10分钟内"),
    ("两点半", "2点半"),
    ("二十三点", "23点"),
    ("晚上二十三点前", "晚上23点前"),
    ("三篇", "3篇"),
    ("一百个", "100个"),
    ("十二月五日", "12月5日"),
    ("五百个点赞", "500个点赞"),
    ("每人写三篇心得", "每人写3篇心得"),
    ("两个小时之内", "2个小时之内"),
    ("一个半小时", "1个半小时"),
    ("一小时内", "1小时内"),
    ("一周内", "1周内"),
    ("一点前", "1点前"),
    ("八点十五分", "8点15分"),
    ("三点零五分", "3点05分"),
    ("周五十点前", "周五10点前"),
    ("星期五十点", "星期五10点"),
    ("二〇二四年十二月五日", "2024年12月5日"),
    ("两千五百人", "2500人"),
    ("十一月", "11月"),
    ("請於今晚十點前報送", "请于今晚10点前报送"),  # numerals after t2s: 點 → 点
    ("兩點半", "2点半"),
    # left alone
    ("半小时", "半小时"),
    ("一定", "一定"),
    ("统一时间", "统一时间"),
    ("一些", "一些"),
    ("十分重要", "十分重要"),
    ("十分之一", "十分之一"),
    ("万一", "万一"),
    ("一起", "一起"),
    ("第一书记", "第一书记"),
    ("第十二个", "第十二个"),
    ("第一时间", "第一时间"),
    ("三农", "三农"),
    ("两委", "两委"),
    ("一张表", "一张表"),
    ("一站式", "一站式"),
    ("一网通办", "一网通办"),
    ("一次性", "一次性"),
    ("一个人", "一个人"),  # a count of one is not converted
    ("一天一报", "一天一报"),
    ("同一天", "同一天"),
    ("早一点前来", "早一点前来"),
    ("三点要求", "三点要求"),
    ("提两点意见", "提两点意见"),
    ("三五天", "三五天"),  # a range
    ("两三个", "两三个"),
    ("几十个", "几十个"),
    ("十多个", "十多个"),
    ("百家争鸣", "百家争鸣"),
    ("千家万户", "千家万户"),
    ("两个维护", "两个维护"),
    ("八项规定", "八项规定"),
    ("五位一体", "五位一体"),
    ("十一前", "十一前"),  # National Day, not a count
    ("周一前", "周一前"),
]


@pytest.mark.parametrize(("raw", "expected"), ENTITIES + ZERO_WIDTH + EMOJI + WIDTH + TRADITIONAL)
def test_context_free_steps(raw: str, expected: str) -> None:
    result = normalise(raw)
    assert result.original == raw
    assert result.text == expected
    _assert_map_is_sound(result, exact=":" not in expected and "了解" not in expected)


@pytest.mark.parametrize(("raw", "expected"), AT_RUNS + NUMERALS)
def test_context_dependent_steps(raw: str, expected: str) -> None:
    """ "@@" removal and numerals depend on their neighbours: the map is checked for bounds only."""
    result = normalise(raw)
    assert result.text == expected
    _assert_map_is_sound(result, exact=False)


def test_clean_text_takes_the_fast_path() -> None:
    text = "各位同事，请于本周五下班前将工作总结报送至办公室邮箱，谢谢配合。"
    result = normalise(text)
    assert result == Normalised(text, text)
    assert result.is_identity
    assert result.to_original(3, 7) == (3, 7)


def test_same_length_steps_keep_an_identity_map() -> None:
    result = normalise("請各位截圖發群")
    assert result.text == "请各位截图发群"
    assert result.is_identity
    assert result.to_original(3, 7) == (3, 7)


def test_empty_text() -> None:
    assert normalise("").text == ""
    assert normalise("").to_original(0, 0) == (0, 0)
    assert normalise("\u200b").to_original(0, 0) == (1, 1)


def test_keyword_maps_back_to_its_whole_original() -> None:
    raw = "请各位今晚截@@圖發群"
    result = normalise(raw)
    start = result.text.index("截图发群")
    a, b = result.to_original(start, start + 4)
    assert raw[a:b] == "截@@圖發群"


def test_converted_numbers_map_to_the_whole_run() -> None:
    raw = "請各位今晚二十點前報送"
    result = normalise(raw)
    assert result.text == "请各位今晚20点前报送"
    start = result.text.index("20")
    assert result.to_original(start, start + 1) == result.to_original(start, start + 2)
    a, b = result.to_original(start, start + 3)
    assert raw[a:b] == "二十點"


def test_entity_maps_to_the_entity() -> None:
    raw = "通知&amp;公告"
    result = normalise(raw)
    i = result.text.index("&")
    a, b = result.to_original(i, i + 1)
    assert raw[a:b] == "&amp;"
    a, b = result.to_original(i + 1, i + 3)
    assert raw[a:b] == "公告"


def test_empty_span_maps_to_a_position() -> None:
    raw = "截\u200b图"
    result = normalise(raw)
    assert result.to_original(1, 1) == (2, 2)
    assert result.to_original(2, 2) == (3, 3)


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 1), (0, 99)])
def test_to_original_rejects_spans_outside_the_text(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        normalise("截@@圖").to_original(start, end)
    with pytest.raises(ValueError, match="outside"):
        normalise("截图发群").to_original(start, end)


def test_split_clauses() -> None:
    text = "请注意！今晚8点前，截图发群。\n 收到请回复;谢谢"
    assert [text[a:b] for a, b in split_clauses(text)] == ["请注意", "今晚8点前，截图发群", "收到请回复", "谢谢"]
    assert [text[a:b] for a, b in split_clauses(text, commas=True)] == [
        "请注意", "今晚8点前", "截图发群", "收到请回复", "谢谢",
    ]  # fmt: skip
    assert split_clauses("") == []
    assert split_clauses("。！？") == []


# --- properties of the map ---------------------------------------------------------------------

# Pieces a message is made of. No Chinese numerals and no "：" between digits: those steps depend on
# their neighbours ("十" alone stays "十", "十分钟" becomes "10分钟"), so they are tested by table.
CLEAN = [
    "请", "各位", "今晚", "截图", "发群", "收到", "回复", "通知", "材料", "工作", "OK", "abc", "，", "。", "！", " ",
]  # fmt: skip
NOISE = [
    "&nbsp;", "&amp;", "&lt;", "&gt;", "&quot;", "&#12290;", "&#x3002;", "&#8203;",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "@@", "@", "[抱拳]", "[玫瑰]", "[OK]", "[强]", "/::)", "/:rose",
    "０", "１", "８", "Ｆ", "ｘ", "\u3000",
]  # fmt: skip
TRADITIONAL_WORDS = ["請", "截圖", "發群", "報送", "會議", "點讚", "轉發", "時間", "後續", "資料", "這個", "傳照片"]

_T2S = opencc.OpenCC("t2s")


def test_traditional_vocabulary_converts_char_by_char() -> None:
    """The property below needs words whose conversion does not depend on phrase context."""
    for word in TRADITIONAL_WORDS:
        assert _T2S.convert(word) == "".join(_T2S.convert(c) for c in word)


def _assert_map_is_sound(result: Normalised, exact: bool = True) -> None:
    """Bounds, order, and (exact) every group of normalised chars is the normalisation of its source.

    A group is a run of normalised characters with the same original span (one char for
    char-for-char steps, all chars of an entity or a converted number). Original characters outside
    every span were removed; on their own they normalise to nothing, or to "@" for the one "@" kept
    of a run (the weaker invariant: removal of "@@" depends on the words around it).

    The exact check holds for steps that do not look at neighbours. It cannot hold for those that do:
    "十" alone stays "十" but is "10" in "十分钟"; "：" alone stays but is ":" in "18：00"; "瞭" alone
    stays but is "了" in "瞭解". For them the groups are only checked to lie in order inside the text.
    """
    original, text = result.original, result.text
    spans = [result.to_original(i, i + 1) for i in range(len(text))]
    covered = [False] * len(original)
    previous = (0, 0)
    i = 0
    while i < len(text):
        a, b = spans[i]
        assert 0 <= a < b <= len(original)
        assert a >= previous[0] and b >= previous[1]  # monotone
        j = i
        while j < len(text) and spans[j] == (a, b):
            j += 1
        if (a, b) != previous:
            assert a >= previous[1], "groups do not overlap"
        if exact:
            assert normalise(original[a:b]).text == text[i:j], (original[a:b], text[i:j])
        covered[a:b] = [True] * (b - a)
        previous = (a, b)
        i = j
    k = 0
    while k < len(original):
        if covered[k]:
            k += 1
            continue
        m = k
        while m < len(original) and not covered[m]:
            m += 1
        if exact:
            assert normalise(original[k:m]).text.strip("@") == "", original[k:m]
        k = m


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CLEAN + NOISE + TRADITIONAL_WORDS), min_size=0, max_size=25))
def test_map_property(pieces: list[str]) -> None:
    raw = "".join(pieces)
    result = normalise(raw)
    _assert_map_is_sound(result)
    assert result.to_original(0, len(result.text))[1] <= len(raw)


REMOVABLE = ["&#8203;", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "[抱拳]", "[OK]", "/::)", "@@"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(REMOVABLE), min_size=1, max_size=8))
def test_keyword_span_is_the_noisy_original(noise_pieces: list[str]) -> None:
    """A keyword spelt with removable noise inside it maps back to exactly that noisy spelling."""
    noise = "".join(noise_pieces)
    raw = f"请今晚截{noise}圖發群。"
    result = normalise(raw)
    start = result.text.index("截图发群")
    a, b = result.to_original(start, start + 4)
    assert raw[a:b] == f"截{noise}圖發群"
