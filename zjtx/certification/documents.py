"""Certificates (printable page data, DOCX with a QR code) and the provincial recommendation xlsx."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
from django.conf import settings
from django.utils.translation import gettext as _

from zjtx.core.files import SNIFF_BYTES, name_stem, sniff_stored, zip_member_part
from zjtx.core.govdoc import a4_page, gov_document
from zjtx.core.money import yuan_to_wan
from zjtx.core.xlsx import build_table_xlsx

from . import selectors
from .models import Application


def qr_png(url: str) -> bytes:
    image = qrcode.make(url, box_size=6, border=2)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def qr_data_uri(url: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(url)).decode()


def certificate_docx(application: Application, verify_url: str) -> bytes:
    """A one-page certificate: title, enterprise, number, validity, decision number, QR code."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    a4_page(doc, landscape=True)  # A4 like the PDF certificate (python-docx defaults to Letter)
    normal = doc.styles["Normal"]
    normal.font.name = "FangSong"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")  # GB/T 9704 body font
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("Certificate"))
    run.bold = True
    run.font.size = Pt(26)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(_("Municipal specialised, refined, distinctive and innovative SME")).font.size = Pt(
        16
    )
    body = doc.add_paragraph()
    body.alignment = WD_ALIGN_PARAGRAPH.CENTER
    body.add_run(application.enterprise.name).font.size = Pt(20)
    lines = [
        (_("Unified social credit code"), application.enterprise.credit_code),
        (_("Certificate number"), application.certificate_number or ""),
        (
            _("Decision document"),
            application.decision_document.number if application.decision_document else "",
        ),
        (
            _("Certified on"),
            application.certified_on.isoformat() if application.certified_on else "",
        ),
        (_("Valid until"), application.valid_until.isoformat() if application.valid_until else ""),
    ]
    for label, value in lines:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(f"{label}：{value}").font.size = Pt(12)
    pic = doc.add_paragraph()
    pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pic.add_run().add_picture(io.BytesIO(qr_png(verify_url)), width=Cm(4))
    note = doc.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.add_run(_("Scan to verify: %(url)s") % {"url": verify_url}).font.size = Pt(9)
    issuer = doc.add_paragraph()
    issuer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    issuer.add_run(str(settings.ZJTX_DEPARTMENT_NAME)).font.size = Pt(14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def decision_docx(document: Any, entries: Any) -> bytes:
    """The certification decision (认定发文) as a 公文 in the GB/T 9704-2012 layout: red 发文机关
    标志, 发文字号, title, body, the list of certified enterprises, 落款 and 成文日期 under the seal."""
    department = str(settings.ZJTX_DEPARTMENT_NAME)
    rows = [
        (
            i,
            a.enterprise.name,
            a.enterprise.credit_code,
            a.unit.name if a.unit_id else "",
            a.certificate_number or "",
        )
        for i, a in enumerate(entries, start=1)
    ]
    body = _(
        "After enterprise application, county and district review, expert evaluation and public "
        "notice without objection upheld, the following %(count)d enterprises are certified as "
        "municipal specialised, refined, distinctive and innovative SMEs. The certification is "
        "valid for three years."
    ) % {"count": len(rows)}
    return gov_document(
        issuer=department,
        number=document.number,
        title=document.title,
        addressee=str(_("Each county, city and district bureau of economy and IT")),
        paragraphs=[body],
        table=(
            [
                _("No."),
                _("Enterprise"),
                _("Unified social credit code"),
                _("County/district"),
                _("Certificate number"),
            ],
            rows,
        ),
        signature=department,
        dated=document.issued_on,
    )


def certificate_pdf(application: Application, verify_url: str) -> bytes:
    """The same certificate as a landscape A4 PDF (reportlab; CJK text in the STSong-Light CID font).

    A CID font needs no font file on the server: PDF readers supply a Song typeface, as they do
    for government PDFs.
    """
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = landscape(A4)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    pdf.setTitle(f"{_('Certificate')} {application.certificate_number or ''}")
    red = HexColor("#b3261e")
    pdf.setStrokeColor(red)
    pdf.setLineWidth(4)
    pdf.rect(28, 28, width - 56, height - 56)
    pdf.setLineWidth(1)
    pdf.rect(38, 38, width - 76, height - 76)
    pdf.setFillColor(red)
    pdf.setFont(font, 40)
    pdf.drawCentredString(width / 2, height - 120, str(_("Certificate")))
    pdf.setFillColor(HexColor("#222222"))
    pdf.setFont(font, 18)
    pdf.drawCentredString(
        width / 2,
        height - 160,
        str(_("Municipal specialised, refined, distinctive and innovative SME")),
    )
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 220, application.enterprise.name)
    lines = [
        (_("Unified social credit code"), application.enterprise.credit_code),
        (_("Certificate number"), application.certificate_number or ""),
        (
            _("Decision document"),
            application.decision_document.number if application.decision_document else "",
        ),
        (
            _("Certified on"),
            application.certified_on.isoformat() if application.certified_on else "",
        ),
        (_("Valid until"), application.valid_until.isoformat() if application.valid_until else ""),
    ]
    pdf.setFont(font, 14)
    y = height - 270
    for label, value in lines:
        pdf.drawString(120, y, f"{label}：{value}")
        y -= 26
    qr = ImageReader(io.BytesIO(qr_png(verify_url)))
    pdf.drawImage(qr, width - 250, 110, width=130, height=130)
    pdf.setFont(font, 9)
    pdf.drawCentredString(width - 185, 96, str(_("Scan to verify")))
    pdf.setFont(font, 16)
    pdf.drawRightString(width - 280, 120, str(settings.ZJTX_DEPARTMENT_NAME))
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def provincial_recommendation_xlsx(applications: list[Application], unit_name: str) -> bytes:
    """The provincial-style list: title, reporting unit, 序号 and the key figures in 万元."""
    headers = [
        _("Enterprise name"),
        _("Unified social credit code"),
        _("County/district"),
        _("Industry"),
        _("Certificate number"),
        _("Expert score"),
        _("Operating revenue last year (10k yuan)"),
        _("R&D expense last year (10k yuan)"),
        _("R&D ratio (%)"),
        _("Class I IP"),
    ]
    rows: list[list[Any]] = []
    for app in applications:
        revenue = selectors.as_number(
            selectors.field_value(application=app, name="operating_revenue_y1_yuan")
        )
        rd = selectors.as_number(selectors.field_value(application=app, name="rd_expense_y1_yuan"))
        rows.append(
            [
                app.enterprise.name,
                app.enterprise.credit_code,
                app.unit.name,
                app.enterprise.industry_id or "",
                app.certificate_number or "",
                app.expert_score,
                yuan_to_wan(revenue),
                yuan_to_wan(rd),
                selectors.rd_ratio(app),
                selectors.field_value(application=app, name="class1_ip_count"),
            ]
        )
    return build_table_xlsx(
        title=_("Recommended enterprises for provincial SRDI SME certification"),
        subtitle=_("Reporting unit (stamp): %(unit)s") % {"unit": unit_name},
        unit_note=_("Unit: 10k yuan"),
        headers=headers,
        rows=rows,
        sheet_name=_("Recommendation"),
    )


def provincial_package_zip(applications: list[Application], unit_name: str, year: int) -> bytes:
    """The recommendation package: the xlsx list plus each enterprise's uploaded materials.

    Members are `<number>-<credit code>/<kind>-<id>-<name>.<ext>`; every component built from
    data goes through zip_member_part, and the extension comes from the sniffed content, so
    no uploaded name can add a separator, a backslash or `..` (zip-slip).
    """
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        # Chinese member names: Python's zipfile sets the UTF-8 flag (bit 11) on non-ASCII
        # names, so Windows' and macOS' unzip show them as written.
        list_name = zip_member_part(f"{unit_name}推荐名单-{year}", fallback=f"推荐名单-{year}")
        archive.writestr(
            f"{list_name}.xlsx", provincial_recommendation_xlsx(applications, unit_name)
        )
        for app in applications:
            folder = zip_member_part(
                f"{app.certificate_number or app.pk}-{app.enterprise.name}"
                f"-{app.enterprise.credit_code}",
                fallback=str(app.pk),
            )
            labels = {
                m.get("code"): m.get("label") for m in (app.form_schema or {}).get("materials", [])
            }
            for material in app.materials.order_by("kind", "id"):
                with material.file.open("rb") as handle:
                    content = handle.read()
                _content_type, extension = sniff_stored(content[:SNIFF_BYTES])
                stem = zip_member_part(name_stem(material.original_name))
                kind = zip_member_part(
                    labels.get(material.kind) or material.kind, fallback="material"
                )
                archive.writestr(f"{folder}/{kind}-{material.pk}-{stem}.{extension}", content)
    return buf.getvalue()
