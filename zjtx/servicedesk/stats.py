"""Figures: requests by category, unit, provider or month; on-time rate per clock; 解决率 and
满意率; the top open issues. One grouped query over the request table, scoped to the user
(the on-time outcomes are kept on the request by the service, so no clock join is needed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from zjtx.partners.models import ServiceProvider
from zjtx.reference.models import AssessmentUnit

from .errors import ServiceError, ServiceErrorCode
from .models import OPEN_STATUSES, Category, Satisfaction, ServiceRequest
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


def _met(field: str) -> Count:
    return Count("id", filter=Q(**{field: True}))


def _done(field: str) -> Count:
    return Count("id", filter=Q(**{f"{field}__isnull": False}))


def stats_for(
    *, user: Any, date_from: date | None, date_to: date | None, group_by: str = "category"
) -> list[StatsRow]:
    """One row per group for requests filed in [date_from, date_to], in the user's scope."""
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
    qs = request_list_for(user=user).select_related(None).order_by()
    if date_from:
        qs = qs.filter(filed_on__gte=date_from)
    if date_to:
        qs = qs.filter(filed_on__lte=date_to)
    key = {"category": "category", "unit": "unit_id", "provider": "provider_id", "month": "m"}[
        group_by
    ]
    if group_by == "month":
        qs = qs.annotate(m=TruncMonth("filed_on"))
    rows = (
        qs.values(key)
        .annotate(
            filed=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("id", filter=Q(status__in=RESOLVED)),
            withdrawn=Count("id", filter=Q(status=ServiceRequest.Status.WITHDRAWN)),
            accept_met=_met("accept_on_time"),
            accept_done=_done("accept_on_time"),
            reply_met=_met("reply_on_time"),
            reply_done=_done("reply_on_time"),
            resolve_met=_met("resolve_on_time"),
            resolve_done=_done("resolve_on_time"),
        )
        .order_by(key)
    )
    ratings = (
        qs.filter(rating__isnull=False)
        .values(key)
        .annotate(
            rated=Count("id"),
            satisfied=Count(
                "id",
                filter=Q(rating__level__in=(Satisfaction.SATISFIED, Satisfaction.FAIRLY)),
            ),
        )
        .order_by(key)
    )
    rated = {r[key]: r for r in ratings}
    labels = _labels(group_by, [r[key] for r in rows])
    out = []
    for r in rows:
        k = r[key]
        rr = rated.get(k, {})
        out.append(
            StatsRow(
                key="" if k is None else (k.strftime("%Y-%m") if group_by == "month" else str(k)),
                label=labels.get(k, "—"),
                filed=r["filed"],
                open=r["open"],
                resolved=r["resolved"],
                withdrawn=r["withdrawn"],
                accept_met=r["accept_met"],
                accept_done=r["accept_done"],
                reply_met=r["reply_met"],
                reply_done=r["reply_done"],
                resolve_met=r["resolve_met"],
                resolve_done=r["resolve_done"],
                rated=rr.get("rated", 0),
                satisfied=rr.get("satisfied", 0),
            )
        )
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
    """The open requests overdue longest (then oldest), for the figures page."""
    return list(
        request_list_for(user=user, open_only=True)
        .filter(due_on__isnull=False)
        .order_by("due_on", "created_at")[:limit]
    )
