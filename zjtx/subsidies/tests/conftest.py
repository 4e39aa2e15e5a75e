from decimal import Decimal

import pytest
from django.utils import timezone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def loaded_policies(db):
    from zjtx.policy.services import policies_load

    return policies_load()


@pytest.fixture
def people(make_enterprise, make_user, units, loaded_policies):
    from zjtx.subsidies.models import Budget

    firm = make_enterprise(name="芜湖甲科技有限公司", unit=units["镜湖区"])
    other_firm = make_enterprise(name="无为乙制造有限公司", unit=units["无为市"])
    Budget.objects.create(
        program_id="wuhu.municipal_zjtx",
        year=timezone.localdate().year,
        amount_yuan=Decimal("250000"),
    )
    Budget.objects.create(
        program_id="wuhu.tech_upgrade",
        year=timezone.localdate().year,
        amount_yuan=Decimal("1000000"),
    )
    return {
        "firm": firm,
        "other_firm": other_firm,
        "ent": make_user("enterprise", enterprise=firm),
        "other_ent": make_user("enterprise", enterprise=other_firm),
        "unit": make_user("unit_officer", unit=units["镜湖区"]),
        "other_unit": make_user("unit_officer", unit=units["无为市"]),
        "city": make_user("city_officer"),
        "city2": make_user("city_officer"),
    }


MUNICIPAL = {"municipal_zjtx_newly_certified": True, "municipal_zjtx_award_received": False}
TECH = {"tech_upgrade_equipment_investment_yuan": "4000000.05", "tech_upgrade_completed_year": None}


@pytest.fixture
def make_application(people):
    from zjtx.subsidies.services import application_create, evidence_add

    def make(program="wuhu.municipal_zjtx", facts=None, who="ent", firm="firm", evidence=True):
        today = timezone.localdate()
        if facts is None:
            facts = (
                dict(MUNICIPAL)
                if program == "wuhu.municipal_zjtx"
                else {**TECH, "tech_upgrade_completed_year": today.year - 1}
            )
        app = application_create(
            enterprise=people[firm], program_id=program, facts=facts, as_of=today, actor=people[who]
        )
        if evidence:
            evidence_add(application=app, name="证明.pdf", data=PDF, actor=people[who])
        return app

    return make


@pytest.fixture
def forwarded(people, make_application):
    from zjtx.subsidies.services import application_transition

    def make(**kwargs):
        app = make_application(**kwargs)
        application_transition(application=app, action="submit", actor=people["ent"])
        return application_transition(application=app, action="forward", actor=people["unit"])

    return make
