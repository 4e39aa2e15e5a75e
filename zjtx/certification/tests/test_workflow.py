"""Certification on the one workflow engine: the tables (pure) and runs through `run`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from zjtx.certification import services, worklist
from zjtx.certification.models import (
    Application,
    ApplicationEvent,
    ChangeReport,
    ExpertAssignment,
    Objection,
    Round,
)
from zjtx.certification.workflow import (
    APPLICATION,
    ASSIGNMENT,
    CHANGE_REPORT,
    OBJECTION,
    ROUND,
    SCORING_DAYS,
    UNIT_REVIEW_DAYS,
)
from zjtx.core.clocks import clock_list_for
from zjtx.core.models import AuditEvent, Notification, WorkflowClock
from zjtx.core.reminders import personal_clocks_due
from zjtx.core.tests.workflow_table import refusal
from zjtx.core.workdays import add_working_days
from zjtx.core.workflow import TransitionConflict, WorkflowError, WorkflowErrorCode, actions_for

E = WorkflowErrorCode

APPLICATION_CASES = [
    # state, action, role, reason_code, reason, expected code (None = allowed)
    ("draft", "submit", "enterprise", "", "", None),
    ("returned", "resubmit", "enterprise", "", "", None),
    ("returned", "submit", "enterprise", "", "", E.TRANSITION_NOT_ALLOWED),
    ("draft", "submit", "unit_officer", "", "", E.ROLE_NOT_ALLOWED),
    ("submitted", "recommend", "unit_officer", "", "", None),
    ("submitted", "recommend", "city_officer", "", "", E.ROLE_NOT_ALLOWED),
    ("submitted", "return", "unit_officer", "", "", E.REASON_REQUIRED),
    ("submitted", "return", "unit_officer", "lost", "", E.REASON_UNKNOWN),
    ("submitted", "return", "unit_officer", "other", "", E.REASON_REQUIRED),
    ("submitted", "return", "unit_officer", "other", "缺审计报告", None),
    ("submitted", "return", "unit_officer", "materials_missing", "", None),
    ("recommended", "start_review", "city_officer", "", "", None),
    ("expert_review", "complete_review", "city_officer", "", "", None),
    ("reviewed", "approve", "city_officer", "", "", None),
    ("reviewed", "reject", "city_officer", "", "", E.REASON_REQUIRED),
    ("reviewed", "reject", "city_officer", "criteria_not_met", "不符合", None),
    ("submitted", "approve", "city_officer", "", "", E.TRANSITION_NOT_ALLOWED),
    ("approved", "publish", "city_officer", "", "", None),
    ("in_notice", "certify", "city_officer", "", "", None),
    ("in_notice", "remove", "city_officer", "objection_upheld", "", None),
    ("certified", "renew", "city_officer", "", "", None),
    ("certified", "revoke", "city_officer", "fraud", "", None),
    ("revoked", "revoke", "city_officer", "fraud", "", E.TRANSITION_NOT_ALLOWED),
    ("certified", "revoke", "unit_officer", "fraud", "", E.ROLE_NOT_ALLOWED),
    ("draft", "delete", "enterprise", "", "", E.UNKNOWN_ACTION),
]


@pytest.mark.parametrize(
    ("state", "action", "role", "code", "reason", "expected"), APPLICATION_CASES
)
def test_the_application_table(state, action, role, code, reason, expected):
    assert refusal(APPLICATION, state, action, role, reason, code) == expected


ROUND_CASES = [
    ("draft", "announce", "city_officer", "", None),
    ("open", "close", "city_officer", "", None),
    ("closed", "reopen", "city_officer", "", E.REASON_REQUIRED),
    ("closed", "reopen", "city_officer", "截止日期延长至月底", None),
    ("open", "announce", "city_officer", "", E.TRANSITION_NOT_ALLOWED),
    ("draft", "close", "city_officer", "", E.TRANSITION_NOT_ALLOWED),
    ("draft", "announce", "unit_officer", "", E.ROLE_NOT_ALLOWED),
]


@pytest.mark.parametrize(("state", "action", "role", "reason", "expected"), ROUND_CASES)
def test_the_round_table(state, action, role, reason, expected):
    assert refusal(ROUND, state, action, role, reason) == expected


ASSIGNMENT_CASES = [
    ("assigned", "submit", "expert", "", "", None),
    ("submitted", "submit", "expert", "", "", E.TRANSITION_NOT_ALLOWED),
    ("assigned", "decline", "expert", "", "", E.REASON_REQUIRED),
    ("assigned", "decline", "expert", "busy", "", E.REASON_UNKNOWN),
    ("assigned", "decline", "expert", "workload", "本月评审过多", None),
    ("assigned", "remove", "city_officer", "", "", E.REASON_REQUIRED),
    ("assigned", "remove", "city_officer", "", "回避", None),
    ("assigned", "remove", "expert", "", "回避", E.ROLE_NOT_ALLOWED),
    ("removed", "reassign", "city_officer", "", "", None),
    ("declined", "reassign", "city_officer", "", "", E.TRANSITION_NOT_ALLOWED),
]


@pytest.mark.parametrize(
    ("state", "action", "role", "code", "reason", "expected"), ASSIGNMENT_CASES
)
def test_the_assignment_table(state, action, role, code, reason, expected):
    assert refusal(ASSIGNMENT, state, action, role, reason, code) == expected


def test_each_role_is_offered_only_its_manual_actions():
    def names(wf, state, role):
        return [n for n, _t in actions_for(wf, state=state, role=role)]

    assert names(APPLICATION, "submitted", "unit_officer") == ["return", "recommend"]
    # Batch steps (publish, certify, remove) are never buttons.
    assert names(APPLICATION, "approved", "city_officer") == []
    assert names(APPLICATION, "in_notice", "city_officer") == []
    assert names(APPLICATION, "certified", "city_officer") == ["renew", "revoke"]
    assert names(ROUND, "draft", "city_officer") == ["announce"]
    assert names(ROUND, "open", "city_officer") == ["close"]
    assert names(ROUND, "closed", "city_officer") == ["reopen"]
    assert names(ROUND, "open", "unit_officer") == []
    assert names(ASSIGNMENT, "assigned", "expert") == ["decline"]


# ------------------------------------------------------------------ runs through the engine

pytestmark_db = pytest.mark.django_db


def _clock(workflow, obj, name):
    return WorkflowClock.objects.filter(workflow=workflow, object_id=str(obj.pk), clock=name).get()


@pytestmark_db
def test_a_step_is_audited_with_before_and_after(submitted, unit_officer):
    event = AuditEvent.objects.get(action="certification.application.submit")
    assert event.object_id == str(submitted.pk)
    assert event.before["status"] == "draft" and event.after["status"] == "submitted"
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=2, opinion="推荐"
    )
    event = AuditEvent.objects.get(action="certification.application.recommend")
    assert (event.before["unit_rank"], event.after["unit_rank"]) == (None, 2)
    assert ApplicationEvent.objects.filter(application=submitted, action="recommend").exists()


@pytestmark_db
def test_a_return_needs_a_reason_and_a_refusal_changes_nothing(submitted, unit_officer):
    with pytest.raises(WorkflowError) as exc:
        services.application_transition(application=submitted, action="return", actor=unit_officer)
    assert exc.value.code == "reason_required"
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED
    assert not ApplicationEvent.objects.filter(application=submitted, action="return").exists()
    assert not AuditEvent.objects.filter(action="certification.application.return").exists()


@pytestmark_db
def test_the_unit_review_clock_runs_pauses_and_is_met(submitted, unit_officer, ent_user):
    today = timezone.localdate()
    clock = _clock("certification.application", submitted, "unit_review")
    assert clock.state == WorkflowClock.State.RUNNING
    assert clock.due_on == add_working_days(today, UNIT_REVIEW_DAYS)
    assert (clock.role, clock.unit_id, clock.enterprise_id) == (
        "unit_officer",
        submitted.unit_id,
        submitted.enterprise_id,
    )
    # The unit officer's home page finds it (worklist reads clocks by workflow name).
    assert clock in clock_list_for(user=unit_officer, workflow="certification.application")
    (group,) = worklist.waiting_for(unit_officer, today)
    assert [item.due_on for item in group.items] == [clock.due_on]
    services.application_transition(
        application=submitted, action="return", actor=unit_officer, reason_code="other", reason="x"
    )
    clock.refresh_from_db()
    assert clock.state == WorkflowClock.State.PAUSED and clock.remaining_days is not None
    services.application_transition(application=submitted, action="resubmit", actor=ent_user)
    clock.refresh_from_db()
    assert clock.state == WorkflowClock.State.RUNNING
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    clock.refresh_from_db()
    assert clock.state == WorkflowClock.State.MET and clock.stopped_on == today


def _in_review(submitted, unit_officer, city, make_expert):
    services.application_transition(
        application=submitted, action="recommend", actor=unit_officer, rank=1
    )
    expert = make_expert()
    assignment = services.expert_assign(application=submitted, expert=expert, actor=city)
    return expert, assignment


def _score(assignment, expert):
    rubric = assignment.application.form_schema["rubric"]
    return services.scores_submit(
        assignment=assignment,
        scores=[services.ScoreIn(i["id"], Decimal("10"), "好") for i in rubric],
        actor=expert.user,
        undertaking=True,
    )


@pytestmark_db
def test_the_scoring_clock_starts_on_assignment_and_is_met_on_scores(
    submitted, unit_officer, city, make_expert
):
    expert, assignment = _in_review(submitted, unit_officer, city, make_expert)
    clock = _clock("certification.assignment", assignment, "scoring")
    assert clock.state == WorkflowClock.State.RUNNING
    assert clock.due_on == add_working_days(timezone.localdate(), SCORING_DAYS)
    assert (clock.role, clock.assignee_id) == ("expert", expert.user_id)
    # The expert's home page and reminders read the running clocks they owe.
    assert list(clock_list_for(user=expert.user)) == [clock]
    assert not clock_list_for(user=make_expert().user).exists()
    assert personal_clocks_due(clock.due_on) == 1
    assert Notification.objects.filter(recipient=expert.user).exists()
    if submitted.round.status == "open":  # expert review starts after the close
        services.round_set_status(round=submitted.round, status="closed", actor=city)
    services.application_transition(application=submitted, action="start_review", actor=city)
    (group,) = worklist.waiting_for(expert.user, timezone.localdate())
    assert [item.due_on for item in group.items] == [clock.due_on]
    row = _score(assignment, expert)
    assert row.status == ExpertAssignment.Status.SUBMITTED and row.total is not None
    clock.refresh_from_db()
    assert clock.state == WorkflowClock.State.MET
    assert AuditEvent.objects.filter(action="certification.assignment.submit").exists()


@pytestmark_db
def test_late_scores_breach_the_scoring_clock(submitted, unit_officer, city, make_expert, travel):
    expert, assignment = _in_review(submitted, unit_officer, city, make_expert)
    if submitted.round.status == "open":  # expert review starts after the close
        services.round_set_status(round=submitted.round, status="closed", actor=city)
    services.application_transition(application=submitted, action="start_review", actor=city)
    due = _clock("certification.assignment", assignment, "scoring").due_on
    travel(due + timedelta(days=1))
    _score(assignment, expert)
    clock = _clock("certification.assignment", assignment, "scoring")
    assert clock.state == WorkflowClock.State.BREACHED and clock.stopped_on > due


@pytestmark_db
def test_scores_twice_are_a_conflict(submitted, unit_officer, city, make_expert):
    expert, assignment = _in_review(submitted, unit_officer, city, make_expert)
    if submitted.round.status == "open":  # expert review starts after the close
        services.round_set_status(round=submitted.round, status="closed", actor=city)
    services.application_transition(application=submitted, action="start_review", actor=city)
    _score(assignment, expert)
    with pytest.raises(TransitionConflict) as exc:
        _score(assignment, expert)
    assert exc.value.code == "transition_not_allowed"


@pytestmark_db
def test_removing_an_expert_needs_a_reason_and_stops_the_clock(
    submitted, unit_officer, city, make_expert
):
    expert, assignment = _in_review(submitted, unit_officer, city, make_expert)
    with pytest.raises(WorkflowError) as exc:
        services.assignment_remove(assignment=assignment, actor=city, note=" ")
    assert exc.value.code == "reason_required"
    row = services.assignment_remove(assignment=assignment, actor=city, note="需回避")
    assert (row.status, row.note) == (ExpertAssignment.Status.REMOVED, "需回避")
    assert _clock("certification.assignment", row, "scoring").state == WorkflowClock.State.MET
    # Put back on the panel: a new scoring clock runs.
    again = services.expert_assign(application=submitted, expert=expert, actor=city)
    assert again.status == ExpertAssignment.Status.ASSIGNED
    assert WorkflowClock.objects.filter(
        workflow="certification.assignment",
        object_id=str(again.pk),
        state=WorkflowClock.State.RUNNING,
    ).exists()


@pytestmark_db
def test_a_decline_needs_a_listed_reason(submitted, unit_officer, city, make_expert):
    expert, assignment = _in_review(submitted, unit_officer, city, make_expert)
    with pytest.raises(WorkflowError) as exc:
        services.assignment_decline(
            assignment=assignment, reason_code="busy", note="很忙", actor=expert.user
        )
    assert exc.value.code == "reason_unknown"
    other = make_expert()
    with pytest.raises(Exception) as exc:
        services.assignment_decline(
            assignment=assignment, reason_code="workload", note="忙", actor=other.user
        )
    assert exc.value.code == "not_found"


@pytestmark_db
def test_round_moves_follow_the_table(rnd, city, unit_officer):
    with pytest.raises(TransitionConflict) as exc:
        services.round_set_status(round=rnd, status=Round.Status.OPEN, actor=city)
    assert (exc.value.code, exc.value.status) == ("transition_not_allowed", 409)
    with pytest.raises(TransitionConflict):
        services.round_set_status(round=rnd, status=Round.Status.DRAFT, actor=city)
    with pytest.raises(WorkflowError) as exc:
        services.round_set_status(round=rnd, status=Round.Status.CLOSED, actor=unit_officer)
    assert exc.value.code == "role_not_allowed"
    rnd = services.round_set_status(round=rnd, status=Round.Status.CLOSED, actor=city)
    with pytest.raises(WorkflowError) as exc:
        services.round_set_status(round=rnd, status=Round.Status.OPEN, actor=city)
    assert exc.value.code == "reason_required"
    rnd = services.round_set_status(
        round=rnd, status=Round.Status.OPEN, actor=city, reason="截止日期延长至月底"
    )
    assert rnd.status == Round.Status.OPEN
    event = AuditEvent.objects.get(action="certification.round.reopen")
    assert event.after == {"status": "open", "reason": "截止日期延长至月底"}


@pytestmark_db
def test_round_status_api_refuses_an_illegal_move_with_409(client, rnd, city):
    from zjtx.certification.tests.test_api import API, bearer

    officer = bearer(client, city)
    assert officer.get(f"{API}/certification/rounds/{rnd.pk}").json()["actions"] == ["close"]
    url = f"{API}/certification/rounds/{rnd.pk}/status"
    r = officer.post(url, {"status": "draft"})
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    r = officer.post(url, {"status": "closed"})
    assert r.status_code == 200 and r.json()["actions"] == ["reopen"]
    r = officer.post(url, {"status": "open"})
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    r = officer.post(url, {"status": "open", "reason": "延期"})
    assert r.status_code == 200 and r.json()["status"] == "open"


@pytestmark_db
def test_the_round_page_offers_only_the_possible_moves(client, login, rnd, city):
    from django.urls import reverse

    login(city)
    url = reverse("certification:round-detail", args=[rnd.pk])
    r = client.get(url)
    assert r.status_code == 200, (r.status_code, r.get("Location"))
    page = r.content.decode()
    assert 'name="status" value="closed"' in page
    assert 'name="status" value="open"' not in page and 'name="reason" required' not in page
    services.round_set_status(round=rnd, status=Round.Status.CLOSED, actor=city)
    page = client.get(url).content.decode()
    assert 'name="status" value="open"' in page and 'name="reason" required' in page
    assert 'name="status" value="closed"' not in page


# ------------------------------------------------------------------ objections


OBJECTION_CASES = [
    ("pending", "uphold", "city_officer", None),
    ("pending", "dismiss", "city_officer", None),
    ("pending", "uphold", "unit_officer", E.ROLE_NOT_ALLOWED),
    ("upheld", "dismiss", "city_officer", E.TRANSITION_NOT_ALLOWED),
    ("dismissed", "uphold", "city_officer", E.TRANSITION_NOT_ALLOWED),
]


@pytest.mark.parametrize(("state", "action", "role", "expected"), OBJECTION_CASES)
def test_the_objection_table(state, action, role, expected):
    assert refusal(OBJECTION, state, action, role) == expected


@pytestmark_db
def test_an_objection_outcome_runs_through_the_engine(
    rnd, city, make_applicant, submit_ready, advance
):
    from zjtx.certification.tests.test_integrity import OBJECTION as LODGED
    from zjtx.certification.tests.test_integrity import _approved

    (app,) = _approved(rnd, city, make_applicant, submit_ready, advance)
    notice = services.notice_publish(round=rnd, actor=city)
    objection = services.objection_lodge(notice=notice, application_id=app.pk, **LODGED)
    with pytest.raises(WorkflowError) as exc:
        services.objection_handle(objection=objection, upheld=True, outcome="  ", actor=city)
    assert exc.value.code == "reason_required"
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.PENDING
    services.objection_handle(objection=objection, upheld=True, outcome="经核实属实", actor=city)
    row = Objection.objects.get(pk=objection.pk)
    assert (row.status, row.outcome, row.handled_by) == ("upheld", "经核实属实", city)
    assert row.handled_at is not None
    event = AuditEvent.objects.get(action="certification.objection.uphold")
    assert event.before == {"status": "pending", "outcome": ""}
    assert event.after["status"] == "upheld" and event.after["outcome"] == "经核实属实"
    assert Application.objects.get(pk=app.pk).status == Application.Status.REMOVED
    with pytest.raises(TransitionConflict) as exc:
        services.objection_handle(objection=objection, upheld=False, outcome="再议", actor=city)
    assert exc.value.code == "transition_not_allowed"


# ------------------------------------------------------------------ major-change reports


CHANGE_REPORT_CASES = [
    ("pending", "acknowledge", "city_officer", None),
    ("pending", "flag_review", "city_officer", None),
    ("pending", "acknowledge", "enterprise", E.ROLE_NOT_ALLOWED),
    ("acknowledged", "flag_review", "city_officer", E.TRANSITION_NOT_ALLOWED),
    ("review_needed", "acknowledge", "city_officer", E.TRANSITION_NOT_ALLOWED),
]


@pytest.mark.parametrize(("state", "action", "role", "expected"), CHANGE_REPORT_CASES)
def test_the_change_report_table(state, action, role, expected):
    assert refusal(CHANGE_REPORT, state, action, role) == expected


@pytestmark_db
def test_handling_a_change_report_runs_through_the_engine(submitted, city):
    report = ChangeReport.objects.create(
        application=submitted,
        kind=ChangeReport.Kind.MOVE,
        occurred_on=timezone.localdate(),
        description="迁址",
    )
    with pytest.raises(WorkflowError) as exc:
        services.change_report_handle(report=report, actor=city, needs_review=True, outcome="")
    assert exc.value.code == "reason_required"
    handled = services.change_report_handle(
        report=report, actor=city, needs_review=True, outcome="迁出本市，需复核"
    )
    assert handled.status == ChangeReport.Status.REVIEW_NEEDED
    row = ChangeReport.objects.get(pk=report.pk)
    assert (row.outcome, row.handled_by) == ("迁出本市，需复核", city)
    event = AuditEvent.objects.get(action="certification.change_report.flag_review")
    assert event.before == {"status": "pending", "outcome": ""}
    assert event.after["status"] == "review_needed"
    assert event.after["application"] == submitted.pk
    with pytest.raises(TransitionConflict):
        services.change_report_handle(report=report, actor=city, needs_review=False, outcome="x")
