"""Figures: requests by category, unit, provider or month; on-time rate per clock; 解决率 and
满意率; the top open issues. One grouped query over the request table, scoped to the user
(the on-time outcomes are kept on the request by the service, so no clock join is needed)."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from zjtx.partners.models import ServiceProvider
from zjtx.reference.models import AssessmentUnit

from .errors import ServiceError, ServiceErrorCode
from .models import (
    OPEN_STATUSES,
    Category,
    RequestMonthStat,
    Satisfaction,
    ServiceRequest,
)
from .selectors import request_list_for

GROUPS = ("category", "unit", "provider", "month")
RESOLVED = (
    ServiceRequest.Status.ANSWERED,
    ServiceRequest.Status.CONFIRMED,
    ServiceRequest.Status.RATED,
)


def _rate(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class StatsRow:
    key: str
    label: str
    filed: int
    open: int
    resolved: int
    withdrawn: int
    accept_met: int
    accept_done: int
    reply_met: int
    reply_done: int
    resolve_met: int
    resolve_done: int
    rated: int
    satisfied: int

    @property
    def accept_rate(self) -> Decimal | None:
        return _rate(self.accept_met, self.accept_done)

    @property
    def reply_rate(self) -> Decimal | None:
        return _rate(self.reply_met, self.reply_done)

    @property
    def resolve_rate(self) -> Decimal | None:
        return _rate(self.resolve_met, self.resolve_done)

    @property
    def resolution_rate(self) -> Decimal | None:
        """解决率: answered (and not reopened since) over filed, withdrawn ones left out."""
        return _rate(self.resolved, self.filed - self.withdrawn)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意率: 满意 and 基本满意 over all ratings."""
        return _rate(self.satisfied, self.rated)

    def as_dict(self) -> dict[str, Any]:
        def s(v: Decimal | None) -> str | None:
            return None if v is None else str(v)

        return {
            "key": self.key,
            "label": self.label,
            "filed": self.filed,
            "open": self.open,
            "resolved": self.resolved,
            "on_time_accept": s(self.accept_rate),
            "on_time_reply": s(self.reply_rate),
            "on_time_resolve": s(self.resolve_rate),
            "resolution_rate": s(self.resolution_rate),
            "satisfaction_rate": s(self.satisfaction_rate),
        }


COUNTERS = (
    "filed",
    "open",
    "resolved",
    "withdrawn",
    "accept_met",
    "accept_done",
    "reply_met",
    "reply_done",
    "resolve_met",
    "resolve_done",
    "rated",
    "satisfied",
)


def _aggregates() -> dict[str, Any]:
    def met(field: str) -> Count:
        return Count("id", filter=Q(**{field: True}))

    def done(field: str) -> Count:
        return Count("id", filter=Q(**{f"{field}__isnull": False}))

    return {
        "filed": Count("id"),
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "resolved": Count("id", filter=Q(status__in=RESOLVED)),
        "withdrawn": Count("id", filter=Q(status=ServiceRequest.Status.WITHDRAWN)),
        "accept_met": met("accept_on_time"),
        "accept_done": done("accept_on_time"),
        "reply_met": met("reply_on_time"),
        "reply_done": done("reply_on_time"),
        "resolve_met": met("resolve_on_time"),
        "resolve_done": done("resolve_on_time"),
        "rated": Count("rating"),
        "satisfied": Count(
            "rating",
            filter=Q(rating__level__in=(Satisfaction.SATISFIED, Satisfaction.FAIRLY)),
        ),
    }


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def stat_refresh(*, filed_on: date, unit_id: int, provider_id: int | None, category: str) -> None:
    """Recompute one month's row for a unit, provider and category (after any change)."""
    month = _month_start(filed_on)
    key: dict[str, Any] = {
        "month": month,
        "unit_id": unit_id,
        "provider_key": provider_id or 0,
        "category": category,
    }
    totals = ServiceRequest.objects.filter(
        unit_id=unit_id,
        category=category,
        provider_id=provider_id,
        filed_on__range=(month, _month_end(month)),
    ).aggregate(**_aggregates())
    if not totals["filed"]:
        RequestMonthStat.objects.filter(**key).delete()
        return
    RequestMonthStat.objects.update_or_create(**key, defaults=totals)


def stat_refresh_for(request: ServiceRequest, *, provider_id: Any = "same") -> None:
    stat_refresh(
        filed_on=request.filed_on,
        unit_id=request.unit_id,
        provider_id=request.provider_id if provider_id == "same" else provider_id,
        category=request.category,
    )


@transaction.atomic
def stats_rebuild() -> int:
    """Rebuild every monthly row from the requests in one grouped pass; returns the row count."""
    from django.db.models.functions import Coalesce

    RequestMonthStat.objects.all().delete()
    rows = (
        ServiceRequest.objects.order_by()
        .annotate(m=TruncMonth("filed_on"), pk0=Coalesce("provider_id", 0))
        .values("m", "unit_id", "pk0", "category")
        .annotate(**_aggregates())
    )
    objs = [
        RequestMonthStat(
            month=r["m"],
            unit_id=r["unit_id"],
            provider_key=r["pk0"],
            category=r["category"],
            **{name: r[name] for name in COUNTERS},
        )
        for r in rows.iterator()
    ]
    RequestMonthStat.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _raw_rows(user: Any, start: date, end: date, key: str) -> list[dict[str, Any]]:
    """Figures straight from the requests, for a part-month at either end of the range."""
    from django.db.models.functions import Coalesce

    qs = request_list_for(user=user).select_related(None).order_by()
    qs = qs.filter(filed_on__range=(start, end)).annotate(
        m=TruncMonth("filed_on"), provider_key=Coalesce("provider_id", 0)
    )
    field = {
        "category": "category",
        "unit_id": "unit_id",
        "provider_key": "provider_key",
        "month": "m",
    }[key]
    out = []
    for r in qs.values(field).annotate(**_aggregates()):
        r[key] = r.pop(field) if field != key else r[key]
        out.append(r)
    return out


def _table_rows(user: Any, start: date | None, end: date | None, key: str) -> list[dict[str, Any]]:
    from zjtx.accounts.models import Role

    qs = RequestMonthStat.objects.all()
    if user.role == Role.UNIT_OFFICER:
        qs = qs.filter(unit_id=user.unit_id)
    elif user.role != Role.CITY_OFFICER:
        return []
    if start is not None:
        qs = qs.filter(month__gte=start)
    if end is not None:
        qs = qs.filter(month__lte=end)
    return list(qs.values(key).annotate(**{name: Sum(name) for name in COUNTERS}).order_by(key))


def stats_for(
    *, user: Any, date_from: date | None, date_to: date | None, group_by: str = "category"
) -> list[StatsRow]:
    """One row per group for requests filed in [date_from, date_to], in the user's scope.

    Whole months come from the monthly rows; a part-month at either end is counted from the
    requests themselves, so any date range is exact.
    """
    if group_by not in GROUPS:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT,
            _("Group by category, unit, provider or month."),
            {"group_by": _("Not in the list")},
        )
    if date_from and date_to and date_from > date_to:
        raise ServiceError(
            ServiceErrorCode.INVALID_INPUT,
            _("The start date is after the end date."),
            {"from": _("Invalid")},
        )
    key = {"category": "category", "unit": "unit_id", "provider": "provider_key", "month": "month"}[
        group_by
    ]
    parts: list[dict[str, Any]] = []
    first_full: date | None = date_from
    if date_from is not None and date_from.day != 1:
        first_full = _month_end(date_from) + timedelta(days=1)
    last_full: date | None = date_to
    if date_to is not None and date_to != _month_end(date_to):
        last_full = _month_start(date_to) - timedelta(days=1)
    if date_from and date_to and first_full and last_full and first_full > last_full:
        # Within one month, or two part-months with nothing whole between them.
        parts += _raw_rows(user, date_from, date_to, key)
    else:
        if date_from is not None and first_full is not None and first_full != date_from:
            parts += _raw_rows(user, date_from, first_full - timedelta(days=1), key)
        if date_to is not None and last_full is not None and last_full != date_to:
            parts += _raw_rows(user, last_full + timedelta(days=1), date_to, key)
        parts += _table_rows(
            user,
            None if first_full is None else _month_start(first_full),
            None if last_full is None else _month_start(last_full),
            key,
        )
    merged: dict[Any, dict[str, int]] = {}
    for row in parts:
        k = row[key]
        if isinstance(k, datetime):
            k = k.date()
        bucket = merged.setdefault(k, dict.fromkeys(COUNTERS, 0))
        for name in COUNTERS:
            bucket[name] += int(row[name] or 0)
    keys = sorted(merged, key=lambda k: (k is None, str(k)))
    if group_by == "provider":
        labels = _labels(group_by, [k or None for k in keys])
        labels[0] = labels.get(None, "—")
    else:
        labels = _labels(group_by, keys)
    out = []
    for k in keys:
        if group_by == "month":
            text = k.strftime("%Y-%m")
        else:
            text = "" if k in (None, 0) else str(k)
        out.append(StatsRow(key=text, label=labels.get(k, "—"), **merged[k]))
    return out


def _labels(group_by: str, keys: list[Any]) -> dict[Any, str]:
    if group_by == "category":
        return {k: str(Category(k).label) for k in keys if k in Category.values}
    if group_by == "unit":
        return dict(AssessmentUnit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group_by == "provider":
        labels: dict[Any, str] = dict(
            ServiceProvider.objects.filter(pk__in=keys).values_list("pk", "name")
        )
        labels[None] = _("Not assigned to a provider")
        return labels
    return {k: k.strftime("%Y-%m") for k in keys if k is not None}


def stats_total(rows: list[StatsRow]) -> StatsRow:
    total = StatsRow(_("Total"), _("Total"), *([0] * 12))
    for row in rows:
        for name in (
            "filed open resolved withdrawn accept_met accept_done reply_met reply_done "
            "resolve_met resolve_done rated satisfied"
        ).split():
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def top_open_issues(*, user: Any, limit: int = 10) -> list[ServiceRequest]:
    """The open requests overdue longest, for the figures page (the 督办 list's first rows)."""
    from .selectors import overdue_list_for

    return list(overdue_list_for(user=user)[:limit])
