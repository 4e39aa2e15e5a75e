"""Word documents in the government layout of GB/T 9704-2012 (党政机关公文格式).

- Paper A4 (210 × 297 mm); margins 天头 37 mm, 订口 28 mm, so the text block is 156 × 225 mm
  (bottom 35 mm, right 26 mm). A landscape page (a certificate) keeps A4 with the same margins
  turned.
- 发文机关标志 in red (#C00000 style red, here the platform's --zjtx-red) in 小标宋, centred;
  a red separator line under the 发文字号; title in 2号小标宋; body in 3号仿宋; 落款 and 成文日期
  right-aligned with room for the seal (印章) above the date.

`a4_page` sets the page of every section; `gov_document` writes a whole 公文.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

RED = "B3261E"
# GB/T 9704 sizes: 2号 = 22 pt, 3号 = 16 pt, 4号 = 14 pt.
TITLE_PT = 22
BODY_PT = 16
MARK_PT = 36


def a4_page(doc: Any, *, landscape: bool = False) -> None:
    """Every section of `doc` on A4 with the GB/T 9704 margins."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    for section in doc.sections:
        width, height = Mm(210), Mm(297)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
        else:
            section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = width
        section.page_height = height
        section.top_margin = Mm(37)
        section.bottom_margin = Mm(35)
        section.left_margin = Mm(28)
        section.right_margin = Mm(26)


def body_font(
    doc: Any, *, latin: str = "FangSong", east_asia: str = "仿宋", size: int = BODY_PT
) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    normal.font.name = latin
    normal.font.size = Pt(size)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _run_font(run: Any, east_asia: str, size: int, *, bold: bool = False, color: str = "") -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.size = Pt(size)
    run.bold = bold
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _red_rule(paragraph: Any) -> None:
    """A red line under the paragraph (版头中的分隔线)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), RED)
    border.append(bottom)
    ppr.append(border)


def chinese_date(day: date) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704-2012 §7.3.5.3 asks: 2026年12月6日."""
    return f"{day.year}年{day.month}月{day.day}日"


def gov_document(
    *,
    issuer: str,
    number: str,
    title: str,
    addressee: str = "",
    paragraphs: Iterable[str] = (),
    table: tuple[Sequence[str], Iterable[Sequence[Any]]] | None = None,
    signature: str,
    dated: date,
) -> bytes:
    """A 公文 as .docx bytes: 版头 (red 发文机关标志, 发文字号, red rule), 主体 (title, 主送机关,
    body, an attached list), 落款 and 成文日期 with room for the seal."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    a4_page(doc)
    body_font(doc)
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark.paragraph_format.space_before = Mm(10)
    _run_font(mark.add_run(f"{issuer}文件"), "方正小标宋简体", MARK_PT, color=RED)
    num = doc.add_paragraph()
    num.alignment = WD_ALIGN_PARAGRAPH.CENTER
    num.paragraph_format.space_before = Pt(BODY_PT * 2)
    _run_font(num.add_run(number), "仿宋", BODY_PT)
    _red_rule(num)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.space_before = Pt(BODY_PT * 2)
    _run_font(head.add_run(title), "方正小标宋简体", TITLE_PT)
    if addressee:
        to = doc.add_paragraph()
        to.paragraph_format.space_before = Pt(BODY_PT)
        _run_font(to.add_run(f"{addressee}："), "仿宋", BODY_PT)
    for text in paragraphs:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        p.paragraph_format.line_spacing = Pt(28)
        _run_font(p.add_run(text), "仿宋", BODY_PT)
    if table is not None:
        headers, rows = table
        grid = doc.add_table(rows=1, cols=len(headers))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, headers, strict=True):
            cell.text = ""
            _run_font(cell.paragraphs[0].add_run(str(text)), "黑体", 12)
        for row in rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                _run_font(cell.paragraphs[0].add_run(str(value)), "仿宋", 12)
    # 落款 and 成文日期: right-aligned, four characters in from the right edge; the seal
    # (印章) sits over both, so two blank lines are left above the signature.
    for _ in range(2):
        doc.add_paragraph()
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.right_indent = Pt(BODY_PT * 4)
    _run_font(sign.add_run(signature), "仿宋", BODY_PT)
    when = doc.add_paragraph()
    when.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    when.paragraph_format.right_indent = Pt(BODY_PT * 4)
    _run_font(when.add_run(chinese_date(dated)), "仿宋", BODY_PT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
