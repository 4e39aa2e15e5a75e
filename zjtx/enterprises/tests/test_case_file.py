"""An officer's enterprise page shows its certification history, tiers, subsidies received and
the applications in progress, each linking to the case, within the officer's jurisdiction."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(make_enterprise, make_user, units):
    from zjtx.certification.models import Application as CertApplication
    from zjtx.certification.models import Round
    from zjtx.policy.services import policies_load
    from zjtx.subsidies.models import Budget
    from zjtx.subsidies.services import (
        application_approve,
        application_create,
        application_transition,
        evidence_add,
    )

    policies_load()
    today = timezone.localdate()
    firm = make_enterprise(name="芜湖丙精密有限公司", unit=units["镜湖区"])
    ent = make_user("enterprise", enterprise=firm)
    unit = make_user("unit_officer", unit=units["镜湖区"])
    city = make_user("city_officer")
    Budget.objects.create(
        program_id="wuhu.municipal_zjtx", year=today.year, amount_yuan=Decimal("500000")
    )
    facts = {"municipal_zjtx_newly_certified": True, "municipal_zjtx_award_received": False}

    def apply():
        app = application_create(
            enterprise=firm, program_id="wuhu.municipal_zjtx", facts=facts, as_of=today, actor=ent
        )
        evidence_add(application=app, name="证明.pdf", data=PDF, actor=ent)
        return application_transition(application=app, action="submit", actor=ent)

    paid = apply()
    application_transition(application=paid, action="forward", actor=unit)
    application_approve(application=paid, actor=city)
    pending = apply()
    rnd = Round.objects.create(
        year=today.year - 1,
        title="上年度市级专精特新认定",
        program_id="miit2026.zjtx_sme",
        opens_on=today - timedelta(days=400),
        closes_on=today - timedelta(days=380),
        status=Round.Status.CLOSED,
    )
    cert = CertApplication.objects.create(
        round=rnd,
        enterprise=firm,
        unit=firm.unit,
        status=CertApplication.Status.CERTIFIED,
        certificate_number="ZJTX20250001",
        valid_until=today + timedelta(days=700),
    )
    return {"firm": firm, "paid": paid, "pending": pending, "cert": cert, "unit": unit}


def test_the_officer_sees_the_case_file_with_links(client, world, make_user, units):
    client.force_login(world["unit"])
    url = reverse("enterprises:detail", args=[world["firm"].credit_code])
    with translation.override("zh-hans"):
        page = client.get(url).content.decode()
    assert 'id="certification-history"' in page and "ZJTX20250001" in page
    assert reverse("certification:application-detail", args=[world["cert"].pk]) in page
    assert 'id="subsidies-received"' in page
    assert reverse("subsidies:detail", args=[world["paid"].pk]) in page
    assert 'id="in-progress"' in page
    assert reverse("subsidies:detail", args=[world["pending"].pk]) in page
    assert "在办事项" in page and "已获奖补" in page


def test_another_units_officer_cannot_open_it(client, world, make_user, units):
    client.force_login(make_user("unit_officer", unit=units["无为市"]))
    url = reverse("enterprises:detail", args=[world["firm"].credit_code])
    assert client.get(url).status_code == 404
