"""Public pages without login: what they show, their filters, and that nothing unpublished leaks."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "portal:home",
    "portal:policies",
    "portal:calculator",
    "portal:notices",
    "portal:certified",
    "portal:verify",
    "portal:reports",
    "portal:news",
    "portal:services",
]


def _text(response) -> str:
    return response.content.decode()


def test_every_public_page_renders_in_chinese_without_login(
    client, policies, public_world, articles
):
    for name in PUBLIC_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = _text(response)
        assert '<html lang="zh-Hans">' in html
        assert 'href="#main"' in html and 'id="main"' in html  # skip link
        assert "易企网" in html
        # No English words from the interface: visible text between tags, letters only.
        visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
        words = {w for w in re.findall(r"\b[A-Za-z]{4,}\b", visible) if not w.isupper()}
        assert words <= {"Word"}, (name, words)


def test_home_shows_policies_notices_certified_news_and_entries(
    client, policies, public_world, articles
):
    html = _text(client.get(reverse("portal:home")))
    assert "首台（套）重大技术装备奖励" in html
    assert public_world["open_notice"].title in html
    assert "剩余" in html  # the countdown
    assert "芜湖已认定精工有限公司" in html
    assert "市经信局召开专精特新企业座谈会" in html and "从小作坊到小巨人" in html
    assert reverse("enterprises:register") in html
    assert reverse("portal:verify") in html


def test_nothing_unpublished_appears_on_any_page(client, policies, public_world, articles):
    secrets = [
        "尚未发布的草稿新闻",
        "已经撤回的旧闻",
        "尚未开始的秘密公示",
        "芜湖未公示秘密有限公司",
        "芜湖从未认定贸易有限公司",
        "草稿批次（未公布）",
    ]
    urls = [reverse(n) for n in PUBLIC_PAGES]
    urls += [
        reverse("portal:certified") + f"?year={public_world['year'] - 1}",
        reverse("portal:certified") + "?year=",
        reverse("portal:news") + "?kind=news",
        reverse("portal:policies") + "?q=专精特新",
    ]
    for url in urls:
        html = _text(client.get(url))
        for secret in secrets:
            assert secret not in html, (url, secret)
    for item in ("draft", "withdrawn"):
        assert (
            client.get(reverse("portal:news-detail", args=[articles[item].pk])).status_code == 404
        )


def test_certified_list_shows_only_certified_and_filters_by_year_and_tier(client, public_world):
    year = public_world["year"] - 1
    html = _text(client.get(reverse("portal:certified") + f"?year={year}&tier=municipal"))
    assert "芜湖已认定精工有限公司" in html
    assert "芜湖已撤销机械有限公司" not in html  # revoked since
    assert "无为公示中电缆有限公司" not in html  # only in notice
    html = _text(client.get(reverse("portal:certified") + f"?year={year + 1}"))
    assert "芜湖已认定精工有限公司" not in html


def test_certified_page_offers_every_tier_and_shows_who_published_the_list(client, public_world):
    year = public_world["year"] - 1
    html = _text(client.get(reverse("portal:certified") + f"?year={year}&tier=provincial"))
    assert "芜湖省级精密有限公司" in html and "安徽省经济和信息化厅公告" in html
    assert "芜湖已认定精工有限公司" not in html and "芜湖小巨人装备有限公司" not in html
    for label in ("创新型中小企业", "省级专精特新中小企业", "专精特新“小巨人”企业"):
        assert label in html
    html = _text(client.get(reverse("portal:certified") + f"?year={year}"))
    for name in ("芜湖已认定精工有限公司", "芜湖小巨人装备有限公司", "芜湖创新型科技有限公司"):
        assert name in html
    assert "芜湖撤销小巨人有限公司" not in html and "芜湖未发文预备有限公司" not in html


@pytest.mark.parametrize(
    "query", ["year=abc", "year=99999", "year=1900", "tier=galaxy", "year=%E4%B8%80"]
)
def test_certified_list_bad_filter_is_a_400_page_in_chinese(client, public_world, query):
    response = client.get(reverse("portal:certified") + "?" + query)
    assert response.status_code == 400
    assert 'id="portal-error"' in _text(response)


def test_policy_search_and_tag_filter(client, policies):
    html = _text(client.get(reverse("portal:policies") + "?q=首台"))
    assert "首台（套）重大技术装备奖励" in html
    assert "技术改造设备投资奖补" not in html
    html = _text(client.get(reverse("portal:policies") + "?tag=criteria"))
    assert "专精特新中小企业认定（2026年标准）" in html
    assert "首台（套）重大技术装备奖励" not in html
    # Superseded standards are not in force.
    assert "2022年标准）" not in _text(client.get(reverse("portal:policies"))).replace(
        "创新型中小企业评价（2022年标准）", ""
    )
    # An unknown tag is ignored, not an error.
    assert client.get(reverse("portal:policies") + "?tag=nope").status_code == 200


def test_policy_card_says_who_conditions_amount_materials_time_office_and_clause(
    client, policies, city
):
    from zjtx.servicedesk.knowledge import guide_save

    guide_save(
        actor=city,
        program_id="wuhu.first_set",
        values={
            "who": "市内研制单位",
            "conditions": "装备经省认定",
            "amount": "售价的10%",
            "materials": "申请表；省认定文件",
            "time_limit": "受理后20个工作日",
            "office": "市经信局装备科",
            "phone": "0553-1234567",
        },
    )
    html = _text(client.get(reverse("portal:policy", args=["wuhu.first_set"])))
    for text in (
        "市内研制单位",
        "装备已经省认定为首台（套）重大技术装备",
        "100.00万元",
        "10.00%",
        "省认定文件",
        "受理后20个工作日",
        "市经信局装备科",
        "0553-1234567",
        "芜湖实施意见 三(二)",
    ):
        assert text in html, text
    assert "first_set" not in re.sub(r"<[^>]+>", " ", html)  # no ids on screen
    assert (
        client.get(reverse("portal:policy", args=["wuhu.monitoring_warnings"])).status_code == 404
    )
    assert client.get(reverse("portal:policy", args=["nope.nope"])).status_code == 404


def test_calculator_asks_only_for_facts_and_answers_in_wan(client, policies):
    url = reverse("portal:calculator")
    html = _text(client.get(url + "?policy=wuhu.first_set"))
    visible = re.sub(r"<[^>]+>", " ", html)
    assert "首台（套）设备售价" in visible
    assert "first_set_sale_price_yuan" not in visible
    response = client.post(
        url,
        {
            "policy": "wuhu.first_set",
            "fact__first_set_province_certified": "true",
            "fact__first_set_category": "single_unit",
            "fact__first_set_sale_price_yuan": "800",
            "fact__developer_in_city": "true",
        },
    )
    assert response.status_code == 200
    html = _text(response)
    assert "符合该政策" in html
    assert "50.00万元" in html  # 10% of 800万元 = 80万元, capped at 50万元 for a single unit
    assert "800.00万元" in html and "8,000,000.00元" not in html  # the steps read in 万元


def test_calculator_with_missing_answers_says_what_is_missing(client, policies):
    response = client.post(
        reverse("portal:calculator"),
        {"policy": "wuhu.first_set", "fact__first_set_province_certified": "true"},
    )
    html = _text(response)
    assert "暂无法判断" in html and "首台（套）设备售价" in html


def test_calculator_refuses_unknown_fields_long_values_and_bad_numbers(client, policies):
    url = reverse("portal:calculator")
    r = client.post(url, {"policy": "wuhu.first_set", "fact__operating_revenue_y1_yuan": "1"})
    assert r.status_code == 400 and 'id="portal-error"' in _text(r)
    r = client.post(url, {"policy": "wuhu.first_set", "fact__first_set_sale_price_yuan": "9" * 60})
    assert r.status_code == 400
    r = client.post(url, {"policy": "wuhu.first_set", "fact__first_set_sale_price_yuan": "abc"})
    assert r.status_code == 400 and "is-invalid" in _text(r)
    r = client.post(url, {"policy": "no.such"})
    assert r.status_code == 400


def test_calculator_is_rate_limited_per_address(client, policies):
    url = reverse("portal:calculator")
    data = {"policy": "wuhu.municipal_zjtx", "fact__municipal_zjtx_newly_certified": "true"}
    codes = [client.post(url, data).status_code for _ in range(22)]
    assert codes[0] == 200
    assert codes[-1] == 429


def test_calculator_stores_nothing(client, policies):
    from zjtx.core.models import AuditEvent
    from zjtx.policy.models import Evaluation

    before = (AuditEvent.objects.count(), Evaluation.objects.count())
    client.post(
        reverse("portal:calculator"),
        {"policy": "wuhu.municipal_zjtx", "fact__municipal_zjtx_newly_certified": "true"},
    )
    assert (AuditEvent.objects.count(), Evaluation.objects.count()) == before


def test_certificate_verification_by_number(client, public_world):
    url = reverse("portal:verify")
    html = _text(client.get(url + "?number=" + public_world["certificate"].lower()))
    assert "该证书真实有效" in html and "芜湖已认定精工有限公司" in html
    response = client.get(url + "?number=NOPE-1")
    assert response.status_code == 404 and "不存在编号为" in _text(response)


def test_notices_page_lists_started_notices_with_countdown_and_links_the_objection_page(
    client, public_world
):
    html = _text(client.get(reverse("portal:notices")))
    notice = public_world["open_notice"]
    assert notice.title in html and "剩余" in html
    assert reverse("certification_public:notice", args=[notice.pk]) in html
    assert "尚未开始的秘密公示" not in html


def test_news_list_filters_by_kind_and_shows_published_detail(client, articles):
    html = _text(client.get(reverse("portal:news") + "?kind=case"))
    assert "从小作坊到小巨人" in html and "市经信局召开专精特新企业座谈会" not in html
    html = _text(client.get(reverse("portal:news-detail", args=[articles["published"].pk])))
    assert "座谈会内容。" in html


def test_reports_page_is_empty_with_a_plain_message(client):
    assert "尚未发布年度报告" in _text(client.get(reverse("portal:reports")))


def test_services_page_shows_only_published_providers(client, city):
    from zjtx.servicedesk.models import ProviderListing

    ProviderListing.objects.create(
        name="已发布的检测中心",
        credit_code="91340200MA2W00001X",
        fee_policy="free",
        status="published",
    )
    ProviderListing.objects.create(
        name="待审核的咨询公司",
        credit_code="91340200MA2W00002X",
        fee_policy="free",
        status="submitted",
        contact_name="张三",
        contact_phone="13900000000",
    )
    html = _text(client.get(reverse("portal:services")))
    assert "已发布的检测中心" in html
    assert "待审核的咨询公司" not in html and "13900000000" not in html


def test_login_page_links_to_registration_notices_verification_and_portal(client):
    html = _text(client.get(reverse("accounts:login")))
    for name in ("enterprises:register", "portal:notices", "portal:verify", "portal:home"):
        assert reverse(name) in html, name


def test_root_sends_visitors_to_the_portal(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_calculator_works_for_a_certification_standard_too(client, policies):
    url = reverse("portal:calculator")
    html = _text(client.get(url + "?policy=miit2026.zjtx_sme"))
    assert "上年度营业收入" in html and "（万元）" in html
    response = client.post(
        url,
        {
            "policy": "miit2026.zjtx_sme",
            "fact__operating_revenue_y1_yuan": "800",
            "fact__debt_asset_ratio_pct": "95",
        },
    )
    assert response.status_code == 200
    html = _text(response)
    assert "不符合该政策" in html  # the debt ratio alone decides it
    assert "上年末资产负债率95%，高于80%" in html
    assert "800万元" in html  # the engine's own 万元 text is left as it is
