"""Pool changes on the home page: proposals waiting for the city's confirmation (with the
clock's due date) and, for a unit officer, proposals the city returned."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.worklist import ITEMS_PER_KIND, WorkGroup, WorkItem

from .models import PoolChange
from .selectors import pool_change_list_for
from .workflow import POOL_CHANGE

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def _group(user: User, status: str, kind: Any) -> list[WorkGroup]:
    qs = pool_change_list_for(user=user, status=status)
    count = qs.count()
    if not count:
        return []
    rows = list(qs.order_by("proposed_on", "id")[:ITEMS_PER_KIND])
    due = worklist.clock_due_map(POOL_CHANGE.name, [row.pk for row in rows])
    items = [
        WorkItem(
            kind=kind,
            title=f"{row.enterprise.name} · {row.get_from_pool_display()} → "
            f"{row.get_to_pool_display()}",
            url=reverse("cultivation:change", args=[row.pk]),
            waiting_since=row.proposed_on,
            due_on=due.get(str(row.pk)),
            hint=row.last_reason if status == PoolChange.Status.RETURNED else row.reason,
        )
        for row in rows
    ]
    url = reverse("cultivation:changes") + "?status=" + status
    return [WorkGroup(kind, count, url, items)]


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.role == Role.CITY_OFFICER:
        return _group(
            user, PoolChange.Status.PROPOSED, _("Pool changes awaiting your confirmation")
        )
    if user.role == Role.UNIT_OFFICER:
        return _group(user, PoolChange.Status.RETURNED, _("Pool changes returned by the city"))
    return []


def submitted_by(user: User, today: date) -> list[WorkGroup]:
    if not getattr(user, "is_authenticated", False) or user.role != Role.UNIT_OFFICER:
        return []
    return _group(user, PoolChange.Status.PROPOSED, _("Your pool changes awaiting the city"))


def register() -> None:
    worklist.register("cultivation", waiting_for=waiting_for, submitted_by=submitted_by)
