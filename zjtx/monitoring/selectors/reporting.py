"""Reporting rates by unit and the enterprises that have not reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q, QuerySet

from zjtx.accounts.scoping import scope_enterprise_qs, scope_unit_qs
from zjtx.enterprises.models import Enterprise
from zjtx.reference.models import AssessmentUnit

from ..models import (
    ImportRun,
    MonitoringValue,
    ReportingPeriod,
    UnitPeriodConfirmation,
    UnitPeriodStat,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


@dataclass(frozen=True)
class UnitRate:
    unit: AssessmentUnit
    expected: int
    reported: int
    confirmed: UnitPeriodConfirmation | None
    last_upload: datetime | None
    on_time: bool | None

    @property
    def missing(self) -> int:
        return self.expected - self.reported

    @property
    def rate(self) -> float:
        return 100.0 * self.reported / self.expected if self.expected else 0.0


def reporting_rates(*, user: User, period: ReportingPeriod) -> list[UnitRate]:
    """Reported / expected enterprises per unit, with confirmation and timeliness."""
    units = scope_unit_qs(AssessmentUnit.objects.order_by("sort_order", "code"), user, "pk")
    expected = dict(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    reported = dict(
        UnitPeriodStat.objects.filter(period=period).values_list("unit_id", "enterprises_reported")
    )
    confirmations = {c.unit_id: c for c in UnitPeriodConfirmation.objects.filter(period=period)}
    last: dict[int | None, datetime] = dict(
        ImportRun.objects.filter(period=period, status=ImportRun.Status.COMMITTED)
        .values_list("uploader_unit_id")
        .annotate(at=Max("created_at"))
        .values_list("uploader_unit_id", "at")
    )
    city_last = last.get(None)
    result = []
    for unit in units:
        at = last.get(unit.pk) or city_last
        on_time = None if at is None else at.date() <= period.due_date
        result.append(
            UnitRate(
                unit,
                expected.get(unit.pk, 0),
                reported.get(unit.pk, 0),
                confirmations.get(unit.pk),
                at,
                on_time,
            )
        )
    return result


def enterprises_not_reported(
    *, user: User, period: ReportingPeriod, unit_id: int
) -> QuerySet[Enterprise]:
    """Who in the unit has no value for the period (for reminders)."""
    reported_ids = MonitoringValue.objects.filter(period=period).values("enterprise_id")
    qs = scope_enterprise_qs(Enterprise.objects.all(), user).filter(
        Q(unit_id=unit_id) & Q(status=Enterprise.Status.VERIFIED)
    )
    return qs.exclude(pk__in=reported_ids).order_by("name")
