"""Subsidy applications on the home page, and the city's budget use per program."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.money import format_wan
from zjtx.core.worklist import (
    ITEMS_PER_KIND,
    OverviewPanel,
    OverviewRow,
    WorkGroup,
    WorkItem,
    as_date,
)

from .models import Application
from .selectors import application_list_for, budget_list
from .workflow import SUBSIDY_APPLICATION

if TYPE_CHECKING:
    from zjtx.accounts.models import User


Status = Application.Status

WAITING: dict[str, tuple[tuple[str, Any], ...]] = {
    Role.ENTERPRISE: (
        (Status.RETURNED, _("Subsidy applications returned for correction")),
        (Status.DRAFT, _("Subsidy application drafts to finish")),
    ),
    Role.UNIT_OFFICER: ((Status.SUBMITTED, _("Subsidy applications awaiting the unit check")),),
    Role.CITY_OFFICER: ((Status.FORWARDED, _("Subsidy applications awaiting approval")),),
}
SUBMITTED: dict[str, tuple[tuple[str, ...], Any]] = {
    Role.ENTERPRISE: ((Status.SUBMITTED, Status.FORWARDED), _("My subsidy applications in review")),
    Role.UNIT_OFFICER: ((Status.FORWARDED,), _("Subsidy applications forwarded to the city")),
}


def _items(qs: QuerySet[Application], kind: Any, hint_status: bool = False) -> list[WorkItem]:
    rows = list(qs.order_by("submitted_at", "created_at", "id")[:ITEMS_PER_KIND])
    due = worklist.clock_due_map(SUBSIDY_APPLICATION.name, [row.pk for row in rows])
    return [
        WorkItem(
            kind=kind,
            title=f"{row.enterprise.name} · {row.program.title}",
            url=reverse("subsidies:detail", args=[row.pk]),
            waiting_since=as_date(row.submitted_at or row.created_at),
            due_on=due.get(str(row.pk)),
            hint=row.get_status_display() if hint_status else "",
        )
        for row in rows
    ]


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    specs = WAITING.get(getattr(user, "role", ""), ())
    if not specs:
        return []
    qs = application_list_for(user=user)
    counts = dict(
        qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    groups = []
    for status, kind in specs:
        if counts.get(status):
            url = reverse("subsidies:list") + "?status=" + status
            groups.append(
                WorkGroup(kind, counts[status], url, _items(qs.filter(status=status), kind))
            )
    return groups


def submitted_by(user: User, today: date) -> list[WorkGroup]:
    spec = SUBMITTED.get(getattr(user, "role", ""))
    if spec is None:
        return []
    statuses, kind = spec
    qs = application_list_for(user=user).filter(status__in=statuses)
    count = qs.count()
    if not count:
        return []
    return [WorkGroup(kind, count, reverse("subsidies:list"), _items(qs, kind, True))]


def overview(user: User, today: date) -> list[OverviewPanel]:
    if getattr(user, "role", "") != Role.CITY_OFFICER:
        return []
    rows = []
    for budget in budget_list().filter(year=today.year).order_by("program__title"):
        spent = budget.spent or Decimal(0)  # type: ignore[attr-defined]
        share = (100 * spent / budget.amount_yuan) if budget.amount_yuan else Decimal(0)
        badge = "text-bg-danger" if share >= 90 else ("text-bg-warning" if share >= 70 else "")
        rows.append(
            OverviewRow(
                budget.program.title,
                _("%(spent)s of %(budget)s (10k yuan)")
                % {"spent": format_wan(spent), "budget": format_wan(budget.amount_yuan)},
                badge,
            )
        )
    return [
        OverviewPanel(
            title=_("Budget used this year"),
            order=20,
            url=reverse("subsidies:budgets"),
            rows=tuple(rows),
            note="" if rows else _("No budget has been set for this year."),
            width=4,
        )
    ]


def register() -> None:
    worklist.register(
        "subsidies", waiting_for=waiting_for, submitted_by=submitted_by, overview=overview
    )
