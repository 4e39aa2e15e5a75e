"""The engine's executor on a real table (reporting periods): refusals change nothing, scope is
checked on the locked row, system steps act under a given role, clocks stop met or breached."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import time_machine

from zjtx.core.errors import DomainError
from zjtx.core.models import AuditEvent, WorkflowClock
from zjtx.core.workflow import Clock, GuardFailure, WorkflowError, run
from zjtx.monitoring.models import ReportingPeriod
from zjtx.monitoring.workflow import REPORTING_PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return ReportingPeriod.objects.create(
        code="2026-09", year=2026, month=9, due_date=date(2026, 10, 9)
    )


@pytest.fixture
def city(make_user):
    return make_user("city_officer")


def _refuse(_step):
    return GuardFailure("not_today", "不行", {"when": "今天"})


def test_a_guard_refusal_leaves_no_trace(period, city, django_capture_on_commit_callbacks):
    lock = REPORTING_PERIOD.transitions["lock"]
    refusing = replace(
        REPORTING_PERIOD,
        transitions={"lock": replace(lock, guards=(_refuse,))},
    )
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(WorkflowError) as err:
        run(refusing, period, "lock", actor=city)
    assert err.value.code == "not_today" and err.value.fields == {"when": "今天"}
    assert callbacks == []
    period.refresh_from_db()
    assert period.status == "open" and period.locked_by is None
    assert not AuditEvent.objects.filter(action__startswith="monitoring.period.").exists()


def test_scope_is_checked_on_the_locked_row_before_the_table(period, city):
    hidden = replace(REPORTING_PERIOD, in_scope=lambda actor, obj: False)
    with pytest.raises(DomainError) as err:
        run(hidden, period, "fly", actor=city)
    assert err.value.status == 404 and err.value.code == "not_found"


def test_a_system_step_acts_under_the_given_role_and_the_caller_sees_the_new_state(period):
    run(REPORTING_PERIOD, period, "lock", actor=None, role="city_officer")
    assert period.status == "locked"
    event = AuditEvent.objects.get(action="monitoring.period.lock")
    assert event.actor_id is None


def test_a_clock_stops_breached_when_left_past_its_due_date(period, city):
    timed = replace(
        REPORTING_PERIOD,
        clocks=(Clock("unlock_soon", "尽快解锁", 2, frozenset({"locked"}), "city_officer"),),
    )
    with time_machine.travel(date(2026, 11, 2), tick=False):
        run(timed, period, "lock", actor=city)
    clock = WorkflowClock.objects.get(workflow=timed.name, object_id=str(period.pk))
    assert (clock.state, clock.due_on) == ("running", date(2026, 11, 4))
    with time_machine.travel(date(2026, 11, 9), tick=False):
        run(timed, period, "unlock", actor=city, reason="企业更正数据")
    clock.refresh_from_db()
    assert clock.state == "breached" and clock.stopped_on == date(2026, 11, 9)
