"""Pages: Chinese smoke tests, upload → dry-run errors → fix → confirm, calendar, rates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zjtx.accounts.models import Role
from zjtx.core.models import AuditEvent
from zjtx.monitoring import services
from zjtx.monitoring.models import ImportRun, MonitoringValue, ReportingPeriod

from . import xlsx_files as X
from .conftest import PERIOD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("monitoring:upload", "上传监测报表"),
        ("monitoring:imports", "导入记录"),
        ("monitoring:periods", "填报期间"),
        ("monitoring:reporting", "报送率"),
    ],
)
def test_pages_render_in_chinese(login, unit_officer, name, text):
    response = login(unit_officer).get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert text in body and "运行监测" in body  # the sidebar section too


def test_other_roles_get_404(login, make_user, firms):
    client = login(make_user(Role.ENTERPRISE, enterprise=firms["a"]))
    for name in (
        "monitoring:upload",
        "monitoring:imports",
        "monitoring:periods",
        "monitoring:reporting",
    ):
        assert client.get(reverse(name)).status_code == 404


def test_upload_dry_run_fix_and_confirm(login, unit_officer, firms):
    client = login(unit_officer)
    bad = X.workbook([X.row(firms["a"].credit_code, 营业收入="１２ab")])
    response = client.post(
        reverse("monitoring:upload"),
        {"period": PERIOD, "dry_run": "on", "file": SimpleUploadedFile("九月.xlsx", bad)},
        follow=True,
    )
    body = response.content.decode()
    assert "未保存任何数据" in body and "D4" in body and "不是数字" in body
    good = X.workbook([X.row(firms["a"].credit_code)])
    response = client.post(
        reverse("monitoring:upload"),
        {"period": PERIOD, "dry_run": "on", "file": SimpleUploadedFile("九月.xlsx", good)},
        follow=True,
    )
    assert "预检通过" in response.content.decode() and MonitoringValue.objects.count() == 0
    dry = ImportRun.objects.filter(status="validated").get()
    response = client.post(reverse("monitoring:import-confirm", args=[dry.pk]), follow=True)
    assert "数据已入库" in response.content.decode()
    assert MonitoringValue.objects.count() == 13


def test_bad_file_message_on_the_page(login, unit_officer):
    response = login(unit_officer).post(
        reverse("monitoring:upload"),
        {"period": PERIOD, "file": SimpleUploadedFile("a.xlsx", b"not really")},
    )
    assert response.status_code == 200
    assert "不是 .xlsx 工作簿" in response.content.decode()


def test_template_download_page(login, unit_officer, firms):
    response = login(unit_officer).get(reverse("monitoring:template") + f"?period={PERIOD}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


def test_import_detail_of_other_unit_is_404(login, unit_officer, other_unit_officer, firms):
    run = services.import_upload(
        actor=unit_officer,
        period_code=PERIOD,
        data=X.workbook([X.row(firms["a"].credit_code)]),
        original_name="a.xlsx",
    )
    client = login(other_unit_officer)
    assert client.get(reverse("monitoring:import-detail", args=[run.pk])).status_code == 404


def test_confirm_lock_unlock_flow(login, unit_officer, make_user, firms):
    services.import_upload(
        actor=unit_officer,
        period_code=PERIOD,
        data=X.workbook([X.row(firms["a"].credit_code)]),
        original_name="a.xlsx",
    )
    client = login(unit_officer)
    client.post(reverse("monitoring:period-confirm", args=[PERIOD]))
    assert ReportingPeriod.objects.get(code=PERIOD).confirmations.count() == 1
    # a unit officer cannot lock
    assert client.post(reverse("monitoring:period-lock", args=[PERIOD])).status_code == 404
    city = make_user(Role.CITY_OFFICER)
    city_client = login(city)
    city_client.post(reverse("monitoring:period-lock", args=[PERIOD]))
    assert ReportingPeriod.objects.get(code=PERIOD).is_locked
    response = city_client.post(
        reverse("monitoring:period-unlock", args=[PERIOD]), {"reason": ""}, follow=True
    )
    assert "必须填写书面原因" in response.content.decode()
    assert ReportingPeriod.objects.get(code=PERIOD).is_locked
    city_client.post(
        reverse("monitoring:period-unlock", args=[PERIOD]), {"reason": "企业申请更正九月数据"}
    )
    assert not ReportingPeriod.objects.get(code=PERIOD).is_locked
    unlock = AuditEvent.objects.get(action="monitoring.period.unlock")
    assert unlock.after["reason"] == "企业申请更正九月数据"


def test_reporting_rate_lists_who_has_not_reported(login, unit_officer, firms):
    services.import_upload(
        actor=unit_officer,
        period_code=PERIOD,
        data=X.workbook([X.row(firms["a"].credit_code)]),
        original_name="a.xlsx",
    )
    client = login(unit_officer)
    response = client.get(reverse("monitoring:reporting") + f"?period={PERIOD}")
    rates = response.context["rates"]
    assert [(r.unit.name, r.expected, r.reported) for r in rates] == [("镜湖区", 2, 1)]
    unit = rates[0].unit
    response = client.get(reverse("monitoring:reporting") + f"?period={PERIOD}&unit={unit.pk}")
    assert firms["b"].name in response.content.decode()
    assert firms["a"].name not in response.content.decode()
    other = firms["w"].unit_id
    assert (
        client.get(reverse("monitoring:reporting") + f"?period={PERIOD}&unit={other}").status_code
        == 404
    )


def test_city_sees_every_unit_rate(login, city_officer, units, firms):
    services.period_open(actor=city_officer, code=PERIOD)
    response = login(city_officer).get(reverse("monitoring:reporting") + f"?period={PERIOD}")
    assert {r.unit.name for r in response.context["rates"]} == set(units)


def test_dashboard_reads_rollups(login, city_officer, firms):
    from zjtx.reference.models import IndustryCode

    IndustryCode.objects.get_or_create(
        code="C34", defaults={"name": "通用设备制造业", "level": "division", "parent_code": "C"}
    )
    firms["a"].industry_id = "C34"
    firms["a"].save(update_fields=["industry"])
    services.import_upload(
        actor=city_officer,
        period_code=PERIOD,
        data=X.workbook(
            [X.row(firms["a"].credit_code, 负债合计=4500), X.row(firms["w"].credit_code)]
        ),
        original_name="a.xlsx",
    )
    services.warnings_run(actor=city_officer, period=ReportingPeriod.objects.get(code=PERIOD))
    response = login(city_officer).get(reverse("monitoring:dashboard") + f"?period={PERIOD}")
    body = response.content.decode()
    assert response.status_code == 200 and "运行监测" in body
    assert 'id="monitoring-chart-data"' in body and "<script>" not in body
    data = response.context["chart_data"]
    revenue = next(s for s in data["trend"] if s["name"] == "营业收入（万元）")
    assert revenue["data"][-1] == 2001.0
    by_unit = {r["unit"]: r["value"] for r in data["by_unit"]}
    assert by_unit["镜湖区"] == 1000.5 and by_unit["无为市"] == 1000.5
    levels = {
        s["level"]: dict(zip(data["units"], s["data"], strict=True)) for s in data["warnings"]
    }
    # a: debt ratio 90 % (yellow); b: no report after the due date (yellow)
    assert levels["yellow"]["镜湖区"] == 2 and levels["red"]["镜湖区"] == 0
    assert [s["name"] for s in data["warnings"]] == ["红色", "橙色", "黄色"]
    by_industry = {r["code"]: (r["name"], r["value"]) for r in data["by_industry"]}
    assert by_industry == {"C34": ("C34 通用设备制造业", 1000.5), "": ("未填行业", 1000.5)}


def test_one_click_reminders(
    login, unit_officer, other_unit_officer, firms, mailoutbox, django_capture_on_commit_callbacks
):
    firms["b"].contact_email = "b@example.cn"
    firms["b"].save()
    services.import_upload(
        actor=unit_officer,
        period_code=PERIOD,
        data=X.workbook([X.row(firms["a"].credit_code)]),
        original_name="a.xlsx",
    )
    unit = firms["a"].unit
    with django_capture_on_commit_callbacks(execute=True):
        response = login(unit_officer).post(
            reverse("monitoring:remind", args=[PERIOD, unit.pk]), follow=True
        )
    assert "已向 1 家企业发送提醒" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["b@example.cn"]]
    assert PERIOD in mailoutbox[0].subject
    assert AuditEvent.objects.filter(action="monitoring.reminders.send").count() == 1
    other = login(other_unit_officer).post(reverse("monitoring:remind", args=[PERIOD, unit.pk]))
    assert other.status_code == 404
