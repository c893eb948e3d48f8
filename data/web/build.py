# ruff: noqa: E501, RUF005  (Chinese text and HTML templates)
"""Seeded builder of the labelled page sets (train, dev) from the hand-written material in raw/.

Run from the repository root: .venv/bin/python data/web/build.py
Each raw file is split by line (even lines → train, odd lines → dev), so no sentence, brand or typo of dev is
seen in train. Pages are assembled from several site templates (old table layouts, div layouts, GBK pages,
extracted .txt with scraping artefacts and Traditional script); the label of every page comes from how it was
built: which technique carried which injected text, which typo was planted, whether the column is stale.
Nothing here imports the detector.
"""

from __future__ import annotations

import html
import json
import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import opencc

HERE = Path(__file__).parent
RAW = HERE / "raw"
SPLITS = {"train": (20261124, date(2025, 6, 30), 360), "dev": (11242026, date(2025, 9, 30), 240)}
S2T = opencc.OpenCC("s2t")
LEGIT_LINKS = [("中国政府网", "https://www.gov.cn/"), ("湖南省人民政府", "https://www.hunan.gov.cn/"),
               ("国家政务服务平台", "https://gjzwfw.www.gov.cn/"), ("新华网", "http://www.xinhuanet.com/"),
               ("人民网", "http://www.people.com.cn/"), ("清河市人民政府", "http://www.qinghe.gov.cn/"),
               ("信用中国", "https://www.creditchina.gov.cn/"), ("国家医保服务平台", "https://fuwu.nhsa.gov.cn/"),
               ("中国裁判文书网", "https://wenshu.court.gov.cn/"), ("12377举报中心", "https://www.12377.cn/")]
SPAM_HOSTS = ["http://www.xpj{n}.com", "https://vns{n}.vip", "http://amjs{n}.cc", "https://hgty{n}.net", "http://bjl{n}.top",
              "http://www.lhc{n}.com", "https://ylc{n}.app", "http://qipai{n}.xyz"]
UNITS = ["清河县市场监督管理局", "临川镇人民政府", "南湖街道办事处", "清河县卫生健康局", "清河县人民医院", "清河县实验小学",
         "清河县水利局", "清河县医疗保障局", "清河城市建设投资集团有限公司", "清河县农业农村局"]
COLUMNS = {"notice": ["通知公告", "公示公告", "政策文件"], "news": ["工作动态", "部门动态", "乡镇动态"], "home": ["首页"]}
THRESH = {"notice": 183, "news": 14, "home": 14}


def lines(name: str, split: str) -> list[str]:
    rows = [ln.rstrip("\n") for ln in (RAW / name).open(encoding="utf-8") if ln.strip()]
    return rows[0::2] if split == "train" else rows[1::2]


class Builder:
    def __init__(self, split: str) -> None:
        seed, self.as_of, self.n = SPLITS[split]
        self.split = split
        self.rng = random.Random(seed)
        self.formal = [ln.split("|", 1)[1] for ln in lines("formal.txt", split)]
        self.campaign = [ln.split("|", 1)[1] for ln in lines("campaign.txt", split)]
        self.inline = [tuple(ln.split("|", 1)) for ln in lines("inline_spam.txt", split)]
        self.blocks = lines("spam_blocks.txt", split)
        self.footers = lines("footers.txt", split)
        self.typos = [tuple(ln.split("|", 2)) for ln in lines("typo_sentences.txt", split)]
        self.out = HERE / split / "pages"

    # ------------------------------------------------------------------ pieces
    def spam_links(self, k: int) -> tuple[str, str]:
        """(html, visible text) of k spam links drawn from a keyword block."""
        words = self.rng.choice(self.blocks).replace("|", " ").replace("、", " ").split()
        words = self.rng.sample(words, min(k, len(words)))
        host = self.rng.choice(SPAM_HOSTS).format(n=self.rng.randint(100, 9999))
        links = " ".join(f'<a href="{host}/{i}.html">{html.escape(w)}</a>' for i, w in enumerate(words))
        return links, " ".join(words)

    def paragraphs(self, k: int) -> list[str]:
        return self.rng.sample(self.formal, min(k, len(self.formal)))

    def page(self, title: str, body: str, *, head_extra: str = "", footer: str | None = None, after: str = "",
             charset: str = "utf-8", layout: str | None = None) -> str:
        footer = footer if footer is not None else self.rng.choice(self.footers)
        nav = "".join(f'<li><a href="/col{i}/">{c}</a></li>' for i, c in enumerate(["首页", "政务公开", "政务服务", "互动交流", "走进清河"]))
        dropdown = '<ul class="sub" style="display:none"><li><a href="/zwgk/zcwj/">政策文件</a></li><li><a href="/zwgk/rsxx/">人事信息</a></li></ul>'
        links = "".join(f'<a href="{u}" target="_blank">{n}</a> ' for n, u in self.rng.sample(LEGIT_LINKS, self.rng.randint(3, 10)))
        layout = layout or self.rng.choice(["div", "table", "div"])
        skip = '<a class="sr-only" href="#main">跳转到主要内容</a>' if self.rng.random() < 0.3 else ""
        if layout == "table":
            main = (f'<table width="1000" align="center"><tr><td class="nav">{nav}{dropdown}</td></tr>'
                    f'<tr><td class="content" id="main">{body}</td></tr>'
                    f'<tr><td class="links">友情链接：{links}</td></tr>'
                    f'<tr><td class="bottom"><font color="#666">{html.escape(footer)}</font></td></tr></table>')
        else:
            main = (f'<div class="header"><ul class="nav">{nav}</ul>{dropdown}</div>'
                    f'<div class="main" id="main">{body}</div><div class="yqlj">友情链接：{links}</div>'
                    f'<div class="footer"><p>{html.escape(footer)}</p></div>')
        return (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
                f'<title>{html.escape(title)}</title><style>.sr-only{{position:absolute;left:-10000px}} .sub li{{float:left}}</style>'
                f'{head_extra}</head><body>{skip}{main}{after}</body></html>')

    # ------------------------------------------------------------------ techniques
    def inject(self, technique: str) -> tuple[str, str, str, str]:
        """(body insert, head extra, after-html, evidence text) for one hidden technique."""
        links, text = self.spam_links(self.rng.randint(3, 7))
        r = self.rng.random()
        if technique == "display:none":
            if r < 0.5:
                return f'<div style="display: none">{links}</div>', "", "", text
            cls = f"c{self.rng.randint(10, 99)}"
            return f'<div class="{cls}">{links}</div>', f"<style>.{cls}{{display:none!important}}</style>", "", text
        if technique == "hidden-div":
            style = self.rng.choice(['style="visibility:hidden"', 'style="height:0;overflow:hidden"', "hidden",
                                     'style="width:1px;height:1px;overflow:hidden"'])
            return f"<div {style}>{links}</div>", "", "", text
        if technique == "tiny-font":
            size = self.rng.choice(["0px", "1px", "0", "2px"])
            return f'<p style="font-size:{size};line-height:0">{links}</p>', "", "", text
        if technique == "offscreen":
            style = self.rng.choice(["position:absolute;left:-9999px;top:-9999px", "position:absolute;top:-1200px",
                                     "text-indent:-8000px;overflow:hidden"])
            return f'<div style="{style}">{links}</div>', "", "", text
        if technique == "js-injected":
            if r < 0.4:
                code = f"document.write('{links}');"
            elif r < 0.8:
                esc = "".join(f"\\u{ord(c):04x}" if ord(c) > 127 else c for c in links)
                code = f'document.writeln("{esc}");'
            else:
                code = f"document.write(unescape('{quote(links)}'));"
            return f"<script>{code}</script>", "", "", text
        if technique == "footer-keyword-block":
            block = self.rng.choice(self.blocks).replace("|", " ").replace("、", " ")
            if self.rng.random() < 0.5:
                return "", "", f"<p>{html.escape(block)}</p>", block
            return "", "", f"</html>\n{html.escape(block)}", block
        raise ValueError(technique)

    # ------------------------------------------------------------------ page kinds
    def build(self) -> None:
        if self.out.exists():
            shutil.rmtree(self.out)
        self.out.mkdir(parents=True)
        gold = {}
        kinds = (["clean"] * 16 + ["campaign"] * 8 + ["hidden"] * 22 + ["inline"] * 12 + ["typo"] * 10 + ["typo_clean"] * 4
                 + ["stale"] * 8 + ["fresh"] * 8 + ["txt"] * 8 + ["txt_spam"] * 4)
        for i in range(self.n):
            kind = self.rng.choice(kinds)
            name = f"page_{i:04d}"
            entry = getattr(self, f"make_{kind}")(name)
            gold[entry.pop("file")] = entry
        (HERE / self.split / "gold.json").write_text(json.dumps({"as_of": self.as_of.isoformat(), "pages": gold},
                                                                ensure_ascii=False, indent=1), encoding="utf-8")
        counts: dict[str, int] = {}
        for g in gold.values():
            counts[g["kind"]] = counts.get(g["kind"], 0) + 1
        print(self.split, len(gold), counts)

    def write(self, name: str, text: str, *, gbk: bool = False, suffix: str = ".html") -> str:
        file = name + suffix
        (self.out / file).write_bytes(text.encode("gb18030" if gbk else "utf-8"))
        return file

    def entry(self, file: str, kind: str, injections: list[dict[str, str]] | None = None, typos: list[str] | None = None,
              stale: bool = False) -> dict[str, object]:
        return {"file": file, "kind": kind, "hacked": bool(injections), "injections": injections or [],
                "typos": typos or [], "stale": stale}

    def article(self, paras: list[str]) -> str:
        d = self.as_of - timedelta(days=self.rng.randint(1, 700))
        return f'<h1>{html.escape(paras[0][:18])}</h1><div class="info">发布时间：{d.isoformat()}　来源：{self.rng.choice(UNITS)}</div>' + "".join(
            f"<p>{html.escape(p)}</p>" for p in paras)

    def make_clean(self, name: str) -> dict[str, object]:
        paras = self.paragraphs(self.rng.randint(2, 5))
        gbk = self.rng.random() < 0.25
        page = self.page(f"{self.rng.choice(UNITS)}-{self.rng.choice(['单位简介', '工作动态', '办事指南'])}", self.article(paras),
                         charset="gb2312" if gbk else "utf-8")
        return self.entry(self.write(name, page, gbk=gbk), "clean")

    def make_campaign(self, name: str) -> dict[str, object]:
        paras = self.rng.sample(self.campaign, min(len(self.campaign), self.rng.randint(1, 3))) + self.paragraphs(1)
        self.rng.shuffle(paras)
        page = self.page(f"{self.rng.choice(['扫黄打非', '打击跨境赌博', '反诈宣传', '平安建设'])}专栏", self.article(paras))
        return self.entry(self.write(name, page), "campaign")

    def make_hidden(self, name: str) -> dict[str, object]:
        techniques = self.rng.sample(["display:none", "hidden-div", "tiny-font", "offscreen", "js-injected", "footer-keyword-block"],
                                     self.rng.choice([1, 1, 1, 2]))
        body, head, after, injections = self.article(self.paragraphs(self.rng.randint(2, 4))), "", "", []
        for t in techniques:
            b, h, a, text = self.inject(t)
            pos = self.rng.choice(["start", "end"])
            body = b + body if pos == "start" else body + b
            head += h
            after += a
            injections.append({"technique": t, "evidence": text})
        gbk = self.rng.random() < 0.2
        page = self.page(f"{self.rng.choice(UNITS)}-{self.rng.choice(['单位简介', '新闻动态', '领导信息'])}", body, head_extra=head,
                         after=after, charset="gbk" if gbk else "utf-8")
        return self.entry(self.write(name, page, gbk=gbk), "hacked", injections)

    def make_inline(self, name: str) -> dict[str, object]:
        phrase, sentence = self.rng.choice(self.inline)
        paras = self.paragraphs(self.rng.randint(1, 3))
        paras.insert(self.rng.randint(0, len(paras)), sentence)
        page = self.page(f"{self.rng.choice(UNITS)}-单位简介", self.article(paras))
        return self.entry(self.write(name, page), "hacked", [{"technique": "inline-brand-insertion", "evidence": phrase}])

    def make_typo(self, name: str) -> dict[str, object]:
        wrong, _right, sentence = self.rng.choice(self.typos)
        paras = self.paragraphs(self.rng.randint(1, 3))
        paras.insert(self.rng.randint(0, len(paras)), sentence)
        page = self.page(f"{self.rng.choice(UNITS)}-工作动态", self.article(paras))
        return self.entry(self.write(name, page), "typo", typos=[wrong])

    def make_typo_clean(self, name: str) -> dict[str, object]:
        wrong, right, sentence = self.rng.choice(self.typos)
        paras = self.paragraphs(self.rng.randint(1, 3)) + [sentence.replace(wrong, right)]
        page = self.page(f"{self.rng.choice(UNITS)}-工作动态", self.article(paras))
        return self.entry(self.write(name, page), "typo_clean")

    def column(self, name: str, stale: bool) -> dict[str, object]:
        kind = self.rng.choice(list(COLUMNS))
        col = self.rng.choice(COLUMNS[kind])
        limit = THRESH[kind]
        newest = self.as_of - timedelta(days=self.rng.randint(limit + 5, limit * 3) if stale else self.rng.randint(0, limit - 2))
        items = []
        d = newest
        for _ in range(self.rng.randint(6, 15)):
            title = self.rng.choice(self.formal)[:self.rng.randint(12, 24)]
            fmt = self.rng.choice(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "[{:%Y-%m-%d}]", "{0.year}年{0.month}月{0.day}日"])
            items.append(f'<li><a href="/{col}/{self.rng.randint(1000, 9999)}.html">{html.escape(title)}</a><span>{fmt.format(d)}</span></li>')
            d -= timedelta(days=self.rng.randint(1, 40))
        title = f"{self.rng.choice(UNITS)}{'门户网站' if kind == 'home' else ''}-{col}"
        file = "index.html" if kind == "home" else ".html"
        page = self.page(title, f'<div class="position">当前位置：首页 &gt; {col}</div><ul class="list">{"".join(items)}</ul>')
        written = self.write(name if kind != "home" else f"{name}_index", page, suffix=".html" if file == ".html" else "_index.html")
        return self.entry(written, "stale" if stale else "fresh", stale=stale)

    def make_stale(self, name: str) -> dict[str, object]:
        return self.column(name, True)

    def make_fresh(self, name: str) -> dict[str, object]:
        return self.column(name, False)

    def noisy_text(self, paras: list[str]) -> str:
        out = []
        for p in paras:
            if self.rng.random() < 0.4:
                cut = self.rng.randint(2, max(3, len(p) - 2))
                p = p[:cut] + "@@" + p[cut:]
            if self.rng.random() < 0.3:
                p = p.replace("，", "&nbsp;，", 1)
            if self.rng.random() < 0.25:
                p = S2T.convert(p)
            out.append(p)
        return "\n".join(out)

    def make_txt(self, name: str) -> dict[str, object]:
        paras = [f"{self.rng.choice(UNITS)}"] + self.paragraphs(self.rng.randint(2, 5))
        if self.rng.random() < 0.4:
            paras.insert(2, self.rng.choice(self.campaign))
        text = self.noisy_text(paras) + "\n" + self.rng.choice(self.footers) + "\n"
        return self.entry(self.write(name, text, suffix=".txt"), "txt")

    def make_txt_spam(self, name: str) -> dict[str, object]:
        paras = [f"{self.rng.choice(UNITS)}"] + self.paragraphs(self.rng.randint(2, 4))
        if self.rng.random() < 0.5:
            phrase, sentence = self.rng.choice(self.inline)
            paras.insert(2, sentence)
            inj = {"technique": "inline-brand-insertion", "evidence": phrase}
            text = self.noisy_text(paras) + "\n" + self.rng.choice(self.footers) + "\n"
        else:
            block = self.rng.choice(self.blocks).replace("|", " ").replace("、", " ")
            inj = {"technique": "footer-keyword-block", "evidence": block}
            text = self.noisy_text(paras) + "\n" + self.rng.choice(self.footers) + "\n" + block + "\n"
        return self.entry(self.write(name, text, suffix=".txt"), "hacked", [inj])


if __name__ == "__main__":
    for split in SPLITS:
        Builder(split).build()
