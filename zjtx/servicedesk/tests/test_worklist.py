"""Service requests on the home page: the current handler's queue with the clock's deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from zjtx.core.models import WorkflowClock
from zjtx.core.worklist import home_work_for
from zjtx.servicedesk import services
from zjtx.servicedesk.models import CategorySla, EventRegistration, ServiceEvent
from zjtx.servicedesk.workflow import SERVICE_REQUEST

pytestmark = pytest.mark.django_db


def home(client: Any) -> str:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def _groups(user: Any) -> dict[str, int]:
    with override("en"):
        return {str(g.kind): g.count for g in home_work_for(user).waiting}


def _accept_due(req: Any) -> Any:
    return WorkflowClock.objects.get(
        workflow=SERVICE_REQUEST.name, object_id=str(req.pk), clock="accept"
    ).due_on


@pytest.fixture
def assigned(people, file_request):
    CategorySla.objects.create(category="training", route_to="provider", provider=people["prov"])
    req = file_request(category="training", title="数字化转型培训需求")
    assert (req.handler, req.provider_id) == ("provider", people["prov"].pk)
    return req


def test_provider_home_shows_its_assigned_request_and_the_accept_deadline(people, assigned, login):
    html = home(login(people["provider"]))
    assert "待您受理的服务诉求" in html
    assert "数字化转型培训需求" in html
    assert f"/services/{assigned.pk}/" in html
    assert _accept_due(assigned).strftime("%Y-%m-%d") in html

    other = home(login(people["other_provider"]))
    assert "数字化转型培训需求" not in other
    assert "待您受理的服务诉求" not in other


def test_handler_counts_move_through_accept_reply_answer_and_enterprise_confirms(people, assigned):
    provider, ent = people["provider"], people["ent"]
    assert _groups(provider) == {"Service requests awaiting your acceptance": 1}
    assert _groups(people["other_provider"]) == {}
    # The unit does not handle it while the provider does.
    assert "Service requests awaiting your acceptance" not in _groups(people["unit"])

    services.request_transition(request=assigned, action="accept", actor=provider)
    assert _groups(provider) == {"Service requests awaiting your reply": 1}

    services.request_transition(
        request=assigned, action="reply", actor=provider, reason="已电话联系，安排培训。"
    )
    assert _groups(provider) == {"Service requests awaiting your answer": 1}
    assert _groups(ent) == {}

    services.request_transition(
        request=assigned,
        action="close",
        actor=provider,
        reason="已安排11月培训。",
        data={"answer": "已安排11月培训。"},
    )
    assert _groups(provider) == {}
    assert _groups(ent) == {"Answered service requests awaiting your confirmation": 1}
    assert _groups(people["other_ent"]) == {}


def test_city_sees_overdue_requests_and_the_unit_its_queue(people, file_request):
    today = timezone.localdate()
    req = file_request(today=today - timedelta(days=30), category="ip")
    assert req.handler == "unit_officer"
    unit = _groups(people["unit"])
    assert unit["Service requests awaiting your acceptance"] == 1
    assert unit["Overdue service requests under supervision (督办)"] == 1
    assert _groups(people["other_unit"]) == {}
    assert _groups(people["city"]) == {"Overdue service requests under supervision (督办)": 1}


def test_upcoming_events_for_the_registered_enterprise_and_the_provider(people):
    starts = timezone.now() + timedelta(days=7)
    event = ServiceEvent.objects.create(
        title="专精特新政策宣讲会",
        kind="salon",
        starts_at=starts,
        place="市政务中心",
        capacity=50,
        provider=people["prov"],
    )
    EventRegistration.objects.create(
        event=event, enterprise=people["firm"], attendee="张三", token="tok-worklist-1"
    )
    for user in (people["ent"], people["provider"]):
        upcoming = home_work_for(user).upcoming
        assert [u.on for u in upcoming] == [timezone.localdate(starts)]
        assert "专精特新政策宣讲会" in str(upcoming[0].label)
    assert home_work_for(people["other_ent"]).upcoming == []
    assert home_work_for(people["other_provider"]).upcoming == []
