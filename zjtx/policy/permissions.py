"""Who may use which policy page."""

from __future__ import annotations

from typing import Any

from zjtx.accounts.models import Role


def can_use_calculator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in (
        Role.ENTERPRISE,
        Role.UNIT_OFFICER,
        Role.CITY_OFFICER,
    )


def can_scan(user: Any) -> bool:
    """免申即享 scans are run and notified by the city bureau."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.CITY_OFFICER
