"""Knowledge-base upkeep by the city, attended events on the profile, event ratings via API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent
from zjtx.servicedesk import knowledge
from zjtx.servicedesk.events import event_check_in, event_create, event_register
from zjtx.servicedesk.models import Article
from zjtx.servicedesk.selectors import events_attended_by

from .test_api import API, caller

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    from zjtx.policy.models import PolicyProgram

    return PolicyProgram.objects.create(
        id="wuhu.test_award",
        kind="award",
        title="市专精特新奖补",
        document="芜政办",
        source="二(一)",
    )


GUIDE = {
    "who": "市认定的专精特新企业",
    "conditions": "当年新认定",
    "amount": "一次性奖励20万元",
    "materials": "申请表；营业执照",
    "time_limit": "受理后15个工作日",
    "office": "市经信局中小企业科",
    "phone": "0553-3838000",
}


# ------------------------------------------------------------------ knowledge base


def test_city_creates_and_edits_an_article_with_packages(login, people, program):
    city = login(people["city"])
    assert city.get(reverse("servicedesk:article-create")).status_code == 200
    r = city.post(
        reverse("servicedesk:article-create"),
        {
            "title": "技改贴息常见问题",
            "body": "问：如何申请？答：见指南。",
            "category": "financing",
            "linked_programs": [program.id],
        },
    )
    article = Article.objects.get(title="技改贴息常见问题")
    assert r.status_code == 302 and article.linked_programs == [program.id]
    assert article.kind == "article" and article.category == "financing"
    body = city.get(reverse("servicedesk:article-manage")).content.decode()
    assert reverse("servicedesk:article-edit", args=[article.pk]) in body
    r = city.post(
        reverse("servicedesk:article-edit", args=[article.pk]),
        {"title": "技改贴息问答", "body": "新的答案", "category": ""},
    )
    article.refresh_from_db()
    assert article.title == "技改贴息问答" and article.linked_programs == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"servicedesk.article.create", "servicedesk.article.update"} <= actions


def test_article_form_shows_field_errors_in_chinese(login, people):
    city = login(people["city"])
    r = city.post(
        reverse("servicedesk:article-create"),
        {"title": "", "body": "", "category": "nope", "linked_programs": ["no.such"]},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "is-invalid" in body and "标题" in body
    assert not Article.objects.exists()
    with pytest.raises(DomainError) as caught:
        knowledge.article_save(
            actor=people["city"], title="", body="", category="x", linked_programs=["no.such"]
        )
    assert caught.value.code == "invalid_input"
    assert set(caught.value.fields) == {"title", "body", "category", "linked_programs"}


def test_city_writes_a_guide_for_a_package_once(login, people, program):
    city = login(people["city"])
    r = city.post(reverse("servicedesk:guide-create"), {"program_id": program.id, **GUIDE})
    guide = Article.objects.get(kind="guide")
    assert r.status_code == 302 and guide.program_id == program.id
    assert guide.title == "市专精特新奖补申兑指南" or program.title in guide.title
    assert guide.phone == "0553-3838000" and guide.office == "市经信局中小企业科"
    r = city.post(reverse("servicedesk:guide-create"), {"program_id": program.id, **GUIDE})
    assert r.status_code == 400 and Article.objects.filter(kind="guide").count() == 1
    with pytest.raises(DomainError) as caught:
        knowledge.guide_save(actor=people["city"], program_id=program.id, values=GUIDE)
    assert caught.value.code == "guide_exists"
    r = city.post(
        reverse("servicedesk:article-edit", args=[guide.pk]),
        {"program_id": program.id, **GUIDE, "amount": "最高50万元", "phone": "电话"},
    )
    assert r.status_code == 400 and "is-invalid" in r.content.decode()
    r = city.post(
        reverse("servicedesk:article-edit", args=[guide.pk]),
        {"program_id": program.id, **GUIDE, "amount": "最高50万元"},
    )
    guide.refresh_from_db()
    assert r.status_code == 302 and guide.amount == "最高50万元"
    assert AuditEvent.objects.filter(action="servicedesk.guide.update").exists()


def test_guide_requires_every_field(people, program):
    with pytest.raises(DomainError) as caught:
        knowledge.guide_save(actor=people["city"], program_id="", values={})
    assert caught.value.code == "invalid_input"
    assert set(caught.value.fields) == {"program_id", *knowledge.GUIDE_FIELDS}


@pytest.mark.parametrize("who", ["ent", "unit", "provider"])
def test_only_the_city_maintains_the_knowledge_base(login, people, program, who):
    article = Article.objects.create(title="常见问题", body="答")
    client = login(people[who])
    assert client.get(reverse("servicedesk:article-manage")).status_code == 404
    assert client.get(reverse("servicedesk:article-create")).status_code == 404
    r = client.post(
        reverse("servicedesk:article-edit", args=[article.pk]), {"title": "改", "body": "改"}
    )
    assert r.status_code == 404
    r = client.post(reverse("servicedesk:guide-create"), {"program_id": program.id, **GUIDE})
    assert r.status_code == 404
    article.refresh_from_db()
    assert article.title == "常见问题" and Article.objects.count() == 1
    # Enterprises still read it.
    if who == "ent":
        assert client.get(reverse("servicedesk:article", args=[article.pk])).status_code == 200
    with pytest.raises(DomainError) as caught:
        knowledge.article_save(actor=people[who], title="x", body="y")
    assert caught.value.code == "not_found"


# ------------------------------------------------------------------ attended events


def _attended_event(people, *, training=True, title="经理人培训班"):
    event = event_create(
        actor=people["provider"],
        title=title,
        kind="training",
        starts_at=timezone.now() + timedelta(days=2),
        place="大厅",
        capacity=10,
        manager_training=training,
    )
    reg = event_register(event=event, actor=people["ent"])
    event_check_in(token=reg.token, actor=people["provider"])
    return event


def test_profile_lists_events_attended(login, people):
    event = _attended_event(people)
    skipped = event_create(
        actor=people["provider"],
        title="未到场沙龙",
        kind="salon",
        starts_at=timezone.now() + timedelta(days=2),
        place="大厅",
        capacity=10,
    )
    event_register(event=skipped, actor=people["ent"])
    url = reverse("enterprises:detail", args=[people["firm"].credit_code])
    for who in ("ent", "unit", "city"):
        body = login(people[who]).get(url).content.decode()
        assert "events-attended" in body and "经理人培训班" in body, who
        assert "未到场沙龙" not in body and "芜湖科创服务中心" in body
    assert [
        r.event_id for r in events_attended_by(enterprise=people["firm"], user=people["ent"])
    ] == [event.pk]
    for who in ("other_unit", "other_ent", "provider"):
        assert events_attended_by(enterprise=people["firm"], user=people[who]) == [], who


# ------------------------------------------------------------------ ratings via the API


def test_checked_in_enterprise_rates_an_event_once(client, people):
    event = _attended_event(people)
    ent = caller(client, people["ent"])
    url = f"{API}/events/{event.pk}/ratings"
    r = ent.post(url, {"score": 6})
    assert r.status_code == 400 and r.json()["code"] == "invalid_rating"
    assert "score" in r.json()["fields"]
    r = ent.post(url, {"score": 4, "comment": "很有收获"})
    assert r.status_code == 201, r.content
    assert r.json() == {
        "event": event.pk,
        "enterprise": people["firm"].pk,
        "score": 4,
        "comment": "很有收获",
    }
    r = ent.post(url, {"score": 5})
    assert r.status_code == 409 and r.json()["code"] == "event_already_rated"
    assert event.registrations.get().score == 4
    assert AuditEvent.objects.filter(action="servicedesk.event.rate").count() == 1


def test_rating_errors(client, people):
    event = _attended_event(people)
    other = caller(client, people["other_ent"])
    r = other.post(f"{API}/events/{event.pk}/ratings", {"score": 5})
    assert r.status_code == 409 and r.json()["code"] == "not_registered"
    r = caller(client, people["city"]).post(f"{API}/events/{event.pk}/ratings", {"score": 5})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = caller(client, people["other_provider"]).post(
        f"{API}/events/{event.pk}/ratings", {"score": 5}
    )
    assert r.status_code == 404
    ent = caller(client, people["ent"])
    assert ent.post(f"{API}/events/999999/ratings", {"score": 5}).status_code == 404
    r = ent.post(f"{API}/events/{event.pk}/ratings", {"score": "abc", "extra": 1})
    assert r.status_code == 400 and set(r.json()) == {"code", "message", "fields"}
    r = ent.post(f"{API}/events/{event.pk}/ratings", {"score": 3, "comment": "长" * 501})
    assert r.status_code == 400 and "comment" in r.json()["fields"]
    assert event.registrations.get().score is None


def test_rating_route_is_in_the_openapi_with_error_schema():
    from config.api import api

    spec = api.get_openapi_schema()
    op = spec["paths"]["/api/v1/services/events/{event_id}/ratings"]["post"]
    responses = {str(k): v for k, v in op["responses"].items()}
    for status in ("400", "404", "409"):
        ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/ErrorOut")
