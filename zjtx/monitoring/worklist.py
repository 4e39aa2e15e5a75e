"""Operations monitoring on the home page: reports due, confirmations, locks, warnings."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.worklist import (
    ITEMS_PER_KIND,
    OverviewPanel,
    OverviewRow,
    UpcomingDate,
    WorkGroup,
    WorkItem,
    as_date,
)

from .models import (
    Indicator,
    Level,
    MonitoringValue,
    MonitoringWarning,
    ReportingPeriod,
    UnitPeriodConfirmation,
)
from .selectors import reporting_rates, warning_list_for

if TYPE_CHECKING:
    from zjtx.accounts.models import User


# The same colours as the warning list (monitoring/warnings.html).
LEVEL_BADGES: dict[str, str] = {
    Level.RED: "text-bg-danger",
    Level.ORANGE: "text-bg-warning",
    Level.YELLOW: "text-bg-light border border-warning",
}


def _open_periods() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN)


def _reported_by(enterprise_id: int | None) -> QuerySet[MonitoringValue]:
    if enterprise_id is None:
        return MonitoringValue.objects.none()
    return MonitoringValue.objects.filter(period_id=OuterRef("pk"), enterprise_id=enterprise_id)


def _period_group(qs: QuerySet[ReportingPeriod], kind: Any, url: str) -> list[WorkGroup]:
    rows = list(qs.order_by("due_date", "code")[: ITEMS_PER_KIND + 1])
    if not rows:
        return []
    count = len(rows) if len(rows) <= ITEMS_PER_KIND else qs.count()
    items = [
        WorkItem(kind=kind, title=p.label, url=url, waiting_since=None, due_on=p.due_date)
        for p in rows[:ITEMS_PER_KIND]
    ]
    return [WorkGroup(kind, count, url, items)]


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    role = getattr(user, "role", "")
    if role == Role.ENTERPRISE and user.enterprise_id:
        qs = _open_periods().filter(~Exists(_reported_by(user.enterprise_id)))
        return _period_group(qs, _("Operations reports to submit"), reverse("monitoring:report"))
    if role == Role.UNIT_OFFICER and user.unit_id:
        confirmed = UnitPeriodConfirmation.objects.filter(
            period_id=OuterRef("pk"), unit_id=user.unit_id
        )
        # A period waits for the unit's confirmation once its reports are due.
        qs = _open_periods().filter(~Exists(confirmed), due_date__lte=today)
        groups = _period_group(
            qs,
            _("Reporting periods awaiting your unit's confirmation"),
            reverse("monitoring:periods"),
        )
        return groups + _warnings(user)
    if role == Role.CITY_OFFICER:
        qs = _open_periods().filter(due_date__lt=today)
        return _period_group(qs, _("Reporting periods to lock"), reverse("monitoring:periods"))
    return []


def _warnings(user: User) -> list[WorkGroup]:
    kind = _("Early warnings to follow up")
    qs = warning_list_for(user=user, status=MonitoringWarning.Status.OPEN)
    count = qs.count()
    if not count:
        return []
    url = reverse("monitoring:warnings")
    rows = qs.order_by("created_at", "id")[:ITEMS_PER_KIND]
    items = [
        WorkItem(
            kind=kind,
            title=f"{w.enterprise.name} · {w.rule.get_code_display()}",
            url=url,
            waiting_since=as_date(w.created_at),
            hint=w.get_level_display(),
        )
        for w in rows
    ]
    return [WorkGroup(kind, count, url, items)]


def upcoming(user: User, today: date) -> list[UpcomingDate]:
    role = getattr(user, "role", "")
    if role not in (Role.ENTERPRISE, Role.UNIT_OFFICER, Role.CITY_OFFICER):
        return []
    url = reverse("monitoring:report" if role == Role.ENTERPRISE else "monitoring:periods")
    periods = _open_periods().filter(due_date__gte=today)
    if role == Role.ENTERPRISE:
        # A report already sent has no date left to watch.
        periods = periods.filter(~Exists(_reported_by(user.enterprise_id)))
    return [
        UpcomingDate(_("Reports due: %(period)s") % {"period": p.label}, p.due_date, url)
        for p in periods.order_by("due_date")[:3]
    ]


def overview(user: User, today: date) -> list[OverviewPanel]:
    if getattr(user, "role", "") != Role.CITY_OFFICER:
        return []
    panels = []
    period = (
        ReportingPeriod.objects.filter(frequency=Indicator.Frequency.MONTHLY, due_date__lte=today)
        .order_by("-year", "-month")
        .first()
    )
    if period is not None:
        rates = reporting_rates(user=user, period=period)
        expected = sum(r.expected for r in rates)
        reported = sum(r.reported for r in rates)
        panels.append(
            OverviewPanel(
                title=_("Reporting rate, %(period)s") % {"period": period.label},
                order=30,
                url=reverse("monitoring:reporting") + "?period=" + period.code,
                done=reported,
                target=expected,
                note=_("%(reported)s of %(expected)s enterprises reported")
                % {"reported": reported, "expected": expected},
            )
        )
    counts = dict(
        warning_list_for(user=user, status=MonitoringWarning.Status.OPEN)
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    rows = tuple(
        OverviewRow(
            label, str(counts.get(level, 0)), LEVEL_BADGES[level] if counts.get(level) else ""
        )
        for level, label in reversed(Level.choices)
    )
    panels.append(
        OverviewPanel(
            title=_("Open early warnings by level"),
            order=40,
            url=reverse("monitoring:warnings"),
            rows=rows,
        )
    )
    return panels


def register() -> None:
    worklist.register("monitoring", waiting_for=waiting_for, upcoming=upcoming, overview=overview)
