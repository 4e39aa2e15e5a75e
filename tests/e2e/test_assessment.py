"""The yearly unit assessment in the browser: the city officer runs and publishes it, the unit
officer reads its trace and files an objection, the city accepts it (芜湖实施意见 三(一))."""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from .conftest import login_as as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"
SHOTS = Path(os.environ.get("ZJTX_SHOTS", "/tmp/shots/assess"))


def _shots(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


@pytest.fixture
def world(units, make_enterprise, make_user, tmp_path):
    from zjtx.accounts.services import otp_device_ensure
    from zjtx.assessment.scheme import SCHEME_ID
    from zjtx.enterprises.models import Enterprise
    from zjtx.policy.services import POLICIES_DIR, policies_load

    (tmp_path / "tests").mkdir()
    shutil.copy(POLICIES_DIR / f"{SCHEME_ID}.yaml", tmp_path)
    shutil.copy(POLICIES_DIR / "tests" / f"{SCHEME_ID}.yaml", tmp_path / "tests")
    policies_load(directory=tmp_path)
    for unit, n in ((units["镜湖区"], 3), (units["无为市"], 2)):
        for _ in range(n):
            make_enterprise(unit=unit, status=Enterprise.Status.VERIFIED)
    city = make_user("city_officer", username="city_assess_e2e")
    otp_device_ensure(city)
    return {
        "city": city,
        "unit": make_user("unit_officer", username="wuwei_assess_e2e", unit=units["无为市"]),
        "unit_id": units["无为市"].pk,
        "year": timezone.localdate().year - 1,
    }


def test_city_runs_and_publishes_unit_reads_trace_and_objects(live_server, page, world):
    from zjtx.assessment.models import Adjustment, Objection, UnitScore

    base = live_server.url
    page.set_default_timeout(60000)  # the shared CI machine is slow under load
    _login(page, base, world["city"])
    page.get_by_role("link", name="县区考核").first.click()
    page.select_option("#id_year", str(world["year"]))
    page.click("#run-assessment")
    page.wait_for_url(re.compile(r"/assessment/\d+/$"))
    run_url = page.url
    assert page.get_attribute("[data-status]", "data-status") == "draft"
    assert "无为市" in page.inner_text("#ranking")
    _shots(page, "city-draft")
    city_cookies = page.context.cookies()  # the second factor is asked once per session
    page.click("button[data-action='publish']")
    page.wait_for_selector("[data-status='published']")
    assert page.inner_text("#window-end")

    _login(page, base, world["unit"])
    page.goto(run_url)
    assert "异议期至" in page.inner_text("#window-open")
    # Another unit's detail is not offered; its own is.
    assert page.locator("a[data-detail]").count() == 1
    page.click(f"a[data-detail='{world['unit_id']}']")
    page.wait_for_selector("#trace")
    trace = page.inner_text("#trace")
    assert "新增市级专精特新企业" in trace and "计分公式" not in page.inner_text("h1")
    points = sum(Decimal(t) for t in page.locator("#trace td[data-points]").all_inner_texts())
    assert points == Decimal(page.inner_text("#total"))
    assert "为什么排名第" in page.inner_text("#why")
    _shots(page, "unit-trace")
    page.select_option("#objection-form select[name=indicator]", "reporting_rate")
    page.fill("#objection-form textarea[name=reason]", "本单位12月数据已于截止日前报送，附回执。")
    page.click("#file-objection")
    page.wait_for_selector("[data-objection-status='pending']")
    assert Objection.objects.filter(unit_id=world["unit_id"]).count() == 1

    page.context.clear_cookies()
    page.context.add_cookies(city_cookies)
    page.goto(run_url + "#objections")
    before = UnitScore.objects.get(unit_id=world["unit_id"]).score
    page.fill("form:has(button[data-action='accept']) input[name=points]", "1.50")
    page.fill("input[data-reason-for='accept']", "经核对回执属实。")
    page.click("button[data-action='accept']")
    page.wait_for_selector("[data-objection-status='accepted']")
    assert UnitScore.objects.get(unit_id=world["unit_id"]).score == before + Decimal("1.50")
    assert Adjustment.objects.filter(objection__isnull=False).count() == 1
    _shots(page, "city-objection-accepted")
