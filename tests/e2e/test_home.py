"""The home page as a work list, on a phone-sized screen."""

from __future__ import annotations

import re

import pytest

from .conftest import login_via_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"


def test_unit_officer_opens_a_waiting_registration_from_the_home_page_on_a_phone(
    live_server, page, units, make_enterprise, make_user
):
    make_enterprise(name="无为待审电缆有限公司", unit=units["无为市"], status="pending")
    make_enterprise(name="镜湖待审机械有限公司", unit=units["镜湖区"], status="pending")
    make_user("unit_officer", username="wuwei_home", unit=units["无为市"])
    page.set_viewport_size({"width": 390, "height": 844})
    login_via_form(page, live_server.url, "wuwei_home", PASSWORD)
    page.wait_for_url(re.compile(r"/$"))

    waiting = page.locator("#home-waiting")
    assert "待审核的企业注册" in waiting.inner_text()
    assert "镜湖待审机械有限公司" not in page.inner_text("main")
    box = waiting.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # Nothing on the page is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    waiting.get_by_role("link", name="无为待审电缆有限公司").click()
    page.wait_for_url(re.compile(r"/enterprises/.+/$"))
    assert "无为待审电缆有限公司" in page.inner_text("main")
