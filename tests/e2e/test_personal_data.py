"""A unit officer verifying a self-registration sees the contact's phone and the legal
representative's ID number masked, and reveals each with a reason (issue 15 item 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zjtx.core.models import AuditEvent

from .conftest import login_via_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"
SHOTS = Path("/tmp/shots/safety")
PHONE = "13955301234"
ID_NUMBER = "34020219900307018X"


def test_masked_then_revealed_with_an_audit_event(
    live_server, page, units, make_enterprise, make_user
):
    firm = make_enterprise(
        name="芜湖奇睿精密机械有限公司",
        unit=units["镜湖区"],
        status="pending",
        contact_name="王芳",
        contact_phone=PHONE,
        legal_rep_id_number=ID_NUMBER,
    )
    officer = make_user("unit_officer", username="jinghu_pii_e2e", unit=units["镜湖区"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    login_via_form(page, base, officer.username, PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{base}/enterprises/{firm.credit_code}/")
    main = page.inner_text("main")
    assert "139****1234" in main and "3402**********018X" in main
    assert PHONE not in page.content() and ID_NUMBER not in page.content()
    page.screenshot(path=str(SHOTS / "detail-masked-1440.png"), full_page=True)

    phone = page.locator(".pii[data-pii=contact_phone]")
    phone.locator("input[name=reason]").fill("核验注册信息，电话联系")
    phone.get_by_role("button").click()
    page.wait_for_selector(".pii[data-pii=contact_phone] [data-pii-value]")
    assert PHONE in page.inner_text(".pii[data-pii=contact_phone]")
    assert "查看已留痕" in page.inner_text(".pii[data-pii=contact_phone]")
    assert ID_NUMBER not in page.content()  # only the field asked for
    page.screenshot(path=str(SHOTS / "detail-revealed-1440.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "detail-revealed-390.png"), full_page=True)
    event = AuditEvent.objects.get(action="pii.reveal")
    assert event.actor_id == officer.pk and event.after["field"] == "contact_phone"
