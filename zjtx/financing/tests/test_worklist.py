"""Financing on the home page: the bank's take-ups with the clock, scoped to its institution."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from zjtx.core.models import WorkflowClock
from zjtx.core.worklist import home_work_for
from zjtx.financing import services
from zjtx.financing.models import Engagement, Receivable
from zjtx.financing.workflow import ENGAGEMENT

pytestmark = pytest.mark.django_db


def home(client: Any) -> str:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def _groups(user: Any) -> dict[str, int]:
    with override("en"):
        return {str(g.kind): g.count for g in home_work_for(user).waiting}


def _takeup_due(engagement: Engagement) -> Any:
    return WorkflowClock.objects.get(
        workflow=ENGAGEMENT.name, object_id=str(engagement.pk), clock="take_up"
    ).due_on


def test_bank_home_shows_the_consented_demand_with_its_take_up_due_date(fin, make_demand, login):
    demand = make_demand(banks=("hs",))
    engagement = Engagement.objects.get(demand=demand, institution=fin["hs"])
    due = _takeup_due(engagement)

    html = home(login(fin["bank_hs"]))
    assert "待受理的融资需求" in html
    assert fin["firm"].name in html
    assert f"/financing/demands/{demand.pk}/" in html
    assert due.strftime("%Y-%m-%d") in html

    other = home(login(fin["bank_yz"]))
    assert "待受理的融资需求" not in other
    assert f"/financing/demands/{demand.pk}/" not in other


def test_bank_counts_move_from_take_up_to_decision_to_disbursement(fin, make_demand):
    from zjtx.financing.tests.conftest import GRANT

    demand = make_demand(banks=("hs",))
    engagement = Engagement.objects.get(demand=demand, institution=fin["hs"])
    bank = fin["bank_hs"]
    assert _groups(bank) == {"Financing demands awaiting take-up": 1}

    services.engagement_transition(engagement=engagement, action="take_up", actor=bank)
    assert _groups(bank) == {"Taken-up demands awaiting a credit decision": 1}

    services.engagement_transition(engagement=engagement, action="grant", actor=bank, data=GRANT)
    assert _groups(bank) == {"Credit granted awaiting disbursement": 1}

    services.engagement_transition(
        engagement=engagement,
        action="disburse",
        actor=bank,
        data={"disbursed_yuan": "1000000.00", "disbursed_on": timezone.localdate().isoformat()},
    )
    assert _groups(bank) == {}


def test_enterprise_sees_its_demand_awaiting_take_up_until_taken_up(fin, make_demand):
    demand = make_demand(banks=("hs",))
    submitted = home_work_for(fin["ent"]).submitted
    assert [g.count for g in submitted] == [1]
    assert submitted[0].items[0].due_on is not None
    assert home_work_for(fin["other_ent"]).submitted == []

    engagement = Engagement.objects.get(demand=demand, institution=fin["hs"])
    services.engagement_transition(engagement=engagement, action="take_up", actor=fin["bank_hs"])
    assert home_work_for(fin["ent"]).submitted == []


def test_debtor_sees_the_receivable_to_confirm(fin):
    receivable = Receivable.objects.create(
        creditor=fin["other_firm"],
        debtor=fin["firm"],
        amount_yuan="300000.00",
        invoice_no="INV-1",
        due_on=timezone.localdate() + timedelta(days=60),
    )
    assert _groups(fin["ent"]) == {"Receivables awaiting your confirmation as debtor": 1}
    assert _groups(fin["other_ent"]) == {}

    services.receivable_transition(receivable=receivable, action="confirm", actor=fin["ent"])
    assert _groups(fin["ent"]) == {}


def test_city_and_unit_see_overdue_take_ups(fin, make_demand):
    today = timezone.localdate()
    demand = make_demand(banks=("hs",), today=today - timedelta(days=20))
    engagement = Engagement.objects.get(demand=demand, institution=fin["hs"])
    assert _takeup_due(engagement) < today

    kind = "Overdue take-ups escalated to the bureau"
    assert _groups(fin["city"]).get(kind) == 1
    assert _groups(fin["unit"]).get(kind) == 1
    assert kind not in _groups(fin["other_unit"])
    with override("en"):
        overdue = next(g for g in home_work_for(fin["city"]).waiting if str(g.kind) == kind)
    assert overdue.overdue_count == 1


def test_city_reviews_submitted_products_and_bank_fixes_returned_ones(fin, fin_packages):
    from zjtx.financing.tests.conftest import PRODUCT

    product = services.product_save(fields=dict(PRODUCT), actor=fin["bank_hs"])
    services.product_transition(product=product, action="submit", actor=fin["bank_hs"])
    assert _groups(fin["city"]) == {"Financial products awaiting review": 1}

    services.product_transition(
        product=product, action="return", actor=fin["city"], reason="利率区间需说明"
    )
    assert _groups(fin["city"]) == {}
    assert _groups(fin["bank_hs"]) == {"Products returned by the city for correction": 1}
    assert _groups(fin["bank_yz"]) == {}


def test_demand_lists_show_each_banks_progress_as_the_reader_may_see_it(fin, make_demand, login):
    demand = make_demand(banks=("hs", "yz"))
    engagement = Engagement.objects.get(demand=demand, institution=fin["hs"])
    due = _takeup_due(engagement).strftime("%Y-%m-%d")
    services.engagement_transition(engagement=engagement, action="take_up", actor=fin["bank_hs"])

    def page(user: Any) -> str:
        response = login(user).get("/financing/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        return response.content.decode()

    owner = page(fin["ent"])
    assert "银行办理进度" in owner
    hs, yz = fin["hs"].short_name or fin["hs"].name, fin["yz"].short_name or fin["yz"].name
    assert f"{hs}：" in owner and f"{yz}：" in owner
    assert "已受理" in owner and "待受理" in owner

    # A bank sees only its own step, never the other bank's name.
    other_bank = page(fin["bank_yz"])
    assert "待受理" in other_bank and f"{hs}：" not in other_bank and "已受理" not in other_bank
    assert f"{due} 前受理" in other_bank  # its own take-up clock, consented the same day
