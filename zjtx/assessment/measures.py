"""The facts of the assessment scheme, per unit and year, each from one bulk query.

Every function returns {unit_id: {fact: value}} for the units asked; a unit without rows gets
zeros, because a count of nothing is a known zero here (no warnings raised is a fact), except
where the source itself is missing (the pools before cultivation records them), which stays
absent so the engine reports "insufficient data" for that indicator.

Reads other apps' tables read-only and aggregated (counts per unit); nothing here is shown as a
list of another unit's records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from zjtx.core import workdays


@dataclass(frozen=True)
class Span:
    """The assessed stretch of a year: 1 January to 31 December, or to `as_of` if earlier."""

    year: int
    start: date
    end: date

    @classmethod
    def of(cls, year: int, as_of: date) -> Span:
        return cls(year, date(year, 1, 1), min(date(year, 12, 31), as_of))


Facts = dict[int, dict[str, Any]]


def _zeros(unit_ids: Iterable[int], *names: str) -> Facts:
    return {uid: dict.fromkeys(names, 0) for uid in unit_ids}


def _local_date(value: datetime | None) -> date | None:
    return None if value is None else timezone.localdate(value)


class WorkingDayIndex:
    """Working days counted once for a span, so many deadlines cost no query each."""

    def __init__(self, start: date, end: date) -> None:
        # One calendar object reads the admin's overrides a window at a time (core/workdays).
        calendar = workdays._Calendar()
        self.start = start
        self.cumulative: list[int] = []
        total = 0
        day = start
        while day <= end:
            if calendar.is_working(day):
                total += 1
            self.cumulative.append(total)
            day += timedelta(days=1)

    def deadline_met(self, started: date, finished: date, n: int) -> bool:
        """Whether `finished` lies within `n` working days after `started` (start not counted)."""
        if finished <= started:
            return True
        last = len(self.cumulative) - 1
        i = min(max((started - self.start).days, 0), last)
        j = min(max((finished - self.start).days, 0), last)
        return self.cumulative[j] - self.cumulative[i] <= n


# ------------------------------------------------------------------ certification


def certification_facts(unit_ids: list[int], span: Span) -> Facts:
    """Enterprises newly granted the municipal tier in the span, per unit, from the tier history
    (certification writes it when it certifies; lists taken over are in it too)."""
    from zjtx.cultivation.selectors import certified_new_by_unit

    counts = certified_new_by_unit(start=span.start, end=span.end)
    return {uid: {"certified_new": counts.get(uid, 0)} for uid in unit_ids}


def certification_shares(units: list[Any], year: int, as_of: date) -> dict[int, Decimal]:
    """Each unit's share of the year's certification target.

    The cultivation targets first: a "newly certified" target in force on `as_of` with unit
    shares, spread evenly over the years of its period. Without one, the year's round: its quota
    per unit where set, otherwise its quota (50 by default) split by the units' verified
    enterprises."""
    from_targets = _shares_from_targets(units, as_of)
    if from_targets is not None:
        return from_targets
    return _shares_from_round(units, year)


def _shares_from_targets(units: list[Any], as_of: date) -> dict[int, Decimal] | None:
    from zjtx.cultivation.selectors import target_shares

    shares: dict[int, Decimal] = {}
    found = False
    for unit in units:
        rows = [r for r in target_shares(unit=unit, on=as_of) if r["metric"] == "certified_new"]
        if rows:
            row = rows[0]
            years = row["period_end"].year - row["period_start"].year + 1
            share = Decimal(row["share"]) / max(years, 1)
            shares[unit.pk] = share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            found = found or row["share"] > 0
    return shares if found and len(shares) == len(units) else None


def _shares_from_round(units: list[Any], year: int) -> dict[int, Decimal]:
    from zjtx.certification.models import Round
    from zjtx.enterprises.models import Enterprise

    rnd = Round.objects.filter(year=year).order_by("-id").first()
    quota = Decimal(rnd.quota if rnd is not None else 50)
    explicit = {str(k): v for k, v in ((rnd.unit_quotas or {}) if rnd else {}).items()}
    shares: dict[int, Decimal] = {}
    if explicit:
        for unit in units:
            shares[unit.pk] = Decimal(str(explicit.get(unit.code, 0)))
        return shares
    counts = dict(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED, unit_id__isnull=False)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
        .order_by()
    )
    total = sum(counts.values())
    for unit in units:
        n = counts.get(unit.pk, 0)
        share = quota * n / total if total else Decimal(0)
        shares[unit.pk] = share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return shares


# ------------------------------------------------------------------ pools


def pool_facts(unit_ids: list[int], span: Span) -> Facts:
    """Enterprises in the gradient pools at the start and the end of the span, per unit.

    The pools are kept by the cultivation app; while no enterprise is in any pool the facts
    stay absent, so the indicator reads "insufficient data" instead of a made-up zero."""
    counts = _pool_counts(unit_ids, span)
    out: Facts = {uid: {} for uid in unit_ids}
    if counts is None:
        return out
    for uid in unit_ids:
        start, end = counts.get(uid, (0, 0))
        out[uid] = {"pool_start": start, "pool_end": end}
    return out


def _pool_counts(unit_ids: list[int], span: Span) -> dict[int, tuple[int, int]] | None:
    """(start, end) pool sizes per unit (cultivation's pool counts on 31 December of the year
    before and at the end of the span), or None while no enterprise is in any pool."""
    from zjtx.cultivation.selectors import pool_counts_by_unit

    before = pool_counts_by_unit(on=span.start - timedelta(days=1))
    after = pool_counts_by_unit(on=span.end)
    if not before and not after:
        return None
    return {
        uid: (before.get(uid, {}).get("total", 0), after.get(uid, {}).get("total", 0))
        for uid in unit_ids
    }


# ------------------------------------------------------------------ monitoring


def reporting_facts(unit_ids: list[int], span: Span) -> Facts:
    """Enterprise-months expected and filed, and months confirmed by the due date, for the
    monthly periods of the year whose due date has passed by the end of the span."""
    from zjtx.enterprises.models import Enterprise
    from zjtx.monitoring.models import (
        Indicator,
        ReportingPeriod,
        UnitPeriodConfirmation,
        UnitPeriodStat,
    )

    names = ("reports_expected", "reports_filed", "periods_due", "periods_confirmed_on_time")
    out = _zeros(unit_ids, *names)
    periods = list(
        ReportingPeriod.objects.filter(
            year=span.year, frequency=Indicator.Frequency.MONTHLY, due_date__lte=span.end
        ).values_list("pk", "due_date")
    )
    if not periods:
        return out
    period_ids = [pk for pk, _due in periods]
    due = dict(periods)
    expected = dict(
        Enterprise.objects.filter(status=Enterprise.Status.VERIFIED, unit_id__in=unit_ids)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
        .order_by()
    )
    filed: dict[int, int] = defaultdict(int)
    for unit_id, n in UnitPeriodStat.objects.filter(
        period_id__in=period_ids, unit_id__in=unit_ids
    ).values_list("unit_id", "enterprises_reported"):
        filed[unit_id] += n
    on_time: dict[int, int] = defaultdict(int)
    for unit_id, period_id, at in UnitPeriodConfirmation.objects.filter(
        period_id__in=period_ids, unit_id__in=unit_ids
    ).values_list("unit_id", "period_id", "confirmed_at"):
        confirmed = _local_date(at)
        if confirmed is not None and confirmed <= due[period_id]:
            on_time[unit_id] += 1
    for uid in unit_ids:
        per_month = expected.get(uid, 0)
        out[uid] = {
            "reports_expected": per_month * len(periods),
            # A late correction can add rows for an enterprise that left; never above expected.
            "reports_filed": min(filed.get(uid, 0), per_month * len(periods)),
            "periods_due": len(periods),
            "periods_confirmed_on_time": on_time.get(uid, 0),
        }
    return out


def warning_facts(unit_ids: list[int], span: Span, days: int, index: WorkingDayIndex) -> Facts:
    """Early warnings of the year's periods raised by the end of the span (withdrawn ones left
    out), and those closed within `days` working days of being raised."""
    from zjtx.monitoring.models import MonitoringWarning

    out = _zeros(unit_ids, "warnings_raised", "warnings_closed_in_time")
    rows = (
        MonitoringWarning.objects.filter(
            unit_id__in=unit_ids,
            period__year=span.year,
            created_at__date__lte=span.end,
        )
        # A warning withdrawn because the figures were corrected was never a task to follow up.
        .exclude(status="withdrawn")
        .values_list("unit_id", "created_at", "closed_at", "status")
    )
    for unit_id, created, closed, status in rows:
        out[unit_id]["warnings_raised"] += 1
        raised_on = _local_date(created)
        closed_on = _local_date(closed)
        if (
            status == MonitoringWarning.Status.CLOSED
            and raised_on is not None
            and closed_on is not None
            and closed_on <= span.end
            and index.deadline_met(raised_on, closed_on, days)
        ):
            out[unit_id]["warnings_closed_in_time"] += 1
    return out


# ------------------------------------------------------------------ service centre


def service_facts(unit_ids: list[int], span: Span) -> Facts:
    """Service requests whose resolve clock started in the year and either stopped or fell due
    by the end of the span (servicedesk's working-day clocks); on time = stopped as met."""
    from zjtx.core.models import WorkflowClock

    out = _zeros(unit_ids, "requests_due", "requests_on_time")
    State = WorkflowClock.State
    rows = (
        WorkflowClock.objects.filter(
            workflow="servicedesk.request",
            clock="resolve",
            unit_id__in=unit_ids,
            started_on__gte=span.start,
            started_on__lte=span.end,
        )
        .filter(
            Q(state__in=(State.MET, State.BREACHED), stopped_on__lte=span.end)
            | Q(due_on__lt=span.end)
        )
        .values_list("unit_id", "state", "stopped_on")
    )
    for unit_id, state, stopped in rows:
        if unit_id is None:
            continue
        out[unit_id]["requests_due"] += 1
        if state == State.MET and stopped is not None and stopped <= span.end:
            out[unit_id]["requests_on_time"] += 1
    return out


# ------------------------------------------------------------------ subsidies


def subsidy_facts(unit_ids: list[int], span: Span, days: int, index: WorkingDayIndex) -> Facts:
    """Subsidy payouts recorded in the span for the unit's enterprises, and those recorded
    within `days` working days of the enterprise's application."""
    from zjtx.subsidies.models import Payout

    out = _zeros(unit_ids, "payouts_total", "payouts_on_time")
    rows = Payout.objects.filter(
        enterprise__unit_id__in=unit_ids,
        recorded_at__date__gte=span.start,
        recorded_at__date__lte=span.end,
    ).values_list("enterprise__unit_id", "recorded_at", "application__submitted_at")
    for unit_id, recorded, submitted in rows:
        out[unit_id]["payouts_total"] += 1
        paid_on = _local_date(recorded)
        asked_on = _local_date(submitted)
        if paid_on is not None and asked_on is not None:
            if index.deadline_met(asked_on, paid_on, days):
                out[unit_id]["payouts_on_time"] += 1
    return out


# ------------------------------------------------------------------ financing


def financing_facts(unit_ids: list[int], span: Span) -> Facts:
    """Financing demands published in the span (withdrawn ones left out) and those that got
    credit granted or disbursed by a bank."""
    from zjtx.financing.models import Demand, Engagement

    out = _zeros(unit_ids, "demands_total", "demands_served")
    served = Engagement.objects.filter(
        demand=OuterRef("pk"),
        status__in=(Engagement.Status.GRANTED, Engagement.Status.DISBURSED),
    )
    rows = (
        Demand.objects.filter(
            enterprise__unit_id__in=unit_ids,
            published_at__date__gte=span.start,
            published_at__date__lte=span.end,
        )
        .exclude(status=Demand.Status.WITHDRAWN)
        .annotate(served=Exists(served))
        .values_list("enterprise__unit_id", "served")
    )
    for unit_id, is_served in rows:
        out[unit_id]["demands_total"] += 1
        if is_served:
            out[unit_id]["demands_served"] += 1
    return out
