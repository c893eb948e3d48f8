"""通报 (supervision bulletins) as DOCX and PDF, laid out after GB/T 9704-2012 (党政机关公文格式).

`Tongbao` holds the content; `write_docx` writes it with python-docx and `write_pdf` with reportlab.
Both follow the usual layout of a 下行文 as far as is practical:

* A4, 版心 156 mm × 225 mm (margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), 22 lines a page;
* 发文机关标志 in red, centred, its top edge 35 mm below the top of the 版心;
* 发文字号 centred two lines below it, a red rule as wide as the 版心 4 mm below that;
* the title centred two lines below the rule, larger and bold (小标宋-like);
* 主送机关 flush left, body text in 3号 (16 pt) with a two-character first-line indent;
* section headings (一、…) in 黑体 (bold); tables with a caption and a header row repeated on every page;
* 落款 and 成文日期 right-aligned (署名 right-indented two characters, the date starting two characters to the
  right of the 署名's first character), an optional 附注 below, indented two characters;
* page numbers "— 1 —" in the footer, odd pages on the right and even pages on the left (one character in).

The PDF embeds Droid Sans Fallback (shipped in ``fonts/``), which holds CJK glyphs but no Latin ones: Latin text,
digits and the few punctuation marks it lacks (“”‘’—…) fall back to the PDF standard Times fonts. The font has
no bold face, so bold (title, headings, table header) is drawn by stroking the glyph outlines.

Neither python-docx nor reportlab is imported until a writer runs.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph as DocxParagraph
    from reportlab.platypus import Flowable

__all__ = [
    "DOCX_FONTS",
    "FONT_PATH",
    "PDF_FONT_NAME",
    "Tongbao",
    "TongbaoSection",
    "TongbaoTable",
    "format_date",
    "write_docx",
    "write_pdf",
]


@dataclass(frozen=True, slots=True)
class TongbaoTable:
    caption: str  # e.g. "表1 各单位问题数量"
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True, slots=True)
class TongbaoSection:
    heading: str  # e.g. "一、总体情况"
    paragraphs: list[str]
    tables: list[TongbaoTable] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Tongbao:
    issuer: str  # 发文机关, e.g. "清河市减轻基层负担工作办公室"
    number: str  # 发文字号, e.g. "清减负通〔2025〕3号"
    title: str  # e.g. "关于2025年第二季度“指尖上的形式主义”问题的通报"
    recipients: str  # 主送机关, e.g. "各县（市、区）减负办，市直各单位："
    sections: list[TongbaoSection]
    signature: str  # 落款 unit
    date: datetime.date  # 成文日期, rendered "2025年7月1日"
    note: str | None = None  # 附注 e.g. "（联系人：…）"


# ---------------------------------------------------------------------------------------------------------------
# Shared helpers

FONT_PATH = Path(__file__).parent / "fonts" / "DroidSansFallbackFull.ttf"
PDF_FONT_NAME = "DroidSansFallback"  # the name the font is registered under in reportlab (= its PostScript name)
PDF_LATIN = "Times-Roman"  # standard PDF font for what the CJK font lacks (Latin, digits, “”—…)
PDF_LATIN_BOLD = "Times-Bold"

# East Asian font names written into the DOCX (w:eastAsia); Word / WPS substitute a font that is missing.
DOCX_FONTS = {
    "body": "仿宋_GB2312",
    "title": "方正小标宋简体",
    "heading": "黑体",
    "page": "宋体",
    "latin": "Times New Roman",
}

# Page geometry (GB/T 9704-2012 §5.2): A4, 版心 156 mm × 225 mm.
_MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210 * _MM, 297 * _MM
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 37 * _MM, 35 * _MM, 28 * _MM, 26 * _MM
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
PAGE_NO_SIZE = 14.0  # 4号
TABLE_SIZE = 12.0  # 小4号
LINE = 225 * _MM / 22  # 22 lines a page ≈ 28.99 pt
ISSUER_MAX, ISSUER_MIN = 42.0, 22.0  # 发文机关标志 size range (≤ 15 mm wide)
ISSUER_TOP = 35 * _MM  # 版心 top edge to the 发文机关标志's top edge
RULE_GAP = 4 * _MM  # 发文字号 to the red rule
RED_HEX = "FF0000"

# Characters XML 1.0 cannot hold (and lone surrogates, which neither writer can encode).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Text both writers can hold: XML-illegal characters dropped, line ends as "\\n", tabs as spaces."""
    text = _ILLEGAL.sub("", str(text))
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")


def format_date(date: datetime.date) -> str:
    """成文日期 in Arabic numerals without leading zeros: 2025年7月1日."""
    return f"{date.year}年{date.month}月{date.day}日"


def em_width(text: str) -> float:
    """Width in characters of the body size: full-width (CJK) characters 1, everything else ½."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def signature_indents(sig_w: float, date_w: float, em: float, avail: float) -> tuple[float, float]:
    """Right indents of the 署名 and the 成文日期 (GB/T 9704-2012 §7.3.5.2, no seal).

    The 署名 is right-indented two characters and the date, one line below, starts two characters to the right of
    the 署名's first character; when the date is then too long, it is right-indented two characters and the 署名
    moves left to keep the two-character shift. Widths in any unit (`em` = one character, `avail` = line width).
    """
    date_right = sig_w - date_w
    if date_right >= 2 * em:
        sig_right = 2 * em
    else:
        sig_right, date_right = 4 * em + date_w - sig_w, 2 * em

    def fit(right: float, width: float) -> float:
        return max(0.0, min(right, avail - min(width, avail)))

    return fit(sig_right, sig_w), fit(date_right, date_w)


def _table_grid(table: TongbaoTable) -> tuple[list[str], list[list[str]]]:
    """Header and rows padded to one column count, so ragged input still makes a rectangular table."""
    ncols = max([len(table.header), *(len(row) for row in table.rows)])
    header = [clean(c) for c in table.header] + [""] * (ncols - len(table.header))
    rows = [[clean(c) for c in row] + [""] * (ncols - len(row)) for row in table.rows]
    return header, rows


def _column_weights(header: list[str], rows: list[list[str]]) -> list[float]:
    """Relative column widths from the longest text in each column (bounded, so no column vanishes)."""
    weights = []
    for i in range(len(header)):
        longest = max(em_width(row[i]) for row in [header, *rows])
        weights.append(min(max(longest, 2.0), 16.0))
    return weights


# ---------------------------------------------------------------------------------------------------------------
# DOCX

def write_docx(tongbao: Tongbao, out: BinaryIO | str | Path) -> None:
    """Write the 通报 as a Word document (python-docx) to a path or a binary stream."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    doc = docx.Document()
    _docx_page_setup(doc)
    fonts = DOCX_FONTS

    def para(align: Any = None, *, before: float = 0.0, exact: bool = True,
             first_line_chars: int = 0, left: float = 0.0, right: float = 0.0) -> DocxParagraph:
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = align
        fmt.space_before, fmt.space_after = Pt(before), Pt(0)
        if exact:
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE)
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if first_line_chars:
            _docx_first_line_chars(p, first_line_chars, BODY_SIZE)
        if left:
            fmt.left_indent = Pt(left)
        if right:
            fmt.right_indent = Pt(right)
        return p

    # 发文机关标志: red, centred, sized to fit one line where it can.
    issuer = clean(tongbao.issuer)
    size = min(ISSUER_MAX, max(ISSUER_MIN, TEXT_W / max(em_width(issuer), 1.0)))
    p = para(WD_ALIGN_PARAGRAPH.CENTER, before=ISSUER_TOP, exact=False)
    _docx_run(p, issuer, fonts["title"], size, bold=True, color=RGBColor.from_string(RED_HEX))

    # 发文字号 two lines below, with the red rule 4 mm under it (a bottom border as wide as the 版心).
    p = para(WD_ALIGN_PARAGRAPH.CENTER, before=2 * LINE)
    _docx_run(p, clean(tongbao.number), fonts["body"], BODY_SIZE)
    _docx_bottom_rule(p, RULE_GAP)

    p = para(WD_ALIGN_PARAGRAPH.CENTER, before=2 * LINE, exact=False)
    p.paragraph_format.line_spacing = 1.25
    _docx_run(p, clean(tongbao.title), fonts["title"], TITLE_SIZE, bold=True)

    p = para(WD_ALIGN_PARAGRAPH.LEFT, before=LINE)
    _docx_run(p, clean(tongbao.recipients), fonts["body"], BODY_SIZE)

    for section in tongbao.sections:
        p = para(WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
        p.paragraph_format.keep_with_next = True
        _docx_run(p, clean(section.heading), fonts["heading"], BODY_SIZE, bold=True)
        for text in section.paragraphs:
            p = para(WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
            _docx_run(p, clean(text), fonts["body"], BODY_SIZE)
        for table in section.tables:
            p = para(WD_ALIGN_PARAGRAPH.CENTER, before=LINE / 2)
            p.paragraph_format.keep_with_next = True
            _docx_run(p, clean(table.caption), fonts["heading"], PAGE_NO_SIZE, bold=True)
            _docx_table(doc, table, WD_TABLE_ALIGNMENT.CENTER, WD_ALIGN_PARAGRAPH.CENTER)
            para(WD_ALIGN_PARAGRAPH.LEFT)  # a blank line after the table

    # 落款 and 成文日期.
    signature, date = clean(tongbao.signature), format_date(tongbao.date)
    sig_right, date_right = signature_indents(em_width(signature), em_width(date), 1.0, TEXT_W / BODY_SIZE)
    p = para(WD_ALIGN_PARAGRAPH.RIGHT, before=LINE, right=sig_right * BODY_SIZE)
    p.paragraph_format.keep_with_next = True
    _docx_run(p, signature, fonts["body"], BODY_SIZE)
    p = para(WD_ALIGN_PARAGRAPH.RIGHT, right=date_right * BODY_SIZE)
    _docx_run(p, date, fonts["body"], BODY_SIZE)
    if tongbao.note:
        p = para(WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=2)
        _docx_run(p, clean(tongbao.note), fonts["body"], BODY_SIZE)

    props = doc.core_properties
    props.title, props.author, props.subject = clean(tongbao.title), issuer, clean(tongbao.number)
    props.language = "zh-CN"
    doc.save(str(out) if isinstance(out, Path) else out)


def _docx_page_setup(doc: DocxDocument) -> None:
    """A4 with the GB/T 9704 margins, default fonts and language, page-number footers (odd right, even left)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(22)  # puts the page number about 7 mm below the 版心

    # Document defaults: explicit fonts instead of theme fonts, Chinese as the East Asian language.
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_SIZE)
    for rpr in (rpr_default, normal.element.get_or_add_rPr()):
        if rpr is None:
            continue
        _docx_set_fonts(rpr, DOCX_FONTS["body"])
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = rpr.makeelement(qn("w:lang"), {})
            rpr.append(lang)
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")

    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.paragraph_format.alignment = align
        if side == "right":
            p.paragraph_format.right_indent = Pt(PAGE_NO_SIZE)
        else:
            p.paragraph_format.left_indent = Pt(PAGE_NO_SIZE)
        _docx_page_field(p)


def _docx_set_fonts(rpr: Any, east_asia: str, latin: str | None = None) -> None:
    """Set w:rFonts on a run-properties element: Latin font for ascii/hAnsi/cs, `east_asia` for w:eastAsia."""
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    latin = latin or DOCX_FONTS["latin"]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def _docx_run(p: DocxParagraph, text: str, east_asia: str, size: float, *, bold: bool = False,
              color: Any = None, latin: str | None = None) -> Any:
    from docx.shared import Pt

    run = p.add_run(text)  # python-docx turns "\n" into <w:br/>
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    _docx_set_fonts(run._element.get_or_add_rPr(), east_asia, latin)
    return run


def _docx_first_line_chars(p: DocxParagraph, chars: int, size: float) -> None:
    """First-line indent in characters (w:firstLineChars, hundredths) with the equivalent twips for old readers."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    p.paragraph_format.first_line_indent = Pt(chars * size)
    ind = p._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def _docx_bottom_rule(p: DocxParagraph, gap_pt: float) -> None:
    """A red single rule under the paragraph, `gap_pt` below its text, as wide as the paragraph (the 版心)."""
    from docx.oxml.ns import qn

    ppr = p._p.get_or_add_pPr()
    border = ppr.makeelement(qn("w:pBdr"), {})
    bottom = border.makeelement(qn("w:bottom"), {
        qn("w:val"): "single", qn("w:sz"): "12", qn("w:space"): str(round(gap_pt)), qn("w:color"): RED_HEX,
    })
    border.append(bottom)
    # CT_PPr has a fixed child order; pBdr goes after keepNext…numPr and before shd/spacing/ind/jc.
    anchor = None
    for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(border)
    else:
        ppr.append(border)


def _docx_page_field(p: DocxParagraph) -> None:
    """ "— PAGE —" with a real PAGE field, in 4号 宋体."""
    from docx.oxml.ns import qn

    _docx_run(p, "— ", DOCX_FONTS["page"], PAGE_NO_SIZE, latin=DOCX_FONTS["page"])
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = _docx_run(p, "", DOCX_FONTS["page"], PAGE_NO_SIZE, latin=DOCX_FONTS["page"])
        r = run._element
        if kind == "instr":
            el = r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        elif kind == "text":
            el = r.makeelement(qn("w:t"), {})
            el.text = text
        else:
            el = r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        r.append(el)
    _docx_run(p, " —", DOCX_FONTS["page"], PAGE_NO_SIZE, latin=DOCX_FONTS["page"])


def _docx_table(doc: DocxDocument, table: TongbaoTable, table_align: Any, cell_align: Any) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    header, rows = _table_grid(table)
    if not header:
        return
    weights = _column_weights(header, rows)
    total = sum(weights)
    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = table_align
    t.autofit = False
    widths = [Pt(TEXT_W * w / total) for w in weights]
    for column, width in zip(t.columns, widths, strict=True):  # w:gridCol, which LibreOffice / WPS follow
        column.width = width
    for r, (row, values) in enumerate(zip(t.rows, [header, *rows], strict=True)):
        row.height_rule, row.height = WD_ROW_HEIGHT_RULE.AT_LEAST, Pt(TABLE_SIZE * 1.9)
        if r == 0:  # repeat the header row on every page
            trpr = row._tr.get_or_add_trPr()
            trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
        for cell, value, width in zip(row.cells, values, widths, strict=True):
            cell.width = width  # w:tcW, which Word follows
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            fmt = p.paragraph_format
            fmt.alignment = cell_align
            fmt.space_before = fmt.space_after = Pt(0)
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            font = DOCX_FONTS["heading"] if r == 0 else DOCX_FONTS["body"]
            _docx_run(p, value, font, TABLE_SIZE, bold=r == 0)


# ---------------------------------------------------------------------------------------------------------------
# PDF

@dataclass(frozen=True, slots=True)
class _PdfFonts:
    cjk: str  # registered reportlab name of the embedded CJK font
    covered: frozenset[int]  # code points it has glyphs for


@functools.cache
def _pdf_fonts() -> _PdfFonts:
    """Register the shipped CJK TrueType font with reportlab (once per process)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont(PDF_FONT_NAME, str(FONT_PATH))
    pdfmetrics.registerFont(font)
    return _PdfFonts(PDF_FONT_NAME, frozenset(font.face.charToGlyph))


def _winansi(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return ch.isprintable()


def _pdf_runs(text: str, bold: bool = False) -> Iterator[tuple[str, str]]:
    """Split text into (font name, text) runs: the CJK font where it has the glyph, Times for Latin and the
    punctuation it lacks, the CJK font again (its .notdef box) for anything neither can show, "\\n" on its own."""
    fonts = _pdf_fonts()
    latin = PDF_LATIN_BOLD if bold else PDF_LATIN
    current, buf = "", []
    for ch in clean(text):
        if ch == "\n":
            name = "\n"
        elif ord(ch) in fonts.covered or not _winansi(ch):
            name = fonts.cjk
        else:
            name = latin
        if name != current and buf:
            yield current, "".join(buf)
            buf = []
        current = name
        buf.append(ch)
    if buf:
        yield current, "".join(buf)


def pdf_markup(text: str, bold: bool = False) -> str:
    """Reportlab Paragraph markup for arbitrary text: escaped, with per-run font switches and line breaks."""
    parts = []
    for name, run in _pdf_runs(text, bold):
        if name == "\n":
            parts.append("<br/>" * len(run))
        elif name == _pdf_fonts().cjk:
            parts.append(escape(run))
        else:
            parts.append(f'<font name="{name}">{escape(run)}</font>')
    return "".join(parts)


def _pdf_width(text: str, size: float, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(run, name, size) for name, run in _pdf_runs(text, bold) if name != "\n")


# Line-breaking rules (禁则) for Chinese: what may not start a line (closing punctuation, stops) and what may not end
# one (opening brackets and quotes). reportlab's own CJK wrapping knows only a few of these and none across fonts.
_NO_LINE_START = frozenset("，。、；：？！）」』】〕》〉”’…—·％‰℃,.;:?!)]}%")
_NO_LINE_END = frozenset("（「『【〔《〈“‘([{")


def _in_word(ch: str) -> bool:
    """A character of a Latin word or number ("2025", "0000-12345678"), which is not broken inside."""
    return len(ch) == 1 and ord(ch) < 0x2000 and not ch.isspace()


def _break_index(chars: list[str], start: int, over: int) -> int:
    """Where to end a line that overflows at `over`: move the break back so no line starts with closing
    punctuation or ends with an opening one, and no Latin word or number is cut; give up if the line would empty."""
    b = over
    while b - start > 1:
        prev, nxt = chars[b - 1], chars[b]
        if nxt in _NO_LINE_START or prev in _NO_LINE_END:
            b -= 1
        elif _in_word(prev) and _in_word(nxt):
            j = b - 1
            while j > start and _in_word(chars[j - 1]):
                j -= 1
            if j == start:
                return over
            b = j
        else:
            return b
    return over


_CHAR_SPACE_CB = "jianfu_char_space"  # canvas callback that sets the text object's character spacing (Tc)


def _set_char_space(canv: Any, kind: str, label: str | None) -> None:
    canv._curr_tx_info["tx"].setCharSpace(float(label or 0))


def _char_space_marker(frag: Any, value: float) -> Any:
    """A zero-width <onDraw> fragment that sets the character spacing where it is drawn."""
    from reportlab.lib.abag import ABag
    from reportlab.platypus.paragraph import cjkU

    marker = frag.clone()
    marker.cbDefn = ABag(kind="onDraw", name=_CHAR_SPACE_CB, label=f"{value:.4f}")
    return cjkU("", marker, "utf8")


def _cjk_split(frags: list[Any], max_widths: list[float], calc_bounds: bool, justify: bool) -> Any:
    """reportlab's cjkFragSplit with the 禁则 above: greedy fill per character, across font changes.

    reportlab justifies a line by widening its spaces, and Chinese has none: a justified line that was broken
    automatically is spread with character spacing instead (two zero-width markers around it)."""
    from reportlab.platypus.paragraph import ParaLines, cjkU, makeCJKParaLine
    from reportlab.rl_config import _FUZZ

    chars: list[Any] = []
    for f in frags:
        text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
        chars.extend(cjkU(t, f, "utf8") for t in text) if text else chars.append(cjkU(text, f, "utf8"))

    def width(u: Any, max_width: float) -> float:
        w = u.width
        if hasattr(w, "normalizedValue"):  # percentage widths of inline images
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        return float(w)

    lines: list[Any] = []
    start, n = 0, len(chars)
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used, i, hard = 0.0, start, False
        while i < n:
            if hasattr(chars[i].frag, "lineBreak"):
                i, hard = i + 1, True
                break
            w = width(chars[i], max_width)
            if used + w > max_width + _FUZZ and i > start:
                break
            used += w
            i += 1
        end = i if hard or i >= n else _break_index(chars, start, i)
        line = chars[start:end]
        used = sum(width(u, max_width) for u in line)
        extra = max_width - used
        if justify and not hard and end < n and len(line) > 1 and extra > 0:
            gap = extra / (len(line) - 1)
            line = [_char_space_marker(line[0].frag, gap), *line, _char_space_marker(line[-1].frag, 0.0)]
            used, extra = max_width, 0.0
        lines.append(makeCJKParaLine(line, max_width, used, extra, hard, calc_bounds))
        start = end
        if not hard:
            while start < n and chars[start] == " ":  # a space at an automatic break is dropped
                start += 1
    return ParaLines(kind=1, lines=lines)


@functools.cache
def _paragraph_classes() -> tuple[type, type]:
    """Paragraph subclasses: one that wraps with the Chinese 禁则, and a bold one drawn with fill + stroke
    (text render mode 2), since the embedded font has no bold face."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.platypus import Paragraph

    class CJKParagraph(Paragraph):  # type: ignore[misc]
        def breakLinesCJK(self, maxWidths: Any) -> Any:
            if not isinstance(maxWidths, list | tuple):
                maxWidths = [maxWidths]
            if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
                return self.blPara
            if not self.frags or self.bulletText or self.style.endDots:
                return super().breakLinesCJK(maxWidths)
            self.height = 0
            auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
            justify = self.style.alignment == TA_JUSTIFY
            return _cjk_split(self.frags, list(maxWidths), auto_leading not in ("", "off"), justify)

    class BoldParagraph(CJKParagraph):
        def draw(self) -> None:
            canv = self.canv
            canv.saveState()
            canv.setStrokeColor(self.style.textColor)
            canv.setLineWidth(self.style.fontSize * 0.03)
            canv._code.append("2 Tr")
            super().draw()
            canv._code.append("0 Tr")
            canv.restoreState()

    return CJKParagraph, BoldParagraph


def write_pdf(tongbao: Tongbao, out: BinaryIO | str | Path) -> None:
    """Write the 通报 as a PDF (reportlab platypus) with the CJK font embedded, to a path or a binary stream."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import CondPageBreak, HRFlowable, SimpleDocTemplate, Spacer

    cjk = _pdf_fonts().cjk
    paragraph, bold_paragraph = _paragraph_classes()

    def style(name: str, size: float = BODY_SIZE, leading: float = LINE, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=cjk, fontSize=size, leading=leading, wordWrap="CJK",
                              allowWidows=0, allowOrphans=0, **kw)

    red = colors.Color(1, 0, 0)
    issuer = clean(tongbao.issuer)
    issuer_size = min(ISSUER_MAX, max(ISSUER_MIN, TEXT_W / max(_pdf_width(issuer, 1.0, True), 1.0) * 0.98))
    s_issuer = style("issuer", issuer_size, issuer_size * 1.2, alignment=TA_CENTER, textColor=red)
    s_number = style("number", alignment=TA_CENTER)
    s_title = style("title", TITLE_SIZE, TITLE_SIZE * 1.45, alignment=TA_CENTER)
    s_recipients = style("recipients", alignment=TA_LEFT)
    s_heading = style("heading", alignment=TA_JUSTIFY, firstLineIndent=2 * BODY_SIZE, keepWithNext=1)
    s_body = style("body", alignment=TA_JUSTIFY, firstLineIndent=2 * BODY_SIZE)
    s_caption = style("caption", PAGE_NO_SIZE, LINE, alignment=TA_CENTER, spaceBefore=LINE / 2)
    s_cell = style("cell", TABLE_SIZE, TABLE_SIZE * 1.4, alignment=TA_CENTER)
    s_note = style("note", alignment=TA_LEFT, firstLineIndent=2 * BODY_SIZE)

    story: list[Flowable] = [
        Spacer(1, ISSUER_TOP),
        bold_paragraph(pdf_markup(issuer, True), s_issuer),
        Spacer(1, 2 * LINE - issuer_size * 0.2),
        paragraph(pdf_markup(tongbao.number), s_number),
        HRFlowable(width="100%", thickness=1.5, color=red, spaceBefore=RULE_GAP - (LINE - BODY_SIZE) / 2,
                   spaceAfter=0),
        Spacer(1, 2 * LINE - TITLE_SIZE * 0.45),
        bold_paragraph(pdf_markup(tongbao.title, True), s_title),
        Spacer(1, LINE - LINE * 0.5),
        paragraph(pdf_markup(tongbao.recipients), s_recipients),
    ]
    for section in tongbao.sections:
        story.append(bold_paragraph(pdf_markup(section.heading, True), s_heading))
        story.extend(paragraph(pdf_markup(text), s_body) for text in section.paragraphs)
        for table in section.tables:
            # Start the table on a new page unless its caption, header and a few rows fit on this one.
            story.append(CondPageBreak(LINE * 2 + TABLE_SIZE * 1.4 * 4 * 2))
            story.append(bold_paragraph(pdf_markup(table.caption, True), s_caption))
            story.extend(_pdf_table(table, s_cell))
            story.append(Spacer(1, LINE / 2))

    signature, date = clean(tongbao.signature), format_date(tongbao.date)
    if isinstance(story[-1], paragraph):  # the 落款 never stands alone on a page
        story[-1].keepWithNext = 1
    sig_right, date_right = signature_indents(_pdf_width(signature, BODY_SIZE), _pdf_width(date, BODY_SIZE),
                                              BODY_SIZE, TEXT_W)
    s_sig = style("signature", alignment=TA_RIGHT, rightIndent=sig_right, spaceBefore=LINE, keepWithNext=1)
    s_date = style("date", alignment=TA_RIGHT, rightIndent=date_right)
    story += [paragraph(pdf_markup(signature), s_sig), paragraph(pdf_markup(date), s_date)]
    if tongbao.note:
        story.append(paragraph(pdf_markup(tongbao.note), s_note))

    # SimpleDocTemplate's frame pads its content by 6 pt on every side: move the margins out by as much, so the
    # frame's content area is exactly the 版心.
    pad = 6
    doc = SimpleDocTemplate(
        str(out) if isinstance(out, Path) else out, pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN_LEFT - pad,
        rightMargin=MARGIN_RIGHT - pad, topMargin=MARGIN_TOP - pad, bottomMargin=MARGIN_BOTTOM - pad,
        title=clean(tongbao.title), author=issuer, subject=clean(tongbao.number), creator="jianfu", lang="zh-CN",
    )
    doc.build(story, onFirstPage=_pdf_page_number, onLaterPages=_pdf_page_number)


def _pdf_table(table: TongbaoTable, s_cell: Any) -> list[Flowable]:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    paragraph, bold_paragraph = _paragraph_classes()
    header, rows = _table_grid(table)
    if not header:
        return []
    weights = _column_weights(header, rows)
    total = sum(weights)
    data = [[bold_paragraph(pdf_markup(c, True), s_cell) for c in header]]
    data += [[paragraph(pdf_markup(c), s_cell) for c in row] for row in rows]
    t = Table(data, colWidths=[TEXT_W * w / total for w in weights], repeatRows=1, hAlign="CENTER")
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return [t]


def _pdf_page_number(canv: Any, doc: Any) -> None:
    """ "— n —" in 4号 7 mm below the 版心: odd pages right, even pages left, one character in.

    Also (re)registers the character-spacing callback that justified lines use."""
    canv.setNamedCB(_CHAR_SPACE_CB, _set_char_space)
    n = canv.getPageNumber()
    text = f"— {n} —"
    y = MARGIN_BOTTOM - 7 * _MM - PAGE_NO_SIZE * 0.8
    canv.saveState()
    canv.setFont(PDF_LATIN, PAGE_NO_SIZE)
    if n % 2:
        canv.drawRightString(PAGE_W - MARGIN_RIGHT - PAGE_NO_SIZE, y, text)
    else:
        canv.drawString(MARGIN_LEFT + PAGE_NO_SIZE, y, text)
    canv.restoreState()
