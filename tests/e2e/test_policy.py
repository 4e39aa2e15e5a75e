"""Policy calculator and the subsidy flow, as the enterprise, unit and city officers walk them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from .conftest import login_as as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(units, make_enterprise, make_user):
    from zjtx.accounts.services import otp_device_ensure
    from zjtx.enterprises.models import AnnualFinancial, Honour
    from zjtx.policy.services import policies_load
    from zjtx.subsidies.models import Budget

    policies_load()
    firm = make_enterprise(
        name="芜湖奇睿精密机械有限公司", unit=units["镜湖区"], size_class="small"
    )
    today = timezone.localdate()
    AnnualFinancial.objects.create(
        enterprise=firm,
        year=today.year - 1,
        operating_revenue=Decimal("36000000.00"),
        total_assets=Decimal("40000000.00"),
        total_liabilities=Decimal("12000000.00"),
        employees=150,
    )
    Honour.objects.create(
        enterprise=firm,
        kind="integration_pilot",
        level="provincial",
        name="省级两化融合试点",
        awarded_on=date(today.year - 1, 9, 1),
    )
    Budget.objects.create(
        program_id="wuhu.tech_upgrade", year=today.year, amount_yuan=Decimal("5000000")
    )
    city = make_user("city_officer", username="city_policy_e2e")
    otp_device_ensure(city)
    return {
        "firm": firm,
        "ent": make_user("enterprise", username="qirui_e2e", enterprise=firm),
        "unit": make_user("unit_officer", username="jinghu_policy_e2e", unit=units["镜湖区"]),
        "city": city,
        "year": today.year,
    }


def test_calculator_shows_amounts_and_gaps_and_tries_figures(live_server, page, world):
    _login(page, live_server.url, world["ent"])
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="政策计算器").click()
    page.wait_for_url(re.compile(r"/policy/calculator/"))
    summary = page.locator("#award-summary")
    pilot = summary.locator("tr[data-program='wuhu.integration_pilot']")
    assert "符合" in pilot.inner_text() and "10.00" in pilot.inner_text()
    tech = summary.locator("tr[data-program='wuhu.tech_upgrade']")
    assert "数据不足" in tech.inner_text()
    card = page.locator("#program-wuhutech_upgrade")
    assert "技术改造项目设备投资额" in card.locator(".missing").inner_text()
    assert "企业库" in page.content()  # facts carry their registry source

    page.fill("#id_fact__tech_upgrade_equipment_investment_yuan", "450.5")
    page.fill("#id_fact__tech_upgrade_completed_year", str(world["year"] - 1))
    page.click("#try-button")
    page.wait_for_selector(
        "#award-summary tr[data-program='wuhu.tech_upgrade'] [data-status='eligible']"
    )
    assert (
        page.locator("#program-wuhutech_upgrade .amount").get_attribute("data-amount-wan")
        == "45.05"
    )
    assert "企业记录未改变" in page.inner_text("#results")
    from zjtx.policy.models import DeclaredFact

    assert not DeclaredFact.objects.exists()  # trying figures changes no records


def test_subsidy_flow_from_calculator_to_ledger(live_server, page, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    _login(page, live_server.url, world["ent"])
    page.goto(f"{live_server.url}/policy/calculator/")
    page.fill("#id_fact__tech_upgrade_equipment_investment_yuan", "400.0005")
    page.fill("#id_fact__tech_upgrade_completed_year", str(world["year"] - 1))
    page.click("#try-button")
    # The link is on the page before the tried figures come back: wait for the one carrying them.
    tried_link = "#program-wuhutech_upgrade .apply-link[href*='fact__tech_upgrade_equipment']"
    page.wait_for_selector(tried_link)
    page.click(tried_link)
    page.wait_for_url(re.compile(r"/subsidies/apply/"))
    assert page.input_value("#id_fact__tech_upgrade_equipment_investment_yuan") == "400.0005"
    page.click("#save-draft")
    page.wait_for_url(re.compile(r"/subsidies/\d+/$"))
    assert "40.00" in page.inner_text("#computed-amount")
    evidence = tmp_path / "设备发票.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("input[type=file]", str(evidence))
    page.click("#upload-button")
    page.wait_for_selector("#evidence-list a")
    page.click("button[data-action='submit']")
    page.wait_for_selector("[data-status='submitted']")
    detail_url = page.url

    _login(page, live_server.url, world["unit"])
    page.goto(detail_url)
    page.click("button[data-action='forward']")
    page.wait_for_selector("[data-status='forwarded']")

    _login(page, live_server.url, world["city"])
    page.goto(detail_url)
    page.fill("#id_amount_wan", "35")
    page.click("button[data-action='approve']")
    assert "须填写理由" in page.inner_text("main")  # an override needs a reason
    page.fill("#id_override_reason", "按实际验收金额核减")
    page.click("button[data-action='approve']")
    page.wait_for_selector("[data-status='approved']")
    assert "35.00" in page.inner_text("#approved-amount")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="奖补发放台账").click()
    assert "芜湖奇睿精密机械有限公司" in page.inner_text("#ledger")

    _login(page, live_server.url, world["ent"])
    page.goto(detail_url)
    assert "已批准" in page.inner_text("#app-status")
    assert "按实际验收金额核减" in page.inner_text("#history")
