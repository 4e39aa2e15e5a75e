"""Word outputs are A4 in the GB/T 9704-2012 layout (issue 10, "Phones and paper")."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.shared import Mm

from zjtx.core.govdoc import RED, a4_page, chinese_date, gov_document


def _near(length: int, mm: float) -> bool:
    return abs(length - Mm(mm)) < Mm(0.5)


def test_a_government_document_is_a4_with_the_standard_margins_and_a_red_masthead():
    data = gov_document(
        issuer="芜湖市经济和信息化局",
        number="芜经信〔2026〕12号",
        title="关于认定2026年度芜湖市专精特新中小企业的通知",
        addressee="各县市区经信部门",
        paragraphs=["现认定以下企业。"],
        table=(["序号", "企业名称"], [(1, "芜湖奇睿精密机械有限公司")]),
        signature="芜湖市经济和信息化局",
        dated=date(2026, 12, 6),
    )
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert _near(section.page_width, 210) and _near(section.page_height, 297)
    assert _near(section.top_margin, 37) and _near(section.bottom_margin, 35)
    assert _near(section.left_margin, 28) and _near(section.right_margin, 26)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "芜湖市经济和信息化局文件"
    assert str(doc.paragraphs[0].runs[0].font.color.rgb) == RED
    assert "芜经信〔2026〕12号" in texts
    assert texts.index("芜经信〔2026〕12号") < texts.index(
        "关于认定2026年度芜湖市专精特新中小企业的通知"
    )
    # 落款 then 成文日期 last, right-aligned.
    assert texts[-2:] == ["芜湖市经济和信息化局", "2026年12月6日"]
    assert doc.tables[0].rows[1].cells[1].text == "芜湖奇睿精密机械有限公司"


def test_a_landscape_page_is_a4_turned():
    doc = Document()
    a4_page(doc, landscape=True)
    section = doc.sections[0]
    assert _near(section.page_width, 297) and _near(section.page_height, 210)


def test_the_date_of_a_document_is_written_in_chinese():
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
