"""Early warnings: thresholds, explanations with the numbers, follow-up tasks, scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from zjtx.accounts.models import Role
from zjtx.monitoring import services
from zjtx.monitoring import warning_rules as warnings
from zjtx.monitoring.models import MonitoringWarning, WarningRule

from . import xlsx_files as X

pytestmark = pytest.mark.django_db


def rule(code):
    return WarningRule.objects.get(code=code)


@pytest.mark.parametrize(
    ("current", "previous", "level"),
    [(80, 100, "yellow"), (70, 100, "orange"), (50, 100, "red"), (81, 100, None), (10, 0, None)],
)
def test_revenue_yoy_levels(current, previous, level):
    found = warnings.yoy_drop(
        rule("revenue_yoy"),
        Decimal(current),
        Decimal(previous),
        money=True,
        name="营业收入",
        unit="万元",
    )
    assert (found.level if found else None) == level


def test_debt_ratio_explains_the_numbers():
    found = warnings.debt_ratio(rule("debt_ratio"), Decimal("8500000"), Decimal("10000000"))
    assert found.level == "yellow"
    assert (
        "85.00%" in found.explanation
        and "850.00" in found.explanation
        and "1,000.00" in found.explanation
    )


def load(actor, period, rows):
    run = services.import_upload(
        actor=actor, period_code=period, data=X.workbook(rows), original_name="x.xlsx"
    )
    assert run.status == "committed", run.errors
    return run


def test_lock_raises_warnings_and_units_close_them(
    city_officer, unit_officer, other_unit_officer, firms, login
):
    a, b, w = (firms[k] for k in "abw")
    load(
        city_officer,
        "2025-09",
        [X.row(a.credit_code, 营业收入=1000), X.row(w.credit_code, 用电量=100000)],
    )
    load(
        city_officer,
        "2026-09",
        [
            X.row(a.credit_code, 营业收入=700),  # −30 %: orange
            X.row(
                w.credit_code, 用电量=50000, 负债合计=4500, 资产总计=5000
            ),  # −50 % power, 90 % debt
        ],
    )
    period = services.period_open(actor=city_officer, code="2026-09")
    services.period_lock(actor=city_officer, period=period)
    found = {
        (x.enterprise_id, x.rule.code): x for x in MonitoringWarning.objects.select_related("rule")
    }
    assert found[(a.pk, "revenue_yoy")].level == "orange"
    assert "-30.00%" in found[(a.pk, "revenue_yoy")].explanation
    assert found[(w.pk, "electricity_yoy")].level == "orange"
    assert found[(w.pk, "debt_ratio")].level == "yellow"  # 90 % is not above the 90 % orange line
    assert found[(b.pk, "missing_report")].level == "yellow"
    assert (a.pk, "missing_report") not in found

    mine = login(unit_officer).get(reverse("monitoring:warnings") + "?period=2026-09")
    body = mine.content.decode()
    assert "运行监测" in body and a.name in body and w.name not in body
    target = found[(a.pk, "revenue_yoy")]
    client = login(other_unit_officer)
    assert (
        client.post(
            reverse("monitoring:warning-close", args=[target.pk]), {"note": "已走访"}
        ).status_code
        == 404
    )
    client = login(unit_officer)
    client.post(reverse("monitoring:warning-close", args=[target.pk]), {"note": ""})
    assert MonitoringWarning.objects.get(pk=target.pk).status == "open"
    client.post(
        reverse("monitoring:warning-close", args=[target.pk]),
        {"note": "已走访企业，订单回落系季节性"},
    )
    target.refresh_from_db()
    assert target.status == "closed" and target.closed_by == unit_officer

    # re-evaluation keeps the closed task and is otherwise idempotent
    result = services.warnings_run(actor=city_officer, period=period)
    assert result["created"] == 0 and result["withdrawn"] == 0
    assert MonitoringWarning.objects.get(pk=target.pk).status == "closed"


def test_warnings_api_scoped(client, city_officer, unit_officer, firms, make_user):
    from .test_api import bearer

    a = firms["a"]
    load(city_officer, "2025-09", [X.row(a.credit_code, 营业收入=1000)])
    load(city_officer, "2026-09", [X.row(a.credit_code, 营业收入=100)])
    services.warnings_run(
        actor=city_officer, period=services.period_open(actor=city_officer, code="2026-09")
    )
    body = client.get(
        "/api/v1/monitoring/warnings?period=2026-09&level=red", **bearer(unit_officer)
    ).json()
    assert [(x["credit_code"], x["rule"], x["level"]) for x in body] == [
        (a.credit_code, "revenue_yoy", "red")
    ]
    other = make_user(Role.UNIT_OFFICER, unit=firms["w"].unit)
    assert (
        client.get("/api/v1/monitoring/warnings?period=2026-09&level=red", **bearer(other)).json()
        == []
    )


def test_decline_streak_and_outlier_rules():
    series = [Decimal(v) * 10000 for v in (100, 90, 80, 70, 60)]
    found = warnings.decline_streak(rule("revenue_decline"), series, "营业收入")
    assert found.level == "orange" and found.facts["months"] == 4
    assert "4" in found.explanation and "60.00" in found.explanation
    assert warnings.decline_streak(rule("revenue_decline"), series[:3], "营业收入") is None
    history = [Decimal(v) * 10000 for v in (100, 102, 98, 101, 99, 100)]
    assert (
        warnings.outlier(rule("revenue_outlier"), Decimal(100) * 10000, history, "营业收入") is None
    )
    assert (
        warnings.outlier(rule("revenue_outlier"), Decimal(1000) * 10000, history, "营业收入").level
        == "red"
    )


def test_headcount_drop_raised_on_lock(city_officer, firms):
    a = firms["a"].credit_code
    load(city_officer, "2025-09", [X.row(a, 从业人员=100)])
    load(city_officer, "2026-09", [X.row(a, 从业人员=85)])
    period = services.period_open(actor=city_officer, code="2026-09")
    services.warnings_run(actor=city_officer, period=period)
    found = MonitoringWarning.objects.get(rule__code="headcount_yoy")
    assert found.level == "yellow" and "-15.00%" in found.explanation


@pytest.mark.parametrize(
    ("days", "level"), [(91, None), (90, "yellow"), (60, "orange"), (30, "red"), (1, "red")]
)
def test_certificate_expiry_levels(days, level):
    found = warnings.cert_expiry(rule("cert_expiry"), days, "2026-12-31", "ZJTX20230001")
    assert (found.level if found else None) == level


@pytest.mark.parametrize(
    ("rd", "revenue", "level"),
    [
        (300, 10000, None),
        (299, 10000, "yellow"),
        (150, 10000, "orange"),
        (50, 10000, "red"),
        (None, 10000, None),
    ],
)
def test_rd_ratio_below_the_re_review_line(rd, revenue, level):
    found = warnings.rd_ratio_low(
        rule("rd_ratio_low"), None if rd is None else Decimal(rd), Decimal(revenue), 2025
    )
    assert (found.level if found else None) == level


def test_warning_run_flags_expiring_certificates_and_low_rd(city_officer, firms):
    from datetime import date

    from zjtx.certification.models import Application, Round
    from zjtx.enterprises.models import AnnualFinancial

    a = firms["a"]
    rnd = Round.objects.create(
        year=2023,
        title="2023年度认定",
        program_id="miit2022.zjtx_sme",
        opens_on=date(2023, 3, 1),
        closes_on=date(2023, 5, 31),
    )
    Application.objects.create(
        round=rnd,
        enterprise=a,
        unit=a.unit,
        status=Application.Status.CERTIFIED,
        certificate_number="ZJTX20230001",
        certified_on=date(2023, 11, 1),
        valid_until=date(2026, 10, 31),
    )
    AnnualFinancial.objects.create(
        enterprise=a, year=2025, operating_revenue=Decimal("50000000"), rd_expense=Decimal("500000")
    )
    load(city_officer, "2026-09", [X.row(a.credit_code, 营业收入=1000)])
    period = services.period_open(actor=city_officer, code="2026-09")
    services.warnings_run(actor=city_officer, period=period)
    found = {
        x.rule.code: x
        for x in MonitoringWarning.objects.select_related("rule").filter(enterprise=a)
    }
    assert found["cert_expiry"].level == "orange"  # 31 days after 2026-09-30: within 60, not 30
    assert "ZJTX20230001" in found["cert_expiry"].explanation
    assert found["rd_ratio_low"].level == "orange"  # 1.00 % < 2 %
    assert "1.00%" in found["rd_ratio_low"].explanation


def test_rerun_withdraws_and_reopens_instead_of_deleting(city_officer, firms):
    from zjtx.core.models import AuditEvent

    a = firms["a"].credit_code
    load(city_officer, "2025-09", [X.row(a, 营业收入=1000)])
    load(city_officer, "2026-09", [X.row(a, 营业收入=100)])
    period = services.period_open(actor=city_officer, code="2026-09")
    services.warnings_run(actor=city_officer, period=period)
    warning = MonitoringWarning.objects.get(rule__code="revenue_yoy")
    assert warning.status == "open"

    # The figures are corrected: the warning no longer fires and is withdrawn, not deleted.
    load(city_officer, "2026-09", [X.row(a, 营业收入=990)])
    result = services.warnings_run(actor=city_officer, period=period)
    assert result["withdrawn"] == 1
    warning.refresh_from_db()
    assert warning.status == "withdrawn" and warning.get_status_display() == "已撤销"
    assert AuditEvent.objects.filter(
        action="monitoring.warning.withdraw", object_id=str(warning.pk)
    ).exists()

    # They change back: the same row reopens with the new figures.
    load(city_officer, "2026-09", [X.row(a, 营业收入=100)])
    result = services.warnings_run(actor=city_officer, period=period)
    assert result["reopened"] == 1 and result["created"] == 0
    warning.refresh_from_db()
    assert warning.status == "open"
    assert MonitoringWarning.objects.filter(rule__code="revenue_yoy").count() == 1
