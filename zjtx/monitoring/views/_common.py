"""Helpers shared by the monitoring pages."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from zjtx.accounts.models import Role
from zjtx.core.errors import DomainError

from .. import services
from ..models import Indicator

CITY, UNIT = Role.CITY_OFFICER, Role.UNIT_OFFICER


def last_month(today: date | None = None) -> str:
    today = today or timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def _period_label(code: str) -> str:
    try:
        return services.parse_period(code).label
    except DomainError:
        return code


def _is_monthly(code: str) -> bool:
    try:
        return services.parse_period(code).frequency == Indicator.Frequency.MONTHLY
    except DomainError:
        return True
