"""Financing on the home page: the bank's take-ups and decisions, the debtor's receivables,
the city's product reviews and overdue take-ups (escalated), the enterprise's open demands."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.money import format_wan
from zjtx.core.worklist import ITEMS_PER_KIND, WorkGroup, WorkItem, as_date

from .models import Demand, Engagement, Product, Receivable
from .selectors import (
    demand_list_for,
    engagement_list_for,
    is_bank,
    is_business,
    overdue_takeups,
    product_list_for,
    receivable_list_for,
)
from .workflow import ENGAGEMENT

if TYPE_CHECKING:
    from zjtx.accounts.models import User


E = Engagement.Status

# Engagement states waiting for the bank: kind, and the field the wait started on.
BANK_WAITING: tuple[tuple[str, Any, str], ...] = (
    (E.CONSENTED, _("Financing demands awaiting take-up"), "consented_on"),
    (E.TAKEN_UP, _("Taken-up demands awaiting a credit decision"), "taken_up_on"),
    (E.GRANTED, _("Credit granted awaiting disbursement"), "granted_on"),
)


def _demand_title(demand: Demand) -> str:
    return _("%(enterprise)s · %(amount)s (10k yuan)") % {
        "enterprise": demand.enterprise.name,
        "amount": format_wan(demand.amount_yuan),
    }


def _engagement_items(qs: QuerySet[Engagement], kind: Any, since: str) -> list[WorkItem]:
    rows = list(qs.order_by(since, "id")[:ITEMS_PER_KIND])
    due = worklist.clock_due_map(ENGAGEMENT.name, [row.pk for row in rows])
    return [
        WorkItem(
            kind=kind,
            title=_demand_title(row.demand),
            url=reverse("financing:demand", args=[row.demand_id]),
            waiting_since=getattr(row, since),
            due_on=due.get(str(row.pk)),
        )
        for row in rows
    ]


def _bank_groups(user: User, today: date) -> list[WorkGroup]:
    qs = engagement_list_for(user=user, today=today)
    counts = dict(
        qs.filter(status__in=[s for s, _k, _f in BANK_WAITING])
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    groups = []
    for status, kind, since in BANK_WAITING:
        if counts.get(status):
            groups.append(
                WorkGroup(
                    kind,
                    counts[status],
                    reverse("financing:list"),
                    _engagement_items(qs.filter(status=status), kind, since),
                )
            )
    returned = product_list_for(user=user, status=Product.Status.RETURNED)
    groups.extend(_product_group(returned, _("Products returned by the city for correction")))
    return groups


def _product_group(qs: QuerySet[Product], kind: Any) -> list[WorkGroup]:
    count = qs.count()
    if not count:
        return []
    rows = qs.order_by("created_at", "id")[:ITEMS_PER_KIND]
    items = [
        WorkItem(
            kind=kind,
            title=f"{row.institution.name} · {row.name}",
            url=reverse("financing:product", args=[row.pk]),
            waiting_since=as_date(row.created_at),
            hint=row.last_reason,
        )
        for row in rows
    ]
    return [WorkGroup(kind, count, reverse("financing:products"), items)]


def _overdue_group(user: User, today: date) -> list[WorkGroup]:
    rows = overdue_takeups(user=user, today=today)
    if not rows:
        return []
    kind = _("Overdue take-ups escalated to the bureau")
    items = [
        WorkItem(
            kind=kind,
            title=f"{row['engagement'].institution.name} · {_demand_title(row['engagement'].demand)}",
            url=reverse("financing:demand", args=[row["engagement"].demand_id]),
            waiting_since=row["engagement"].consented_on,
            due_on=row["clock"].due_on,
            overdue=True,
        )
        for row in rows[:ITEMS_PER_KIND]
    ]
    return [WorkGroup(kind, len(rows), reverse("financing:overdue"), items)]


def _debtor_group(user: User) -> list[WorkGroup]:
    qs = receivable_list_for(user=user, status=Receivable.Status.RECORDED).filter(
        debtor_id=user.enterprise_id
    )
    count = qs.count()
    if not count:
        return []
    kind = _("Receivables awaiting your confirmation as debtor")
    items = [
        WorkItem(
            kind=kind,
            title=_("%(creditor)s · %(amount)s (10k yuan)")
            % {"creditor": row.creditor.name, "amount": format_wan(row.amount_yuan)},
            url=reverse("financing:receivables"),
            waiting_since=as_date(row.created_at),
            hint=row.invoice_no,
        )
        for row in qs.order_by("created_at", "id")[:ITEMS_PER_KIND]
    ]
    return [WorkGroup(kind, count, reverse("financing:receivables"), items)]


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    if is_bank(user):
        return _bank_groups(user, today)
    if not is_business(user):
        return []
    if user.role == Role.ENTERPRISE:
        return _debtor_group(user) if user.enterprise_id else []
    groups: list[WorkGroup] = []
    if user.role == Role.CITY_OFFICER:
        submitted = product_list_for(user=user, status=Product.Status.SUBMITTED)
        groups.extend(_product_group(submitted, _("Financial products awaiting review")))
    groups.extend(_overdue_group(user, today))
    return groups


def submitted_by(user: User, today: date) -> list[WorkGroup]:
    """The enterprise's published demands that some bank has not taken up yet."""
    if not is_business(user) or user.role != Role.ENTERPRISE:
        return []
    waiting = Engagement.objects.filter(demand_id=OuterRef("pk"), status=E.CONSENTED)
    qs = demand_list_for(user=user, status=Demand.Status.PUBLISHED, today=today).filter(
        Exists(waiting)
    )
    count = qs.count()
    if not count:
        return []
    kind = _("My financing demands awaiting take-up")
    rows = list(qs.order_by("published_at", "id")[:ITEMS_PER_KIND])
    engagements = list(
        Engagement.objects.filter(demand__in=rows, status=E.CONSENTED).values_list(
            "pk", "demand_id"
        )
    )
    due_by_engagement = worklist.clock_due_map(ENGAGEMENT.name, [pk for pk, _d in engagements])
    due: dict[int, date] = {}
    for pk, demand_id in engagements:
        on = due_by_engagement.get(str(pk))
        if on is not None and (demand_id not in due or on < due[demand_id]):
            due[demand_id] = on
    items = [
        WorkItem(
            kind=kind,
            title=_demand_title(row),
            url=reverse("financing:demand", args=[row.pk]),
            waiting_since=as_date(row.published_at),
            due_on=due.get(row.pk),
        )
        for row in rows
    ]
    return [WorkGroup(kind, count, reverse("financing:list"), items)]


def register() -> None:
    worklist.register("financing", waiting_for=waiting_for, submitted_by=submitted_by)
