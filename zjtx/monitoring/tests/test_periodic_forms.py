"""Quarterly (季报) and annual (年报) forms next to the monthly one: periods, due dates,
templates listing only that form's indicators, Excel import, online form, API."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from zjtx.core.errors import DomainError
from zjtx.core.workdays import is_working_day
from zjtx.monitoring import services
from zjtx.monitoring.catalogue import PERIODIC_INDICATORS
from zjtx.monitoring.models import Indicator, MonitoringValue, MonitoringWarning, ReportingPeriod
from zjtx.monitoring.selectors import period_choices

from . import xlsx_files as X
from .test_api import bearer

pytestmark = pytest.mark.django_db


def form_headers(frequency: str) -> list[str]:
    out = ["序号", "统一社会信用代码", "企业名称"]
    for _c, name, unit, kind, freq, *_r in PERIODIC_INDICATORS:
        if freq == frequency:
            out.append(name if kind == "text" else f"{name}（{unit}）")
    return out


QUARTER_HEADERS = form_headers(
    "quarterly"
)  # 工业总产值（万元）, 工业增加值（万元）, 研发人员（人）
ANNUAL_HEADERS = form_headers("annual")


@pytest.mark.parametrize(
    ("raw", "code", "frequency"),
    [
        ("2026-09", "2026-09", "monthly"),
        ("2026年9月", "2026-09", "monthly"),
        ("2026-Q3", "2026-Q3", "quarterly"),
        ("2026q3", "2026-Q3", "quarterly"),
        ("2026年第三季度", "2026-Q3", "quarterly"),
        ("２０２６－Ｑ３", "2026-Q3", "quarterly"),
        ("2025", "2025", "annual"),
        ("2025年度", "2025", "annual"),
    ],
)
def test_periods_parse_months_quarters_and_years(raw, code, frequency):
    ref = services.parse_period(raw)
    assert (ref.code, ref.frequency) == (code, frequency)


@pytest.mark.parametrize("raw", ["2026-Q5", "2026-13", "2026-Q0", "26-Q1", "二〇二六年", ""])
def test_bad_periods_are_refused_in_chinese(raw):
    with pytest.raises(DomainError) as info:
        services.parse_period(raw)
    assert info.value.code == "invalid_period" and "季度" in info.value.message


def test_labels_months_and_due_dates():
    q3 = services.parse_period("2026-Q3")
    assert q3.label == "2026年第3季度" and list(q3.months) == [7, 8, 9]
    assert [r.code for r in q3.earlier(2)] == ["2026-Q2", "2026-Q1"]
    assert q3.years_back(1).code == "2025-Q3"
    year = services.parse_period("2025")
    assert year.label == "2025年度" and len(year.months) == 12
    for ref, earliest in (
        (services.parse_period("2026-09"), date(2026, 10, 8)),
        (q3, date(2026, 10, 15)),
        (year, date(2026, 3, 31)),
    ):
        due = services.default_due_date(ref.year, ref.month, ref.frequency)
        assert due >= earliest and is_working_day(due)
        assert (due - earliest).days < 10  # moved past a holiday at most


def test_the_default_catalogue_has_quarterly_and_annual_indicators():
    by_freq = {
        f: list(Indicator.objects.filter(frequency=f).values_list("name", flat=True))
        for f in ("quarterly", "annual")
    }
    assert "工业总产值" in by_freq["quarterly"] and "有效发明专利" in by_freq["annual"]


def test_quarterly_template_lists_only_quarterly_indicators(login, unit_officer, firms):
    response = login(unit_officer).get(reverse("monitoring:template") + "?period=2026-Q3")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = [[c for c in r if c not in (None, "")] for r in sheet.to_python()]
    assert "2026年第3季度" in rows[0][0]
    header = next(r for r in rows if r and r[0] == "序号")
    assert header == QUARTER_HEADERS
    assert firms["a"].credit_code in {c for r in rows for c in r}
    assert firms["w"].credit_code not in {c for r in rows for c in r}  # another unit


def test_quarterly_and_annual_uploads_store_their_own_indicators(unit_officer, firms):
    a = firms["a"]
    data = X.workbook([["", a.credit_code, a.name, "3,000.5", 800, 25]], header=QUARTER_HEADERS)
    run = services.import_upload(
        actor=unit_officer, period_code="2026-Q3", data=data, original_name="q3.xlsx"
    )
    assert run.status == "committed", run.errors
    period = ReportingPeriod.objects.get(code="2026-Q3")
    assert period.frequency == "quarterly" and period.month == 9
    stored = dict(
        MonitoringValue.objects.filter(period=period, enterprise=a).values_list(
            "indicator__code", "value"
        )
    )
    assert stored == {
        "gross_output": Decimal("30005000.00"),
        "value_added": Decimal("8000000.00"),
        "rd_staff": Decimal("25.00"),
    }
    # the monthly form uploaded for a quarter names the missing and unexpected columns
    monthly = X.workbook([X.row(a.credit_code)])
    run = services.import_upload(
        actor=unit_officer, period_code="2026-Q3", data=monthly, original_name="m.xlsx"
    )
    assert run.status == "rejected"
    assert "工业总产值" in str(run.errors)

    annual = X.workbook(
        [["", a.credit_code, a.name, 420, 12, "35.5", "订单饱满，计划扩产"]],
        header=ANNUAL_HEADERS,
    )
    run = services.import_upload(
        actor=unit_officer, period_code="2025", data=annual, original_name="y.xlsx"
    )
    assert run.status == "committed", run.errors
    assert ReportingPeriod.objects.get(code="2025").label == "2025年度"
    text = MonitoringValue.objects.get(
        period__code="2025", enterprise=a, indicator__code="annual_summary"
    ).text_value
    assert text == "订单饱满，计划扩产"


def test_a_share_above_100_percent_is_out_of_range(unit_officer, firms):
    a = firms["a"]
    data = X.workbook([["", a.credit_code, a.name, 420, 12, 135, ""]], header=ANNUAL_HEADERS)
    run = services.import_upload(
        actor=unit_officer, period_code="2025", data=data, original_name="y.xlsx"
    )
    assert run.status == "rejected"
    assert [(e["row"], e["code"]) for e in run.errors] == [(4, "above_maximum")]
    assert "主导产品国内市场占有率" in run.errors[0]["column"]


def test_locking_a_quarter_raises_no_monthly_warnings(city_officer, firms):
    period = services.period_open(actor=city_officer, code="2026-Q2")
    services.period_lock(actor=city_officer, period=period)
    assert period.due_date >= date(2026, 7, 15)
    assert not MonitoringWarning.objects.filter(period=period).exists()


def test_enterprise_fills_its_quarterly_form_online(login, make_user, firms):
    from zjtx.accounts.models import Role

    a = firms["a"]
    user = make_user(Role.ENTERPRISE, enterprise=a)
    client = login(user)
    page = client.get(reverse("monitoring:report") + "?period=2025-Q4").content.decode()
    assert "2025年第4季度" in page and "工业总产值（万元）" in page and "用电量" not in page
    ids = dict(Indicator.objects.values_list("code", "pk"))
    response = client.post(
        reverse("monitoring:report"),
        {
            "period": "2025-Q4",
            "action": "submit",
            f"ind-{ids['gross_output']}": "2800",
            f"ind-{ids['value_added']}": "700",
            f"ind-{ids['rd_staff']}": "22",
        },
    )
    assert response.status_code == 302
    assert MonitoringValue.objects.filter(period__code="2025-Q4", enterprise=a).count() == 3


def test_api_takes_quarter_and_year_periods(client, unit_officer, firms):
    a = firms["a"]
    auth = bearer(unit_officer)
    response = client.get("/api/v1/monitoring/template?period=2026-Q3", **auth)
    assert response.status_code == 200
    data = X.workbook([["", a.credit_code, a.name, 420, 12, 35, ""]], header=ANNUAL_HEADERS)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/monitoring/imports",
        {"period": "2025", "file": SimpleUploadedFile("y.xlsx", data)},
        **auth,
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed"
    body = client.get(
        f"/api/v1/monitoring/values?period=2025年度&credit_code={a.credit_code}", **auth
    ).json()
    assert body["period"] == "2025"
    assert {v["indicator"] for v in body["values"]} >= {"invention_patents"}
    bad = client.get("/api/v1/monitoring/template?period=2026-Q9", **auth)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_period"


def test_period_choices_group_months_quarters_and_years():
    groups = dict(period_choices(today=date(2026, 11, 27)))
    monthly, quarterly, annual = (dict(v) for v in groups.values())
    assert "2026-11" in monthly and "2026-12" not in monthly
    assert next(iter(quarterly)) == "2026-Q3" and "2026-Q4" not in quarterly
    assert list(annual) == ["2025", "2024", "2023"]
    december = dict(list(period_choices(today=date(2026, 12, 5)))[2][1])
    assert next(iter(december)) == "2026"


def test_an_indicator_with_values_keeps_its_frequency(city_officer, unit_officer, firms):
    from zjtx.monitoring.services.catalogue import indicator_update

    a = firms["a"]
    data = X.workbook([["", a.credit_code, a.name, 3000, 800, 25]], header=QUARTER_HEADERS)
    services.import_upload(
        actor=unit_officer, period_code="2026-Q3", data=data, original_name="q3.xlsx"
    )
    gross = Indicator.objects.get(code="gross_output")
    with pytest.raises(DomainError) as info:
        indicator_update(actor=city_officer, indicator=gross, changes={"frequency": "monthly"})
    assert info.value.code == "frequency_has_values" and "季报" in info.value.message
    assert Indicator.objects.get(code="gross_output").frequency == "quarterly"
