"""Detect a chat export's text encoding from its first bytes, and open it as text.

Users re-save exports in Excel/WPS, which turns UTF-8 into GBK/GB18030 on Simplified Chinese
Windows and into Big5 on Traditional Chinese Windows (export-formats.md, "Encoding reality
check"). So: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK) against Big5,
decided by how many of the decoded characters are common Chinese characters.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO

from jianfu.errors import InputError

SAMPLE_BYTES = 64 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),  # Excel "Unicode text" export
    (b"\xfe\xff", "utf-16"),
)

# The ~300 most frequent characters of modern Simplified and of Traditional Chinese text, plus the
# characters these work chats use all the time. Mis-decoded GBK↔Big5 text is made of rare
# characters, so counting hits here tells the right decoding apart within a few dozen characters.
_COMMON_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之"
    "年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样"
    "理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将"
    "两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信"
    "表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔"
    "更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统"
    "区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品"
    "住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根"
    "干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流"
    "备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越"
    "器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突"
    "专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态"
    "护七兴派孩验责营星够章音跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故"
    "按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职"
    "速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳若哪微尼继送急血惊伤"
    "素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷洲冲射略"
    "范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚"
    "善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶"
    "块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序"
    "升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移"
    "娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸"
    "镇街网格卷收到截打卡龙填转朋圈排名倒检讨载注册率心得体会值班汛岗签"
)
_COMMON_TRADITIONAL = (
    "們這個來為國說時會對發後過裡種麼現當沒動從實軍無與長機們開關點業將兩間問題聯樣還進應戰頭體"
    "對見當學經師書東義門語處電華區數變條傳務記寫報導總單級歲買賣邊話該認識讓讀誰請議論責設計"
    "鄉鎮網員員據們並產內氣號們歷達團們給區別車難飛歡運熱與歸權領導黨員組織幹部鄉鎮縣處發動會議"
    "轉圈龍簽檢討載註冊體會值崗訊廣應讚轉錄遞屬據證確廳劃標準響顯傳統檢查們樓園陽陰韓鐘錢鐵"
)
_COMMON = frozenset(_COMMON_SIMPLIFIED + _COMMON_TRADITIONAL)

# Order breaks ties: GB18030 is by far the likelier re-save; cp950 is Microsoft's Big5 superset.
_CJK_CANDIDATES = ("gb18030", "big5", "cp950")


def detect_encoding(path: str | Path) -> str:
    """Read the first 64 KB of `path` and return a Python codec name for it."""
    try:
        with open_binary(path) as fh:
            sample = fh.read(SAMPLE_BYTES)
            truncated = fh.read(1) != b""
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    return detect_bytes_encoding(sample, truncated)


def detect_bytes_encoding(sample: bytes, truncated: bool = False) -> str:
    """The codec for `sample`; `truncated` means the sample may end inside a multi-byte character."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if _decodes(sample, "utf-8", truncated) is not None:
        return "utf-8"
    best_name = _CJK_CANDIDATES[0]
    best_key: tuple[int, float] = (-1, -1.0)
    for name in _CJK_CANDIDATES:
        text = _decodes(sample, name, truncated)
        if text is None:
            # Not a clean decode; still rank it below every clean one, by its replacement count.
            loose = sample.decode(name, errors="replace")
            key = (-loose.count("\ufffd") - 1_000_000, _score(loose))
        else:
            key = (0, _score(text))
        if key > best_key:
            best_name, best_key = name, key
    return best_name


def _decodes(sample: bytes, encoding: str, truncated: bool) -> str | None:
    """Strict decode; when the sample was cut, forgive an incomplete character at its very end."""
    try:
        return sample.decode(encoding)
    except UnicodeDecodeError as exc:
        if truncated and exc.end >= len(sample) and exc.start >= len(sample) - 3:
            try:
                return sample[: exc.start].decode(encoding)
            except UnicodeDecodeError:
                return None
        return None


def _score(text: str) -> float:
    """Share of non-ASCII characters that are common Chinese characters."""
    wide = 0
    hits = 0
    for ch in text:
        if ch > "\x7f":
            wide += 1
            if ch in _COMMON:
                hits += 1
    return hits / wide if wide else 0.0


def open_binary(path: str | Path) -> IO[bytes]:
    """Open `path` for reading bytes; gzip files (`.gz`, as large exports are often sent) are decompressed."""
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def open_text(path: str | Path, encoding: str, newline: str | None = None) -> IO[str]:
    """Open `path` for reading as text (gzip decompressed). Undecodable bytes become U+FFFD, never an abort."""
    try:
        return io.TextIOWrapper(open_binary(path), encoding=encoding, errors="replace", newline=newline)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
