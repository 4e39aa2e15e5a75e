"""Reads: applications, budgets and the ledger, always within the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Sum
from django.http import Http404

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import scope_enterprise_qs

from .models import Application, Budget, Payout

if TYPE_CHECKING:
    from zjtx.accounts.models import User


BUSINESS_ROLES = frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE})


def is_business(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in BUSINESS_ROLES


def application_list_for(*, user: User, status: str | None = None) -> QuerySet[Application]:
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


def application_get(*, user: User, pk: int) -> Application:
    """One application within the user's scope; anything else is Http404, never 403."""
    found = application_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def budget_list() -> QuerySet[Budget]:
    return Budget.objects.select_related("program").annotate(spent=Sum("payouts__amount_yuan"))


def budget_remaining(*, budget: Budget) -> Decimal:
    spent = budget.payouts.aggregate(total=Sum("amount_yuan"))["total"] or Decimal(0)
    return budget.amount_yuan - spent


def ledger_for(*, user: User, year: int | None = None) -> QuerySet[Payout]:
    """Ledger entries in the user's jurisdiction (an enterprise sees only its own)."""
    if not is_business(user):
        return Payout.objects.none()
    qs = scope_enterprise_qs(Payout.objects.all(), user, via="enterprise__")
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("enterprise", "enterprise__unit", "program", "recorded_by")


@dataclass(frozen=True)
class Problem:
    """One thing that stops a draft from being submitted, and where to fix it."""

    kind: str  # evidence | condition | missing
    text: str
    fix: str = ""  # evidence | edit
    name: str = ""  # the fact, for a missing datum


def submission_problems(*, application: Application, result: Any = None) -> list[Problem]:
    """Everything that stops the enterprise submitting: no evidence, each unmet condition (the
    rule's own line, with the firm's value and the requirement) and each missing datum by name.

    `result` is an evaluation result dict; by default the application's latest evaluation."""
    from django.utils.translation import gettext as _

    from zjtx.policy.selectors import packages_current

    problems: list[Problem] = []
    if not application.evidence.exists():
        problems.append(Problem("evidence", _("No evidence file is attached yet."), fix="evidence"))
    if result is None:
        result = application.evaluation.result if application.evaluation else {}
    if result.get("in_force") is False:
        problems.append(Problem("condition", _("The program is not in force on this date.")))
    for step in result.get("trace", []):
        if step.get("condition") and step.get("outcome") is False:
            text = str(step.get("text", ""))
            if step.get("source"):
                text = f"{text}（{step['source']}）"
            problems.append(Problem("condition", text, fix="edit"))
    package = packages_current().get(application.program_id)
    specs = package.facts if package is not None else {}
    for name in result.get("missing", []):
        spec = specs.get(name)
        label = spec.description if spec is not None else name
        problems.append(
            Problem(
                "missing",
                _("Missing: %(what)s (not entered and not in the registry)") % {"what": label},
                fix="edit",
                name=name,
            )
        )
    if not problems and application.computed_eligible is False:
        problems.append(Problem("condition", _("By the rules the enterprise is not eligible.")))
    return problems
