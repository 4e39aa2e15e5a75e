from datetime import date

import pytest

from zjtx.core import workdays
from zjtx.core.models import WorkingDayOverride

pytestmark = pytest.mark.django_db


def test_national_day_is_not_a_working_day_and_the_adjusted_saturday_is():
    assert not workdays.is_working_day(date(2026, 10, 1))
    assert workdays.is_working_day(date(2026, 10, 10))  # 调休 Saturday
    assert not workdays.is_working_day(date(2026, 10, 11))


def test_notice_of_five_working_days_skips_national_day():
    # 28, 29, 30 September, then 8 and 9 October.
    assert workdays.period_end(date(2026, 9, 28), 5) == date(2026, 10, 9)


def test_notice_end_counts_the_adjusted_saturday():
    # 30 September, 8, 9, 10 (调休 Saturday) and 12 October.
    assert workdays.period_end(date(2026, 9, 30), 5) == date(2026, 10, 12)


def test_notice_starting_on_a_holiday_begins_on_the_next_working_day():
    assert workdays.next_working_day(date(2026, 10, 3)) == date(2026, 10, 8)
    assert workdays.period_end(date(2026, 10, 3), 3) == date(2026, 10, 10)


def test_add_working_days_does_not_count_the_start():
    assert workdays.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert workdays.add_working_days(date(2026, 9, 30), 0) == date(2026, 9, 30)


def test_override_covers_a_year_the_package_does_not_know(city_officer):
    assert not workdays.package_knows(2031)
    # 2031-10-01 is a Wednesday: without an override it would count as a working day.
    assert workdays.is_working_day(date(2031, 10, 1))
    workdays.override_set(day=date(2031, 10, 1), kind="holiday", name="国庆节", actor=city_officer)
    workdays.override_set(
        day=date(2031, 9, 27), kind="workday", name="国庆调休", actor=city_officer
    )
    assert not workdays.is_working_day(date(2031, 10, 1))
    assert workdays.is_working_day(date(2031, 9, 27))  # a Saturday
    # Fri 26 Sep, Sat 27 (调休), Mon 29, Tue 30, Thu 2 Oct.
    assert workdays.period_end(date(2031, 9, 26), 5) == date(2031, 10, 2)


def test_override_wins_over_the_package(city_officer):
    row = workdays.override_set(day=date(2026, 10, 9), kind="holiday", name="", actor=city_officer)
    assert not workdays.is_working_day(date(2026, 10, 9))
    workdays.override_delete(pk=row.pk, actor=city_officer)
    assert workdays.is_working_day(date(2026, 10, 9))
    assert not WorkingDayOverride.objects.exists()


def test_working_days_between_counts_inclusive():
    assert workdays.working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 5
    assert workdays.working_days_between(date(2026, 10, 12), date(2026, 10, 1)) == 0
