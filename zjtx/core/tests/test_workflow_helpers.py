"""`guard_failure` (guards without moving anything) and `clock_start` (clocks of a new object)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from zjtx.core.models import WorkflowClock
from zjtx.core.workdays import add_working_days
from zjtx.core.workflow import (
    Clock,
    GuardFailure,
    Transition,
    Workflow,
    clock_start,
    guard_failure,
)


def _late(step):
    return GuardFailure("too_late", "太晚") if step.today > date(2026, 1, 31) else None


def _never(step):
    raise AssertionError("guards after the first refusal are not run")


WF = Workflow(
    name="test.item",
    model=WorkflowClock,
    states={"new": "new", "done": "done"},
    transitions={
        "finish": Transition(
            frozenset({"new"}), "done", frozenset({"city_officer"}), "finish", guards=(_late,)
        ),
        "seal": Transition(
            frozenset({"new"}),
            "done",
            frozenset({"city_officer"}),
            "seal",
            guards=(_late, _never),
        ),
    },
    clocks=(Clock("handle", "handle", 3, runs_in=frozenset({"new"}), role="city_officer"),),
    clock_scope=lambda obj: {"assignee_id": obj.owner},
)


def test_guard_failure_names_the_first_refusing_guard_and_moves_nothing():
    item = SimpleNamespace(pk=1, status="new")
    assert guard_failure(WF, item, "finish", actor=None, today=date(2026, 1, 2)) is None
    failure = guard_failure(WF, item, "seal", actor=None, today=date(2026, 2, 2))
    assert failure is not None and failure.code == "too_late"
    assert item.status == "new"


@pytest.mark.django_db
def test_clock_start_starts_the_clocks_of_an_object_created_in_a_running_state():
    item = SimpleNamespace(pk=7, status="new", owner=42)
    clock_start(WF, item, today=date(2026, 3, 2))
    clock = WorkflowClock.objects.get(workflow="test.item", object_id="7")
    assert clock.state == WorkflowClock.State.RUNNING and clock.assignee_id == 42
    assert clock.due_on == add_working_days(date(2026, 3, 2), 3)
    clock_start(WF, item, today=date(2026, 3, 3))  # already running: no second clock
    assert WorkflowClock.objects.filter(workflow="test.item", object_id="7").count() == 1
