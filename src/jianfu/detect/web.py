"""Published content: injected spam, severe typos and stale pages (INJECTED_SPAM, SEVERE_TYPO, STALE_CONTENT).

One entry point, `scan_page(source, kind=..., file=..., as_of=..., rules=...)`: a page's text in, a verdict out.
Pure: no I/O, no clock; rules and lexicons are data (`detect/rules/web/*.yaml`) loaded once by `WebRules.load`.

How a page is read
  The HTML is parsed (Lexbor, via selectolax) into *runs*: the text of one block element, or of one element that
  hides its content (display:none, visibility:hidden, tiny font, off-screen positioning). Scripts that write HTML
  are decoded and parsed as their own run (js-injected). Each run keeps, for every text node, where the node
  starts in the page source, so evidence spans point into the file the user has.

How spam is judged
  Not by a word list alone: a strong spam term (a brand, a sign-up bonus, a service offer) counts only in a
  sentence that does not discuss it (打击/查处/举报/判决 …: `discussion_markers`), weak topic words count only
  together in keyword blocks and hidden blocks. Hidden runs need spam to be findings (hidden menus and tabs are
  normal); visible prose gets `inline-brand-insertion` for the inserted phrase only; a keyword-dense visible run
  is a `footer-keyword-block`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import ahocorasick
import yaml

from jianfu.normalise.text import normalise

TECHNIQUES = ("hidden-div", "display:none", "tiny-font", "offscreen", "js-injected", "footer-keyword-block",
              "inline-brand-insertion")

_BLOCK_TAGS = frozenset({"p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "section",
                         "article", "header", "footer", "nav", "aside", "ul", "ol", "table", "tbody", "form", "center",
                         "blockquote", "pre", "main", "body", "html", "br", "dl", "marquee", "title"})
_SKIP_TAGS = frozenset({"style", "noscript", "template", "head", "iframe", "svg", "select", "option"})
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+")
_DATE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})(?:\s*日)?(?!\d)")
_JS_WRITES = re.compile(r"document\.write|innerHTML|insertAdjacentHTML|outerHTML|\.append|location(?:\.href)?\s*=|"
                        r"location\.replace|window\.open", re.I)
_JS_STRING = re.compile(r"'((?:[^'\\\n]|\\.)*)'|\"((?:[^\"\\\n]|\\.)*)\"|`((?:[^`\\]|\\.)*)`", re.S)
_URL = re.compile(r"https?://[^\s'\"<>()]+", re.I)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_PATTERN_CUES = ("娱乐", "国际", "体育", "棋牌", "彩票", "真人", "电竞")  # every brand pattern contains one
# artefacts that can hide a term from the raw prefilter: @@, entities, full-width letters and digits
_RAW_NOISE = re.compile("@@|&|[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_PX = re.compile(r"(-?\d+(?:\.\d+)?)\s*(px|pt|em|rem|%)?")


# --------------------------------------------------------------------------------------------------- rules
@dataclass(frozen=True, slots=True)
class Term:
    text: str
    category: str
    strong: bool


@dataclass(slots=True)
class WebRules:
    """Everything the scanner reads from data: lexicons, official terms, thresholds, policy clauses."""

    raw: dict[str, Any]
    spam_terms: dict[str, Term]
    spam_automaton: Any
    discussion: Any  # sentence-scope markers
    discussion_clause: Any  # clause-scope markers
    brand_patterns: list[tuple[str, re.Pattern[str], str]]  # (id, regex, category)
    link_tokens: tuple[str, ...]
    legit_suffixes: tuple[str, ...]
    typos: dict[str, tuple[str, str]]  # wrong → (right, source)
    typo_automaton: Any
    protected: dict[str, str]  # term → group
    half_automaton: Any
    allow: frozenset[str]
    footer_name: re.Pattern[str]
    prefilter: Any  # raw-text automaton (Simplified and Traditional forms): a run it misses needs no normalising
    spam_prefilter: Any  # the same for spam words only: a page it misses everywhere cannot be hacked by words

    @classmethod
    def load(cls, extra_terms: dict[str, Any] | None = None) -> WebRules:
        base = resources.files("jianfu.detect.rules") / "web"
        raw = yaml.safe_load((base / "web.yaml").read_text(encoding="utf-8"))
        spam = yaml.safe_load((base / "spam.yaml").read_text(encoding="utf-8"))
        official = yaml.safe_load((base / "official_terms.yaml").read_text(encoding="utf-8"))
        if extra_terms:
            official.setdefault("typos", []).extend(extra_terms.get("typos", []))
            for group, body in (extra_terms.get("protected") or {}).items():
                official["protected"].setdefault(group, {"terms": []})["terms"].extend(body.get("terms", []))
        terms: dict[str, Term] = {}
        for category, body in spam["categories"].items():
            for word in body.get("weak", []):
                terms.setdefault(str(word).lower(), Term(str(word).lower(), category, False))
            for word in body.get("strong", []):
                terms[str(word).lower()] = Term(str(word).lower(), category, True)
        typos = {t["wrong"]: (t["right"], t["source"]) for t in official["typos"] if t["wrong"] != t["right"]}
        protected = {str(term): group for group, body in official["protected"].items() for term in body["terms"]}
        halves: dict[str, list[tuple[str, int]]] = {}
        for term in protected:
            if len(term) >= 3:
                cut = len(term) // 2
                halves.setdefault(term[:cut], []).append((term, 0))
                halves.setdefault(term[cut:], []).append((term, cut))
        return cls(raw=raw, spam_terms=terms, spam_automaton=_automaton({t: t for t in terms}),
                   discussion=_automaton({str(w): str(w) for w in spam["discussion_markers"]["sentence"]}),
                   discussion_clause=_automaton({str(w): str(w) for w in spam["discussion_markers"]["clause"]}),
                   brand_patterns=[(b["id"], re.compile(b["regex"]), b["category"])
                                   for b in spam["brand_patterns"]["patterns"]],
                   link_tokens=tuple(spam["link_host_tokens"]["tokens"]),
                   legit_suffixes=tuple(spam["link_host_tokens"]["legit_suffixes"]),
                   typos=typos, typo_automaton=_automaton({w: w for w in typos}), protected=protected,
                   half_automaton=_automaton(halves), allow=frozenset(official.get("allow", [])),
                   footer_name=re.compile("(^|[\\s_-])(" + "|".join(map(re.escape, raw["footer_names"]))
                                          + ")([\\s_-]|$|er)"),
                   prefilter=_automaton(_prefilter_keys([*terms, *typos, *halves, *_PATTERN_CUES])),
                   spam_prefilter=_automaton(_prefilter_keys(
                       [*(t for t, term in terms.items() if term.category != "solicitation"), *_PATTERN_CUES])))

    def policy(self, key: str) -> str:
        return str(self.raw["policies"][key])

    def param(self, section: str, name: str) -> Any:
        return self.raw[section][name]


def _prefilter_keys(words: Iterable[str]) -> dict[str, str]:
    """Each word and its Traditional form, so a raw run can be skipped when none of them occurs in it."""
    from jianfu.normalise.text import to_traditional

    keys: dict[str, str] = {}
    for w in words:
        keys[w] = w
        keys[to_traditional(w)] = w
    return keys


def _automaton(entries: dict[str, Any]) -> Any:
    auto = ahocorasick.Automaton()
    for key, value in entries.items():
        if key:
            auto.add_word(key, (key, value))
    if len(auto):
        auto.make_automaton()
    return auto


def _iter_auto(auto: Any, text: str) -> Iterator[tuple[int, int, Any]]:
    """(start, end, value) of every match; empty automatons match nothing."""
    if not len(auto):
        return
    for end, (key, value) in auto.iter(text):
        yield end - len(key) + 1, end + 1, value


@cache
def default_web_rules() -> WebRules:
    return WebRules.load()


# --------------------------------------------------------------------------------------------------- output
@dataclass(frozen=True, slots=True)
class WebFinding:
    code: str
    rule: str
    evidence: str
    span: tuple[int, int] | None  # characters into the page source (HTML as decoded) or the .txt text
    score: float
    policy: str
    reason: str
    technique: str | None = None
    correct: str | None = None  # SEVERE_TYPO: the right form
    category: str | None = None  # INJECTED_SPAM: gambling, adult, loan, fake_documents

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code}
        if self.technique:
            out["technique"] = self.technique
        out |= {"rule": self.rule, "evidence": self.evidence, "span": list(self.span) if self.span else None,
                "score": round(self.score, 3), "policy": self.policy, "reason": self.reason}
        if self.correct:
            out["correct"] = self.correct
        if self.category:
            out["category"] = self.category
        return out


@dataclass(frozen=True, slots=True)
class PageVerdict:
    file: str
    hacked: bool
    findings: tuple[WebFinding, ...]
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "hacked": self.hacked, "title": self.title,
                "findings": [f.to_json() for f in self.findings]}


# --------------------------------------------------------------------------------------------------- runs
@dataclass(slots=True)
class Run:
    """Text of one block (or one hiding element), with where each piece starts in the source."""

    technique: str | None  # hiding technique of the outermost hiding ancestor, js-injected, or None (visible)
    pieces: list[tuple[str, int | None]] = field(default_factory=list)  # (text, source offset or None)
    hrefs: list[str] = field(default_factory=list)
    after_footer: bool = False
    order: int = 0
    is_title: bool = False
    extent: tuple[int, int] | None = None  # js-injected: the script's code in the source

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.pieces)

    @property
    def shown(self) -> str:
        """The run's text as a reader of the source would quote it: its pieces, stripped, space-separated."""
        return " ".join(t.strip() for t, _ in self.pieces if t.strip())

    def whole_span(self) -> tuple[int, int] | None:
        """From the first to the last located piece in the source."""
        if self.extent is not None:
            return self.extent
        located = [(o, o + len(t.rstrip())) for t, o in self.pieces if o is not None and t.strip()]
        if not located:
            return None
        first = located[0][0] + (len(self.pieces[0][0]) - len(self.pieces[0][0].lstrip()))
        return first, located[-1][1]

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Map [start, end) of `text` to the page source; None when a piece's place is unknown."""
        pos = 0
        first = last = None
        for text, offset in self.pieces:
            lo, hi = pos, pos + len(text)
            if first is None and start < hi:
                first = None if offset is None else offset + (start - lo)
                if offset is None:
                    return None
            if end <= hi:
                last = None if offset is None else offset + (end - lo)
                break
            pos = hi
        if first is None or last is None:
            return None
        return first, last


class _SourceCursor:
    """Finds successive text nodes in the source, in document order (entities make some unfindable)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def find(self, text: str) -> int | None:
        probe = text.strip()
        if not probe:
            return None
        at = self.source.find(probe, self.pos)
        if at < 0:
            return None
        self.pos = at + len(probe)
        return at - (len(text) - len(text.lstrip()))


def _style_decls(style: str) -> dict[str, str]:
    decls: dict[str, str] = {}
    for part in style.split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            decls[k.strip().lower()] = v.strip().lower().replace("!important", "").strip()
    return decls


def _px(value: str) -> float | None:
    m = _PX.match(value.strip())
    if not m:
        return None
    n, unit = float(m.group(1)), (m.group(2) or "px")
    return {"px": n, "pt": n * 4 / 3, "em": n * 16, "rem": n * 16, "%": n * 0.16}[unit]


def _hiding(decls: dict[str, str], attrs: dict[str, str | None], rules: WebRules) -> str | None:
    """The technique by which these declarations hide an element's text, if they do."""
    if decls.get("display", "").startswith("none"):
        return "display:none"
    if decls.get("visibility") in ("hidden", "collapse") or "hidden" in attrs or decls.get("opacity") in ("0", "0.0"):
        return "hidden-div"
    hide = rules.raw["hiding"]
    for key in ("left", "top", "text-indent", "margin-left", "margin-top", "right"):
        if key in decls:
            v = _px(decls[key])
            if v is not None and v <= -float(hide["offscreen_min_px"]):
                return "offscreen"
    if "font-size" in decls:
        v = _px(decls["font-size"])
        if v is not None and v <= float(hide["tiny_font_max_px"]):
            return "tiny-font"
    overflow = decls.get("overflow", "") + decls.get("overflow-y", "") + decls.get("overflow-x", "")
    if "hidden" in overflow:
        for key in ("height", "width", "max-height"):
            if key in decls:
                v = _px(decls[key])
                if v is not None and v <= float(hide["tiny_box_max_px"]):
                    return "hidden-div"
    if decls.get("clip", "").replace(" ", "").startswith("rect(0"):
        return "hidden-div"
    return None


def _stylesheet(parser: Any) -> dict[str, dict[str, str]]:
    """Simple selectors (#id, .class, tag.class) of the page's <style> blocks → declarations."""
    sheet: dict[str, dict[str, str]] = {}
    for node in parser.css("style"):
        css = re.sub(r"/\*.*?\*/", "", node.text(deep=True) or "", flags=re.S)
        for selectors, body in _CSS_RULE.findall(css):
            decls = _style_decls(body)
            for sel in selectors.split(","):
                sel = sel.strip().split()[-1] if sel.strip() else ""
                if sel:
                    sheet.setdefault(sel.lower(), {}).update(decls)
    return sheet


def _element_decls(node: Any, sheet: dict[str, dict[str, str]]) -> dict[str, str]:
    attrs = node.attributes
    decls: dict[str, str] = {}
    if sheet:
        tag = node.tag.lower()
        classes = (attrs.get("class") or "").split()
        keys = [tag] + [f".{c.lower()}" for c in classes] + [f"{tag}.{c.lower()}" for c in classes]
        if attrs.get("id"):
            keys += [f"#{attrs['id'].lower()}", f"{tag}#{attrs['id'].lower()}"]
        for k in keys:
            if k in sheet:
                decls.update(sheet[k])
    if attrs.get("style"):
        decls.update(_style_decls(attrs["style"] or ""))
    return decls


def _is_footer(node: Any, attrs: dict[str, str | None], rules: WebRules) -> bool:
    if node.tag == "footer":
        return True
    ident, cls = attrs.get("id"), attrs.get("class")
    return bool((ident or cls) and rules.footer_name.search(f"{ident or ''} {cls or ''}".lower()))


def _title(parser: Any) -> str:
    node = parser.css_first("title")
    return (node.text() or "").strip() if node else ""


def html_runs(source: str, rules: WebRules, parser: Any = None) -> tuple[list[Run], str]:
    """The runs of an HTML page, in document order, and its title."""
    from selectolax.lexbor import LexborHTMLParser

    parser = parser or LexborHTMLParser(source)
    sheet = _stylesheet(parser)
    cursor = _SourceCursor(source)
    runs: list[Run] = []
    title = _title(parser)
    if title:
        at = source.find(title)
        runs.append(Run(None, [(title, at if at >= 0 else None)], is_title=True))
        cursor.pos = max(cursor.pos, at + len(title) if at >= 0 else 0)
    root = parser.body
    if root is None:
        return runs, title
    footer_seen = False
    markers = rules.raw["footer_markers"]
    current: Run | None = None

    def close(run: Run) -> None:
        if run.pieces or run.hrefs:
            run.order = len(runs)
            runs.append(run)

    open_runs: list[Run] = []
    # Iterative pre-order walk; a block or hiding element starts a new run that ends when its subtree ends.
    work: list[tuple[str, Any, str | None]] = [("enter", root, None)]
    while work:
        action, node, hidden = work.pop()
        if action == "exit":
            run = open_runs.pop()
            close(run)
            current = open_runs[-1] if open_runs else None
            if current is not None and (run.pieces or run.hrefs):
                # the enclosing block continues in a fresh run after this one
                cont = Run(current.technique, after_footer=footer_seen)
                open_runs[-1] = cont
                current = cont
            continue
        tag = node.tag
        if tag == "-text":
            text = node.text_content or ""
            if text.strip() and current is not None:
                current.pieces.append((text, cursor.find(text)))
                if not footer_seen and any(m in text for m in markers):
                    footer_seen = True
            continue
        if tag in ("-comment",) or tag in _SKIP_TAGS:
            continue
        if tag == "script":
            code = node.text(deep=True) or ""
            src = node.attributes.get("src") or ""
            _script_runs(code, src, source, cursor, rules, runs, footer_seen)
            continue
        decls = _element_decls(node, sheet)
        technique = hidden or _hiding(decls, node.attributes, rules)
        starts_run = tag in _BLOCK_TAGS or (technique is not None and hidden is None)
        if tag == "a" and current is not None:
            href = node.attributes.get("href") or ""
            if href:
                current.hrefs.append(href)
        if _is_footer(node, node.attributes, rules):
            footer_seen = True
        if starts_run:
            run = Run(technique, after_footer=footer_seen)
            open_runs.append(run)
            current = run
            work.append(("exit", node, technique))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        for c in reversed(children):
            work.append(("enter", c, technique))
    while open_runs:
        close(open_runs.pop())
    runs.sort(key=lambda r: r.order)
    return runs, title


def _script_runs(code: str, src: str, source: str, cursor: _SourceCursor, rules: WebRules, runs: list[Run],
                 after_footer: bool) -> None:
    """Scripts that write HTML or redirect: decode their strings and parse the result as a js-injected run."""
    at = source.find(code[:80], cursor.pos) if code.strip() else -1
    if at >= 0:
        cursor.pos = at + len(code)
    if src and _spam_host(src, rules):
        where = source.find(src)
        runs.append(Run("js-injected", [(src, where if where >= 0 else None)], hrefs=[src], after_footer=after_footer,
                        order=len(runs)))
    if not code.strip() or not _JS_WRITES.search(code):
        return
    literals = []
    for m in _JS_STRING.finditer(code):
        raw = next(g for g in m.groups() if g is not None)
        literals.append(_js_unescape(raw))
    written = "".join(literals)
    if "%u" in written or re.search(r"%[0-9a-fA-F]{2}", written):
        written = _percent_unescape(written)
    if not written.strip():
        return
    from selectolax.lexbor import LexborHTMLParser

    frag = LexborHTMLParser(f"<body>{written}</body>")
    text = frag.body.text(separator=" ") if frag.body else written
    hrefs = [a.attributes.get("href") or "" for a in frag.css("a")] + _URL.findall(written)
    text = re.sub(r"\s+", " ", text).strip()
    if text or hrefs:
        # the decoded text rarely appears verbatim in the source: the span covers the script's code
        runs.append(Run("js-injected", [(text or " ".join(hrefs), None)], hrefs=hrefs, after_footer=after_footer,
                        order=len(runs), extent=(at, at + len(code)) if at >= 0 else None))


def _js_unescape(s: str) -> str:
    def sub(m: re.Match[str]) -> str:
        esc = m.group(0)
        if esc[1] == "x":
            return chr(int(esc[2:], 16))
        if esc[1] == "u":
            return chr(int(esc[2:], 16))
        return {"n": "\n", "t": "\t", "r": ""}.get(esc[1], esc[1])

    return re.sub(r"\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.", sub, s)


def _percent_unescape(s: str) -> str:
    s = re.sub(r"%u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), s)
    try:
        from urllib.parse import unquote

        return unquote(s)
    except ValueError:
        return s


def text_runs(text: str, rules: WebRules) -> tuple[list[Run], str]:
    """Runs of extracted text (.txt): one per non-empty line; the footer starts at the first footer line."""
    runs: list[Run] = []
    pos = 0
    footer_seen = False
    lines = text.splitlines(keepends=True)
    tail_from = int(len(lines) * 0.6)
    title = ""
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        if body.strip():
            if not title:
                title = body.strip()
            if i >= tail_from and any(m in body for m in rules.raw["footer_markers"]):
                footer_seen = True
            runs.append(Run(None, [(body, pos)], after_footer=footer_seen, order=len(runs), is_title=not runs))
        pos += len(line)
    return runs, title


# --------------------------------------------------------------------------------------------------- spam
@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  # into the run's text
    end: int
    term: Term
    discussed: bool


def worth_a_look(text: str, rules: WebRules, automaton: Any = None) -> bool:
    """False when no term of `automaton` (default: spam, typos, protected terms, brand cues) can be in `text`,
    even after normalising."""
    auto = rules.prefilter if automaton is None else automaton
    return _RAW_NOISE.search(text) is not None or any(True for _ in _iter_auto(auto, text.lower()))


def _spam_hits(run_text: str, rules: WebRules) -> list[_Hit]:
    """Spam terms in a run, longest-first without overlaps, each marked when its context discusses it."""
    if not worth_a_look(run_text, rules, rules.spam_prefilter):
        return []
    norm = normalise(run_text)
    text = norm.text.lower()
    found = [(a, b, rules.spam_terms[k]) for a, b, k in _iter_auto(rules.spam_automaton, text)]
    for _id, regex, category in rules.brand_patterns:
        for m in regex.finditer(text):
            start = m.start()
            # the leftmost match may take the end of the sentence before the brand: keep the shortest name
            while start + 1 < m.end() and regex.fullmatch(text, start + 1, m.end()):
                start += 1
            found.append((start, m.end(), Term(text[start:m.end()], category, True)))
    found.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^。！？!?；;\n]+", text)]
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^。！？!?；;\n，,、：:]+", text)]
    discussed_sentences = {i for i, (lo, hi) in enumerate(sentences) if any(_iter_auto(rules.discussion, text[lo:hi]))}
    hits: list[_Hit] = []
    taken_to = -1
    for start, end, term in found:
        if start < taken_to:
            continue
        taken_to = end
        sentence = next((i for i, (lo, hi) in enumerate(sentences) if lo <= start < hi), -1)
        clause = next(((lo, hi) for lo, hi in clauses if lo <= start < hi), (start, end))
        in_clause = text[clause[0]:clause[1]]
        discussed = sentence in discussed_sentences or any(_iter_auto(rules.discussion_clause, in_clause))
        o_start, o_end = norm.to_original(start, end)
        hits.append(_Hit(o_start, o_end, term, discussed))
    return hits


def _spam_host(href: str, rules: WebRules) -> bool:
    return _spam_host_cached(href, rules.link_tokens, rules.legit_suffixes)


@lru_cache(maxsize=65536)
def _spam_host_cached(href: str, link_tokens: tuple[str, ...], legit_suffixes: tuple[str, ...]) -> bool:
    try:
        host = (urlsplit(href.strip()).hostname or "").lower()
    except ValueError:
        return False
    if not host or any(host == s or host.endswith("." + s) for s in legit_suffixes):
        return False
    labels = re.split(r"[.\-]", host)
    return any(tok == label or (len(tok) >= 4 and tok in label) for label in labels for tok in link_tokens)


def _category(hits: Sequence[_Hit]) -> str | None:
    cats = [h.term.category for h in hits if h.term.category != "solicitation"]
    return max(set(cats), key=cats.count) if cats else None


def _spam_findings(runs: list[Run], title: str, rules: WebRules) -> list[WebFinding]:
    scoring = rules.raw["scoring"]
    policy = rules.policy("INJECTED_SPAM")
    findings: list[WebFinding] = []
    for run in runs:
        text = run.text
        if not text.strip() and not run.hrefs:
            continue
        hits = [h for h in _spam_hits(text, rules) if not h.discussed]
        strong = [h for h in hits if h.term.strong]
        weak_terms = {h.term.text for h in hits if not h.term.strong and h.term.category != "solicitation"}
        spam_links = [h for h in run.hrefs if _spam_host(h, rules)]
        if run.technique is not None:
            # one strong word, or a spam link with a weak word (a script's spam link needs nothing more)
            linked = bool(spam_links) and (bool(weak_terms) or run.technique == "js-injected")
            if len(strong) >= scoring["hidden_min_strong"] or linked:
                evidence = run.shown or " ".join(spam_links)
                findings.append(WebFinding(
                    "INJECTED_SPAM", f"web.spam.{run.technique}", evidence[:500], run.whole_span(), 0.95, policy,
                    _reason(run.technique, hits, spam_links), technique=run.technique, category=_category(hits)))
            continue
        if run.is_title:
            continue
        distinct = {h.term.text for h in hits if h.term.category != "solicitation"}
        covered = sum(h.end - h.start for h in hits)
        density = covered / max(len(text.strip()), 1) if len(text) <= scoring["block_max_chars"] else 0.0
        if (len(distinct) >= scoring["block_min_terms"] and density >= scoring["block_min_density"]) or (
                len(strong) >= 2 and density >= scoring["block_pair_density"]):
            findings.append(WebFinding(
                "INJECTED_SPAM", "web.spam.keyword_block", run.shown[:500], run.whole_span(), 0.9, policy,
                _reason("footer-keyword-block", hits, spam_links) + ("（位于页脚之后）" if run.after_footer else ""),
                technique="footer-keyword-block", category=_category(hits)))
            continue
        for start, end, inserted in _insertions(text, strong, hits):
            findings.append(WebFinding(
                "INJECTED_SPAM", "web.spam.inline", inserted, run.source_span(start, end), 0.85, policy,
                f"正文句子中插入推广词“{inserted}”，所在句子并非讨论打击、查处或警示",
                technique="inline-brand-insertion", category=_category([h for h in strong if start <= h.start < end])))
    return findings


def _insertions(text: str, strong: list[_Hit], hits: list[_Hit]) -> Iterator[tuple[int, int, str]]:
    """The inserted phrase around each strong hit: neighbouring spam words and brand suffixes joined."""
    used_to = -1
    glue = re.compile(r"[A-Za-z0-9]|官网|官方|网址|平台|注册|开户|送|娱乐|线上|在线|app|APP|入口|登录|首页|下载"
                      r"|网|城|场|:|：|\.|/|-|_")
    for h in sorted(strong, key=lambda h: h.start):
        if h.start < used_to:
            continue
        start, end = h.start, h.end
        changed = True
        while changed:
            changed = False
            for other in hits:
                if other.start <= end + 1 and other.end > end and other.start >= start - 1:
                    end, changed = other.end, True
                if other.end >= start - 1 and other.start < start and other.end <= end:
                    start, changed = other.start, True
            m = glue.match(text, end)
            if m and m.end() > end:
                end, changed = m.end(), True
        used_to = end
        yield start, end, text[start:end]


def _reason(technique: str, hits: Sequence[_Hit], links: Sequence[str]) -> str:
    words = "、".join(dict.fromkeys(h.term.text for h in hits))[:80]
    how = {"display:none": "display:none 隐藏", "hidden-div": "隐藏元素（visibility/零尺寸/hidden）",
           "tiny-font": "极小字号", "offscreen": "移出屏幕的定位", "js-injected": "脚本写入或跳转",
           "footer-keyword-block": "关键词堆砌块"}[technique]
    parts = [f"{how}中含推广内容"]
    if words:
        parts.append(f"词语：{words}")
    if links:
        parts.append(f"链接：{', '.join(links[:3])}")
    return "；".join(parts)


# --------------------------------------------------------------------------------------------------- typos
_FUZZY = ((r"^zh", "z"), (r"^ch", "c"), (r"^sh", "s"), (r"^l", "n"), (r"^h(?=u)", "f"), (r"ing$", "in"),
          (r"eng$", "en"), (r"ang$", "an"))


@cache
def _sounds(ch: str) -> frozenset[str]:
    """Every reading of a character (heteronyms too), folded the way southern speakers' input slips fold them
    (zh/z, ch/c, sh/s, l/n, ing/in, eng/en, ang/an): 振兴 → 振心 is a slip, not a new word."""
    from pypinyin import Style, pinyin

    if not "\u4e00" <= ch <= "\u9fff":
        return frozenset({ch})
    out = set()
    for reading in pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")[0]:
        for pattern, repl in _FUZZY:
            reading = re.sub(pattern, repl, reading)
        out.add(reading)
    return frozenset(out)


def _typo_findings(runs: list[Run], rules: WebRules) -> list[WebFinding]:
    policy = rules.policy("SEVERE_TYPO")
    findings: list[WebFinding] = []
    seen: set[tuple[int, int] | str | None] = set()
    for run in runs:
        if run.technique is not None or not worth_a_look(run.text, rules):
            continue
        norm = normalise(run.text)
        text = norm.text
        candidates: list[tuple[int, int, str, float, str, str]] = []  # start, end, rule, score, reason, right
        for start, end, wrong in _iter_auto(rules.typo_automaton, text):
            right, source = rules.typos[wrong]
            at = text.find(right, max(0, start - len(right)))
            if 0 <= at <= start < at + len(right):
                continue  # the wrong form is part of the right one here
            candidates.append((start, end, "web.typo.known", 0.95, f"“{wrong}”应为“{right}”（来源 {source}）", right))
        slips = list(_homophone_slips(text, rules))
        # "清河县人民正府" slips both 清河县人民政府 and 人民政府: report the longer term once
        for x in slips:
            if not any(o is not x and o[0] <= x[0] and x[1] <= o[1] and o[1] - o[0] > x[1] - x[0] for o in slips):
                start, end, wrong, right = x
                candidates.append((start, end, "web.typo.homophone", 0.8,
                                   f"“{wrong}”疑为“{right}”的同音错字（{rules.protected[right]}）", right))
        for start, end, rule, score, reason, right in candidates:
            o = norm.to_original(start, end)
            span = run.source_span(*o)
            key = span or f"{run.order}:{o}"
            if key in seen:
                continue
            seen.add(key)
            findings.append(WebFinding("SEVERE_TYPO", rule, run.text[o[0]:o[1]], span, score, policy, reason,
                                       correct=right))
    return findings


def _homophone_slips(text: str, rules: WebRules) -> Iterator[tuple[int, int, str, str]]:
    """Windows of `text` that differ from a protected term in exactly one character, a homophone of it."""
    done: set[tuple[int, str]] = set()
    for h_start, _h_end, entries in _iter_auto(rules.half_automaton, text):
        for term, offset in entries:
            start = h_start - offset
            end = start + len(term)
            if start < 0 or end > len(text) or (start, term) in done:
                continue
            done.add((start, term))
            window = text[start:end]
            if window == term or window in rules.protected or window in rules.allow:
                continue
            diff = [i for i in range(len(term)) if window[i] != term[i]]
            if len(diff) != 1:
                continue
            a, b = window[diff[0]], term[diff[0]]
            if not ("\u4e00" <= a <= "\u9fff") or not (_sounds(a) & _sounds(b)):
                continue
            if any(window in other for other in rules.protected if other != term and len(other) > len(term)) or any(
                    text[max(0, start - 3):end + 3].find(a2) >= 0 for a2 in rules.allow):
                continue
            yield start, end, window, term


# --------------------------------------------------------------------------------------------------- stale
def _column_of(title: str, file: str, rules: WebRules) -> dict[str, Any] | None:
    """The column type a page is judged as for staleness (home, news, notice), or None for other pages."""
    cfg = rules.raw["stale"]
    head = f"{title} {file}"
    if any(k in head for k in cfg["historical"]):
        return None
    for col in cfg["columns"]:
        if any(k in head for k in col["keywords"]):
            return dict(col)
    if re.search(r"(^|/)(index|default|home)\.s?html?$", file):
        return dict(next(c for c in cfg["columns"] if c["kind"] == "home"))
    return None


def _stale_findings(runs: list[Run], title: str, file: str, as_of: date, rules: WebRules) -> list[WebFinding]:
    column = _column_of(title, file, rules)
    if column is None:
        return []
    dated: list[tuple[date, str, tuple[int, int] | None]] = []
    for run in runs:
        if run.technique is not None or run.after_footer or run.is_title:
            continue
        for piece, offset in run.pieces:  # piece by piece: a title ending in digits must not swallow a date
            for m in _DATE.finditer(piece):
                try:
                    d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    continue
                if d <= as_of:
                    span = (offset + m.start(), offset + m.end()) if offset is not None else None
                    dated.append((d, m.group(0), span))
    if len(dated) < int(rules.raw["stale"]["min_dated_items"]):
        return []
    newest = max(dated, key=lambda x: x[0])
    age = (as_of - newest[0]).days
    if age <= int(column["days"]):
        return []
    label = {"home": "首页", "news": "动态要闻类栏目", "notice": "通知公告类栏目"}[column["kind"]]
    return [WebFinding("STALE_CONTENT", f"web.stale.{column['kind']}", newest[1], newest[2], 0.9,
                       rules.policy(column["rule"]),
                       f"{label}最新一条信息日期为{newest[0]}，距检查日{as_of}已{age}天，超过{column['days']}天未更新")]


# --------------------------------------------------------------------------------------------------- entry
def _spam_possible(parser: Any, text: str, rules: WebRules) -> bool:
    """Whether any spam finding can come out of this page; False lets a clean page skip the block-by-block walk."""
    if _RAW_NOISE.search(text) or any(True for _ in _iter_auto(rules.spam_prefilter, text.lower())):
        return True
    for node in parser.css("a[href], script"):
        attrs = node.attributes
        href = attrs.get("href") or attrs.get("src")
        if href and _spam_host(href, rules):
            return True
        if node.tag == "script" and _JS_WRITES.search(node.text(deep=True) or ""):
            return True
    return False


def _text_node_runs(parser: Any, source: str) -> list[Run]:
    """One run per text node (document order), for pages that need only typo and date checks."""
    cursor = _SourceCursor(source)
    runs = []
    root = parser.root
    if root is None:
        return runs
    for node in root.traverse(include_text=True):
        if node.tag == "-text":
            parent = node.parent
            if parent is not None and parent.tag in ("script", "style", "noscript", "template"):
                continue
            text = node.text_content or ""
            if text.strip():
                runs.append(Run(None, [(text, cursor.find(text))], order=len(runs)))
    return runs


def scan_page(source: str, *, kind: str, file: str, as_of: date, rules: WebRules | None = None) -> PageVerdict:
    """Judge one page: `kind` is "html" or "txt"; `as_of` is the check date for staleness."""
    rules = rules or default_web_rules()
    if kind == "html":
        from selectolax.lexbor import LexborHTMLParser

        parser = LexborHTMLParser(source)
        title = _title(parser)
        text = parser.root.text(deep=True, separator=" ") if parser.root is not None else ""
        if _spam_possible(parser, text, rules):
            runs, title = html_runs(source, rules, parser)
        else:  # most pages: no spam word anywhere; typos and dates are read node by node without the walk
            runs = _text_node_runs(parser, source)
    else:
        runs, title = text_runs(source, rules)
    findings = _spam_findings(runs, title, rules)
    findings += _typo_findings(runs, rules)
    findings += _stale_findings(runs, title, file, as_of, rules)
    hacked = any(f.code == "INJECTED_SPAM" for f in findings)
    return PageVerdict(file, hacked, tuple(findings), title)


def scan_pages(pages: Iterable[tuple[str, str, str]], *, as_of: date, rules: WebRules | None = None
               ) -> Iterator[PageVerdict]:
    """(file, kind, source) → verdicts, rules loaded once."""
    rules = rules or default_web_rules()
    for file, kind, source in pages:
        yield scan_page(source, kind=kind, file=file, as_of=as_of, rules=rules)
