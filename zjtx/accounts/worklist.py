"""Account change requests on the home page (maker-checker, 三员分立 8.1.7)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.core import worklist
from zjtx.core.worklist import ITEMS_PER_KIND, WorkGroup, WorkItem, as_date

from .models import Role, RoleGrantRequest

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def _group(qs: Any, kind: Any) -> list[WorkGroup]:
    count = qs.count()
    if not count:
        return []
    url = reverse("accounts:grant-list")
    items = [
        WorkItem(
            kind=kind,
            title=f"{r.get_kind_display()} · {r.username}",
            url=url,
            waiting_since=as_date(r.requested_at),
        )
        for r in qs.order_by("requested_at", "pk")[:ITEMS_PER_KIND]
    ]
    return [WorkGroup(kind, count, url, items)]


def _pending() -> Any:
    return RoleGrantRequest.objects.filter(status=RoleGrantRequest.Status.PENDING)


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    if not user.has_role(Role.SECADMIN):
        return []
    return _group(_pending(), _("Account change requests awaiting your decision"))


def submitted_by(user: User, today: date) -> list[WorkGroup]:
    if not user.has_role(Role.SYSADMIN):
        return []
    return _group(
        _pending().filter(requested_by=user),
        _("My account change requests awaiting the security administrator"),
    )


def register() -> None:
    worklist.register("accounts", waiting_for=waiting_for, submitted_by=submitted_by)
