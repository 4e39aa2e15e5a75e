"""政策计算器: registry facts, what is missing, trying values without changing records, scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from zjtx.enterprises.models import AnnualFinancial, Honour
from zjtx.policy.calculator import calculator_run
from zjtx.policy.models import DeclaredFact, Evaluation

AS_OF = "2026-06-01"


@pytest.fixture
def firm(make_enterprise, loaded_policies):
    ent = make_enterprise(size_class="small")
    AnnualFinancial.objects.create(
        enterprise=ent,
        year=2025,
        operating_revenue=Decimal("30000000.00"),
        total_assets=Decimal("40000000.00"),
        total_liabilities=Decimal("10000000.00"),
        employees=100,
    )
    Honour.objects.create(
        enterprise=ent,
        kind="integration_pilot",
        level="national",
        name="国家级两化融合试点",
        awarded_on=date(2025, 10, 1),
    )
    return ent


@pytest.fixture
def firm_user(make_user, firm):
    return make_user("enterprise", enterprise=firm)


def test_run_lists_every_program_in_force_with_status_and_missing(firm):
    report = calculator_run(enterprise=firm, as_of=date(2026, 6, 1))
    by_id = {row.package.id: row for row in report.rows}
    assert "miit2022.zjtx_sme" not in by_id  # expired 2026-03-31
    pilot = by_id["wuhu.integration_pilot"]
    assert pilot.status == "eligible"
    assert pilot.result.amount_yuan == Decimal("500000.00")
    assert pilot.amount_wan == "50.00"
    assert any(c["outcome"] is True for c in pilot.conditions)
    tech = by_id["wuhu.tech_upgrade"]
    assert tech.status == "insufficient"
    assert {s.name for s in tech.missing} == {
        "tech_upgrade_equipment_investment_yuan",
        "tech_upgrade_completed_year",
    }
    assert "national" in {f.value for f in pilot.facts}
    assert any("国家级两化融合试点" in f.source for f in pilot.facts)


def test_trying_values_changes_the_result_but_not_the_records(firm):
    report = calculator_run(
        enterprise=firm,
        as_of=date(2026, 6, 1),
        tried={
            "tech_upgrade_equipment_investment_yuan": "5000000.05",
            "tech_upgrade_completed_year": 2025,
        },
    )
    tech = next(r for r in report.rows if r.package.id == "wuhu.tech_upgrade")
    assert tech.status == "eligible"
    assert tech.result.amount_yuan == Decimal("500000.01")
    assert DeclaredFact.objects.count() == 0


def test_enterprise_page_shows_programs_and_stores_evaluations(client, login, firm_user, firm):
    login(firm_user)
    response = client.get(reverse("policy:calculator"), {"as_of": AS_OF})
    assert response.status_code == 200
    text = response.content.decode()
    assert "政策计算器" in text
    assert "制造业与互联网融合发展试点示范奖励" in text
    assert "50.00" in text
    assert "数据不足" in text
    stored = Evaluation.objects.filter(enterprise=firm)
    assert stored.filter(program_id="wuhu.integration_pilot", eligible=True).exists()
    count = stored.count()
    client.get(reverse("policy:calculator"), {"as_of": AS_OF})
    assert Evaluation.objects.filter(enterprise=firm).count() == count  # identical: not again


def test_htmx_try_returns_the_results_fragment(client, login, firm_user):
    login(firm_user)
    response = client.post(
        reverse("policy:calculator-try") + f"?as_of={AS_OF}",
        {
            "fact__tech_upgrade_equipment_investment_yuan": "500",
            "fact__tech_upgrade_completed_year": "2025",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text
    assert 'data-amount-wan="50.00"' in text  # 10% of 500万 = 50万
    assert "记录未改变" in text or "records are unchanged" in text


def test_bad_tried_value_is_shown_on_the_field(client, login, firm_user):
    login(firm_user)
    response = client.post(
        reverse("policy:calculator-try") + f"?as_of={AS_OF}",
        {"fact__tech_upgrade_completed_year": "1200"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_unit_officer_sees_enterprises_in_scope_only(client, login, make_user, units, firm):
    officer = make_user("unit_officer", unit=units["镜湖区"])
    login(officer)
    url = reverse("policy:calculator-for", args=[firm.credit_code])
    assert client.get(url, {"as_of": AS_OF}).status_code == 200
    other = make_user("unit_officer", unit=units["无为市"])
    login(other)
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("policy:calculator-try-for", args=[firm.credit_code])).status_code
        == 404
    )


def test_an_enterprise_cannot_open_another_enterprise(
    client, login, make_user, make_enterprise, firm_user
):
    other = make_enterprise()
    login(firm_user)
    assert client.get(reverse("policy:calculator-for", args=[other.credit_code])).status_code == 404


def test_officer_picks_an_enterprise(client, login, city_officer, firm):
    login(city_officer)
    response = client.get(reverse("policy:calculator"), {"credit_code": firm.credit_code})
    assert response.status_code == 302
    assert client.get(reverse("policy:calculator")).status_code == 200
