"""Policy work on the home page: parameter changes for a second officer, scans to notify."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zjtx.accounts.models import Role
from zjtx.core import worklist
from zjtx.core.worklist import ITEMS_PER_KIND, WorkGroup, WorkItem, as_date

from .governance import change_list_for
from .models import ParameterChange, ScanRun

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def _parameter_label(change: Any) -> str:
    """The parameter's description (政策参数 by name, never its code)."""
    from .selectors import packages_current

    package = packages_current().get(change.program_id)
    param = package.parameters.get(change.parameter) if package is not None else None
    return str(param.description) if param is not None and param.description else "—"


def _change_group(qs: Any, kind: Any) -> list[WorkGroup]:
    count = qs.count()
    if not count:
        return []
    items = [
        WorkItem(
            kind=kind,
            title=f"{c.program.title} · {_parameter_label(c)}",
            url=reverse("policy:change-detail", args=[c.pk]),
            waiting_since=as_date(c.proposed_at),
        )
        for c in qs.order_by("proposed_at", "id")[:ITEMS_PER_KIND]
    ]
    return [WorkGroup(kind, count, reverse("policy:governance"), items)]


def _proposed(user: User) -> Any:
    return change_list_for(user=user).filter(status=ParameterChange.Status.PROPOSED)


def waiting_for(user: User, today: date) -> list[WorkGroup]:
    if getattr(user, "role", "") != Role.CITY_OFFICER:
        return []
    # Maker-checker: a proposal waits for any city officer but the one who made it.
    groups = _change_group(
        _proposed(user).exclude(proposed_by=user),
        _("Parameter changes awaiting your approval"),
    )
    kind = _("Award scans whose results are not yet notified")
    scans = ScanRun.objects.filter(status=ScanRun.Status.COMPLETED, eligible_count__gt=0)
    count = scans.count()
    if count:
        items = [
            WorkItem(
                kind=kind,
                title=_("Scan as of %(date)s: %(n)s likely eligible")
                % {"date": s.as_of.isoformat(), "n": s.eligible_count},
                url=reverse("policy:scan-detail", args=[s.pk]),
                waiting_since=as_date(s.started_at),
            )
            for s in scans.order_by("started_at", "id")[:ITEMS_PER_KIND]
        ]
        groups.append(WorkGroup(kind, count, reverse("policy:scans"), items))
    return groups


def submitted_by(user: User, today: date) -> list[WorkGroup]:
    if getattr(user, "role", "") != Role.CITY_OFFICER:
        return []
    return _change_group(
        _proposed(user).filter(proposed_by=user),
        _("My parameter changes awaiting a second officer"),
    )


def register() -> None:
    worklist.register("policy", waiting_for=waiting_for, submitted_by=submitted_by)
