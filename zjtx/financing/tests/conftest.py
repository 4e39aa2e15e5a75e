from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def fin(make_enterprise, make_user, units):
    from zjtx.partners.models import FinancialInstitution

    firm = make_enterprise(name="芜湖甲科技有限公司", unit=units["镜湖区"])
    other_firm = make_enterprise(name="无为乙制造有限公司", unit=units["无为市"])
    hs = FinancialInstitution.objects.create(name="徽商银行芜湖分行")
    yz = FinancialInstitution.objects.create(name="芜湖扬子农商行")
    icbc = FinancialInstitution.objects.create(name="工商银行芜湖分行")
    return {
        "firm": firm,
        "other_firm": other_firm,
        "hs": hs,
        "yz": yz,
        "icbc": icbc,
        "ent": make_user("enterprise", enterprise=firm),
        "other_ent": make_user("enterprise", enterprise=other_firm),
        "bank_hs": make_user("bank", institution=hs),
        "bank_yz": make_user("bank", institution=yz),
        "bank_icbc": make_user("bank", institution=icbc),
        "unit": make_user("unit_officer", unit=units["镜湖区"]),
        "other_unit": make_user("unit_officer", unit=units["无为市"]),
        "city": make_user("city_officer"),
    }


def demand_fields(**over):
    fields = {
        "amount_yuan": "5000000.00",
        "term_months": 12,
        "purpose": "working_capital",
        "guarantees": ["credit", "ip_pledge"],
        "needed_by": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "tax_grade": "A",
    }
    fields.update(over)
    return fields


@pytest.fixture
def make_demand(fin):
    from zjtx.financing.services import demand_publish

    def make(banks=("hs",), today=None, **over):
        today = today or timezone.localdate()
        until = (today + timedelta(days=90)).isoformat()
        return demand_publish(
            enterprise=fin["firm"],
            fields=demand_fields(needed_by=(today + timedelta(days=30)).isoformat(), **over),
            consents=[
                {"institution_id": fin[b].pk, "scopes": ["financials", "tax_grade"], "until": until}
                for b in banks
            ],
            actor=fin["ent"],
            today=today,
        )

    return make


GRANT = {"granted_yuan": Decimal("4000000.00"), "rate_pct": Decimal("3.45")}


@pytest.fixture
def fin_packages(db):
    """The products' eligibility rule packages (policies/financing/), loaded and tested."""
    from zjtx.policy.services import POLICIES_DIR, policies_load

    return policies_load(directory=POLICIES_DIR / "financing")


PRODUCT = {
    "name": "税融通",
    "kind": "tax_loan",
    "amount_min_yuan": "500000",
    "amount_max_yuan": "10000000",
    "term_min_months": 6,
    "term_max_months": 36,
    "rate_min_pct": "3.2",
    "rate_max_pct": "4.8",
    "guarantees": ["credit"],
    "purposes": ["working_capital"],
    "eligibility_program": "financing.tax_loan",
}


@pytest.fixture
def publish_product(fin, fin_packages):
    """A product drafted by the bank user of `bank`, submitted and published by the city."""
    from zjtx.financing.services import product_save, product_transition

    def make(bank="hs", **over):
        product = product_save(fields={**PRODUCT, **over}, actor=fin[f"bank_{bank}"])
        product_transition(product=product, action="submit", actor=fin[f"bank_{bank}"])
        return product_transition(product=product, action="publish", actor=fin["city"])

    return make
