"""Early warnings, scoped to the caller's jurisdiction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import scope_enterprise_qs
from zjtx.core.errors import ErrorCode

from ..errors import MonitoringNotFound
from ..models import Level, MonitoringWarning, ReportingPeriod

if TYPE_CHECKING:
    from zjtx.accounts.models import User


def warning_list_for(
    *, user: User, period: ReportingPeriod | None = None, level: str = "", status: str = ""
) -> QuerySet[MonitoringWarning]:
    """Warnings in the user's jurisdiction: the city all, a unit its own, a firm its own."""
    qs = scope_enterprise_qs(
        MonitoringWarning.objects.select_related(
            "enterprise", "unit", "period", "rule", "closed_by"
        ),
        user,
        via="enterprise__",
    )
    if not user.has_role(Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE):
        return qs.none()
    if period is not None:
        qs = qs.filter(period=period)
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-period__code", "status", "-level", "enterprise__name")


def red_warning_enterprise_ids(*, enterprise_ids: Iterable[int]) -> set[int]:
    """Of `enterprise_ids`, those with an open red warning (unscoped: for bulk rule facts)."""
    return set(
        MonitoringWarning.objects.filter(
            enterprise_id__in=list(enterprise_ids),
            level=Level.RED,
            status=MonitoringWarning.Status.OPEN,
        ).values_list("enterprise_id", flat=True)
    )


def warning_get(*, pk: int, user: User) -> MonitoringWarning:
    warning = warning_list_for(user=user).filter(pk=pk).first()
    if warning is None:
        raise MonitoringNotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return warning
