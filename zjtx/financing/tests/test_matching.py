"""Matching explains each product in Chinese: what is met, missed and cannot be judged, naming
the enterprise's values and the thresholds in 万元."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from zjtx.enterprises.models import AnnualFinancial
from zjtx.financing.matching import (
    explanation_text,
    fitting_products,
    match_demand,
    match_pairs,
)

pytestmark = pytest.mark.django_db


def _financials(firm, revenue):
    AnnualFinancial.objects.create(
        enterprise=firm,
        year=timezone.localdate().year - 1,
        operating_revenue=Decimal(revenue),
        main_business_revenue=Decimal(revenue),
        rd_expense=Decimal("100000"),
        net_profit=Decimal("100000"),
        total_assets=Decimal("10000000"),
        total_liabilities=Decimal("4000000"),
        export_value=Decimal(0),
        employees=50,
    )


def test_a_fitting_product_lists_the_conditions_met_with_values_and_thresholds(
    fin, make_demand, publish_product
):
    fin["firm"].established_on = date(2015, 5, 1)
    fin["firm"].save()
    _financials(fin["firm"], "8000000")
    publish_product()
    demand = make_demand(tax_grade="A", guarantees=["credit"])
    [m] = match_demand(demand=demand)
    assert m.fits and m.eligible is True and not m.missed and not m.unknown
    text = explanation_text(m)
    assert text.startswith("符合：")
    assert "金额500.00万元在50.00–1,000.00万元范围内" in m.met
    assert "纳税信用等级为A级" in text
    assert "上年度营业收入800万元，达到500万元的门槛" in text


def test_an_unfit_product_names_what_is_missed_and_what_cannot_be_judged(
    fin, make_demand, publish_product
):
    _financials(fin["firm"], "3000000")  # below 500万元; no founding date: years unknown
    publish_product()
    demand = make_demand(tax_grade="M", guarantees=["mortgage"], amount_yuan="20000000")
    [m] = match_demand(demand=demand)
    assert not m.fits and m.eligible is False
    text = explanation_text(m)
    assert "不符合：" in text and "无法判断：" in text
    assert "上年度营业收入300万元，未达到500万元的门槛" in m.missed
    assert "纳税信用等级为M级，不是A级或B级" in m.missed
    assert "金额2,000.00万元超出50.00–1,000.00万元范围" in m.missed
    assert any("成立年限" in line for line in m.unknown)


def test_a_demand_without_a_tax_grade_cannot_be_judged_on_it(fin, make_demand, publish_product):
    fin["firm"].established_on = date(2015, 5, 1)
    fin["firm"].save()
    _financials(fin["firm"], "8000000")
    publish_product()
    demand = make_demand(tax_grade="", guarantees=["credit"])
    [m] = match_demand(demand=demand)
    assert m.eligible is None and not m.fits
    assert any("纳税信用等级" in line for line in m.unknown)


def test_confirmed_receivables_count_towards_receivable_financing(
    fin, make_demand, publish_product
):
    from zjtx.accounts.models import Role, User
    from zjtx.financing.services import receivable_record, receivable_transition

    debtor_user = User.objects.create_user(
        username="core_ent", password="x", role=Role.ENTERPRISE, enterprise=fin["other_firm"]
    )
    product = publish_product(
        name="应收账款融资",
        kind="supply_chain",
        guarantees=["receivable"],
        eligibility_program="financing.receivable_finance",
    )
    demand = make_demand(guarantees=["receivable"])
    [before] = match_pairs([demand], [product])[demand.pk]
    assert "核心企业已确认的应收账款0万元，不足50万元" in before.missed
    receivable = receivable_record(
        creditor=fin["firm"],
        debtor_id=fin["other_firm"].pk,
        amount_yuan="800000",
        invoice_no="HT-2026-001",
        due_on=(timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat(),
        actor=fin["ent"],
    )
    receivable_transition(receivable=receivable, action="confirm", actor=debtor_user)
    [after] = match_pairs([demand], [product])[demand.pk]
    assert "核心企业已确认的应收账款80万元，达到50万元" in after.met
    assert after.fits


def test_the_risk_split_is_carried_on_the_match(fin, make_demand, publish_product):
    split = {"guarantor": 40, "reguarantor": 30, "bank": 20, "government": 10}
    publish_product(
        name="新型政银担",
        kind="gov_bank_guarantee",
        guarantees=["guarantor", "credit"],
        risk_split=split,
        eligibility_program="financing.gov_bank_guarantee",
    )
    [m] = match_demand(demand=make_demand())
    assert m.as_dict()["risk_split"] == split


def test_bulk_fitting_decides_as_the_explained_matching(fin, make_demand, publish_product):
    """The fast path (cards first, each rule package once, no texts) finds exactly the fits."""
    fin["firm"].established_on = date(2015, 5, 1)
    fin["firm"].save()
    _financials(fin["firm"], "8000000")
    products = [
        publish_product(),
        publish_product(name="税融通二号", amount_max_yuan="3000000"),
        publish_product(name="科创信用贷", eligibility_program="financing.credit_loan"),
        publish_product(
            name="政银担",
            kind="gov_bank_guarantee",
            guarantees=["guarantor"],
            eligibility_program="financing.gov_bank_guarantee",
        ),
    ]
    demands = [
        make_demand(tax_grade="A", guarantees=["credit"]),
        make_demand(tax_grade="M", guarantees=["credit"], amount_yuan="2000000"),
        make_demand(tax_grade="", guarantees=["credit", "guarantor"]),
        make_demand(tax_grade="B", guarantees=["mortgage"]),
    ]
    explained = match_pairs(demands, products)
    fast = fitting_products(demands, products)
    for demand in demands:
        want = {m.product_id for m in explained[demand.pk] if m.fits}
        assert {p.pk for p in fast[demand.pk]} == want
    assert any(fast.values())
