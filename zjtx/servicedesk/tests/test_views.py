"""Service-centre pages render in Chinese for each role; scoping gives 404 on pages too."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zjtx.servicedesk import services
from zjtx.servicedesk.models import Article, CategorySla, ClusterTown

pytestmark = pytest.mark.django_db


def test_enterprise_files_a_request_from_the_page(login, people):
    client = login(people["ent"])
    page = client.get(reverse("servicedesk:create"))
    assert "提交诉求" in page.content.decode()
    r = client.post(
        reverse("servicedesk:create"),
        {"category": "financing", "title": "设备贷款", "text": "需要贷款贴息政策"},
    )
    assert r.status_code == 302
    detail = client.get(r["Location"]).content.decode()
    assert "待受理" in detail and "工作日时限" in detail and "办件进度" in detail
    listing = client.get(reverse("servicedesk:list")).content.decode()
    assert "设备贷款" in listing


def test_filing_errors_name_the_field_in_chinese(login, people):
    client = login(people["ent"])
    r = client.post(
        reverse("servicedesk:create"), {"category": "financing", "title": "", "text": ""}
    )
    assert r.status_code == 200
    assert "请填写诉求标题" in r.content.decode()


def test_officer_page_shows_profile_policies_and_actions(login, people, file_request):
    req = file_request()
    client = login(people["unit"])
    body = client.get(reverse("servicedesk:detail", args=[req.pk])).content.decode()
    assert "企业档案信息" in body and "可能适用的政策" in body
    assert 'data-action="accept"' in body and "转办" in body
    r = client.post(reverse("servicedesk:transition", args=[req.pk, "accept"]))
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == "accepted"


def test_provider_sees_only_its_requests(login, people, file_request):
    CategorySla.objects.create(category="training", route_to="provider", provider=people["prov"])
    req = file_request(category="training")
    mine = login(people["provider"]).get(reverse("servicedesk:detail", args=[req.pk]))
    assert mine.status_code == 200
    other = login(people["other_provider"]).get(reverse("servicedesk:detail", args=[req.pk]))
    assert other.status_code == 404


def test_supervision_list_and_figures(login, people, file_request):
    req = file_request(today=date(2026, 9, 30))
    client = login(people["city"])
    body = client.get(reverse("servicedesk:overdue")).content.decode()
    assert "督办清单" in body and f"#{req.pk}" in body
    body = client.get(reverse("servicedesk:stats"), {"group_by": "unit"}).content.decode()
    assert "服务统计" in body and "镜湖区" in body
    assert "按时受理率（%）" in body and "%%" not in body
    xlsx = client.get(reverse("servicedesk:stats"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert login(people["ent"]).get(reverse("servicedesk:overdue")).status_code == 404


def test_event_signup_qr_and_check_in(login, people):
    from zjtx.servicedesk.events import event_create

    event = event_create(
        actor=people["provider"],
        title="知识产权沙龙",
        kind="salon",
        starts_at=timezone.now() + timedelta(days=3),
        place="企业服务大厅",
        capacity=20,
    )
    ent = login(people["ent"])
    ent.post(reverse("servicedesk:event-register", args=[event.pk]), {"attendee": "张经理"})
    body = ent.get(reverse("servicedesk:event", args=[event.pk])).content.decode()
    assert "<svg" in body and "入场时请出示此二维码" in body
    token = event.registrations.get().token
    assert ent.get(reverse("servicedesk:check-in", args=[token])).status_code == 404
    prov = login(people["provider"])
    assert prov.get(reverse("servicedesk:check-in", args=[token])).status_code == 200
    prov.post(reverse("servicedesk:check-in", args=[token]))
    assert event.registrations.get().checked_in_at is not None
    ent = login(people["ent"])
    ent.post(reverse("servicedesk:event-rate", args=[event.pk]), {"score": "5"})
    assert event.registrations.get().score == 5


def test_knowledge_providers_clusters_pages(login, people, units):
    Article.objects.create(
        kind="guide",
        title="市专精特新奖补申兑指南",
        who="市认定企业",
        office="市经信局",
        phone="0553-1234567",
    )
    ClusterTown.objects.create(name="繁昌孙村镇", unit=units["镜湖区"], regional_brand="孙村机械")
    client = login(people["city"])
    body = client.get(reverse("servicedesk:articles")).content.decode()
    assert "申兑指南" in body
    body = client.get(reverse("servicedesk:clusters")).content.decode()
    assert "融资服务机构" in body and "繁昌孙村镇" in body
    body = client.get(reverse("servicedesk:providers")).content.decode()
    assert "服务机构排名" in body
    suggest = login(people["ent"]).get(
        reverse("servicedesk:suggest"), {"text": "专精特新奖补怎么申请"}
    )
    assert "市专精特新奖补申兑指南" in suggest.content.decode()


def test_rating_page_after_confirmation(login, people, file_request):
    req = file_request()
    for action, who, reason in (
        ("accept", "unit", ""),
        ("close", "unit", "已答复"),
        ("confirm", "ent", ""),
    ):
        services.request_transition(request=req, action=action, actor=people[who], reason=reason)
    client = login(people["ent"])
    assert "评价服务" in client.get(reverse("servicedesk:detail", args=[req.pk])).content.decode()
    client.post(reverse("servicedesk:rate", args=[req.pk]), {"level": "satisfied"})
    req.refresh_from_db()
    assert req.status == "rated"


def test_city_sets_a_category_service_level(login, people, file_request):
    client = login(people["city"])
    assert "诉求类别时限" in client.get(reverse("servicedesk:sla")).content.decode()
    r = client.post(
        reverse("servicedesk:sla"),
        {
            "category": "ip",
            "accept_days": "2",
            "reply_days": "4",
            "resolve_days": "20",
            "route_to": f"provider:{people['prov'].pk}",
        },
    )
    assert r.status_code == 302
    req = file_request(category="ip")
    assert (req.accept_days, req.resolve_days, req.provider_id) == (2, 20, people["prov"].pk)
    r = client.post(
        reverse("servicedesk:sla"),
        {
            "category": "ip",
            "accept_days": "0",
            "reply_days": "9",
            "resolve_days": "3",
            "route_to": "unit_officer",
        },
    )
    assert r.status_code == 200 and "1到60" in r.content.decode()
    assert login(people["unit"]).get(reverse("servicedesk:sla")).status_code == 404


def test_attachments_are_served_in_scope_only(login, people, file_request, settings, tmp_path):
    from .conftest import PDF

    settings.MEDIA_ROOT = tmp_path
    req = file_request(attachments=[("清单.pdf", PDF)])
    attachment = req.attachments.get()
    url = reverse("servicedesk:attachment", args=[req.pk, attachment.pk])
    assert login(people["unit"]).get(url).status_code == 200
    assert login(people["other_ent"]).get(url).status_code == 404


def test_an_answer_becomes_a_knowledge_article(login, people, file_request):
    from zjtx.servicedesk.models import Article

    req = file_request()
    services.request_transition(request=req, action="accept", actor=people["unit"])
    services.request_transition(
        request=req, action="close", actor=people["unit"], reason="可申请贴息"
    )
    client = login(people["unit"])
    r = client.post(reverse("servicedesk:to-article", args=[req.pk]), {"title": "技改贷款贴息"})
    assert r.status_code == 302
    article = Article.objects.get(source_request=req)
    assert article.title == "技改贷款贴息" and "可申请贴息" in article.body
    assert (
        login(people["ent"]).post(reverse("servicedesk:to-article", args=[req.pk])).status_code
        == 302
    )
    assert Article.objects.count() == 1  # the enterprise cannot


def test_city_records_a_demonstration_platform(login, people):
    from zjtx.servicedesk.models import ProviderHonour

    client = login(people["city"])
    client.post(
        reverse("servicedesk:honour-add"),
        {"provider": people["prov"].pk, "year": "2026", "level": "provincial", "amount_wan": "20"},
    )
    honour = ProviderHonour.objects.get()
    assert honour.level == "provincial" and honour.amount_yuan == 200000
    assert (
        "省级中小企业公共服务示范平台"
        in client.get(reverse("servicedesk:providers")).content.decode()
    )


def test_city_records_a_cluster_and_sees_what_is_missing(login, people, units):
    from zjtx.servicedesk.models import ClusterTown

    client = login(people["city"])
    r = client.post(
        reverse("servicedesk:clusters"),
        {
            "name": "无为高沟镇",
            "kind": "town",
            "unit": units["无为市"].pk,
            "service_platform": people["prov"].pk,
            "tech_centre": people["other_firm"].credit_code,
            "regional_brand": "高沟电缆",
        },
    )
    assert r.status_code == 302
    cluster = ClusterTown.objects.get()
    assert cluster.missing == ["融资服务机构", "专业协会"]
    r = client.post(
        reverse("servicedesk:clusters"),
        {
            "name": "x",
            "kind": "town",
            "unit": units["无为市"].pk,
            "tech_centre": "91340200MA2W000000",
        },
    )
    assert r.status_code == 200 and ClusterTown.objects.count() == 1
    assert (
        login(people["unit"]).post(reverse("servicedesk:clusters"), {"name": "y"}).status_code
        == 404
    )
