from datetime import date

import pytest

from zjtx.certification import selectors
from zjtx.certification.models import Notice


@pytest.mark.django_db  # the working-day overrides table is consulted
def test_a_notice_published_on_a_weekend_is_open_and_counts_from_the_next_workday():
    # Published Saturday 2026-11-28, starting that day; the 5 working days run Monday 11-30 to
    # Friday 12-04.
    notice = Notice(starts_on=date(2026, 11, 28), ends_on=date(2026, 12, 4), working_days=5)
    saturday = date(2026, 11, 28)
    assert not selectors.notice_is_open(
        notice=notice, today=date(2026, 11, 27)
    )  # not before it starts
    assert selectors.notice_is_open(notice=notice, today=saturday)
    assert selectors.notice_remaining_working_days(notice=notice, today=saturday) == 5
    assert selectors.notice_remaining_working_days(notice=notice, today=date(2026, 12, 3)) == 2
    assert not selectors.notice_is_open(notice=notice, today=date(2026, 12, 5))
    assert selectors.notice_remaining_working_days(notice=notice, today=date(2026, 12, 5)) == 0
