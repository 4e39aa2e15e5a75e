"""Who may act on subsidy applications (the workflow table holds the per-action roles)."""

from __future__ import annotations

from typing import Any

from zjtx.accounts.models import Role


def can_apply(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.role == Role.ENTERPRISE
        and bool(user.enterprise_id)
    )


def can_manage_budgets(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.CITY_OFFICER


def can_see_ledger(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in (
        Role.CITY_OFFICER,
        Role.UNIT_OFFICER,
    )
