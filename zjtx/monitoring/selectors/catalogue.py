"""Reads of the indicator catalogue: who sees which indicators, and which already hold data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.errors import ErrorCode

from ..catalogue import DEFAULT_INDICATORS, PERIODIC_INDICATORS
from ..errors import MonitoringForbidden, MonitoringNotFound
from ..models import Indicator, MonitoringValue, MonitoringValueHistory, MonthlyRollup

if TYPE_CHECKING:
    from zjtx.accounts.models import User


# The roles that report or receive monitoring data may read the catalogue.
READ_ROLES = frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE})
# Codes the program finds by name (dashboard, warning rules, the catalogue loader).
BUILT_IN_CODES = frozenset(row[0] for row in (*DEFAULT_INDICATORS, *PERIODIC_INDICATORS))
SORT_ORDER_MAX = 32767  # Indicator.sort_order is a PositiveSmallIntegerField


def indicators_active(*, frequency: str = Indicator.Frequency.MONTHLY) -> list[Indicator]:
    """The active indicators of one form (monthly, quarterly or annual), in template order."""
    return list(
        Indicator.objects.filter(active=True, frequency=frequency).order_by("sort_order", "id")
    )


def can_maintain_catalogue(*, user: User) -> bool:
    return bool(user.has_role(Role.CITY_OFFICER))


def indicator_list_for(*, user: User) -> QuerySet[Indicator]:
    """Every indicator for the city officer; the active ones for the other monitoring roles."""
    if not user.has_role(*READ_ROLES):
        raise MonitoringForbidden(
            ErrorCode.FORBIDDEN, _("Only city, unit and enterprise users can read the indicators.")
        )
    qs = Indicator.objects.order_by("sort_order", "id")
    if not can_maintain_catalogue(user=user):
        qs = qs.filter(active=True)
    return qs


def indicator_get(*, pk: int) -> Indicator:
    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None:
        raise MonitoringNotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return indicator


def indicator_next_sort_order() -> int:
    """Ten after the last indicator, so that a new one lands at the end with room before it."""
    last = Indicator.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return min((last or 0) + 10, SORT_ORDER_MAX)


def indicator_value_counts() -> dict[int, int]:
    """Stored values per indicator, from the roll-ups every load keeps current.

    Counting the raw values would read the whole value table: its only index starts with the
    period, so a count by indicator cannot use it (models.MonitoringValue).
    """
    rows = (
        MonthlyRollup.objects.values("indicator_id")
        .annotate(values=Sum("value_count"))
        .values_list("indicator_id", "values")
    )
    return {indicator_id: int(total or 0) for indicator_id, total in rows}


def indicator_has_values(*, indicator: Indicator) -> bool:
    """Whether any value, current or replaced, was ever stored for the indicator."""
    if indicator.pk is None:
        return False
    return (
        MonthlyRollup.objects.filter(indicator_id=indicator.pk, value_count__gt=0).exists()
        or MonitoringValue.objects.filter(indicator_id=indicator.pk).exists()
        or MonitoringValueHistory.objects.filter(indicator_id=indicator.pk).exists()
    )


def indicator_is_built_in(indicator: Indicator) -> bool:
    return indicator.code in BUILT_IN_CODES
