"""The daily `send_reminders` job: each deadline reminder once, to the right people, in Chinese."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from zjtx.core.models import Notification, ReminderSent, WorkflowClock
from zjtx.core.reminders import reminders_send
from zjtx.core.workdays import add_working_days

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)  # a Monday
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture
def firm_user(make_enterprise, make_user, units):
    from zjtx.enterprises.models import Enterprise

    ent = make_enterprise(name="芜湖甲精密机械有限公司", status=Enterprise.Status.VERIFIED)
    return make_user("enterprise", enterprise=ent, email="a@example.com")


def _period(due: date, code: str = "2026-05"):
    from zjtx.monitoring.models import ReportingPeriod

    return ReportingPeriod.objects.create(code=code, year=2026, month=5, due_date=due)


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_monitoring_report_due_in_three_working_days_is_reminded_once(
    firm_user, make_enterprise, make_user
):
    from zjtx.enterprises.models import Enterprise
    from zjtx.monitoring.models import Indicator, MonitoringValue

    period = _period(add_working_days(TODAY, 3))
    done = make_enterprise(name="芜湖乙公司", status=Enterprise.Status.VERIFIED)
    done_user = make_user("enterprise", enterprise=done)
    indicator = Indicator.objects.first() or Indicator.objects.create(code="x", name="营业收入")
    MonitoringValue.objects.create(enterprise=done, period=period, indicator=indicator, value=1)

    reminders_send(today=TODAY)
    titles = _titles(firm_user)
    assert len(titles) == 1 and "2026年5月" in titles[0] and "芜湖甲精密机械有限公司" in titles[0]
    assert not LATIN.search(titles[0])
    assert _titles(done_user) == []  # already reported
    # Same day again, and the next day: nothing new.
    reminders_send(today=TODAY)
    reminders_send(today=TODAY + timedelta(days=1))
    assert len(_titles(firm_user)) == 1


def test_monitoring_report_due_later_is_not_reminded_yet(firm_user):
    _period(add_working_days(TODAY, 4))
    reminders_send(today=TODAY)
    assert _titles(firm_user) == []


def test_a_draft_is_reminded_when_the_round_closes_in_three_working_days(firm_user):
    from zjtx.certification.models import Application, Round

    rnd = Round.objects.create(
        year=2026,
        title="2026年度市级专精特新中小企业认定",
        program_id="miit2026.zjtx_sme",
        opens_on=TODAY - timedelta(days=20),
        closes_on=add_working_days(TODAY, 3),
        status=Round.Status.OPEN,
    )
    ent = firm_user.enterprise
    Application.objects.create(round=rnd, enterprise=ent, unit=ent.unit)
    reminders_send(today=TODAY)
    reminders_send(today=TODAY)
    titles = _titles(firm_user)
    assert len(titles) == 1
    assert titles[0].startswith("2026年度市级专精特新中小企业认定将于")
    assert not LATIN.search(titles[0])


def test_certificate_holders_hear_90_60_and_30_days_before_expiry_once_each(firm_user):
    from zjtx.certification.models import Application, Round

    rnd = Round.objects.create(
        year=2023,
        title="2023年度认定",
        program_id="miit2026.zjtx_sme",
        opens_on=date(2023, 3, 1),
        closes_on=date(2023, 4, 1),
    )
    ent = firm_user.enterprise
    Application.objects.create(
        round=rnd,
        enterprise=ent,
        unit=ent.unit,
        status=Application.Status.CERTIFIED,
        valid_until=TODAY + timedelta(days=90),
    )
    for day in (TODAY, TODAY, TODAY + timedelta(days=30), TODAY + timedelta(days=60)):
        reminders_send(today=day)
    titles = _titles(firm_user)
    assert len(titles) == 3
    assert all("专精特新资格将于" in t and not LATIN.search(t) for t in titles)


def test_the_person_a_clock_is_owed_by_hears_two_working_days_before(make_user):
    expert = make_user("expert")
    WorkflowClock.objects.create(
        workflow="certification.review",
        object_id="1",
        clock="scoring",
        role="expert",
        state=WorkflowClock.State.RUNNING,
        started_on=TODAY - timedelta(days=7),
        due_on=add_working_days(TODAY, 2),
        assignee_id=expert.pk,
    )
    reminders_send(today=TODAY)
    reminders_send(today=TODAY)
    assert len(_titles(expert)) == 1


def test_the_command_is_idempotent_per_day(firm_user):
    _period(add_working_days(TODAY, 2))
    first, second = StringIO(), StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=first)
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=second)
    assert "total: 1" in first.getvalue()
    assert "total: 0" in second.getvalue()
    assert ReminderSent.objects.count() == 1
