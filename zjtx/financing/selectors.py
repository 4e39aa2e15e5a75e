"""Reads: demands, engagements, products, receivables and the listing pipeline, always scoped.

A bank sees a demand only through a live engagement of its own institution: consent not
withdrawn, not expired, demand not withdrawn. Anything else is Http404, never 403. A bank sees
only its own engagement on a demand, never another bank's outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import scope_enterprise_qs
from zjtx.core.models import WorkflowClock

from .models import Demand, Engagement, FinancingSetting, ListingCandidate, Product, Receivable
from .workflow import DEFAULT_TAKEUP_DAYS, ENGAGEMENT

if TYPE_CHECKING:
    from zjtx.accounts.models import User


BUSINESS_ROLES = frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE})


def _active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def is_bank(user: User) -> bool:
    return _active(user) and user.role == Role.BANK and bool(user.institution_id)


def is_business(user: User) -> bool:
    return _active(user) and user.role in BUSINESS_ROLES


def takeup_working_days() -> int:
    row = FinancingSetting.objects.filter(pk=1).values_list("takeup_working_days", flat=True)
    return row.first() or DEFAULT_TAKEUP_DAYS


def bank_visible_q(*, institution_id: int | None, today: date, via: str = "") -> Q:
    """Engagements a bank may see now: its own, consent live and in date, demand not withdrawn."""
    return (
        Q(**{f"{via}institution_id": institution_id})
        & ~Q(**{f"{via}status": Engagement.Status.WITHDRAWN})
        & Q(**{f"{via}consent_until__gte": today})
        & ~Q(**{f"{via}demand__status": Demand.Status.WITHDRAWN})
    )


def engagement_list_for(*, user: User, today: date | None = None) -> QuerySet[Engagement]:
    """Engagements the user may see: the bank its own live ones, others within jurisdiction."""
    today = today or timezone.localdate()
    qs = Engagement.objects.select_related("demand", "demand__enterprise", "institution")
    if is_bank(user):
        return qs.filter(bank_visible_q(institution_id=user.institution_id, today=today))
    if not is_business(user):
        return Engagement.objects.none()
    return scope_enterprise_qs(qs, user, via="demand__enterprise__")


def demand_list_for(
    *, user: User, status: str | None = None, today: date | None = None
) -> QuerySet[Demand]:
    """Demands the user may see: own (enterprise), unit's, all (city), consented (bank)."""
    today = today or timezone.localdate()
    qs = Demand.objects.select_related("enterprise", "enterprise__unit", "receivable")
    if is_bank(user):
        live = Engagement.objects.filter(
            bank_visible_q(institution_id=user.institution_id, today=today),
            demand_id=OuterRef("pk"),
        )
        qs = qs.filter(Exists(live))
    elif is_business(user):
        qs = scope_enterprise_qs(qs, user, via="enterprise__")
    else:
        return Demand.objects.none()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-published_at", "-id")


def demand_get(*, user: User, pk: int) -> Demand:
    found = demand_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def engagements_of(*, user: User, demand: Demand) -> list[Engagement]:
    """The engagements on `demand` the user may see (a bank: only its own)."""
    return list(engagement_list_for(user=user).filter(demand=demand).order_by("institution__name"))


@dataclass(frozen=True)
class BankProgress:
    """One bank's step on one demand, for the demand lists."""

    bank: str
    status: str
    label: str
    due_on: date | None


def progress_by_demand(*, user: User, demands: list[Demand]) -> dict[int, list[BankProgress]]:
    """Each listed demand's banks and their steps, as `user` may see them (a bank: only its
    own), with the running take-up due date; two queries for the whole list."""
    engagements = list(
        engagement_list_for(user=user)
        .filter(demand_id__in=[d.pk for d in demands])
        .order_by("institution__name")
    )
    due = take_up_due(engagements=engagements)
    out: dict[int, list[BankProgress]] = {}
    for e in engagements:
        out.setdefault(e.demand_id, []).append(
            BankProgress(
                bank=e.institution.short_name or e.institution.name,
                status=e.status,
                label=str(e.get_status_display()),
                due_on=due.get(e.pk),
            )
        )
    return out


def engagement_for_bank(*, user: User, demand: Demand) -> Engagement:
    found = engagement_list_for(user=user).filter(demand=demand).first()
    if found is None or not is_bank(user):
        raise Http404
    return found


def engagement_get_for_enterprise(*, user: User, demand: Demand, institution_id: int) -> Engagement:
    found = Engagement.objects.filter(demand=demand, institution_id=institution_id).first()
    if found is None or user.role != Role.ENTERPRISE or demand.enterprise_id != user.enterprise_id:
        raise Http404
    return found


def take_up_due(*, engagements: list[Engagement]) -> dict[int, date]:
    """The due date of each running take-up clock among `engagements`."""
    ids = [str(e.pk) for e in engagements]
    rows = WorkflowClock.objects.filter(
        workflow=ENGAGEMENT.name,
        clock="take_up",
        object_id__in=ids,
        state=WorkflowClock.State.RUNNING,
    ).values_list("object_id", "due_on")
    return {int(object_id): due for object_id, due in rows}


def overdue_takeups(*, user: User, today: date | None = None) -> list[dict[str, Any]]:
    """Take-up clocks past due (escalated to the city; a unit officer sees its unit's)."""
    today = today or timezone.localdate()
    if not is_business(user) or user.role == Role.ENTERPRISE:
        return []
    clocks = WorkflowClock.objects.filter(
        workflow=ENGAGEMENT.name,
        clock="take_up",
        state=WorkflowClock.State.RUNNING,
        due_on__lt=today,
    )
    if user.role == Role.UNIT_OFFICER:
        clocks = clocks.filter(unit_id=user.unit_id)
    due = {int(c.object_id): c for c in clocks}
    engagements = Engagement.objects.filter(pk__in=due).select_related(
        "demand", "demand__enterprise", "institution"
    )
    return sorted(
        ({"engagement": e, "clock": due[e.pk]} for e in engagements),
        key=lambda row: (row["clock"].due_on, row["engagement"].pk),
    )


def product_list_for(*, user: User, status: str | None = None) -> QuerySet[Product]:
    """A bank sees its institution's products; officers all; an enterprise the published ones."""
    qs = Product.objects.select_related("institution", "eligibility_program", "eligibility_version")
    if is_bank(user):
        qs = qs.filter(institution_id=user.institution_id)
    elif not is_business(user):
        return Product.objects.none()
    elif user.role == Role.ENTERPRISE:
        qs = qs.filter(status=Product.Status.PUBLISHED)
    elif user.role == Role.UNIT_OFFICER:
        qs = qs.exclude(status=Product.Status.DRAFT)
    else:
        qs = qs.exclude(status=Product.Status.DRAFT)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("institution__name", "name")


def product_get(*, user: User, pk: int) -> Product:
    found = product_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def products_published() -> QuerySet[Product]:
    return Product.objects.filter(status=Product.Status.PUBLISHED).select_related(
        "institution", "eligibility_version"
    )


def receivable_list_for(*, user: User, status: str | None = None) -> QuerySet[Receivable]:
    """Receivables where the enterprise is creditor or debtor; an officer's within jurisdiction."""
    qs = Receivable.objects.select_related("creditor", "debtor")
    if not is_business(user):
        return Receivable.objects.none()
    if user.role == Role.ENTERPRISE:
        qs = qs.filter(Q(creditor_id=user.enterprise_id) | Q(debtor_id=user.enterprise_id))
    elif user.role == Role.UNIT_OFFICER:
        qs = qs.filter(Q(creditor__unit_id=user.unit_id) | Q(debtor__unit_id=user.unit_id))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def receivable_get(*, user: User, pk: int) -> Receivable:
    found = receivable_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def listing_list_for(*, user: User) -> QuerySet[ListingCandidate]:
    if not is_business(user):
        return ListingCandidate.objects.none()
    qs = scope_enterprise_qs(
        ListingCandidate.objects.select_related("enterprise", "enterprise__unit"),
        user,
        via="enterprise__",
    )
    return qs.order_by("board", "status", "enterprise__name")


def listing_get(*, user: User, pk: int) -> ListingCandidate:
    found = listing_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def debtor_id_by_credit_code(*, credit_code: str) -> int | None:
    """The registry enterprise with this unified social credit code (a receivable's debtor)."""
    from zjtx.enterprises.models import Enterprise

    code = (credit_code or "").strip().upper()
    if not code:
        return None
    return Enterprise.objects.filter(credit_code=code).values_list("pk", flat=True).first()


def listing_of_enterprise(*, user: User) -> list[ListingCandidate]:
    """The enterprise's own places on the listing pipeline (its financing page)."""
    if getattr(user, "role", None) != Role.ENTERPRISE or not user.enterprise_id:
        return []
    return list(ListingCandidate.objects.filter(enterprise_id=user.enterprise_id))
