"""办件进度: a case's steps from the audit trail (labels, who, reason, status) and its deadlines
from the working-day clocks (days left, paused, overdue, met), rendered by the shared partial."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from zjtx.core.audit import audit_record
from zjtx.core.timeline import timeline_build, workflows_of
from zjtx.core.workflow import Clock, run
from zjtx.monitoring.models import ReportingPeriod
from zjtx.monitoring.workflow import REPORTING_PERIOD

pytestmark = pytest.mark.django_db

# A variant of the period table with a deadline while locked, paused never.
CLOCKED = replace(
    REPORTING_PERIOD,
    clocks=(Clock("confirm", "确认时限", 3, runs_in=frozenset({"locked"}), role="unit_officer"),),
)


@pytest.fixture
def period():
    return ReportingPeriod.objects.create(
        code="2026-09", year=2026, month=9, due_date=date(2026, 10, 9)
    )


@pytest.fixture
def city(make_user):
    user = make_user("city_officer")
    user.full_name = "王科长"
    user.save()
    return user


def test_the_workflows_of_an_object_are_found_in_its_app(period):
    assert REPORTING_PERIOD in workflows_of(period)


def test_steps_carry_who_what_the_new_status_and_the_reason(period, city):
    with translation.override("zh-hans"):
        run(REPORTING_PERIOD, period, "lock", actor=city)
        run(REPORTING_PERIOD, period, "unlock", actor=city, reason="县区数据需更正")
        # A download is no step of the case; an unknown action neither.
        audit_record(actor=city, action="monitoring.template_download", obj=period)
        timeline = timeline_build(period)
    assert [s.action for s in timeline.steps] == [
        "monitoring.period.lock",
        "monitoring.period.unlock",
    ]
    unlock = timeline.steps[1]
    assert unlock.actor == "王科长" and unlock.actor_role == "市级管理员"
    assert unlock.reason == "县区数据需更正"
    assert unlock.label == str(REPORTING_PERIOD.transitions["unlock"].label)
    assert unlock.status == REPORTING_PERIOD.state_label("open")
    data = timeline.as_dict()
    assert data["steps"][1]["reason"] == "县区数据需更正" and data["deadlines"] == []


def test_the_running_deadline_counts_working_days_left_then_overdue(period, city):
    with time_machine.travel(date(2026, 12, 7), tick=False):  # a Monday
        run(CLOCKED, period, "lock", actor=city)
        now = timeline_build(period, workflows=[CLOCKED])
    [deadline] = now.current
    assert deadline.label == "确认时限" and deadline.due_on == date(2026, 12, 10)
    assert deadline.days_left == 3 and not deadline.overdue
    assert deadline.owed_by  # the role that owes it, in words

    late = timeline_build(period, workflows=[CLOCKED], today=date(2026, 12, 14))
    [deadline] = late.current
    assert deadline.days_overdue == 2 and deadline.overdue and deadline.days_left is None

    with time_machine.travel(date(2026, 12, 9), tick=False):
        run(CLOCKED, period, "unlock", actor=city, reason="重新开放")
        done = timeline_build(period, workflows=[CLOCKED])
    assert done.current == [] and [d.state for d in done.past] == ["met"]


def test_the_partial_renders_in_chinese_with_the_deadline_and_reason(period, city):
    with time_machine.travel(date(2026, 12, 7), tick=False):
        run(CLOCKED, period, "lock", actor=city)
        with translation.override("zh-hans"):
            html = render_to_string(
                "core/_timeline.html", {"timeline": timeline_build(period, workflows=[CLOCKED])}
            )
    assert "办件进度" in html and "确认时限" in html and "2026-12-10" in html
    assert "剩余 3 个工作日" in html and "王科长" in html


def test_an_empty_timeline_says_so(period):
    with translation.override("zh-hans"):
        html = render_to_string("core/_timeline.html", {"timeline": timeline_build(period)})
    assert "尚无办理记录" in html
