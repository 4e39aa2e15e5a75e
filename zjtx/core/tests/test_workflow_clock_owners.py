"""Engine clock extensions: per-object days and owner, re-owning live clocks after a hand-off
that moves no status, and lengthening a live clock (an approved extension)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from zjtx.core.models import WorkflowClock
from zjtx.core.workflow import Clock, clock_extend, clocks_reassign, run
from zjtx.monitoring.models import ReportingPeriod
from zjtx.monitoring.workflow import REPORTING_PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return ReportingPeriod.objects.create(
        code="2026-09", year=2026, month=9, due_date=date(2026, 10, 9)
    )


def _timed(owner: dict[str, str]):
    return replace(
        REPORTING_PERIOD,
        clocks=(
            Clock(
                "unlock_soon",
                "尽快解锁",
                2,
                frozenset({"locked"}),
                "city_officer",
                days_of=lambda obj: obj.month,  # any per-object number
                role_of=lambda obj: owner["role"],
            ),
        ),
    )


def test_days_and_owner_come_from_the_object(period, make_user):
    owner = {"role": "unit_officer"}
    timed = _timed(owner)
    run(timed, period, "lock", actor=make_user("city_officer"), today=date(2026, 9, 30))
    clock = WorkflowClock.objects.get(workflow=timed.name, object_id=str(period.pk))
    # 9 working days from 30 Sep across 国庆: 8, 9, 10 (调休 Saturday), 12 … 16, 19 October.
    assert (clock.due_on, clock.role) == (date(2026, 10, 19), "unit_officer")
    owner["role"] = "provider"
    assert clocks_reassign(timed, period) == 1
    clock.refresh_from_db()
    assert clock.role == "provider"


def test_clock_extend_moves_a_running_due_date_by_working_days(period, make_user):
    timed = _timed({"role": "city_officer"})
    run(timed, period, "lock", actor=make_user("city_officer"), today=date(2026, 9, 30))
    clock = clock_extend(timed, period, "unlock_soon", 3)
    assert clock.due_on == date(2026, 10, 22)
    with pytest.raises(ValueError):
        clock_extend(timed, period, "no_such_clock", 1)


def test_a_plain_clock_keeps_its_fixed_days_and_role(period, make_user):
    timed = replace(
        REPORTING_PERIOD,
        clocks=(Clock("unlock_soon", "尽快解锁", 2, frozenset({"locked"}), "city_officer"),),
    )
    run(timed, period, "lock", actor=make_user("city_officer"), today=date(2026, 9, 30))
    clock = WorkflowClock.objects.get(workflow=timed.name, object_id=str(period.pk))
    assert (clock.due_on, clock.role) == (date(2026, 10, 9), "city_officer")
    assert clock_extend(timed, ReportingPeriod(pk=999999), "unlock_soon", 1) is None
