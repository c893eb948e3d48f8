"""WeChat / WeCom emoji codes as they appear in exported chat text: "[抱拳]", "[OK]", "/::)".

Names follow the WeChat web client's emoji table (simplified "cn" names, the Traditional "tw" names
shown to HK/TW users, and the English names of at most 4 characters), plus the legacy "/:" codes.
Only a bracketed token whose content is in this list is treated as an emoji, so legitimate brackets
such as "[2024]12号" or "【通知】" are never touched.
"""

from __future__ import annotations

import re
from typing import Final

# Simplified names (WeChat "cn" column and the later "newemoji" set).
_NAMES_CN = (
    "微笑 撇嘴 色 发呆 得意 流泪 害羞 闭嘴 睡 大哭 尴尬 发怒 调皮 呲牙 惊讶 难过 酷 囧 冷汗 抓狂 吐 偷笑 "
    "愉快 可爱 白眼 傲慢 饥饿 困 惊恐 流汗 憨笑 悠闲 大兵 奋斗 咒骂 疑问 嘘 晕 疯了 折磨 衰 骷髅 敲打 再见 "
    "擦汗 抠鼻 鼓掌 糗大了 坏笑 左哼哼 右哼哼 哈欠 鄙视 委屈 快哭了 阴险 亲亲 吓 可怜 菜刀 西瓜 啤酒 篮球 "
    "乒乓 咖啡 饭 猪头 玫瑰 凋谢 嘴唇 示爱 爱心 心碎 蛋糕 闪电 炸弹 刀 足球 瓢虫 便便 月亮 太阳 礼物 拥抱 "
    "强 弱 握手 胜利 抱拳 勾引 拳头 差劲 爱你 NO OK 爱情 飞吻 跳跳 发抖 怄火 转圈 磕头 回头 跳绳 投降 "
    "挥手 激动 乱舞 街舞 献吻 左太极 右太极 奸笑 嘿哈 捂脸 机智 茶 红包 蜡烛 耶 皱眉 鸡 福 發 发 小狗 吃瓜 "
    "加油 汗 天啊 Emm 社会社会 旺柴 好的 打脸 哇 加油加油 翻白眼 666 让我看看 叹气 苦涩 裂开 脸红 笑脸 "
    "破涕为笑 烟花 爆竹 庆祝 恐惧 无语 失望 生病 合十 吐舌 赞 ok"
)
# Traditional names shown to HK/TW users, where they differ.
_NAMES_TW = (
    "發呆 流淚 閉嘴 尷尬 發怒 調皮 驚訝 難過 饑餓 累 驚恐 大笑 悠閑 奮鬥 咒罵 疑問 噓 暈 瘋了 骷髏頭 再見 "
    "摳鼻 羞辱 壞笑 鄙視 陰險 親親 嚇 可憐 籃球 飯 豬頭 枯萎 愛心 閃電 炸彈 甲蟲 太陽 禮物 擁抱 強 勝利 拳頭 "
    "差勁 愛你 愛情 飛吻 發抖 噴火 轉圈 磕頭 回頭 跳繩 激動 亂舞 獻吻 左太極 右太極 吼嘿 掩面 機智 蠟燭 歐耶 "
    "皺眉 小雞 吃西瓜 失敬失敬 打臉 讓我看看 嘆息 難受 崩潰 臉紅 笑臉 破涕為笑 煙花 慶祝 恐懼 無語"
)
# English names of at most four characters (the English-language client writes these).
_NAMES_EN = (
    "Sob Shy Cry Grin Puke Shhh Wave Clap Sly Kiss Beer Rice Pig Rose Wilt Lips Cake Bomb Poop Moon Sun "
    "Gift Hug Fist Tea Hey Bye Rich Pup Wow Sigh Hurt Lol Sick OMG Duh"
)

BRACKET_NAMES: Final = frozenset(name for name in f"{_NAMES_CN} {_NAMES_TW} {_NAMES_EN}".split() if 1 <= len(name) <= 4)

# Legacy codes typed or exported as text; the order does not matter because the regex sorts them.
SLASH_CODES: Final = (
    "/::)", "/::~", "/::B", "/::|", "/:8-)", "/::<", "/::$", "/::X", "/::Z", "/::'(", "/::-|", "/::@",
    "/::P", "/::D", "/::O", "/::(", "/::+", "/:--b", "/::Q", "/::T", "/:,@P", "/:,@-D", "/::d", "/:,@o",
    "/::g", "/:|-)", "/::!", "/::L", "/::>", "/::,@", "/:,@f", "/::-S", "/:?", "/:,@x", "/:,@@", "/::8",
    "/:,@!", "/:!!!", "/:xx", "/:bye", "/:wipe", "/:dig", "/:handclap", "/:&-(", "/:B-)", "/:<@", "/:@>",
    "/::-O", "/:>-|", "/:P-(", "/::'|", "/:X-)", "/::*", "/:@x", "/:8*", "/:pd", "/:<W>", "/:beer",
    "/:basketb", "/:oo", "/:coffee", "/:eat", "/:pig", "/:rose", "/:fade", "/:showlove", "/:heart",
    "/:break", "/:cake", "/:li", "/:bome", "/:kn", "/:footb", "/:ladybug", "/:shit", "/:moon", "/:sun",
    "/:gift", "/:hug", "/:strong", "/:weak", "/:share", "/:v", "/:@)", "/:jj", "/:@@", "/:bad", "/:lvu",
    "/:no", "/:ok", "/:love", "/:<L>", "/:jump", "/:shake", "/:<O>", "/:circle", "/:kotow", "/:turn",
    "/:skip", "/:oY", "/:#-0", "/:hiphot", "/:kiss", "/:<&", '/:&"',
)  # fmt: skip

# One pattern for both kinds. Longest codes first so "/:basketb" wins over "/:b…"; a code that ends in
# a letter must not run on into a word ("/:love" is not "/:lvu", "/:no" is not "/:now").
_SLASH_ALTERNATION = "|".join(
    re.escape(code) + (r"(?![A-Za-z])" if code[-1].isalpha() else "")
    for code in sorted(SLASH_CODES, key=len, reverse=True)
)
_BRACKET_ALTERNATION = "|".join(re.escape(name) for name in sorted(BRACKET_NAMES, key=len, reverse=True))
PATTERN: Final = re.compile(rf"{_SLASH_ALTERNATION}|\[(?:{_BRACKET_ALTERNATION})\]")
