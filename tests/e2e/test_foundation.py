"""Main paths of the foundation, as a person would walk them in the browser."""

from __future__ import annotations

import re

import pytest

from .conftest import login_via_form

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
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("load")
    assert "Log in" in page.content()
    page.select_option("select[name=language]", "zh-hans")
    page.wait_for_load_state("load")
    assert "登录" in page.content()
