"""A financing demand walked in the browser: the enterprise publishes it consenting to one bank,
the bank takes it up, records the credit and the disbursement, and the city officer sees it in
the financing figures."""

from __future__ import annotations

import re

import pytest

from .conftest import login_as as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"


def _act(page, action: str):
    return page.locator(f"form:has(input[name=action][value={action}])")


@pytest.fixture
def world(units, make_enterprise, make_user):
    from zjtx.accounts.services import otp_device_ensure
    from zjtx.partners.models import FinancialInstitution

    firm = make_enterprise(name="芜湖融通精工有限公司", unit=units["镜湖区"])
    chosen = FinancialInstitution.objects.create(name="徽商银行芜湖分行")
    other = FinancialInstitution.objects.create(name="芜湖扬子农商行")
    city = make_user("city_officer", username="city_fin_e2e")
    otp_device_ensure(city)
    return {
        "firm": firm,
        "bank": chosen,
        "other_bank": other,
        "ent": make_user("enterprise", username="rongtong_e2e", enterprise=firm),
        "banker": make_user("bank", username="huishang_e2e", institution=chosen),
        "other_banker": make_user("bank", username="yangzi_e2e", institution=other),
        "city": city,
    }


def test_a_demand_from_publication_to_disbursement_shows_in_the_city_figures(
    live_server, page, world
):
    from zjtx.financing.models import Demand, Engagement

    base = live_server.url
    # The enterprise publishes 500万元 for 12 months and consents to one bank only.
    _login(page, base, world["ent"])
    page.goto(f"{base}/financing/demands/new/")
    page.fill("#amount_wan", "500")
    page.fill("#term_months", "12")
    page.select_option("#purpose", "working_capital")
    page.select_option("#tax_grade", "A")
    page.check("#g-credit")
    page.check(f"#b-{world['bank'].pk}")
    page.get_by_role("button", name="发布").click()
    page.wait_for_url(re.compile(r"/financing/demands/\d+/$"))
    demand = Demand.objects.get(enterprise=world["firm"])
    assert demand.amount_yuan == 5000000
    assert page.locator(".engagement-status").all_inner_texts() == ["待受理"]
    assert world["bank"].name in page.locator("table").inner_text()
    assert world["other_bank"].name not in page.locator("table").inner_text()

    # The other bank was not chosen: the demand does not exist for it.
    _login(page, base, world["other_banker"])
    missing = page.goto(f"{base}/financing/demands/{demand.pk}/")
    assert missing is not None and missing.status == 404

    # The chosen bank takes it up, records the credit, then the disbursement.
    _login(page, base, world["banker"])
    page.goto(f"{base}/financing/demands/{demand.pk}/")
    _act(page, "take_up").get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator("#engagement-status").inner_text() == "已受理"
    grant = _act(page, "grant")
    grant.locator("#granted_wan").fill("400")
    grant.locator("#rate_pct").fill("3.45")
    grant.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator("#engagement-status").inner_text() == "已授信"
    disburse = _act(page, "disburse")
    disburse.locator("#disbursed_wan").fill("350")
    disburse.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator("#engagement-status").inner_text() == "已放款"
    engagement = Engagement.objects.get(demand=demand)
    assert (engagement.granted_yuan, engagement.disbursed_yuan) == (4000000, 3500000)

    # The city officer (TOTP) sees the bank's row in the financing figures.
    _login(page, base, world["city"])
    page.goto(f"{base}/financing/stats/")
    row = page.locator("tbody tr", has_text=world["bank"].name)
    cells = row.locator("td").all_inner_texts()
    assert cells[1:4] == ["1", "1", "1"]  # demands, taken up, served
    assert cells[4].startswith("400") and cells[5].startswith("350")
    assert page.locator("tbody tr", has_text=world["other_bank"].name).count() == 0
