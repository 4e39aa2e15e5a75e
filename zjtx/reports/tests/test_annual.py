"""Annual report: figures recomputed from raw records, same snapshot → same document,
dashboard = report, publication, errors."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from zjtx.reports.dashboard import dashboard_data, kpi_map
from zjtx.reports.models import AnnualReport, ReportFigure
from zjtx.reports.selectors import published_reports
from zjtx.reports.services import (
    annual_report_publication,
    annual_report_rebuild,
    annual_report_start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(city_data):
    report = annual_report_start(year=city_data["year"], actor=city_data["city"])
    assert report.status == AnnualReport.Status.DONE, report.error
    return report


def _figure(report, key):
    return ReportFigure.objects.get(snapshot=report.snapshot, key=key)


def _raw_sum(year, code):
    from zjtx.monitoring.models import MonitoringValue

    return MonitoringValue.objects.filter(
        period__year=year, period__frequency="monthly", indicator__code=code
    ).aggregate(s=Sum("value"))["s"]


def test_five_figures_recomputed_from_the_raw_records(city_data, report):
    from zjtx.certification.models import Application
    from zjtx.monitoring.models import MonitoringValue, MonitoringWarning

    year = city_data["year"]
    # 1. operating revenue: every monthly value of the year
    assert Decimal(_figure(report, "economics.revenue").value) == _raw_sum(
        year, "operating_revenue"
    )
    # 2. taxes, and its year-on-year change
    taxes, prev = _raw_sum(year, "taxes"), _raw_sum(year - 1, "taxes")
    assert Decimal(_figure(report, "economics.taxes").value) == taxes
    expected = ((taxes - prev) * 100 / prev).quantize(Decimal("0.01"))
    assert Decimal(_figure(report, "economics.taxes_yoy").value) == expected
    # 3. employees: each enterprise's December headcount
    december = MonitoringValue.objects.filter(
        period__code=f"{year}-12", indicator__code="employees"
    ).aggregate(s=Sum("value"))["s"]
    assert int(_figure(report, "economics.employees").value) == int(december)
    # 4. SRDI enterprises at year end: certified, certified by and valid on 31 December
    end = date(year, 12, 31)
    certified = (
        Application.objects.filter(status="certified", certified_on__lte=end, valid_until__gte=end)
        .values("enterprise_id")
        .distinct()
        .count()
    )
    assert int(_figure(report, "overview.zjtx_firms").value) == certified == 7
    # 5. early warnings raised for the year's periods
    warnings = MonitoringWarning.objects.filter(period__year=year).count()
    assert int(_figure(report, "warnings.raised").value) == warnings == 3
    # and the R&D intensity: R&D ÷ revenue
    rd = _raw_sum(year, "rd_spending")
    intensity = (rd * 100 / _raw_sum(year, "operating_revenue")).quantize(Decimal("0.01"))
    assert Decimal(_figure(report, "economics.rd_intensity").value) == intensity


def test_every_figure_carries_a_reference(report):
    figures = list(ReportFigure.objects.filter(snapshot=report.snapshot))
    assert len(figures) > 30
    for f in figures:
        assert f.definition and f.source, f.key
    # the appendix of the Word file lists every key
    doc_xml = zipfile.ZipFile(io.BytesIO(report.docx.open("rb").read())).read("word/document.xml")
    text = doc_xml.decode()
    for f in figures:
        assert f.key in text, f.key


def test_same_snapshot_gives_the_same_document(city_data, report):
    again = annual_report_rebuild(report=report, actor=city_data["city"])
    assert again.pk != report.pk
    assert again.snapshot_id == report.snapshot_id
    assert again.content_sha256 == report.content_sha256
    assert again.docx.open("rb").read() == report.docx.open("rb").read()
    assert again.pdf.open("rb").read() == report.pdf.open("rb").read()


def test_word_file_is_a4_with_government_fonts(report):
    from docx import Document
    from docx.shared import Cm

    doc = Document(io.BytesIO(report.docx.open("rb").read()))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert (
        normal.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "仿宋"
    )
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert any("经济运行" in h for h in headings)
    assert len(doc.inline_shapes) >= 3  # charts
    assert len(doc.tables) >= 8
    assert report.pdf.open("rb").read().startswith(b"%PDF-")


def test_dashboard_shows_the_reports_figures(city_data, report):
    kpis = kpi_map(dashboard_data(unit=None, year=city_data["year"]))
    pairs = {
        "econ_revenue": "economics.revenue",
        "econ_profit": "economics.profit",
        "econ_taxes": "economics.taxes",
        "econ_exports": "economics.exports",
        "econ_employees": "economics.employees",
        "zjtx_firms": "overview.zjtx_firms",
        "cert_certified": "certification.certified",
        "warn_raised": "warnings.raised",
        "econ_rd_intensity": "economics.rd_intensity",
    }
    for kpi_key, figure_key in pairs.items():
        assert Decimal(kpis[kpi_key].value) == Decimal(_figure(report, figure_key).value), kpi_key
    assert kpis["econ_revenue"].change == Decimal(_figure(report, "economics.revenue_yoy").value)


def test_unit_ranking_chapter_is_omitted_with_a_note_without_assessment(report):
    chapter = next(c for c in report.snapshot.data["chapters"] if c["key"] == "ranking")
    assert chapter["tables"] == [] and chapter["paragraphs"]


def test_only_the_city_starts_a_report(city_data, make_user):
    from zjtx.core.errors import DomainError

    unit = make_user("unit_officer", unit=city_data["units"]["镜湖区"])
    with pytest.raises(DomainError) as caught:
        annual_report_start(year=2025, actor=unit)
    assert caught.value.status == 403


@pytest.mark.parametrize("year", [1999, 2999, "abc", None])
def test_bad_year_is_refused_with_the_field(city_officer, year):
    from zjtx.reports.errors import ReportError

    with pytest.raises(ReportError) as caught:
        annual_report_start(year=year, actor=city_officer)
    assert caught.value.code == "invalid_year"
    assert "year" in caught.value.fields
    assert not AnnualReport.objects.exists()


def test_publish_lists_it_and_withdraw_needs_a_reason(city_data, report):
    from zjtx.core.errors import DomainError

    annual_report_publication(report=report, action="publish", actor=city_data["city"])
    assert [r.pk for r in published_reports()] == [report.pk]
    with pytest.raises(DomainError):
        annual_report_publication(report=report, action="withdraw", actor=city_data["city"])
    annual_report_publication(
        report=report, action="withdraw", actor=city_data["city"], reason="数据更正"
    )
    assert published_reports() == []


def test_published_assessment_fills_the_ranking_chapter_and_the_dashboard(city_data):
    from zjtx.assessment.models import AssessmentRun, UnitScore

    units = city_data["units"]
    run = AssessmentRun.objects.create(
        year=2025,
        status=AssessmentRun.Status.FINAL,
        scheme_id="wuhu.unit_assessment",
        scheme_version=1,
        as_of=date(2025, 12, 31),
        objection_days=5,
    )
    for rank, (name, score) in enumerate(
        [("无为市", "91.50"), ("镜湖区", "88.00"), ("经济技术开发区", "80.25")], start=1
    ):
        UnitScore.objects.create(
            run=run,
            unit=units[name],
            computed_points=Decimal(score),
            score=Decimal(score),
            rank=rank,
        )
    report = annual_report_start(year=2025, actor=city_data["city"])
    chapter = next(c for c in report.snapshot.data["chapters"] if c["key"] == "ranking")
    assert [row[1] for row in chapter["tables"][0]["rows"]] == [
        "无为市",
        "镜湖区",
        "经济技术开发区",
    ]
    code = units["无为市"].code
    assert _figure(report, f"ranking.{code}").value == "91.50"
    data = dashboard_data(unit=None, year=2025)
    assert data["assessment"][0]["unit"] == "无为市"
