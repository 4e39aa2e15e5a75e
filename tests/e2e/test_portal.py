"""The public portal 易企网 without login, at desktop (1440 px) and phone (390 px) widths:
search a policy, open its card, verify a certificate, read a 公示; screenshots of each."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("ZJTX_SHOTS", "/tmp/shots/portal"))
WIDTHS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.fixture
def world(units, make_enterprise, make_user):
    from zjtx.demo.portal import ensure_portal_data
    from zjtx.policy.errors import PolicyLoadError
    from zjtx.policy.services import policies_load
    from zjtx.portal.tests.worlds import build_public_world

    try:
        policies_load()
    except PolicyLoadError:
        pass  # a package another engineer is still writing must not block this test
    make_user("city_officer")
    ensure_portal_data()
    return build_public_world(make_enterprise, units)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"{name}-screen.png"))  # what the first screen shows


def _no_sideways_scroll(page) -> None:
    """The page itself never scrolls sideways (wide tables scroll inside their own box)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page is {overflow}px wider than the screen"


@pytest.mark.parametrize("size", list(WIDTHS))
def test_visitor_finds_a_policy_verifies_a_certificate_and_reads_a_notice(
    live_server, browser, world, size
):
    width, height = WIDTHS[size]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    base = live_server.url
    try:
        page.goto(f"{base}/")
        page.wait_for_url(re.compile(r"/portal/$"))
        assert page.get_attribute("html", "lang") == "zh-Hans"
        assert "易企网" in page.title()
        _no_sideways_scroll(page)
        _shot(page, f"home-{size}")

        # Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "跳到主要内容"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        # Search a policy from the home page and open its card.
        page.fill("#home-q", "首台")
        page.click("form[role=search] button[type=submit]")
        page.wait_for_url(re.compile(r"/portal/policies/\?q="))
        assert "找到1项政策" in page.inner_text("#policy-count")
        _no_sideways_scroll(page)
        _shot(page, f"policies-{size}")
        page.get_by_role("link", name="首台（套）重大技术装备奖励").first.click()
        page.wait_for_selector("#policy-detail")
        detail = page.inner_text("#policy-detail")
        for text in (
            "适用对象",
            "条件",
            "金额",
            "申报材料",
            "办理时限",
            "办理单位和电话",
            "政策依据",
        ):
            assert text in detail, text
        assert "100.00万元" in detail
        assert "first_set" not in detail
        _no_sideways_scroll(page)
        _shot(page, f"policy-{size}")

        # Try the calculator from the card.
        page.click("text=用企业数据测一测")
        page.wait_for_selector("#calc-form")
        page.select_option("#id_fact__first_set_province_certified", "true")
        page.select_option("#id_fact__first_set_category", "key_component")
        page.fill("#id_fact__first_set_sale_price_yuan", "150")
        page.select_option("#id_fact__developer_in_city", "true")
        page.click("#calc-form button[type=submit]")
        page.wait_for_selector("#calc-result")
        result = page.inner_text("#calc-result")
        assert "符合该政策" in result and "15.00万元" in result
        _shot(page, f"calculator-{size}")

        # Verify a certificate by number.
        page.goto(f"{base}/portal/verify/")
        page.fill("#v-number", world["certificate"])
        page.press("#v-number", "Enter")
        page.wait_for_selector("#verify-result")
        assert "该证书真实有效" in page.inner_text("#verify-result")
        assert "芜湖已认定精工有限公司" in page.inner_text("#verify-result")
        _no_sideways_scroll(page)
        _shot(page, f"verify-{size}")

        # Read a 公示 with its countdown, and reach its objection form.
        page.goto(f"{base}/portal/notices/")
        rows = page.inner_text("#notice-rows")
        assert world["open_notice"].title in rows and "剩余" in rows
        assert "尚未开始的秘密公示" not in rows
        _shot(page, f"notices-{size}")
        page.get_by_role("link", name=world["open_notice"].title).click()
        page.wait_for_selector("#notice-list")
        assert "无为公示中电缆有限公司" in page.inner_text("#notice-list")
        assert page.is_visible("textarea[name=text]")  # the objection form while open

        # Certified list and news.
        page.goto(f"{base}/portal/certified/")
        assert "芜湖已认定精工有限公司" in page.inner_text("#certified-table")
        _no_sideways_scroll(page)
        _shot(page, f"certified-{size}")
        page.goto(f"{base}/portal/news/")
        assert "（草稿）" not in page.inner_text("main")
        _shot(page, f"news-{size}")
        page.goto(f"{base}/portal/services/")
        _no_sideways_scroll(page)
        _shot(page, f"services-{size}")

        # The login page leads back to the public services.
        page.goto(f"{base}/accounts/login/")
        links = page.inner_text("#login-links")
        for text in ("企业注册", "认定公示", "证书真伪查询", "易企网"):
            assert text in links, text
        _shot(page, f"login-{size}")
    finally:
        context.close()
        from django.db import connections

        connections.close_all()


def test_city_officer_publishes_an_article_that_visitors_then_see(
    live_server, browser, world, login
):
    """The officer's session is made by the test client (past the second factor) and handed to
    the browser; the visitor is a second, cookie-less browser context."""
    from django.conf import settings

    from zjtx.accounts.models import User

    city = User.objects.filter(role="city_officer").first()
    client = login(city)
    base = live_server.url
    officer = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    host = base.split("//", 1)[1].split(":", 1)[0]
    officer.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        page = officer.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{base}/portal/manage/")
        assert "门户内容" in page.inner_text("main")
        _shot(page, "manage-desktop")
        page.click("text=新建文章")
        page.select_option("#f-kind", "news")
        page.fill("#f-title", "浏览器测试发布的新闻")
        page.fill("#f-summary", "一条新闻的摘要")
        page.fill("#f-body", "新闻正文第一段。\n\n第二段。")
        page.click("#save-article")
        page.wait_for_selector("#action-publish")
        assert "草稿" in page.inner_text("#item-status")

        public = visitor.new_page()
        public.goto(f"{base}/portal/news/")
        assert "浏览器测试发布的新闻" not in public.inner_text("main")  # a draft is not public

        page.click("#action-publish")
        page.wait_for_selector("#action-withdraw")
        assert "已发布" in page.inner_text("#item-status")
        assert "发布" in page.inner_text("#history")
        _shot(page, "article-desktop")

        public.goto(f"{base}/portal/news/")  # the cached list was cleared by publishing
        assert "浏览器测试发布的新闻" in public.inner_text("main")
        public.get_by_role("link", name="浏览器测试发布的新闻").click()
        assert "第二段。" in public.inner_text("main")
        _shot(public, "article-phone")
    finally:
        officer.close()
        visitor.close()
        from django.db import connections

        connections.close_all()
