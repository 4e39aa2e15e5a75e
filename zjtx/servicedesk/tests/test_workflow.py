"""Request clocks across 国庆 2026 (1-7 Oct holiday, Saturday 10 Oct a 调休 working day),
pause while waiting for the enterprise, extension, escalation, reopen, rating after close."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from zjtx.core.errors import DomainError
from zjtx.core.models import WorkflowClock
from zjtx.core.workdays import add_working_days
from zjtx.servicedesk import selectors, services
from zjtx.servicedesk.models import CategorySla, ServiceRequest
from zjtx.servicedesk.workflow import SERVICE_REQUEST

pytestmark = pytest.mark.django_db

FILED = date(2026, 9, 30)  # Wednesday before the National Day break


def _clock(req, name, state=None):
    qs = WorkflowClock.objects.filter(
        workflow=SERVICE_REQUEST.name, object_id=str(req.pk), clock=name
    ).order_by("-id")
    if state:
        qs = qs.filter(state=state)
    return qs.first()


def _step(req, action, who, people, day, reason="", **data):
    return services.request_transition(
        request=req, action=action, actor=people[who], reason=reason, data=data, today=day
    )


def test_filing_starts_accept_and_resolve_clocks_across_the_holiday(file_request):
    req = file_request(today=FILED)
    assert req.status == "filed" and req.handler == "unit_officer"
    assert _clock(req, "accept").due_on == date(2026, 10, 8)
    # 15 working days: 30 Sep excluded, 8, 9, 10 (调休 Saturday), 12 … 27 October.
    assert _clock(req, "resolve").due_on == date(2026, 10, 27)
    assert _clock(req, "reply") is None
    req.refresh_from_db()
    assert req.due_on == date(2026, 10, 8)
    assert req.events.get().action == "file"


def test_reply_clock_counts_the_adjusted_saturday(file_request, people):
    req = file_request(today=FILED)
    _step(req, "accept", "unit", people, date(2026, 10, 8))
    assert _clock(req, "accept").state == "met"
    reply = _clock(req, "reply")
    assert reply.due_on == date(2026, 10, 12)  # 9, 10 (Saturday, worked), 12 October
    _step(req, "reply", "unit", people, date(2026, 10, 13), reason="已联系银行")
    reply.refresh_from_db()
    assert reply.state == "breached"
    req.refresh_from_db()
    assert req.accept_on_time is True and req.reply_on_time is False


def test_waiting_for_the_enterprise_pauses_the_resolve_clock(file_request, people):
    req = file_request(today=FILED)
    _step(req, "accept", "unit", people, date(2026, 10, 8))
    _step(req, "ask_enterprise", "unit", people, date(2026, 10, 9), reason="请补充设备清单")
    resolve = _clock(req, "resolve")
    assert resolve.state == "paused" and resolve.remaining_days == 13
    assert _clock(req, "reply").state == "met"  # asking is a reply
    req.refresh_from_db()
    assert req.due_on is None
    _step(req, "supplement", "ent", people, date(2026, 10, 20), reason="清单已上传")
    resolve.refresh_from_db()
    assert resolve.state == "running"
    assert resolve.due_on == add_working_days(date(2026, 10, 20), 13) == date(2026, 11, 6)


def test_category_service_levels_set_the_days(people, file_request):
    CategorySla.objects.create(
        category="ip", accept_days=2, reply_days=5, resolve_days=10, route_to="unit_officer"
    )
    req = file_request(today=FILED, category="ip")
    assert (req.accept_days, req.resolve_days) == (2, 10)
    assert _clock(req, "accept").due_on == date(2026, 10, 9)
    assert _clock(req, "resolve").due_on == add_working_days(FILED, 10) == date(2026, 10, 20)


def test_an_approved_extension_makes_the_resolve_limit_30_working_days(file_request, people):
    req = file_request(today=FILED)
    ext = services.extension_request(request=req, reason="需协调土地指标", actor=people["unit"])
    with pytest.raises(DomainError) as err:
        services.extension_request(request=req, reason="再次申请", actor=people["unit"])
    assert err.value.code == "extension_pending"
    with pytest.raises(DomainError) as err:
        services.extension_decide(extension=ext, approve=True, actor=people["unit"])
    assert err.value.status == 404
    services.extension_decide(extension=ext, approve=True, actor=people["city"], today=FILED)
    req.refresh_from_db()
    assert req.extended and req.resolve_days == 30
    assert _clock(req, "resolve").due_on == add_working_days(FILED, 30) == date(2026, 11, 17)
    with pytest.raises(DomainError) as err:
        services.extension_request(request=req, reason="第三次", actor=people["unit"])
    assert err.value.code == "extension_not_possible"


def test_extension_while_paused_adds_days_in_hand(file_request, people):
    req = file_request(today=FILED)
    _step(req, "accept", "unit", people, date(2026, 10, 8))
    _step(req, "ask_enterprise", "unit", people, date(2026, 10, 9), reason="请补充")
    ext = services.extension_request(request=req, reason="复杂", actor=people["unit"])
    services.extension_decide(extension=ext, approve=True, actor=people["city"], today=FILED)
    assert _clock(req, "resolve").remaining_days == 13 + 15


def test_overdue_requests_escalate_provider_unit_city_onto_the_supervision_list(
    file_request, people
):
    CategorySla.objects.create(category="training", route_to="provider", provider=people["prov"])
    req = file_request(today=FILED, category="training")
    assert (req.handler, req.provider_id) == ("provider", people["prov"].pk)
    assert _clock(req, "accept").role == "provider"
    assert list(selectors.overdue_list_for(user=people["unit"], today=date(2026, 10, 8))) == []
    assert services.requests_escalate(today=date(2026, 10, 9)) == 1
    req.refresh_from_db()
    assert (req.handler, req.escalation_level) == ("unit_officer", 1)
    assert _clock(req, "accept").role == "unit_officer"
    assert req.accept_on_time is False
    day = date(2026, 10, 9)
    assert list(selectors.overdue_list_for(user=people["unit"], today=day)) == [req]
    assert list(selectors.overdue_list_for(user=people["other_unit"], today=day)) == []
    assert list(selectors.overdue_list_for(user=people["city"], today=day)) == [req]
    assert list(selectors.overdue_list_for(user=people["provider"], today=day)) == []
    services.requests_escalate(today=date(2026, 10, 10))
    req.refresh_from_db()
    assert (req.handler, req.escalation_level) == ("city_officer", 2)
    assert _clock(req, "resolve").role == "city_officer"
    assert [e.action for e in req.events.all()] == ["file", "escalate", "escalate"]
    # The provider still sees it (it was assigned) but can no longer act on it.
    with pytest.raises(DomainError) as err:
        _step(req, "accept", "provider", people, date(2026, 10, 12))
    assert err.value.code == "not_handler"


def test_dispatch_to_a_provider_needs_a_reason_and_moves_the_clocks(file_request, people):
    req = file_request(today=FILED)
    with pytest.raises(DomainError) as err:
        services.request_route(
            request=req, to="provider", provider=people["prov"], reason=" ", actor=people["unit"]
        )
    assert err.value.code == "reason_required"
    services.request_route(
        request=req,
        to="provider",
        provider=people["prov"],
        reason="技术服务平台对口",
        actor=people["unit"],
    )
    req.refresh_from_db()
    assert (req.handler, req.provider_id) == ("provider", people["prov"].pk)
    assert {_clock(req, "accept").role, _clock(req, "resolve").role} == {"provider"}
    event = req.events.last()
    assert (event.action, event.reason) == ("route", "技术服务平台对口")
    with pytest.raises(DomainError) as err:
        services.request_route(request=req, to="city_officer", reason="x", actor=people["unit"])
    assert err.value.code == "not_handler"
    # A provider hands back to the unit only.
    with pytest.raises(DomainError) as err:
        services.request_route(request=req, to="city_officer", reason="x", actor=people["provider"])
    assert err.value.code == "invalid_route"
    services.request_route(
        request=req, to="unit_officer", reason="非本机构业务", actor=people["provider"]
    )


def test_another_provider_gets_404(file_request, people):
    CategorySla.objects.create(category="training", route_to="provider", provider=people["prov"])
    req = file_request(today=FILED, category="training")
    assert selectors.request_get(user=people["provider"], pk=req.pk) == req
    with pytest.raises(Http404):
        selectors.request_get(user=people["other_provider"], pk=req.pk)
    with pytest.raises(Http404):
        selectors.request_get(user=people["other_unit"], pk=req.pk)
    with pytest.raises(Http404):
        selectors.request_get(user=people["other_ent"], pk=req.pk)
    with pytest.raises(DomainError) as err:
        _step(req, "accept", "other_provider", people, FILED)
    assert err.value.status == 404


def _answered(file_request, people):
    req = file_request(today=FILED)
    _step(req, "accept", "unit", people, date(2026, 10, 8))
    _step(req, "reply", "unit", people, date(2026, 10, 9), reason="已对接银行")
    _step(req, "close", "unit", people, date(2026, 10, 12), reason="已获批贷款500万元")
    return req


def test_closing_needs_a_written_answer(file_request, people):
    req = file_request(today=FILED)
    _step(req, "accept", "unit", people, date(2026, 10, 8))
    with pytest.raises(DomainError) as err:
        _step(req, "close", "unit", people, date(2026, 10, 9), reason="  ")
    assert err.value.code == "reason_required"
    _step(req, "close", "unit", people, date(2026, 10, 9), reason="答复内容")
    req.refresh_from_db()
    assert req.status == "answered" and req.answer == "答复内容"
    assert _clock(req, "resolve").state == "met" and req.resolve_on_time is True
    assert req.due_on is None


def test_reopen_starts_a_new_resolve_clock(file_request, people):
    req = _answered(file_request, people)
    _step(req, "reopen", "ent", people, date(2026, 10, 13), reason="贷款额度不够")
    req.refresh_from_db()
    assert (req.status, req.reopen_count) == ("replied", 1)
    clocks = WorkflowClock.objects.filter(
        workflow=SERVICE_REQUEST.name, object_id=str(req.pk), clock="resolve"
    ).order_by("id")
    assert [c.state for c in clocks] == ["met", "running"]
    assert clocks[1].due_on == add_working_days(date(2026, 10, 13), 15)


def test_rating_only_after_close_and_confirmation(file_request, people):
    req = file_request(today=FILED)
    with pytest.raises(DomainError) as err:
        services.request_rate(request=req, level="satisfied", reason="", actor=people["ent"])
    assert (err.value.status, err.value.code) == (409, "transition_not_allowed")
    req = _answered(file_request, people)
    with pytest.raises(DomainError) as err:
        services.request_rate(request=req, level="satisfied", reason="", actor=people["ent"])
    assert err.value.code == "transition_not_allowed"
    _step(req, "confirm", "ent", people, date(2026, 10, 13))
    with pytest.raises(DomainError) as err:
        services.request_rate(request=req, level="dissatisfied", reason="", actor=people["ent"])
    assert err.value.code == "reason_required"
    with pytest.raises(DomainError) as err:
        services.request_rate(request=req, level="great", reason="", actor=people["ent"])
    assert err.value.code == "invalid_rating"
    with pytest.raises(DomainError) as err:
        services.request_rate(request=req, level="satisfied", reason="", actor=people["unit"])
    assert err.value.code == "role_not_allowed"
    services.request_rate(request=req, level="fairly", reason="速度可以更快", actor=people["ent"])
    req.refresh_from_db()
    assert req.status == "rated" and req.rating.level == "fairly"
    services.callback_record(request=req, level="satisfied", note="电话回访", actor=people["city"])
    assert req.callbacks.count() == 1


def test_filing_refuses_bad_input_and_other_units(people):
    with pytest.raises(DomainError) as err:
        services.request_file(
            enterprise=people["firm"], category="nope", title="t", text="x", actor=people["ent"]
        )
    assert err.value.code == "invalid_category"
    with pytest.raises(DomainError) as err:
        services.request_file(
            enterprise=people["firm"], category="ip", title="", text="", actor=people["ent"]
        )
    assert set(err.value.fields) == {"title", "text"}
    with pytest.raises(DomainError) as err:
        services.request_file(
            enterprise=people["firm"],
            category="ip",
            title="t",
            text="x",
            actor=people["other_unit"],
        )
    assert err.value.status == 404
    req = services.request_file(
        enterprise=people["firm"],
        category="ip",
        title="走访记录",
        text="专利申请",
        actor=people["unit"],
        channel="visit",
    )
    assert req.channel == "visit" and req.filed_by == people["unit"]


def test_complaints_go_to_the_city_by_default(file_request):
    req = file_request(today=FILED, category="complaint")
    assert req.handler == "city_officer"
    assert ServiceRequest.objects.get(pk=req.pk).events.get().reason.startswith("")


def test_deciding_an_extension_never_redirects_off_site(client, login, file_request, people):
    req = file_request()
    ext = services.extension_request(request=req, reason="需协调土地指标", actor=people["unit"])
    login(people["city"])
    url = f"/services/extensions/{ext.pk}/"
    response = client.post(url, {"decision": "approve", "next": "https://evil.example/x"})
    assert response.status_code == 302 and response["Location"] == "/services/overdue/"
    other = services.extension_request(
        request=file_request(), reason="需协调用电指标", actor=people["unit"]
    )
    response = client.post(
        f"/services/extensions/{other.pk}/", {"decision": "approve", "next": f"/services/{req.pk}/"}
    )
    assert response["Location"] == f"/services/{req.pk}/"
