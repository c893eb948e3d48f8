"""Seeded generator of realistic work-group messages in the generic JSONL contract, for benchmarks.

The mix follows what a busy county work group looks like: mostly notices, replies and chatter,
about one message in five a formalism demand, some Traditional script and scraping noise.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

GROUPS = ["城关镇网格员工作群", "县委办信息报送群", "东街道社区工作者群", "河西村两委干部群", "县教育局班主任群",
          "乡村振兴驻村工作队群", "县应急管理局值班群", "文明创建工作群"]
SENDERS = ["王主任", "李书记", "张科长", "赵网格长", "刘镇长", "陈老师", "周社工", "吴站长", "郑干事", "孙会计"]
DEMANDS = [
    "请各位今晚{h}点前在群里接龙打卡",
    "所有人{m}分钟内回复收到",
    "把今天入户走访的照片截图发群里留痕，每户至少{n}张",
    "关注公众号并转发朋友圈，转发截图{h}点前发群",
    "本周学习强国积分排名倒数前三的村写检讨",
    "国家反诈中心APP下载注册率要达到100%，没注册的报名单",
    "这个表上周报过了，按新模板再报一遍",
    "明早上班前每人交一份学习心得，字数不少于{k}字",
    "下午四点前没接龙的我单独打电话",
    "看到的扣个1，{m}分钟后我统计",
    "請各村幹部每天上午{h}點前完成簽到",
    "各网格今天要完成{k}个点赞任务，截图为证",
]
NORMAL = [
    "收到", "收到，马上落实", "好的[抱拳]", "辛苦了", "已接龙", "1",
    "明天上午9点在三楼会议室开会，请准时参加",
    "请于本周五下班前报送秋粮收购进度",
    "转发一篇防诈骗文章，供大家参考",
    "今天下午停电检修，办公室电脑请提前保存",
    "有需要的同志可以下载个税APP自行申报",
    "防汛Ⅳ级应急响应期间，值班人员请在岗签到",
    "即日起取消每日打卡，大家不用再截图了",
    "请拍下塌方点位照片发给应急办以便评估",
    "请通过一表通系统统一报送，不再另行收集",
    "低保年审材料已经收齐，谢谢各位",
    "今天天气很热，入户走访注意防暑",
    "下周一起开展燃气安全入户检查，各网格分片负责",
    "本月信访积案化解数：东街道第一",
    "会议纪要已发邮箱，请查收",
    "这个政策文件的第三条怎么理解？",
    "老张家的房屋鉴定报告出来了，C级",
    "关于开展2025年度民兵整组工作的通知&nbsp;请各村认真阅读",
    "今晚@@社区有文艺汇演，欢迎参加",
]


def generate(path: Path, count: int, seed: int = 7, unique: bool = False) -> Path:
    """Write count messages; with unique=True every text is made distinct (defeats text caching)."""
    rng = random.Random(seed)
    start = datetime(2025, 3, 3, 7, 0)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            when = start + timedelta(minutes=i * 0.7 + rng.random())
            template = rng.choice(DEMANDS) if rng.random() < 0.2 else rng.choice(NORMAL)
            text = template.format(h=rng.randint(7, 22), m=rng.choice([5, 10, 15, 30]), n=rng.randint(2, 6),
                                   k=rng.choice([500, 800, 1000, 1500]))
            if unique:
                text = f"{text}（{rng.choice(GROUPS)[:3]}{i}号）"
            row = {"id": f"m{i}", "text": text, "sent_at": when.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                   "sender": rng.choice(SENDERS), "group": rng.choice(GROUPS)}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    import sys

    generate(Path(sys.argv[1]), int(sys.argv[2]))
