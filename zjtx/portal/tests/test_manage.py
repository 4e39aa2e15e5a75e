"""The city officer keeps news, case stories and contact cards; nobody else may; every change is
audited and publishing clears the cached public pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_city_writes_publishes_and_withdraws_an_article_with_history_and_audit(login, city):
    from zjtx.core.models import AuditEvent
    from zjtx.portal.models import ContentItem

    c = login(city)
    response = c.post(
        reverse("portal:content-new"),
        {"kind": "news", "title": "新政策解读会", "body": "正文", "publish_on": "2026-01-05"},
    )
    assert response.status_code == 302
    item = ContentItem.objects.get(title="新政策解读会")
    assert item.status == "draft"
    c.post(reverse("portal:content-move", args=[item.pk, "publish"]))
    item.refresh_from_db()
    assert item.status == "published" and item.published_at is not None
    # Withdrawing needs a reason.
    c.post(reverse("portal:content-move", args=[item.pk, "withdraw"]))
    item.refresh_from_db()
    assert item.status == "published"
    c.post(reverse("portal:content-move", args=[item.pk, "withdraw"]), {"reason": "信息过时"})
    item.refresh_from_db()
    assert item.status == "withdrawn"
    assert list(item.events.order_by("id").values_list("action", flat=True)) == [
        "create",
        "publish",
        "withdraw",
    ]
    actions = set(
        AuditEvent.objects.filter(
            object_type="portal.contentitem", object_id=str(item.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"portal.content_create", "portal.content.publish", "portal.content.withdraw"}
    page = c.get(reverse("portal:content-edit", args=[item.pk])).content.decode()
    assert "信息过时" in page and "已撤回" in page


def test_article_form_errors_are_named_in_chinese(login, city):
    c = login(city)
    response = c.post(reverse("portal:content-new"), {"kind": "case", "title": "", "body": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写标题" in html and "典型案例须写明案例企业" in html


@pytest.mark.parametrize(
    "role", ["unit_officer", "enterprise", "expert", "bank", "provider", "sysadmin", "auditor"]
)
def test_content_management_is_the_city_officers_only(
    login, make_user, make_enterprise, units, articles, role
):
    scope = {}
    if role == "unit_officer":
        scope = {"unit": units["镜湖区"]}
    elif role == "enterprise":
        scope = {"enterprise": make_enterprise()}
    elif role == "bank":
        from zjtx.partners.models import FinancialInstitution

        scope = {"institution": FinancialInstitution.objects.create(name="测试银行")}
    elif role == "provider":
        from zjtx.partners.models import ServiceProvider

        scope = {"provider": ServiceProvider.objects.create(name="测试机构", platform="talent")}
    user = make_user(role, **scope)
    c = login(user)
    pk = articles["draft"].pk
    assert c.get(reverse("portal:manage")).status_code == 404
    assert c.get(reverse("portal:content-edit", args=[pk])).status_code == 404
    assert c.post(reverse("portal:content-move", args=[pk, "publish"])).status_code == 404
    articles["draft"].refresh_from_db()
    assert articles["draft"].status == "draft"


def test_services_refuse_anyone_but_the_city(make_user, units, articles):
    from zjtx.core.errors import NotFound
    from zjtx.portal import services

    unit = make_user("unit_officer", unit=units["镜湖区"])
    with pytest.raises(NotFound):
        services.content_save(actor=unit, kind="news", title="x", body="y")
    with pytest.raises(NotFound):
        services.content_transition(item=articles["draft"], action="publish", actor=unit)


def test_anonymous_manage_goes_to_login(client):
    response = client.get(reverse("portal:manage"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_publishing_clears_cached_pages(
    client, login, city, articles, django_capture_on_commit_callbacks
):
    from zjtx.portal import services

    url = reverse("portal:home")
    first = client.get(url)
    assert first["X-Portal-Cache"] == "miss"
    assert client.get(url)["X-Portal-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.content_transition(item=articles["draft"], action="publish", actor=city)
    fresh = client.get(url)
    assert fresh["X-Portal-Cache"] == "miss"
    assert "尚未发布的草稿新闻" in fresh.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.content_transition(
            item=articles["draft"], action="withdraw", actor=city, reason="误发"
        )
    assert "尚未发布的草稿新闻" not in client.get(url).content.decode()


def test_logged_in_users_are_not_served_from_the_cache(login, city, articles):
    c = login(city)
    url = reverse("portal:news")
    c.get(url)
    assert "X-Portal-Cache" not in c.get(url)


def test_contact_cards_show_on_the_portal_and_stand_in_for_a_missing_office(
    login, city, client, policies, django_capture_on_commit_callbacks
):
    c = login(city)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            reverse("portal:contact-new"),
            {
                "name": "市中小企业服务中心",
                "phone": "0553-3999999",
                "topics": "政策咨询",
                "sort_order": "1",
                "is_published": "on",
            },
        )
    assert response.status_code == 302
    html = client.get(reverse("portal:policy", args=["wuhu.tech_upgrade"])).content.decode()
    assert "市中小企业服务中心" in html and "0553-3999999" in html
    bad = c.post(reverse("portal:contact-new"), {"name": "", "phone": "abc"})
    assert bad.status_code == 400 and "联系电话只能包含数字" in bad.content.decode()
    from zjtx.portal.models import ContactCard

    card = ContactCard.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("portal:contact-delete", args=[card.pk]))
    assert not ContactCard.objects.exists()
    assert "市中小企业服务中心" not in client.get(reverse("portal:services")).content.decode()


def test_sidebar_offers_portal_content_to_the_city_officer(login, city):
    html = login(city).get(reverse("portal:manage")).content.decode()
    assert "门户内容" in html
