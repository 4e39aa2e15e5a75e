"""Each role's main job, walked from its home page: the waiting item is opened from the work
list, the step is taken on the case page, and back home the to-do count has gone down.

Screenshots of every role's home page, a round's stepper and an application's 办件进度 go to
/tmp/shots/cases/ at 1440 px and 390 px (issue 10), to be looked at.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from .conftest import login_as as _login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zjtx#2026demo"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHOTS = Path("/tmp/shots/cases")


def _shoot(page, name: str) -> None:
    """The page as it is, at 1440 px and at 390 px (a phone); nothing wider than the phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 390, f"{name} is {wide} px wide on a phone"
    page.set_viewport_size(size)


def _waiting(page) -> list[dict[str, Any]]:
    """The home page's 'waiting for me' groups: kind, count and the links of the items."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#home-waiting .list-group-item')).map(g => ({
            kind: g.querySelector('h3').childNodes[0].textContent.trim(),
            count: parseInt(g.querySelector('h3 .badge').textContent, 10),
            links: Array.from(g.querySelectorAll('ul a')).map(a => a.getAttribute('href')),
        }))"""
    )


def _total(page) -> int:
    return int(page.inner_text("#home-waiting .card-header .badge").strip())


def _group_of(page, url_part: str) -> dict[str, Any]:
    for group in _waiting(page):
        if any(url_part in link for link in group["links"]):
            return group
    raise AssertionError(f"no waiting item links to {url_part}: {_waiting(page)}")


def _count_of(page, kind: str) -> int:
    return next((g["count"] for g in _waiting(page) if g["kind"] == kind), 0)


def _open_from_home(page, base: str, url_part: str) -> tuple[str, int, int]:
    """From the home page, open the waiting item linking to `url_part`; (kind, count, total)."""
    page.goto(f"{base}/")
    group = _group_of(page, url_part)
    total = _total(page)
    page.locator(f"#home-waiting a[href*='{url_part}']").first.click()
    page.wait_for_load_state()
    return group["kind"], group["count"], total


def _back_home(page, base: str) -> None:
    page.goto(f"{base}/")
    page.wait_for_selector("#home-waiting")


# ------------------------------------------------------------------ the world


@pytest.fixture
def cert(units, make_enterprise, make_user):
    """A certification round open for applications, an enterprise with two years of figures."""
    from zjtx.accounts.services import otp_device_ensure
    from zjtx.certification import services
    from zjtx.enterprises.models import AnnualFinancial
    from zjtx.policy.services import policies_load

    policies_load()
    today = timezone.localdate()
    city = make_user("city_officer", username="city_roles_e2e", full_name="陈科长")
    otp_device_ensure(city)
    firm = make_enterprise(
        name="芜湖恒瑞精密机械有限公司",
        unit=units["镜湖区"],
        established_on=today.replace(year=2015),
    )
    for year, revenue, rd in (
        (today.year - 1, "50000000", "2500000"),
        (today.year - 2, "40000000", "2000000"),
    ):
        AnnualFinancial.objects.create(
            enterprise=firm,
            year=year,
            operating_revenue=Decimal(revenue),
            main_business_revenue=Decimal(revenue) * Decimal("0.9"),
            rd_expense=Decimal(rd),
            total_assets=Decimal("30000000"),
            total_liabilities=Decimal("12000000"),
            employees=120,
        )
    rnd = services.round_create(
        actor=city,
        year=today.year,
        title=f"{today.year}年度市级专精特新中小企业认定",
        program_id="miit2026.zjtx_sme",
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
        required_materials=[{"code": "business_licence", "label": "营业执照", "required": True}],
    )
    rnd = services.round_set_status(round=rnd, status="open", actor=city)
    ent = make_user("enterprise", username="hengrui_roles_e2e", enterprise=firm, full_name="李经理")
    unit = make_user(
        "unit_officer", username="jinghu_roles_e2e", unit=units["镜湖区"], full_name="张科员"
    )
    app = services.application_create(round=rnd, actor=ent)
    for m in app.form_schema["materials"]:
        services.material_upload(
            application=app, kind=m["code"], name=f"{m['code']}.pdf", content=PDF, actor=ent
        )
    return {"round": rnd, "app": app, "city": city, "ent": ent, "unit": unit, "firm": firm}


def _submit(cert) -> Any:
    from zjtx.certification import services

    return services.application_transition(
        application=cert["app"], action="submit", actor=cert["ent"]
    )


def _recommend(cert) -> Any:
    from zjtx.certification import services

    _submit(cert)
    return services.application_transition(
        application=cert["app"], action="recommend", actor=cert["unit"], rank=1, opinion="材料齐全"
    )


def _experts(make_user, units, n: int = 2) -> list[Any]:
    from zjtx.certification import services

    city = make_user("city_officer")
    out = []
    for i in range(n):
        user = make_user("expert", username=f"expert_roles_{i}_e2e", full_name=f"专家{i + 1}")
        out.append(
            services.expert_profile_save(user=user, actor=city, unit=units["经济技术开发区"])
        )
    return out


# ------------------------------------------------------------------ the roles


def test_enterprise_submits_its_draft_from_the_home_page(live_server, page, cert):
    base = live_server.url
    _login(page, base, cert["ent"])
    _shoot(page, "home-enterprise")
    url = f"/certification/applications/{cert['app'].pk}/"
    kind, count, total = _open_from_home(page, base, url)
    assert page.locator("#timeline").is_visible()
    page.locator("form:has(input[name=action][value=submit]) button").click()
    page.wait_for_load_state()
    assert page.inner_text("#status") == "待县区初审"
    # The timeline now has the submission and the unit's 初审 deadline.
    assert "办件进度" in page.inner_text("#timeline")
    assert page.locator("#timeline-deadline").is_visible()
    _back_home(page, base)
    assert _count_of(page, kind) == count - 1 and _total(page) == total - 1


def test_unit_officer_reviews_and_recommends_from_the_home_page(live_server, page, cert):
    base = live_server.url
    _submit(cert)
    _login(page, base, cert["unit"])
    _shoot(page, "home-unit-officer")
    url = f"/certification/applications/{cert['app'].pk}/"
    kind, count, total = _open_from_home(page, base, url)
    form = page.locator("form:has(input[name=action][value=recommend])")
    form.locator("input[name=rank]").fill("1")
    form.locator("textarea[name=opinion]").fill("材料真实完整，同意推荐")
    form.locator("button").click()
    page.wait_for_load_state()
    assert "材料真实完整" not in page.inner_text("#timeline")  # an opinion is no reason
    assert "推荐" in page.inner_text("#timeline")
    _shoot(page, "application-timeline")
    _back_home(page, base)
    assert _count_of(page, kind) == count - 1 and _total(page) == total - 1


def test_city_officer_closes_the_round_and_starts_expert_review(
    live_server, page, cert, make_user, units
):
    base = live_server.url
    _recommend(cert)
    _experts(make_user, units)
    _login(page, base, cert["city"])
    _shoot(page, "home-city-officer")
    url = f"/certification/applications/{cert['app'].pk}/"
    kind, count, _total_before = _open_from_home(page, base, url)
    page.locator(f"a[href$='/certification/rounds/{cert['round'].pk}/']").first.click()
    page.wait_for_selector("#round-stage")
    assert page.inner_text("#current-stage") == "申报中"
    # Expert review is not offered yet, and the page says why.
    assert "申报尚未截止" in page.inner_text("#round-ops-blocked")
    assert page.locator("button[data-op=start_review]").count() == 0
    _shoot(page, "round-stepper-open")
    page.locator("form:has(input[name=status][value=closed]) button").click()
    page.wait_for_selector("button[data-op=assign]")
    page.click("button[data-op=assign]")
    page.wait_for_selector("button[data-op=start_review]")
    page.click("button[data-op=start_review]")
    page.wait_for_load_state()
    assert page.inner_text("#current-stage") == "专家评审"
    _shoot(page, "round-stepper")
    # The round's applications filter by status.
    page.select_option("#application-filter select[name=status]", "expert_review")
    page.click("#application-filter button")
    assert cert["firm"].name in page.inner_text("#round-applications")
    _back_home(page, base)
    assert _count_of(page, kind) == count - 1


def test_expert_scores_an_assigned_application_from_the_home_page(
    live_server, page, cert, make_user, units
):
    from zjtx.certification import services

    base = live_server.url
    app = _recommend(cert)
    experts = _experts(make_user, units)
    for e in experts:
        services.expert_assign(application=app, expert=e, actor=cert["city"])
    services.round_set_status(round=cert["round"], status="closed", actor=cert["city"])
    services.applications_transition_batch(
        round=cert["round"], action="start_review", actor=cert["city"]
    )
    _login(page, base, experts[0].user)
    _shoot(page, "home-expert")
    url = f"/certification/applications/{app.pk}/"
    kind, count, total = _open_from_home(page, base, url)
    for item in app.form_schema["rubric"]:
        page.fill(f"#s-{item['id']}", "15")
        page.fill(f"#c-{item['id']}", "技术积累较好")
    page.check("#undertaking")
    page.click("form[action$='/scores/'] button[type=submit]")
    page.wait_for_load_state()
    _back_home(page, base)
    assert _count_of(page, kind) == count - 1 and _total(page) == total - 1


@pytest.fixture
def bank_world(units, make_enterprise, make_user):
    from zjtx.financing.services import demand_publish
    from zjtx.partners.models import FinancialInstitution

    firm = make_enterprise(name="芜湖融创电子有限公司", unit=units["镜湖区"])
    ent = make_user("enterprise", username="rongchuang_roles_e2e", enterprise=firm)
    bank = FinancialInstitution.objects.create(name="徽商银行芜湖分行")
    banker = make_user("bank", username="huishang_roles_e2e", institution=bank, full_name="王经理")
    today = timezone.localdate()
    demand = demand_publish(
        enterprise=firm,
        fields={
            "amount_yuan": Decimal("3000000"),
            "term_months": 12,
            "purpose": "working_capital",
            "guarantees": ["credit"],
            "needed_by": today + timedelta(days=60),
        },
        consents=[
            {
                "institution_id": bank.pk,
                "scopes": ["financials"],
                "until": today + timedelta(days=90),
            }
        ],
        actor=ent,
    )
    return {"demand": demand, "banker": banker}


def test_bank_takes_up_a_demand_from_the_home_page(live_server, page, bank_world):
    base = live_server.url
    _login(page, base, bank_world["banker"])
    _shoot(page, "home-bank")
    url = f"/financing/demands/{bank_world['demand'].pk}/"
    kind, count, _total_before = _open_from_home(page, base, url)
    page.locator("form:has(input[name=action][value=take_up]) button").click()
    page.wait_for_selector("#engagement-status")
    assert "受理" in page.inner_text("#timeline")
    _back_home(page, base)
    assert _count_of(page, kind) == count - 1


@pytest.fixture
def provider_world(units, make_enterprise, make_user):
    from zjtx.partners.models import ServiceProvider
    from zjtx.servicedesk.services import request_file, request_route

    firm = make_enterprise(name="芜湖精研检测有限公司", unit=units["镜湖区"])
    ent = make_user("enterprise", username="jingyan_roles_e2e", enterprise=firm)
    unit = make_user("unit_officer", username="jinghu_sd_roles_e2e", unit=units["镜湖区"])
    provider = ServiceProvider.objects.create(name="皖江知识产权服务中心", platform="technology")
    handler = make_user("provider", username="ip_roles_e2e", provider=provider, full_name="赵顾问")
    request = request_file(
        enterprise=firm,
        category="ip",
        title="发明专利布局咨询",
        text="两项发明专利需要布局",
        actor=ent,
    )
    request_route(request=request, to="provider", provider=provider, actor=unit, reason="对口服务")
    return {"request": request, "handler": handler}


def test_provider_accepts_a_request_from_the_home_page(live_server, page, provider_world):
    base = live_server.url
    _login(page, base, provider_world["handler"])
    _shoot(page, "home-provider")
    url = f"/services/{provider_world['request'].pk}/"
    kind, count, _total_before = _open_from_home(page, base, url)
    page.click("button[data-action='accept']")
    page.wait_for_selector("[data-status='accepted']")
    assert "受理" in page.inner_text("#timeline")
    _back_home(page, base)
    assert _count_of(page, kind) == count - 1
