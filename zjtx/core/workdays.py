"""Working-day arithmetic on the official calendar: holidays and 调休 workdays (DOMAIN §9).

The chinesecalendar package carries the State Council calendar for the years it knows; the
`WorkingDayOverride` table, maintained by an administrator, wins over it and covers future
years. A year neither knows falls back to Monday-Friday.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import DomainError, ErrorCode, NotFound
from .models import WorkingDayOverride

ONE_DAY = timedelta(days=1)


def _package_is_workday(day: date) -> bool:
    # chinesecalendar raises NotImplementedError for years whose official calendar it lacks;
    # those fall back to Monday–Friday unless an admin override says otherwise.
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def package_knows(year: int) -> bool:
    """Whether chinesecalendar has the official calendar of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(start: date, end: date) -> dict[date, bool]:
    rows = WorkingDayOverride.objects.filter(day__gte=start, day__lte=end).values_list(
        "day", "kind"
    )
    return {day: kind == WorkingDayOverride.Kind.WORKDAY for day, kind in rows}


class _Calendar:
    """Answers is-working-day questions for a span, loading overrides a window at a time."""

    WINDOW = 120

    def __init__(self) -> None:
        self._loaded_until: date | None = None
        self._loaded_from: date | None = None
        self._overrides: dict[date, bool] = {}

    def is_working(self, day: date) -> bool:
        if self._loaded_from is None or not (self._loaded_from <= day <= self._loaded_until):  # type: ignore[operator]
            self._loaded_from = day - timedelta(days=self.WINDOW)
            self._loaded_until = day + timedelta(days=self.WINDOW)
            self._overrides = _overrides(self._loaded_from, self._loaded_until)
        if day in self._overrides:
            return self._overrides[day]
        return _package_is_workday(day)


def is_working_day(day: date) -> bool:
    """True on a working day: an override first, then the official calendar, then Mon-Fri."""
    override = WorkingDayOverride.objects.filter(day=day).values_list("kind", flat=True).first()
    if override is not None:
        return override == WorkingDayOverride.Kind.WORKDAY
    return _package_is_workday(day)


def add_working_days(start: date, n: int) -> date:
    """The date `n` working days after `start` (start itself not counted); n=0 gives start."""
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = _Calendar()
    day = start
    remaining = n
    while remaining:
        day += ONE_DAY
        if calendar.is_working(day):
            remaining -= 1
    return day


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    calendar = _Calendar()
    while not calendar.is_working(day):
        day += ONE_DAY
    return day


def period_end(start: date, n: int) -> date:
    """The last day of a period of `n` working days that begins on `start` (counted if working).

    A 5-working-day 公示 starting Wednesday 2026-09-30 ends Monday 2026-10-12: 30 Sep, then
    the National Day break, then 8, 9, 10 (调休 Saturday) and 12 October.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    first = next_working_day(start)
    return add_working_days(first, n - 1)


def working_days_between(start: date, end: date) -> int:
    """How many working days lie in [start, end] (0 when end is before start)."""
    calendar = _Calendar()
    count = 0
    day = start
    while day <= end:
        if calendar.is_working(day):
            count += 1
        day += ONE_DAY
    return count


def override_list(*, year: int) -> list[WorkingDayOverride]:
    return list(
        WorkingDayOverride.objects.filter(day__year=year)
        .select_related("updated_by")
        .order_by("day")
    )


@transaction.atomic
def override_set(*, day: date, kind: str, name: str, actor: Any) -> WorkingDayOverride:
    """Enter or change one day of the official calendar (国务院办公厅 notice, admin-maintained)."""
    if kind not in WorkingDayOverride.Kind.values:
        raise DomainError(
            ErrorCode.INVALID_KIND, _("Choose holiday or adjusted workday."), {"kind": kind}
        )
    row = WorkingDayOverride.objects.select_for_update().filter(day=day).first()
    before = None if row is None else {"kind": row.kind, "name": row.name}
    if row is None:
        row = WorkingDayOverride(day=day)
    row.kind = kind
    row.name = name.strip()[:50]
    row.updated_by = actor if getattr(actor, "pk", None) else None
    row.save()
    audit_record(
        actor=actor,
        action="calendar.override_set",
        obj=row,
        before=before,
        after={"day": day, "kind": kind, "name": row.name},
    )
    return row


@transaction.atomic
def override_delete(*, pk: int, actor: Any) -> None:
    """Remove an override; the day falls back to the official calendar."""
    row = WorkingDayOverride.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    audit_record(
        actor=actor,
        action="calendar.override_delete",
        obj=row,
        before={"day": row.day, "kind": row.kind, "name": row.name},
    )
    row.delete()
