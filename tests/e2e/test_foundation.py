"""Main paths of the foundation, as a person would walk them in the browser."""

from __future__ import annotations

import re

import pytest

from .conftest import login_via_form
from .conftest import totp_now as _totp_now

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"


@pytest.fixture
def city(units, make_enterprise, make_user):
    qirui = make_enterprise(name="芜湖奇睿精密机械有限公司", unit=units["镜湖区"])
    other = make_enterprise(name="无为远航电缆有限公司", unit=units["无为市"])
    officer = make_user("unit_officer", username="jinghu_e2e", unit=units["镜湖区"])
    return {"qirui": qirui, "other": other, "officer": officer}


def test_unit_officer_finds_enterprise_by_pinyin_and_gets_404_outside_unit(live_server, page, city):
    login_via_form(page, live_server.url, "jinghu_e2e", PASSWORD)
    page.wait_for_url(re.compile(r"/$"))
    assert "镜湖区" in page.inner_text("header")
    # The sidebar shows a unit officer the registry but not the administrators' pages.
    sidebar = page.inner_text("nav")
    assert "企业名录" in sidebar or "企业库" in sidebar
    assert "审计日志" not in sidebar and "用户管理" not in sidebar

    page.goto(f"{live_server.url}/enterprises/")
    page.fill("input[name=q]", "qr")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="芜湖奇睿精密机械有限公司").first.click()
    page.wait_for_url(re.compile(city["qirui"].credit_code))
    assert city["qirui"].credit_code in page.content()
    assert "单位：万元" in page.content() or "万元" in page.content()

    response = page.goto(f"{live_server.url}/enterprises/{city['other'].credit_code}/")
    assert response is not None and response.status == 404
    assert "无为远航电缆有限公司" not in page.content()
    assert "不存在" in page.content() or "未找到" in page.content()


def test_login_page_is_chinese_and_english_is_selectable(live_server, page, db):
    page.goto(f"{live_server.url}/accounts/login/")
    assert "专精特新" in page.content()
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "Log in" in page.inner_text("body")
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    assert "登录" in page.inner_text("body")


def test_city_officer_needs_totp_then_reaches_the_registry(live_server, page, units, make_user):
    from zjtx.accounts.services import otp_device_ensure

    officer = make_user("city_officer", username="city_e2e")
    otp_device_ensure(officer)
    login_via_form(page, live_server.url, "city_e2e", PASSWORD)
    page.wait_for_url(re.compile(r"/accounts/otp/"))
    # Until the second factor is done, business pages send the user back to the OTP page.
    page.goto(f"{live_server.url}/enterprises/")
    assert "/accounts/otp/" in page.url
    page.fill("form input[type=text], form input[inputmode=numeric]", _totp_now(officer))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{live_server.url}/enterprises/")
    assert "企业名录" in page.inner_text("main")


def test_self_registration_is_verified_by_the_unit_officer(live_server, page, units, make_user):
    from zjtx.core.credit_code import make_valid_code

    make_user("unit_officer", username="wuwei_e2e", unit=units["无为市"])
    code = make_valid_code("91340281MA8N12345")
    page.goto(f"{live_server.url}/enterprises/register/")
    page.fill("input[name=credit_code]", code.lower())
    page.fill("input[name=name]", "无为新航线缆科技有限公司")
    page.select_option("select[name=unit]", label="无为市")
    page.fill("input[name=contact_name]", "吴强")
    page.fill("input[name=contact_phone]", "13955300000")
    page.fill("input[name=username]", "xinhang")
    page.fill("input[name=password]", "Wuhu#Line2026")
    page.fill("input[name=password2]", "Wuhu#Line2026")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/register/done/"))

    page.context.clear_cookies()
    login_via_form(page, live_server.url, "wuwei_e2e", PASSWORD)
    page.goto(f"{live_server.url}/enterprises/pending/")
    row = page.locator("tr", has_text="无为新航线缆科技有限公司")
    row.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/enterprises/{code}/")
    assert "已审核" in page.inner_text("main")


def test_auditor_sees_the_login_events_and_nothing_else(live_server, page, units, make_user):
    from zjtx.accounts.services import otp_device_ensure

    auditor = make_user("auditor", username="auditor_e2e")
    otp_device_ensure(auditor)
    login_via_form(page, live_server.url, "nobody", "wrong-password")
    login_via_form(page, live_server.url, "auditor_e2e", PASSWORD)
    page.wait_for_url(re.compile(r"/accounts/otp/"))
    page.fill("form input[type=text], form input[inputmode=numeric]", _totp_now(auditor))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"{live_server.url}/audit/")
    text = page.inner_text("main")
    assert "auth.login_failed" in text or "登录失败" in text
    response = page.goto(f"{live_server.url}/enterprises/")
    assert response is not None and response.status == 404
