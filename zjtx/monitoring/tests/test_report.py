"""The enterprise's online monthly report: YTD, YoY, slip flags, confirmation, storage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from zjtx.accounts.models import Role
from zjtx.monitoring import services, slips
from zjtx.monitoring.models import ImportRun, Indicator, MonitoringValue, MonthlyRollup

from . import xlsx_files as X

pytestmark = pytest.mark.django_db


def test_slip_rules():
    history = [Decimal(v) for v in (100, 110, 90, 105)]
    assert slips.slip(Decimal(104), history) == ""
    assert slips.slip(Decimal(10400), history)  # 元 typed as 万元
    assert slips.slip(Decimal(1500), [Decimal(100)])
    assert slips.slip(Decimal(150), [Decimal(100)]) == ""
    assert slips.slip(Decimal(5), []) == ""


@pytest.fixture
def firm_user(make_user, firms):
    return make_user(Role.ENTERPRISE, enterprise=firms["a"])


def field(code):
    return f"ind-{Indicator.objects.get(code=code).pk}"


def test_form_shows_ytd_and_yoy_and_stores(login, firm_user, city_officer, firms):
    a = firms["a"].credit_code
    for period, revenue in (("2025-08", 100), ("2025-09", 200), ("2026-08", 150)):
        services.import_upload(
            actor=city_officer,
            period_code=period,
            data=X.workbook([X.row(a, 营业收入=revenue)]),
            original_name="x.xlsx",
        )
    client = login(firm_user)
    page = client.get(reverse("monitoring:report") + "?period=2026-09")
    body = page.content.decode()
    assert (
        page.status_code == 200
        and "上年同期" in body
        and "累计同比" in body
        and "2026年9月" in body
    )
    response = client.post(
        reverse("monitoring:report"),
        {
            "period": "2026-09",
            "action": "check",
            field("operating_revenue"): "250",
            field("employees"): "85",
        },
    )
    line = next(x for x in response.context["lines"] if x.indicator.code == "operating_revenue")
    assert (
        line.value == Decimal(250)
        and line.ytd == Decimal(400)
        and line.last_year == Decimal("200.00")
    )
    assert line.yoy == Decimal("25.0") and line.ytd_yoy == Decimal("33.3")
    assert (
        MonitoringValue.objects.filter(period__code="2026-09").count() == 0
    )  # check stores nothing
    response = client.post(
        reverse("monitoring:report"),
        {
            "period": "2026-09",
            "action": "submit",
            field("operating_revenue"): "250",
            field("employees"): "85",
        },
        follow=True,
    )
    assert "2026-09 期报表已提交" in response.content.decode()
    stored = MonitoringValue.objects.get(
        period__code="2026-09", enterprise=firms["a"], indicator__code="operating_revenue"
    )
    assert stored.value == Decimal("2500000.00")
    run = ImportRun.objects.get(channel="form")
    assert run.uploader_unit_id == firms["a"].unit_id and run.status == "committed"
    assert MonthlyRollup.objects.get(
        period__code="2026-09", indicator__code="operating_revenue"
    ).total == Decimal("2500000.00")


def test_flags_need_confirmation_and_errors_block(login, firm_user, city_officer, firms):
    a = firms["a"].credit_code
    services.import_upload(
        actor=city_officer,
        period_code="2026-08",
        data=X.workbook([X.row(a, 营业收入=100)]),
        original_name="x.xlsx",
    )
    client = login(firm_user)
    payload = {"period": "2026-09", "action": "submit", field("operating_revenue"): "1,000,000"}
    response = client.post(reverse("monitoring:report"), payload)
    line = next(x for x in response.context["lines"] if x.indicator.code == "operating_revenue")
    assert line.flag and not MonitoringValue.objects.filter(period__code="2026-09").exists()
    client.post(reverse("monitoring:report"), {**payload, "confirm_flags": "on"})
    assert MonitoringValue.objects.filter(period__code="2026-09").exists()
    response = client.post(
        reverse("monitoring:report"),
        {"period": "2026-09", "action": "submit", field("employees"): "八十"},
    )
    line = next(x for x in response.context["lines"] if x.indicator.code == "employees")
    assert "不是数字" in line.error


def test_only_enterprise_users(login, unit_officer):
    assert login(unit_officer).get(reverse("monitoring:report")).status_code == 404


def test_locked_period_refuses_the_form(login, firm_user, city_officer):
    period = services.period_open(actor=city_officer, code="2026-09")
    services.period_lock(actor=city_officer, period=period)
    response = login(firm_user).post(
        reverse("monitoring:report"),
        {"period": "2026-09", "action": "submit", field("employees"): "5"},
    )
    assert "已由市局锁定" in response.content.decode()
