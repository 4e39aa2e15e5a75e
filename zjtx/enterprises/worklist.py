"""Enterprise registrations on the home page, and overdue work per assessment unit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.clocks import clock_overdue_by_unit
from zjtx.core.worklist import (
    ITEMS_PER_KIND,
    OverviewPanel,
    OverviewRow,
    WorkGroup,
    WorkItem,
    as_date,
)
from zjtx.reference.selectors import unit_list

from .selectors import enterprise_pending_for
from .workflow import ENTERPRISE_VERIFICATION

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    if getattr(user, "role", "") not in (Role.CITY_OFFICER, Role.UNIT_OFFICER):
        return []
    kind = _("Enterprise registrations awaiting verification")
    qs = enterprise_pending_for(user=user)
    count = qs.count()
    if not count:
        return []
    rows = list(qs.prefetch_related(None)[:ITEMS_PER_KIND])
    due = worklist.clock_due_map(ENTERPRISE_VERIFICATION.name, [e.pk for e in rows])
    items = [
        WorkItem(
            kind=kind,
            title=e.name,
            url=reverse("enterprises:detail", args=[e.credit_code]),
            waiting_since=as_date(e.created_at),
            due_on=due.get(str(e.pk)),
        )
        for e in rows
    ]
    return [WorkGroup(kind, count, reverse("enterprises:pending"), items)]


def overview(user: User, today: date) -> list[OverviewPanel]:
    if getattr(user, "role", "") != Role.CITY_OFFICER:
        return []
    overdue = clock_overdue_by_unit(user=user, today=today)
    names = dict(unit_list().values_list("pk", "name")) if overdue else {}
    rows = [
        OverviewRow(
            names.get(unit_id, "—") if unit_id else _("City level"), str(n), "text-bg-danger"
        )
        for unit_id, n in sorted(overdue.items(), key=lambda kv: -kv[1])
    ]
    return [
        OverviewPanel(
            title=_("Overdue items per unit"),
            order=50,
            rows=tuple(rows),
            note="" if rows else _("No overdue items."),
        )
    ]


def register() -> None:
    worklist.register("enterprises", waiting_for=waiting_for, overview=overview)
