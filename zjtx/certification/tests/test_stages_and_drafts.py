"""Where a round stands (stepper, possible steps and why not), the application's 办件进度, and
drafts withdrawn and deleted by their owner."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from zjtx.certification import selectors, services
from zjtx.certification.models import Application, Round
from zjtx.core.errors import DomainError

pytestmark = pytest.mark.django_db

API = "/api/v1/certification"


def _stage(rnd):
    stage = selectors.round_stage(round=Round.objects.get(pk=rnd.pk))
    return stage.current, {s.key: s.state for s in stage.steps}


def _ops(rnd, user):
    return {
        o.op: o
        for o in selectors.round_ops(round=Round.objects.get(pk=rnd.pk), user=user)
        if o.op != "status"
    }


def test_the_stepper_follows_the_round_and_its_applications(
    rnd, submitted, city, unit_officer, advance
):
    current, states = _stage(rnd)
    assert current == "open" and states["open"] == "current" and states["province"] == "upcoming"
    services.round_set_status(round=rnd, status="closed", actor=city)
    current, states = _stage(rnd)
    # Closed, but the unit has not finished its 初审.
    assert current == "unit_review" and states["closed"] == "done"
    advance(submitted)
    current, states = _stage(rnd)
    assert current == "decision" and states["expert_review"] == "done"
    assert states["notice"] == "upcoming"


def test_a_draft_round_is_not_yet_on_the_stepper(make_round):
    rnd = make_round(status=Round.Status.DRAFT)
    current, states = _stage(rnd)
    assert current == "" and set(states.values()) == {"upcoming"}


def test_expert_review_before_closing_says_why(rnd, submitted, city, unit_officer, make_expert):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    with translation.override("zh-hans"):
        ops = _ops(rnd, city)
        assert not ops["start_review"].possible and "申报尚未截止" in ops["start_review"].why
        assert not ops["assign"].possible
        with pytest.raises(DomainError) as err:
            services.applications_transition_batch(round=rnd, action="start_review", actor=city)
    assert err.value.code == "review_not_startable"
    services.round_set_status(round=rnd, status="closed", actor=city)
    with translation.override("zh-hans"):
        ops = _ops(rnd, city)
        assert ops["assign"].possible
        assert not ops["start_review"].possible and "分配专家" in ops["start_review"].why
    services.expert_assign(application=submitted, expert=make_expert(), actor=city)
    ops = _ops(rnd, city)
    assert ops["start_review"].possible and ops["start_review"].why == ""
    assert not ops["certify"].possible and not ops["publish"].possible


def test_the_round_page_offers_only_possible_steps_and_filters_applications(
    client, login, rnd, submitted, city, unit_officer, units
):
    login(city)
    url = reverse("certification:round-detail", args=[rnd.pk])
    with translation.override("zh-hans"):
        page = client.get(url).content.decode()
    assert 'id="round-stage"' in page and 'aria-current="step"' in page
    assert 'data-op="start_review"' in page  # listed among the blocked steps, with why
    assert 'name="op" value="start_review"' not in page  # but not offered as a button
    assert submitted.enterprise.name in page
    assert (
        submitted.enterprise.name not in client.get(url, {"status": "certified"}).content.decode()
    )
    other = units["无为市"].pk
    assert submitted.enterprise.name not in client.get(url, {"unit": other}).content.decode()
    assert submitted.enterprise.name in client.get(url, {"status": "submitted"}).content.decode()


def test_the_application_timeline_shows_steps_and_the_unit_deadline(
    client, submitted, unit_officer, ent_user
):
    services.application_transition(
        application=submitted,
        action="return",
        actor=unit_officer,
        reason_code="materials_missing",
        reason="缺营业执照副本",
    )
    client.force_login(ent_user)
    with translation.override("zh-hans"):
        page = client.get(
            reverse("certification:application-detail", args=[submitted.pk])
        ).content.decode()
    assert "办件进度" in page and "缺营业执照副本" in page
    data = client.get(f"{API}/applications/{submitted.pk}/timeline").json()
    actions = [s["action"] for s in data["steps"]]
    assert actions[0] == "certification.application_create"
    assert actions[-1] == "certification.application.return"
    assert "缺营业执照副本" in data["steps"][-1]["reason"]
    assert [d["state"] for d in data["deadlines"]] == ["paused"]


def test_the_owner_withdraws_a_submission_then_deletes_the_draft(
    client, submitted, ent_user, make_applicant, unit_officer
):
    app = services.application_transition(application=submitted, action="withdraw", actor=ent_user)
    assert app.status == Application.Status.DRAFT
    # The unit's 初审 clock stopped with the withdrawal.
    other = make_applicant()
    client.force_login(other)
    assert (
        client.post(reverse("certification:application-delete", args=[app.pk])).status_code == 404
    )
    client.force_login(ent_user)
    assert client.delete(f"{API}/applications/{app.pk}").status_code == 204
    assert not Application.objects.filter(pk=app.pk).exists()


def test_only_a_draft_is_deleted(submitted, ent_user):
    with pytest.raises(DomainError) as err:
        services.application_delete(application=submitted, actor=ent_user)
    assert err.value.code == "not_deletable"


def test_the_round_api_gives_the_stage_and_why_steps_are_not_possible(
    client, login, rnd, submitted, city, ent_user
):
    login(city)
    with translation.override("zh-hans"):
        data = client.get(f"{API}/rounds/{rnd.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert data["stage"] == "open" and data["stage_label"]
    steps = {s["op"]: s for s in data["steps"]}
    assert steps["status:closed"]["possible"] is True
    assert steps["start_review"]["possible"] is False and steps["start_review"]["why"]
    client.force_login(ent_user)
    assert client.get(f"{API}/rounds/{rnd.pk}").json()["steps"] == []


def test_one_application_cannot_start_review_before_the_round_closes(
    rnd, submitted, city, unit_officer, make_expert
):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    services.expert_assign(application=submitted, expert=make_expert(), actor=city)
    with translation.override("zh-hans"), pytest.raises(DomainError) as err:
        services.application_transition(application=submitted, action="start_review", actor=city)
    assert err.value.code == "round_still_open" and "申报尚未截止" in err.value.message
    submitted.refresh_from_db()
    assert submitted.status == "recommended"
    services.round_set_status(round=rnd, status="closed", actor=city)
    submitted.refresh_from_db()
    services.application_transition(application=submitted, action="start_review", actor=city)
    assert submitted.status == "expert_review"
