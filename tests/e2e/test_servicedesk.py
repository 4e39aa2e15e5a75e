"""A service request walked from filing to rating by the enterprise, the unit officer and the
provider, in the browser (芜湖实施意见 二(五))."""

from __future__ import annotations

import re

import pytest

from .conftest import login_via_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"


def _login(page, base: str, user) -> None:
    page.context.clear_cookies()
    login_via_form(page, base, user.username, PASSWORD)
    page.wait_for_url(re.compile(r"/$"))


@pytest.fixture
def world(units, make_enterprise, make_user):
    from zjtx.partners.models import ServiceProvider
    from zjtx.servicedesk.models import Article

    firm = make_enterprise(name="芜湖奇睿精密机械有限公司", unit=units["镜湖区"])
    provider = ServiceProvider.objects.create(name="皖江知识产权服务中心", platform="technology")
    Article.objects.create(title="发明专利申请常见问题", keywords="专利 发明", category="ip")
    return {
        "ent": make_user("enterprise", username="qirui_sd_e2e", enterprise=firm),
        "unit": make_user("unit_officer", username="jinghu_sd_e2e", unit=units["镜湖区"]),
        "provider": make_user("provider", username="ip_sd_e2e", provider=provider),
        "provider_obj": provider,
    }


def test_request_from_filing_to_rating(live_server, page, world):
    base = live_server.url
    _login(page, base, world["ent"])
    page.get_by_role("link", name="企业诉求").first.click()
    page.click("#new-request")
    page.select_option("#id_category", "ip")
    page.fill("#id_title", "发明专利申请辅导")
    page.type("#id_text", "有两项发明专利准备申请")
    page.wait_for_selector("#suggestions a")  # suggested articles while typing
    assert "发明专利申请常见问题" in page.inner_text("#suggestions")
    page.click("#submit-request")
    page.wait_for_url(re.compile(r"/services/\d+/$"))
    assert page.get_attribute("[data-status]", "data-status") == "filed"
    assert "受理" in page.inner_text("#clocks")
    detail = page.url

    _login(page, base, world["unit"])
    page.goto(detail)
    assert "企业档案信息" in page.inner_text("main")
    page.select_option("#id_to", f"provider:{world['provider_obj'].pk}")
    page.fill("#route-form input[name=reason]", "知识产权平台对口")
    page.click("button[data-action='route']")
    page.wait_for_selector("#req-handler")
    assert "皖江知识产权服务中心" in page.inner_text("#req-handler")

    _login(page, base, world["provider"])
    page.goto(detail)
    page.click("button[data-action='accept']")
    page.wait_for_selector("[data-status='accepted']")
    page.fill("textarea[data-reason-for='close']", "已安排代理人上门辅导，两项专利已提交。")
    page.click("button[data-action='close']")
    page.wait_for_selector("[data-status='answered']")

    _login(page, base, world["ent"])
    page.goto(detail)
    assert "两项专利已提交" in page.inner_text("#req-answer")
    page.click("button[data-action='confirm']")
    page.wait_for_selector("[data-status='confirmed']")
    page.check("#rate-form input[value='satisfied']")
    page.click("button[data-action='rate']")
    page.wait_for_selector("[data-status='rated']")
    assert "满意" in page.inner_text("#req-rating")
    timeline = page.inner_text("#timeline")
    for step in ("已提交", "转办", "受理", "书面答复并办结", "确认办结", "评价服务"):
        assert step in timeline
