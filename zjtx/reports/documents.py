"""Render a report snapshot as Word (python-docx) and PDF (reportlab), deterministically.

Layout after GB/T 9704 (government documents): A4, margins 3.7/3.5/2.8/2.6 cm, title in
小标宋 (here 黑体 where absent) 二号, headings 黑体 三号, body 仿宋 三号 with 28-point lines,
tables in 仿宋 小四. The PDF uses reportlab's built-in CID font STSong-Light (no font file).
Everything comes from the snapshot's JSON; zip entry times and PDF metadata are fixed so the
same snapshot gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .charts import render_chart

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def report_title(year: int) -> str:
    return _("Wuhu %(year)s annual development report on SRDI SMEs") % {"year": year}


def chart_images(data: dict[str, Any]) -> dict[str, bytes]:
    """Chart key (chapter.n) → PNG bytes, rendered once for both documents."""
    out: dict[str, bytes] = {}
    for chapter in data.get("chapters", []):
        for n, chart in enumerate(chapter.get("charts", [])):
            out[f"{chapter['key']}.{n}"] = render_chart(chart)
    return out


def _appendix_rows(data: dict[str, Any]) -> list[list[str]]:
    return [
        [f["key"], f["label"], f["display"], f["definition"], f["source"], f"{f['records']:,}"]
        for f in data.get("figures", [])
    ]


def _appendix_columns() -> list[str]:
    return [
        _("Key"),
        _("Figure"),
        pgettext("figure", "Value"),
        _("Definition"),
        _("Source query"),
        _("Records"),
    ]


# ------------------------------------------------------------------ Word


def _normalise_zip(raw: bytes) -> bytes:
    """Rewrite the package with fixed entry times and order, so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def render_docx(data: dict[str, Any], charts: dict[str, bytes]) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    year = int(data["year"])
    taken = datetime.fromisoformat(data["taken_at"])
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def east_asian(style_or_run: Any, name: str) -> None:
        rpr = style_or_run.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), name)
        fonts.set(qn("w:ascii"), name)
        fonts.set(qn("w:hAnsi"), name)

    normal = doc.styles["Normal"]
    normal.font.name = "仿宋"
    normal.font.size = Pt(16)  # 三号
    east_asian(normal, "仿宋")
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    for level, size in ((1, 16), (2, 16)):
        style = doc.styles[f"Heading {level}"]
        style.font.name = "黑体"
        style.font.size = Pt(size)
        style.font.bold = False
        style.font.color.rgb = None
        east_asian(style, "黑体")

    props = doc.core_properties
    props.title = report_title(year)
    props.author = str(settings.ZJTX_DEPARTMENT_NAME)
    props.created = props.modified = taken.replace(tzinfo=None)
    props.last_modified_by = ""
    props.revision = 1

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(report_title(year))
    run.font.size = Pt(22)  # 二号
    run.font.name = "方正小标宋简体"
    east_asian(run, "方正小标宋简体")
    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issuer.add_run(str(settings.ZJTX_DEPARTMENT_NAME))
    stamp = doc.add_paragraph()
    stamp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    stamp.add_run(_("Data as of %(t)s (snapshot)") % {"t": taken.strftime("%Y-%m-%d %H:%M")})

    def add_table(
        columns: list[str], rows: list[list[str]], widths: list[float] | None = None
    ) -> None:
        table = doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, name in enumerate(columns):
            cell = table.rows[0].cells[i]
            cell.text = ""
            r = cell.paragraphs[0].add_run(str(name))
            r.font.size = Pt(12)
            r.font.name = "黑体"
            east_asian(r, "黑体")
        for row in rows:
            cells = table.add_row().cells
            for i, value in enumerate(row):
                cells[i].text = ""
                r = cells[i].paragraphs[0].add_run(str(value))
                r.font.size = Pt(10.5 if len(columns) > 4 else 12)
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                    p.paragraph_format.first_line_indent = None
        if widths:
            for row in table.rows:
                for i, w in enumerate(widths):
                    row.cells[i].width = Cm(w)

    for chapter in data.get("chapters", []):
        doc.add_heading(chapter["title"], level=1)
        for text in chapter.get("paragraphs", []):
            p = doc.add_paragraph(text)
            p.paragraph_format.first_line_indent = Pt(32)
        for n, _chart in enumerate(chapter.get("charts", [])):
            png = charts.get(f"{chapter['key']}.{n}")
            if png:
                pic = doc.add_paragraph()
                pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
                pic.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                pic.add_run().add_picture(io.BytesIO(png), width=Cm(15))
        for table in chapter.get("tables", []):
            caption = doc.add_paragraph()
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = caption.add_run(table["title"])
            r.font.name = "黑体"
            east_asian(r, "黑体")
            add_table(table["columns"], table["rows"])
    doc.add_heading(_("Appendix: figure references"), level=1)
    doc.add_paragraph(
        _(
            "Every figure of this report, with the key under which the platform's API "
            "(GET /api/v1/reports/annual/{id}/figures/{key}) returns it, its definition, the "
            "query it was computed by and the number of records behind it."
        )
    )
    add_table(_appendix_columns(), _appendix_rows(data), [2.6, 2.6, 2.2, 3.6, 3.6, 1.2])
    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


# ------------------------------------------------------------------ PDF


def render_pdf(data: dict[str, Any], charts: dict[str, bytes]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import (
        Image,
        LongTable,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    year = int(data["year"])
    taken = datetime.fromisoformat(data["taken_at"])
    body = ParagraphStyle(
        "body", fontName=font, fontSize=14, leading=24, firstLineIndent=28, wordWrap="CJK"
    )
    heading = ParagraphStyle(
        "h1", fontName=font, fontSize=16, leading=28, spaceBefore=12, spaceAfter=6, keepWithNext=1
    )
    title = ParagraphStyle(
        "title", fontName=font, fontSize=22, leading=32, alignment=TA_CENTER, spaceAfter=8
    )
    centred = ParagraphStyle("c", fontName=font, fontSize=12, leading=18, alignment=TA_CENTER)
    caption = ParagraphStyle(
        "cap",
        fontName=font,
        fontSize=11,
        leading=16,
        alignment=TA_CENTER,
        spaceBefore=6,
        keepWithNext=1,
    )
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    small = ParagraphStyle("small", fontName=font, fontSize=7.5, leading=10, wordWrap="CJK")

    def esc(text: Any) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    width = A4[0] - 2.8 * cm - 2.6 * cm

    def table(
        columns: list[str],
        rows: list[list[str]],
        style: ParagraphStyle,
        col_widths: list[float] | None = None,
    ) -> Any:
        content = [[Paragraph(esc(c), style) for c in columns]] + [
            [Paragraph(esc(v), style) for v in row] for row in rows
        ]
        t = LongTable(
            content, colWidths=col_widths or [width / len(columns)] * len(columns), repeatRows=1
        )
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return t

    story: list[Any] = [
        Spacer(1, 2 * cm),
        Paragraph(esc(report_title(year)), title),
        Paragraph(esc(settings.ZJTX_DEPARTMENT_NAME), centred),
        Paragraph(
            esc(_("Data as of %(t)s (snapshot)") % {"t": taken.strftime("%Y-%m-%d %H:%M")}), centred
        ),
        Spacer(1, 0.8 * cm),
    ]
    for chapter in data.get("chapters", []):
        story.append(Paragraph(esc(chapter["title"]), heading))
        for text in chapter.get("paragraphs", []):
            story.append(Paragraph(esc(text), body))
        for n, _chart in enumerate(chapter.get("charts", [])):
            png = charts.get(f"{chapter['key']}.{n}")
            if png:
                story.append(Image(io.BytesIO(png), width=width, height=width / 2))
        for t in chapter.get("tables", []):
            story.append(Paragraph(esc(t["title"]), caption))
            story.append(table(t["columns"], t["rows"], cell))
    story.append(PageBreak())
    story.append(Paragraph(esc(_("Appendix: figure references")), heading))
    widths = [w * cm for w in (2.6, 2.4, 2.0, 3.4, 4.0, 1.2)]
    story.append(table(_appendix_columns(), _appendix_rows(data), small, widths))

    def page_number(canvas: Any, doc: Any) -> None:
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 1.6 * cm, f"— {doc.page} —")

    buf = io.BytesIO()
    pdf = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2.8 * cm,
        rightMargin=2.6 * cm,
        topMargin=3.7 * cm,
        bottomMargin=3.5 * cm,
        title=report_title(year),
        author=str(settings.ZJTX_DEPARTMENT_NAME),
        invariant=1,
    )
    pdf.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buf.getvalue()


def render_all(data: dict[str, Any]) -> tuple[bytes, bytes, str]:
    """(docx, pdf, sha256 of both) for a snapshot's data, in Chinese."""
    with translation.override("zh-hans"):
        charts = chart_images(data)
        docx = render_docx(data, charts)
        pdf = render_pdf(data, charts)
    digest = hashlib.sha256(docx + b"\0" + pdf).hexdigest()
    return docx, pdf, digest
