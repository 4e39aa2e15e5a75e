"""The 通报 as a Word document in the government-document layout (GB/T 9704-2012).

A4 with the standard margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm); the issuing
organ's mark (发文机关标志) in red, the document number (发文字号) under it and a red rule; the
title in 小标宋 2号; the addressees and body in 仿宋 3号 with a two-character first-line indent;
headings in 黑体/楷体; the signature (落款) and date of writing (成文日期) at the right; the
printing note (版记) and page numbers “— 1 —” at the foot. Always written in Chinese.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import AssessmentRun, Bulletin
from .selectors import highlights_and_shortcomings, ranking

LANGUAGE = "zh-hans"
RED = "FF0000"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONG = "宋体"


def _date_text(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class _Writer:
    def __init__(self) -> None:
        from docx import Document
        from docx.shared import Cm

        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width = Cm(21.0)
        section.page_height = Cm(29.7)
        section.top_margin = Cm(3.7)
        section.bottom_margin = Cm(3.5)
        section.left_margin = Cm(2.8)
        section.right_margin = Cm(2.6)
        normal = self.doc.styles["Normal"]
        self._font(normal, FANGSONG, 16)
        normal.paragraph_format.space_after = 0
        normal.paragraph_format.space_before = 0
        self._page_numbers(section)

    # ---- low-level helpers

    @staticmethod
    def _font(
        target: Any, name: str, size: float, color: str | None = None, bold: bool = False
    ) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        font = target.font
        font.name = name
        font.size = Pt(size)
        font.bold = bold
        if color:
            font.color.rgb = RGBColor.from_string(color)
        rpr = target.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attr), name)

    def _line_spacing(self, paragraph: Any, points: float = 28) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(points)

    def para(
        self,
        text: str = "",
        *,
        font: str = FANGSONG,
        size: float = 16,
        align: str = "justify",
        indent: bool = True,
        color: str | None = None,
        bold: bool = False,
        spacing: float = 28,
    ) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        paragraph = self.doc.add_paragraph()
        paragraph.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        }[align]
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        self._line_spacing(paragraph, spacing)
        if text:
            run = paragraph.add_run(text)
            self._font(run, font, size, color, bold)
        return paragraph

    def red_rule(self) -> None:
        from docx.oxml.ns import qn

        paragraph = self.para(indent=False, spacing=10)
        ppr = paragraph._p.get_or_add_pPr()
        borders = ppr.makeelement(qn("w:pBdr"), {})
        bottom = borders.makeelement(
            qn("w:bottom"),
            {qn("w:val"): "single", qn("w:sz"): "18", qn("w:space"): "1", qn("w:color"): RED},
        )
        borders.append(bottom)
        ppr.append(borders)

    def black_rule(self) -> Any:
        from docx.oxml.ns import qn

        paragraph = self.para(indent=False, spacing=6)
        ppr = paragraph._p.get_or_add_pPr()
        borders = ppr.makeelement(qn("w:pBdr"), {})
        borders.append(
            borders.makeelement(
                qn("w:bottom"),
                {
                    qn("w:val"): "single",
                    qn("w:sz"): "8",
                    qn("w:space"): "1",
                    qn("w:color"): "000000",
                },
            )
        )
        ppr.append(borders)
        return paragraph

    def _page_numbers(self, section: Any) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn

        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._font(footer.add_run("— "), SONG, 14)
        run = footer.add_run()
        self._font(run, SONG, 14)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                element = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
            else:
                element = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
                element.text = text
            run._r.append(element)
        self._font(footer.add_run(" —"), SONG, 14)

    # ---- document parts

    def head(self, number: str) -> None:
        organ = _("%(organ)s document") % {"organ": settings.ZJTX_DEPARTMENT_NAME}
        self.para(indent=False, spacing=20)
        self.para(
            organ, font=XIAOBIAOSONG, size=30, align="center", indent=False, color=RED, spacing=48
        )
        self.para(indent=False)
        self.para(number, align="center", indent=False)
        self.red_rule()
        self.para(indent=False)

    def title(self, text: str) -> None:
        self.para(text, font=XIAOBIAOSONG, size=22, align="center", indent=False, spacing=36)
        self.para(indent=False)

    def heading(self, text: str, level: int = 1) -> None:
        self.para(text, font=HEITI if level == 1 else KAITI, size=16)

    def table(self, headers: list[str], rows: Iterable[list[str]], widths: list[float]) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        body = list(rows)
        table = self.doc.add_table(rows=1 + len(body), cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, values in enumerate([headers, *body]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.width = Cm(widths[c])
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = paragraph.add_run(str(value))
                self._font(run, HEITI if r == 0 else FANGSONG, 12)

    def signature(self, day: Any) -> None:
        from docx.shared import Pt

        self.para(indent=False)
        self.para(indent=False)
        organ = self.para(str(settings.ZJTX_DEPARTMENT_NAME), align="right", indent=False)
        organ.paragraph_format.right_indent = Pt(16 * 2)
        dated = self.para(_date_text(day), align="right", indent=False)
        dated.paragraph_format.right_indent = Pt(16 * 4)

    def imprint(self, day: Any) -> None:
        """版记: the printing organ and date between two rules, at the end."""
        self.para(indent=False)
        self.black_rule()
        office = _("%(organ)s office") % {"organ": settings.ZJTX_DEPARTMENT_NAME}
        printed = _("%(day)s printed") % {"day": _date_text(day)}
        line = self.para(indent=False, size=14)
        run = line.add_run(f"{office}    {printed}")
        self._font(run, FANGSONG, 14)
        self.black_rule()

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def _addressees() -> str:
    return _("To the competent departments of the counties, districts and development zones:")


def _points(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def annual_bulletin_docx(bulletin: Bulletin) -> bytes:
    """The yearly 通报: ranking table, each unit's highlights and shortcomings from the data."""
    with translation.override(LANGUAGE):
        return _annual(bulletin)


def _annual(bulletin: Bulletin) -> bytes:
    run: AssessmentRun = bulletin.run  # type: ignore[assignment]
    scores = ranking(run)
    w = _Writer()
    w.head(bulletin.number)
    w.title(bulletin.title)
    w.para(_addressees(), indent=False)
    w.para(
        _(
            "In line with the city's implementation opinions (clause 3(1)), which count SRDI "
            "development in the city's target assessment of every county, district and "
            "development zone and require a yearly bulletin, the %(n)s assessment units were "
            "assessed for %(year)s under the assessment scheme (version %(version)s). The result "
            "was published to the units with an objection period until %(until)s and is now "
            "final. The bulletin follows."
        )
        % {
            "n": len(scores),
            "year": run.year,
            "version": run.scheme_version,
            "until": _date_text(run.window_ends_on) if run.window_ends_on else "—",
        }
    )
    certified = sum(int(s.facts.get("certified_new") or 0) for s in scores)
    average = sum((s.score for s in scores), Decimal(0)) / len(scores) if scores else Decimal(0)
    w.heading(_("1. Overall"))
    w.para(
        _(
            "In %(year)s the units added %(certified)s municipal SRDI SMEs. The average score "
            "was %(average)s points; %(top)s ranked first with %(best)s points."
        )
        % {
            "year": run.year,
            "certified": certified,
            "average": _points(average),
            "top": "、".join(s.unit.name for s in scores if s.rank == 1) or "—",
            "best": _points(scores[0].score) if scores else "—",
        }
    )
    w.heading(_("2. Assessment results"))
    dims: list[str] = []
    for entry in scores[0].trace if scores else []:
        if entry["dimension"] not in dims:
            dims.append(entry["dimension"])
    headers = [_("Rank"), pgettext("assessment", "Unit"), *dims, _("Adjustments"), _("Score")]
    rows = []
    for s in scores:
        per_dim = dict.fromkeys(dims, Decimal(0))
        for entry in s.trace:
            per_dim[entry["dimension"]] += Decimal(entry["points"] or 0)
        rows.append(
            [
                str(s.rank),
                s.unit.name,
                *[_points(per_dim[d]) for d in dims],
                _points(s.adjustment_points),
                _points(s.score),
            ]
        )
    widths = [1.4, 3.6, *([2.4] * len(dims)), 2.0, 2.0]
    w.table(headers, rows, widths)
    w.para(indent=False)
    w.heading(_("3. Highlights and shortcomings of each unit"))
    for index, s in enumerate(scores, start=1):
        good, weak = highlights_and_shortcomings(s)
        w.heading(f"（{_chinese_number(index)}）{s.unit.name}", level=2)
        w.para(
            _("Highlights: %(items)s.") % {"items": "；".join(good)}
            if good
            else _("Highlights: none of the indicators reached full points.")
        )
        w.para(
            _("Shortcomings: %(items)s.") % {"items": "；".join(weak)}
            if weak
            else _("Shortcomings: no indicator fell below 60 percent of its weight.")
        )
    w.heading(_("4. Next steps"))
    w.para(
        bulletin.text
        or _(
            "Units that ranked low are to analyse the causes against the indicators, draw up "
            "improvement measures and report them to the city bureau within one month."
        )
    )
    w.signature(bulletin.issued_on)
    w.imprint(bulletin.issued_on)
    return w.bytes()


def supervision_bulletin_docx(bulletin: Bulletin, units: list[Any]) -> bytes:
    """An ad-hoc 督查通报 naming the units, with the city officer's text."""
    with translation.override(LANGUAGE):
        w = _Writer()
        w.head(bulletin.number)
        w.title(bulletin.title)
        w.para(_addressees(), indent=False)
        w.para(
            _(
                "Under clause 3(5) of the city's implementation opinions, units that fail to carry "
                "out the policy are to be named in a bulletin. Supervision found that the "
                "following units have not carried out the policy as required: %(units)s."
            )
            % {"units": "、".join(u.name for u in units)}
        )
        for line in bulletin.text.splitlines():
            if line.strip():
                w.para(line.strip())
        w.signature(bulletin.issued_on)
        w.imprint(bulletin.issued_on)
        return w.bytes()


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
