"""Writer M: hand-written lines (TAG|text) → raw/writer_m.jsonl with seeded metadata, Traditional and noise.

Run from the repository root: .venv/bin/python data/messages/raw/writer_m_source/build.py
"""
import json, random, datetime as dt
from pathlib import Path
HERE = Path(__file__).parent
import opencc
rng = random.Random(20261124)
CODE = dict(FC="FORCED_CHECKIN", PT="PROOF_TRACE", LS="LIKE_SHARE_QUOTA", RK="RANKING", FA="FORCED_ADOPTION",
            IR="INSTANT_REPLY", DR="DUPLICATE_REPORTING", AT="ARBITRARY_TASK")
groups = ["虹桥街道社工群", "古北居委会工作群", "滨江街道网格员群", "实验小学教师群", "第二幼儿园教职工群", "区人民医院护理部群",
          "心内科医护群", "城管执法大队工作群", "三中队队员群", "街道党工委党员群", "区教育局德育工作群", "和平社区楼组长群"]
senders = [("街道党工委书记 钱", "leader"), ("居委会主任 沈", "leader"), ("网格长 顾", "leader"), ("护理部主任 陆", "leader"),
           ("护士长 许", "leader"), ("校长 施", "leader"), ("年级组长 黄", "leader"), ("城管中队长 严", "leader"),
           ("社工 小杨", "staff"), ("楼组长 王阿姨", "cadre"), ("网格员 小徐", "cadre"), ("值班医生 周", "cadre")]
s2t = opencc.OpenCC("s2t")
def noisy(t):
    kind = rng.choice(["at", "nbsp", "fw", "zw", "emoji"])
    if kind == "at" and len(t) > 6:
        i = rng.randrange(2, len(t) - 2); return t[:i] + "@@" + t[i:]
    if kind == "nbsp" and len(t) > 6:
        i = rng.randrange(2, len(t) - 2); return t[:i] + "&nbsp;" + t[i:]
    if kind == "fw":
        return t.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if kind == "zw" and len(t) > 6:
        i = rng.randrange(2, len(t) - 2); return t[:i] + "\u200b" + t[i:]
    return t + rng.choice(["[抱拳]", "[强]", "[握手]", "[玫瑰]"])
def when():
    day = dt.date(2023, 3, 1) + dt.timedelta(days=rng.randrange(0, 1200))
    if rng.random() < 0.35:
        h = rng.choice([6, 7, 12, 13, 19, 20, 21, 22, 23])
    else:
        h = rng.choice([9, 10, 11, 14, 15, 16, 17])
    return dt.datetime(day.year, day.month, day.day, h, rng.randrange(60), rng.randrange(60),
                       tzinfo=dt.timezone(dt.timedelta(hours=8))).isoformat()
rows = []
for f in ["b1.txt", "b1n.txt", "b2.txt", "b2n.txt"]:
    for line in open(HERE / f, encoding="utf-8"):
        line = line.strip()
        if not line: continue
        tag, text = line.split("|", 1)
        if tag == "HN": labels, hard, note = [], True, "hard negative"
        elif tag == "EN": labels, hard, note = [], False, "ordinary chatter"
        else: labels, hard, note = [CODE[c] for c in tag.split(",")], False, "demand"
        if rng.random() < 0.12: text = s2t.convert(text); note += "; traditional"
        if rng.random() < 0.15: text = noisy(text); note += "; noise"
        s, role = rng.choice(senders)
        rows.append(dict(text=text, sent_at=when(), sender=s, sender_role=role, group=rng.choice(groups),
                         labels=labels, hard_negative=hard, note=note))
import glob, sys
sys.path.insert(0, str(HERE.parents[3] / "src"))
from jianfu.normalise.text import normalise  # only to compare with A-F as the README says
old = set()
for f in sorted(glob.glob(str(HERE.parent / "writer_[a-f].jsonl"))):
    for l in open(f, encoding="utf-8"):
        old.add(normalise(json.loads(l)["text"]).text)
seen = set(); out = []
for r in rows:
    if r["text"] in seen or normalise(r["text"]).text in old: continue
    seen.add(r["text"]); out.append(r)
with open(HERE.parent / "writer_m.jsonl", "w", encoding="utf-8") as fh:
    for i, r in enumerate(out, 1):
        fh.write(json.dumps({"id": f"wm-{i:04d}", **r}, ensure_ascii=False) + "\n")
from collections import Counter
c = Counter(l for r in out for l in r["labels"]); print(len(out), c, sum(r["hard_negative"] for r in out))
