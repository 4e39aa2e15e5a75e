"""Warning thresholds are the policy engine's dated parameters (wuhu.monitoring_warnings):
changed only by maker-checker, measured by a what-if on the warnings, applied by period date."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from zjtx.core.errors import DomainError
from zjtx.monitoring import services
from zjtx.monitoring.models import MonitoringWarning, WarningRule
from zjtx.monitoring.services.warnings import THRESHOLDS_PROGRAM, rules_in_force
from zjtx.policy.governance import change_approve, change_propose
from zjtx.policy.models import ParameterChange, PolicyProgram
from zjtx.policy.services import policies_load

from . import xlsx_files as X

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies(db):
    return policies_load()


def load(actor, period, rows):
    run = services.import_upload(
        actor=actor, period_code=period, data=X.workbook(rows), original_name="x.xlsx"
    )
    assert run.status == "committed", run.errors
    return run


def propose(officer, value, start=date(2026, 1, 1), **kw):
    return change_propose(
        program_id=THRESHOLDS_PROGRAM,
        parameter="revenue_yoy",
        value=value,
        effective_from=start,
        reason="市经信局监测预警工作会议纪要（测试）",
        actor=officer,
        whatif_as_of=date(2026, 11, 1),
        **kw,
    )


def test_the_package_loads_as_a_parameter_set(policies):
    program = PolicyProgram.objects.get(pk=THRESHOLDS_PROGRAM)
    assert program.kind == "parameters"
    rules = rules_in_force(date(2026, 9, 30))
    revenue = rules["revenue_yoy"]
    assert (revenue.yellow, revenue.orange, revenue.red) == (-20, -30, -50)
    # The rule cites the programme by its Chinese title and clause, never by its id.
    assert "运行监测预警阈值" in revenue.source and "三(五)" in revenue.source
    assert THRESHOLDS_PROGRAM not in revenue.source
    assert set(rules) == set(WarningRule.Code.values)
    # resolving again reuses the same snapshot rows
    assert rules_in_force(date(2026, 10, 31))["revenue_yoy"].pk == revenue.pk


def test_disordered_thresholds_are_refused_by_the_package_cases(policies, make_user):
    officer = make_user("city_officer")
    with pytest.raises(DomainError) as info:
        propose(officer, {"黄色": "-40", "橙色": "-30", "红色": "-50"})
    assert info.value.code == "cases_failed"
    assert not ParameterChange.objects.exists()


def test_changed_thresholds_apply_from_their_date_after_approval(policies, make_user, firms, login):
    maker, checker = make_user("city_officer"), make_user("city_officer")
    a, b = firms["a"], firms["b"]
    load(
        maker, "2025-09", [X.row(a.credit_code, 营业收入=1000), X.row(b.credit_code, 营业收入=1000)]
    )
    load(maker, "2025-12", [X.row(a.credit_code, 营业收入=1000)])
    load(maker, "2026-09", [X.row(a.credit_code, 营业收入=850), X.row(b.credit_code, 营业收入=700)])
    sept = services.period_open(actor=maker, code="2026-09")
    services.warnings_run(actor=maker, period=sept)
    before = {
        w.enterprise_id: w.level
        for w in MonitoringWarning.objects.filter(period=sept)
        if w.rule.code == "revenue_yoy"
    }
    assert before == {b.pk: "orange"}  # −15 % is above the −20 % line

    change = propose(maker, {"黄色": "-10", "橙色": "-30", "红色": "-50"}, start=date(2026, 7, 1))
    whatif = change.whatif
    assert whatif["kind"] == "counts"
    assert "2026年9月" in whatif["basis"]
    page = login(maker).get(reverse("policy:change-detail", args=[change.pk])).content.decode()
    assert "预警" in page and whatif["up_title"] in page

    change_approve(change=change, actor=checker)
    result = services.warnings_run(actor=maker, period=sept)
    assert result["created"] == 1
    after = {
        w.enterprise_id: (w.level, w.rule)
        for w in MonitoringWarning.objects.filter(period=sept)
        if w.rule.code == "revenue_yoy"
    }
    assert after[a.pk][0] == "yellow" and after[b.pk][0] == "orange"
    assert (
        after[a.pk][1].yellow == -10
        and "-10"
        in MonitoringWarning.objects.get(
            period=sept, enterprise=a, rule__code="revenue_yoy"
        ).explanation
    )
    # an earlier month keeps the thresholds in force at its end
    assert rules_in_force(date(2026, 6, 30))["revenue_yoy"].yellow == -20


def test_whatif_lists_who_would_be_warned(policies, make_user, firms):
    maker = make_user("city_officer")
    a = firms["a"]
    load(maker, "2025-09", [X.row(a.credit_code, 营业收入=1000)])
    load(maker, "2026-09", [X.row(a.credit_code, 营业收入=850)])
    change = propose(maker, {"黄色": "-10", "橙色": "-30", "红色": "-50"})
    whatif = change.whatif
    warnings_metric = whatif["metrics"][0]
    assert warnings_metric["after"] == warnings_metric["before"] + 1
    assert [r["name"] for r in whatif["up"]] == [a.name]
    assert "黄色" in whatif["up"][0]["detail"] or "黄" in whatif["up"][0]["detail"]
    assert whatif["down"] == []
    json.dumps(whatif)  # stored as JSON


def test_calculator_and_scan_ignore_the_parameter_set(policies, firms):
    from zjtx.policy.calculator import calculator_run
    from zjtx.policy.scan import scan_programs

    report = calculator_run(enterprise=firms["a"], as_of=date(2026, 6, 1))
    assert report.rows and all(row.package.id != THRESHOLDS_PROGRAM for row in report.rows)
    with pytest.raises(DomainError):
        scan_programs(as_of=date(2026, 6, 1), program_ids=[THRESHOLDS_PROGRAM])


def test_warnings_page_shows_the_thresholds_in_force(policies, make_user, firms, login):
    officer = make_user("city_officer")
    load(officer, "2026-09", [X.row(firms["a"].credit_code, 营业收入=850)])
    body = login(officer).get(reverse("monitoring:warnings") + "?period=2026-09").content.decode()
    assert "本期预警阈值" in body and "运行监测预警阈值" in body and "三(五)" in body
    assert "营业收入同比下降" in body and "-20" in body and reverse("policy:governance") in body


def test_a_threshold_change_is_proposed_on_the_governance_page(policies, make_user, login):
    officer = make_user("city_officer")
    client = login(officer)
    page = client.get(reverse("policy:governance")).content.decode()
    assert "运行监测预警阈值" in page and "营业收入同比降幅" in page
    response = client.post(
        reverse("policy:governance"),
        {
            "target": f"{THRESHOLDS_PROGRAM}:revenue_yoy",
            "value": '{"黄色": -15, "橙色": -30, "红色": -50}',
            "effective_from": "2027-01-01",
            "reason": "市经信局局务会议纪要（测试）",
        },
    )
    change = ParameterChange.objects.get()
    assert response.status_code == 302 and change.value == {"黄色": -15, "橙色": -30, "红色": -50}
    detail = client.get(reverse("policy:change-detail", args=[change.pk])).content.decode()
    assert "尚无已导入的月度数据" in detail and "另一名" in detail
    # a value that is not a table of the three levels is refused on the page, nothing stored
    response = client.post(
        reverse("policy:governance"),
        {
            "target": f"{THRESHOLDS_PROGRAM}:revenue_yoy",
            "value": '{"黄色": -15}',
            "effective_from": "2027-01-01",
            "reason": "测试",
        },
    )
    assert response.status_code == 200 and ParameterChange.objects.count() == 1
