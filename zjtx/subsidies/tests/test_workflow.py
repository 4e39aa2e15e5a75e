"""The subsidy application workflow: its table (pure) and its run through the engine."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
import time_machine

from zjtx.core.models import AuditEvent, Notification, WorkflowClock
from zjtx.core.tests.workflow_table import refusal
from zjtx.core.workdays import add_working_days
from zjtx.core.workflow import WorkflowError, WorkflowErrorCode, actions_for
from zjtx.subsidies.models import Application
from zjtx.subsidies.services import application_approve, application_transition
from zjtx.subsidies.workflow import FIRST_CHECK_DAYS, SUBSIDY_APPLICATION

WF = SUBSIDY_APPLICATION
E = WorkflowErrorCode

CASES = [
    # state, action, role, reason, expected code (None = allowed)
    ("draft", "submit", "enterprise", "", None),
    ("returned", "submit", "enterprise", "", None),
    ("submitted", "submit", "enterprise", "", E.TRANSITION_NOT_ALLOWED),
    ("draft", "submit", "unit_officer", "", E.ROLE_NOT_ALLOWED),
    ("submitted", "forward", "unit_officer", "", None),
    ("submitted", "forward", "city_officer", "", E.ROLE_NOT_ALLOWED),
    ("submitted", "unit_return", "unit_officer", "", E.REASON_REQUIRED),
    ("submitted", "unit_return", "unit_officer", "证明不清", None),
    ("forwarded", "city_return", "city_officer", "证明不清", None),
    ("forwarded", "reject", "city_officer", " ", E.REASON_REQUIRED),
    ("forwarded", "approve", "city_officer", "", None),
    ("submitted", "approve", "city_officer", "", E.TRANSITION_NOT_ALLOWED),
    ("approved", "city_return", "city_officer", "x", E.TRANSITION_NOT_ALLOWED),
    ("draft", "delete", "enterprise", "", E.UNKNOWN_ACTION),
]


@pytest.mark.parametrize(("state", "action", "role", "reason", "expected"), CASES)
def test_the_table_decides_who_moves_what_from_where(state, action, role, reason, expected):
    assert refusal(WF, state, action, role, reason) == expected


def test_each_role_is_offered_only_its_actions_in_the_state():
    def names(state, role):
        return [n for n, _t in actions_for(WF, state=state, role=role)]

    assert names("draft", "enterprise") == ["submit"]
    assert names("submitted", "unit_officer") == ["unit_return", "forward"]
    assert names("forwarded", "city_officer") == ["city_return", "reject", "approve"]
    assert names("approved", "city_officer") == []
    assert names("submitted", "enterprise") == ["withdraw"]  # before the unit acts


def test_every_state_but_the_outcomes_waits_for_someone():
    assert set(WF.waiting_for) == set(WF.states) - {"approved", "rejected"}


# ------------------------------------------------------------------ through run


def test_a_transition_is_audited_with_before_and_after(people, make_application):
    app = make_application()
    application_transition(application=app, action="submit", actor=people["ent"])
    application_transition(
        application=app, action="unit_return", actor=people["unit"], reason="证明不清晰"
    )
    event = AuditEvent.objects.filter(action="subsidies.application.unit_return").get()
    assert event.before["status"] == "submitted"
    assert event.after["status"] == "returned"
    assert event.after["reason"] == "证明不清晰"
    assert event.object_id == str(app.pk)


def test_the_row_is_locked_for_the_step(people, make_application):
    app = make_application()
    manager = type(Application._default_manager)
    original = manager.select_for_update
    with mock.patch.object(
        manager, "select_for_update", autospec=True, side_effect=original
    ) as locked:
        application_transition(application=app, action="submit", actor=people["ent"])
    assert locked.called


def test_a_refused_step_changes_nothing(people, make_application):
    app = make_application()
    with pytest.raises(WorkflowError):
        application_transition(application=app, action="forward", actor=people["ent"])
    app.refresh_from_db()
    assert app.status == "draft"
    assert not AuditEvent.objects.filter(action__startswith="subsidies.application.").exists()


def test_the_next_actor_is_notified_only_after_commit(
    people, make_application, django_capture_on_commit_callbacks
):
    app = make_application()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_transition(application=app, action="submit", actor=people["ent"])
    assert len(callbacks) == 1
    assert not Notification.objects.filter(recipient=people["unit"]).exists()
    callbacks[0]()
    note = Notification.objects.get(recipient=people["unit"])
    assert str(app.pk) in note.url
    # The other unit's officer is not told.
    assert not Notification.objects.filter(recipient=people["other_unit"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=app, action="unit_return", actor=people["unit"], reason="缺盖章"
        )
    assert Notification.objects.filter(recipient=people["ent"], body="缺盖章").exists()


def test_approval_is_audited_with_the_ledger_entry(people, forwarded):
    app = forwarded()
    payout = application_approve(application=app, actor=people["city"])
    event = AuditEvent.objects.get(action="subsidies.application.approve")
    assert event.before["status"] == "forwarded"
    assert event.after["status"] == "approved"
    assert event.after["payout"] == payout.pk


def _clock(app):
    return WorkflowClock.objects.get(workflow=WF.name, object_id=str(app.pk), clock="unit_check")


def test_the_unit_check_clock_starts_pauses_resumes_and_is_met(people, make_application):
    monday = date(2026, 11, 2)
    with time_machine.travel(monday, tick=False):
        app = make_application()
        application_transition(application=app, action="submit", actor=people["ent"])
    clock = _clock(app)
    assert clock.state == "running" and clock.role == "unit_officer"
    assert clock.due_on == add_working_days(monday, FIRST_CHECK_DAYS)
    assert clock.unit_id == people["firm"].unit_id
    assert clock.enterprise_id == people["firm"].pk

    # Returned on day 2: the enterprise's time does not count against the unit.
    with time_machine.travel(date(2026, 11, 4), tick=False):
        application_transition(
            application=app, action="unit_return", actor=people["unit"], reason="缺盖章"
        )
    clock.refresh_from_db()
    assert clock.state == "paused" and clock.remaining_days == 3

    with time_machine.travel(date(2026, 11, 9), tick=False):
        application_transition(application=app, action="submit", actor=people["ent"])
    clock.refresh_from_db()
    assert clock.state == "running"
    assert clock.due_on == add_working_days(date(2026, 11, 9), 3)

    with time_machine.travel(date(2026, 11, 10), tick=False):
        application_transition(application=app, action="forward", actor=people["unit"])
    clock.refresh_from_db()
    assert clock.state == "met" and clock.stopped_on == date(2026, 11, 10)
    assert WorkflowClock.objects.filter(object_id=str(app.pk)).count() == 1


def test_a_late_unit_check_is_breached(people, make_application):
    with time_machine.travel(date(2026, 11, 2), tick=False):
        app = make_application()
        application_transition(application=app, action="submit", actor=people["ent"])
    with time_machine.travel(date(2026, 11, 20), tick=False):
        application_transition(application=app, action="forward", actor=people["unit"])
    assert _clock(app).state == "breached"
