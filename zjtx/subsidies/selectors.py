"""Reads: applications, budgets and the ledger, always within the user's jurisdiction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import scope_enterprise_qs

from .models import Application, Budget, Payout

BUSINESS_ROLES = frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE})


def is_business(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in BUSINESS_ROLES


def application_list_for(*, user: Any, status: str | None = None) -> QuerySet[Application]:
    """Applications the user may see: own (enterprise), unit's (unit officer), all (city)."""
    if not is_business(user):
        return Application.objects.none()
    qs = scope_enterprise_qs(Application.objects.all(), user, via="enterprise__")
    if user.role != Role.ENTERPRISE:
        # A draft is the enterprise's own until it is submitted.
        qs = qs.exclude(status=Application.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("enterprise", "enterprise__unit", "program").order_by(
        "-created_at", "-id"
    )


def application_get(*, user: Any, pk: int) -> Application:
    """One application within the user's scope; anything else is Http404, never 403."""
    found = application_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def budget_list() -> QuerySet[Budget]:
    return Budget.objects.select_related("program").annotate(spent=Sum("payouts__amount_yuan"))


def budget_remaining(budget: Budget) -> Decimal:
    spent = budget.payouts.aggregate(total=Sum("amount_yuan"))["total"] or Decimal(0)
    return budget.amount_yuan - spent


def ledger_for(*, user: Any, year: int | None = None) -> QuerySet[Payout]:
    """Ledger entries in the user's jurisdiction (an enterprise sees only its own)."""
    if not is_business(user):
        return Payout.objects.none()
    qs = scope_enterprise_qs(Payout.objects.all(), user, via="enterprise__")
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("enterprise", "enterprise__unit", "program", "recorded_by")
