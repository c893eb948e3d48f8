"""The 通报 writers: a three-section bulletin with a 120-row table, written as DOCX and PDF and read back.

No mocks: the DOCX is reopened with python-docx, the PDF's text is extracted with pypdf (which proves the
embedded font's glyphs map back to the same characters), and, where poppler's pdftoppm exists, page 1 is
rendered and checked for the red 发文机关标志.
"""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

docx = pytest.importorskip("docx")
pypdf = pytest.importorskip("pypdf")
pytest.importorskip("reportlab")

from docx.oxml.ns import qn  # noqa: E402

from jianfu.report.tongbao import (  # noqa: E402
    DOCX_FONTS,
    FONT_PATH,
    PDF_FONT_NAME,
    Tongbao,
    TongbaoSection,
    TongbaoTable,
    format_date,
    signature_indents,
    write_docx,
    write_pdf,
)

TITLE = "关于2025年第二季度“指尖上的形式主义”问题的通报"
NUMBER = "清减负通〔2025〕3号"
ISSUER = "清河市减轻基层负担工作办公室"
TRICKY = "<script>&\"' 「臺灣體」"  # markup characters, Traditional forms and corner brackets
EMOJI = "打卡😀𠀾"  # outside the font (and the BMP): must not break either writer
ROWS = 120


def make_tongbao() -> Tongbao:
    rows = [[str(i), f"第{i}街道办事处", str(i % 9), "要求“回复收到”" if i % 2 else "截图留痕"]
            for i in range(1, ROWS + 1)]
    rows[41][3] = TRICKY
    return Tongbao(
        issuer=ISSUER,
        number=NUMBER,
        title=TITLE,
        recipients="各县（市、区）减负办，市直各单位：",
        sections=[
            TongbaoSection("一、总体情况", [
                "2025年第二季度，市减负办对全市政务应用程序、政务公众号和工作群开展专项检查，"
                "共发现问题127个，其中要求“截图留痕”的43个，要求下班后“回复收到”的31个。",
                f"群众反映的典型表述：{TRICKY}。{EMOJI}",
            ]),
            TongbaoSection("二、存在的主要问题", ["部分单位仍以“留痕”代替“留绩”。\n具体情况见表1。"], [
                TongbaoTable("表1 各单位问题数量", ["序号", "单位", "问题数", "主要问题"], rows),
            ]),
            TongbaoSection("三、工作要求", ["各单位要对照通报问题立即整改，于2025年7月31日前将整改情况报市减负办。"]),
        ],
        signature=ISSUER,
        date=datetime.date(2025, 7, 1),
        note="（联系人：张三，电话：0000-12345678）",
    )


# ---------------------------------------------------------------------------------------------------------------
# Helpers

def test_format_date_and_signature_indents() -> None:
    assert format_date(datetime.date(2025, 7, 1)) == "2025年7月1日"
    assert format_date(datetime.date(2025, 12, 31)) == "2025年12月31日"
    # A long 署名: right-indented two characters, the date starts two characters right of its first character.
    sig, date = signature_indents(14, 6, 1, 28)
    assert sig == 2 and (28 - date - 6) - (28 - sig - 14) == 2
    # A short 署名: the date is right-indented two characters, the 署名 moves left to keep the shift.
    sig, date = signature_indents(3, 6, 1, 28)
    assert date == 2 and (28 - date - 6) - (28 - sig - 3) == 2


def test_font_ships_with_the_package() -> None:
    assert FONT_PATH.is_file() and FONT_PATH.suffix == ".ttf"
    assert FONT_PATH.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType outlines, not CFF ("OTTO")
    assert (FONT_PATH.parent / "README.md").is_file()


# ---------------------------------------------------------------------------------------------------------------
# DOCX

@pytest.fixture(scope="module")
def docx_document(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("tongbao") / "tongbao.docx"
    write_docx(make_tongbao(), path)
    return docx.Document(str(path))


def test_docx_content(docx_document: Any) -> None:
    texts = [p.text for p in docx_document.paragraphs]
    assert texts[0] == ISSUER
    assert NUMBER in texts
    assert TITLE in texts
    assert "各县（市、区）减负办，市直各单位：" in texts
    assert "一、总体情况" in texts and "三、工作要求" in texts
    assert any(TRICKY in t and EMOJI in t for t in texts)  # verbatim, emoji and Ext-B included
    assert any(t == "部分单位仍以“留痕”代替“留绩”。\n具体情况见表1。" for t in texts)
    assert texts.index(ISSUER, 1) < texts.index("2025年7月1日")  # 落款 then date
    assert texts[-1] == "（联系人：张三，电话：0000-12345678）"


def test_docx_table(docx_document: Any) -> None:
    (table,) = docx_document.tables
    assert len(table.rows) == ROWS + 1 and len(table.columns) == 4
    assert [c.text for c in table.rows[0].cells] == ["序号", "单位", "问题数", "主要问题"]
    assert table.cell(1, 1).text == "第1街道办事处"
    assert table.cell(ROWS, 1).text == f"第{ROWS}街道办事处"
    assert table.cell(42, 3).text == TRICKY
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # header repeats on every page


def east_asia(run: Any) -> str | None:
    rfonts = run._element.rPr.rFonts
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def test_docx_fonts_and_layout(docx_document: Any) -> None:
    paragraphs = {p.text: p for p in docx_document.paragraphs}
    body = next(p for t, p in paragraphs.items() if t.startswith("2025年第二季度"))
    assert body.runs and all(east_asia(r) == DOCX_FONTS["body"] for r in body.runs)
    assert body.paragraph_format.first_line_indent.pt == pytest.approx(32)  # two characters of 16 pt
    issuer = docx_document.paragraphs[0]  # (the 落款 has the same text)
    assert str(issuer.runs[0].font.color.rgb) == "FF0000"
    assert issuer.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    title = paragraphs[TITLE]
    assert title.runs[0].font.bold and title.runs[0].font.size.pt > body.runs[0].font.size.pt
    assert east_asia(title.runs[0]) == DOCX_FONTS["title"]
    heading = paragraphs["一、总体情况"]
    assert heading.runs[0].font.bold and east_asia(heading.runs[0]) == DOCX_FONTS["heading"]
    number = paragraphs[NUMBER]
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"  # the red rule
    date = paragraphs["2025年7月1日"]
    assert date.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    section = docx_document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "—" in footer_xml


def test_docx_to_stream() -> None:
    buf = io.BytesIO()
    write_docx(make_tongbao(), buf)
    assert buf.getvalue()[:2] == b"PK"
    assert docx.Document(io.BytesIO(buf.getvalue())).paragraphs[0].text == ISSUER


# ---------------------------------------------------------------------------------------------------------------
# PDF

@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tongbao") / "tongbao.pdf"
    write_pdf(make_tongbao(), path)
    return path


def squash(text: str) -> str:
    return "".join(text.split())


def test_pdf_text_round_trips(pdf_path: Path) -> None:
    reader = pypdf.PdfReader(str(pdf_path))
    assert len(reader.pages) > 1  # the 120-row table runs over several pages
    page1 = squash(reader.pages[0].extract_text())
    assert squash(TITLE) in page1
    assert ISSUER in page1 and NUMBER in page1
    everything = squash("".join(p.extract_text() for p in reader.pages))
    assert "第1街道办事处" in everything and f"第{ROWS}街道办事处" in everything
    assert squash(TRICKY) in everything
    assert "2025年7月1日" in everything
    assert everything.count("序号单位问题数主要问题") >= 2  # header row repeated on the next page
    assert reader.metadata.title == TITLE


def test_pdf_page_numbers(pdf_path: Path) -> None:
    reader = pypdf.PdfReader(str(pdf_path))
    for i, page in enumerate(reader.pages, 1):
        assert f"— {i} —" in page.extract_text()


def test_pdf_embeds_the_font(pdf_path: Path) -> None:
    reader = pypdf.PdfReader(str(pdf_path))
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        embedded = []
        for ref in fonts.values():
            font = ref.get_object()
            if PDF_FONT_NAME not in str(font["/BaseFont"]):
                continue
            # reportlab writes simple TrueType subsets; a Type0 font keeps its descriptor in the descendant.
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            embedded.append("/FontFile2" in descriptor)
        assert embedded and all(embedded)


def test_pdf_to_stream() -> None:
    buf = io.BytesIO()
    write_pdf(make_tongbao(), buf)
    assert buf.getvalue().startswith(b"%PDF-")


def test_pdf_edge_cases(tmp_path: Path) -> None:
    """Empty sections, a ragged table, control characters and a very long issuer still render."""
    tongbao = Tongbao(
        issuer="某某省某某市某某区减轻基层负担工作领导小组办公室与某某市委督查室联合",
        number="",
        title="测试\x00\x0b标题\r\n第二行 & <b>不是粗体</b>",
        recipients="",
        sections=[
            TongbaoSection("", []),
            TongbaoSection("一、表格", [""], [
                TongbaoTable("", [], []),  # no columns at all: caption only
                TongbaoTable("表2", ["甲"], [["1", "2", "3"], []]),  # ragged: padded to three columns
            ]),
        ],
        signature="办公室",
        date=datetime.date(2025, 1, 9),
    )
    path = tmp_path / "edge.pdf"
    write_pdf(tongbao, path)
    text = squash(pypdf.PdfReader(str(path)).pages[0].extract_text())
    assert "测试标题" in text and "<b>不是粗体</b>" in text
    write_docx(tongbao, tmp_path / "edge.docx")
    (table,) = docx.Document(str(tmp_path / "edge.docx")).tables
    assert table.cell(1, 2).text == "3" and table.cell(0, 0).text == "甲"


# ---------------------------------------------------------------------------------------------------------------
# Rendering: the red 发文机关标志 is there at the top of page 1

def red_fraction_of_top(png: Path) -> float:
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        top = rgb.crop((0, 0, width, height // 3))
        pixels = list(top.get_flattened_data() if hasattr(top, "get_flattened_data") else top.getdata())
    red = sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90)
    return red / len(pixels)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_pdf_renders_red_issuer(pdf_path: Path, tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                    str(tmp_path / "page1")], check=True, timeout=120)
    png = tmp_path / "page1.png"
    assert png.is_file()
    assert red_fraction_of_top(png) > 0.005  # the issuer line and the red rule
