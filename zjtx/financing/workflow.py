"""Financing workflows as data, run by the one engine (zjtx/core/workflow.py).

Engagement (one per demand and bank): consented -> taken_up (受理, within the city's clock of N
working days from consent) -> granted (授信) -> disbursed (放款) | declined (standard reasons);
the enterprise withdraws the consent from any state, which hides the demand from that bank.
Demand: published -> closed | withdrawn (withdrawing it withdraws every consent).
Product: draft/returned -> submitted (bank) -> published | returned (city: maker-checker) ->
retired. Receivable: recorded -> confirmed | disputed (by the debtor).
Listing candidate: cultivating -> coaching -> filing -> listed, or dropped (city).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zjtx.accounts.models import Role
from zjtx.core.workflow import Clock, GuardFailure, Step, Transition, Workflow

from .models import Demand, Engagement, ListingCandidate, Product, Receivable

if TYPE_CHECKING:
    from zjtx.accounts.models import User


E = Engagement.Status
D = Demand.Status
P = Product.Status
R = Receivable.Status
L = ListingCandidate.Stage

DEFAULT_TAKEUP_DAYS = 2

DECLINE_REASONS = {
    "credit_insufficient": _("Credit record does not meet the bank's standard"),
    "collateral_insufficient": _("Guarantee or collateral insufficient"),
    "repayment_capacity": _("Repayment capacity insufficient"),
    "outside_policy": _("Outside the bank's credit policy"),
    "firm_declined": _("The enterprise no longer needs the loan"),
    "cannot_contact": _("The enterprise could not be reached"),
    "other": _("Other reason"),
}

# ------------------------------------------------------------------ guards


def _decimal(step: Step, name: str) -> Decimal | None:
    raw = step.data.get(name)
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def consent_in_force(step: Step) -> GuardFailure | None:
    """A bank acts only on a published demand whose consent to it is still valid."""
    engagement = step.obj
    if engagement.demand.status != D.PUBLISHED:
        return GuardFailure("demand_not_open", _("The demand is no longer open."))
    if engagement.consent_until < step.today:
        return GuardFailure("consent_expired", _("The enterprise's consent has expired."))
    return None


def valid_grant(step: Step) -> GuardFailure | None:
    """授信: a positive amount in yuan (2 decimals) and a rate above 0 and below 36 %."""
    amount, rate = _decimal(step, "granted_yuan"), _decimal(step, "rate_pct")
    if (
        amount is None
        or amount <= 0
        or amount != amount.quantize(Decimal("0.01"))
        or amount >= Decimal("1e15")
    ):
        return GuardFailure(
            "invalid_amount",
            _("Enter the credit granted as a positive amount with at most 2 decimals."),
            {"granted_yuan": _("Invalid amount.")},
        )
    if rate is None or rate <= 0 or rate >= 36 or rate != rate.quantize(Decimal("0.001")):
        return GuardFailure(
            "invalid_rate",
            _(
                "Enter the annual interest rate in percent, above 0 and below 36, at most 3 decimals."
            ),
            {"rate_pct": _("Invalid rate.")},
        )
    return None


def _date(step: Step, name: str) -> date | None:
    raw = step.data.get(name)
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


def valid_disbursement(step: Step) -> GuardFailure | None:
    """放款: a positive amount not above the credit granted, on a date from the grant to today."""
    engagement = step.obj
    amount, on = _decimal(step, "disbursed_yuan"), _date(step, "disbursed_on")
    if amount is None or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        return GuardFailure(
            "invalid_amount",
            _("Enter the amount disbursed as a positive amount with at most 2 decimals."),
            {"disbursed_yuan": _("Invalid amount.")},
        )
    if amount > engagement.granted_yuan:
        return GuardFailure(
            "disbursed_exceeds_granted",
            _("The amount disbursed cannot exceed the credit granted."),
            {"disbursed_yuan": _("Above the credit granted.")},
        )
    if on is None or on > step.today or (engagement.granted_on and on < engagement.granted_on):
        return GuardFailure(
            "invalid_date",
            _("Enter the disbursement date, between the grant date and today."),
            {"disbursed_on": _("Invalid date.")},
        )
    return None


def debtor_only(step: Step) -> GuardFailure | None:
    """Only the core enterprise owing the receivable confirms or disputes it."""
    if getattr(step.actor, "enterprise_id", None) != step.obj.debtor_id:
        return GuardFailure(
            "not_the_debtor", _("Only the enterprise that owes the receivable may answer it.")
        )
    return None


def has_eligibility_rules(step: Step) -> GuardFailure | None:
    """A product is reviewed only with its eligibility rule package pinned to a version."""
    if step.obj.eligibility_version_id is None:
        return GuardFailure(
            "eligibility_required",
            _("Choose the eligibility rule package of the product."),
            {"eligibility_program": _("Required.")},
        )
    return None


# ------------------------------------------------------------------ effects


def keep_reason(step: Step) -> None:
    step.obj.last_reason = step.reason


def stamp_take_up(step: Step) -> None:
    step.obj.taken_up_on = step.today
    step.obj.taken_up_by = step.actor if getattr(step.actor, "pk", None) else None


def stamp_grant(step: Step) -> None:
    engagement = step.obj
    engagement.granted_yuan = _decimal(step, "granted_yuan")
    engagement.rate_pct = _decimal(step, "rate_pct")
    engagement.granted_on = step.today
    product_id = step.data.get("product_id")
    if product_id:
        engagement.product_id = int(product_id)


def stamp_disbursement(step: Step) -> None:
    step.obj.disbursed_yuan = _decimal(step, "disbursed_yuan")
    step.obj.disbursed_on = _date(step, "disbursed_on")


def stamp_decline(step: Step) -> None:
    step.obj.decline_code = step.reason_code
    step.obj.last_reason = step.reason


def stamp_withdrawal(step: Step) -> None:
    step.obj.withdrawn_at = step.now
    step.details["withdrawn_from"] = step.source


def stamp_reconsent(step: Step) -> None:
    engagement = step.obj
    engagement.withdrawn_at = None
    engagement.consented_on = step.today
    engagement.taken_up_on = None
    engagement.taken_up_by = None
    engagement.scopes = list(step.data.get("scopes", engagement.scopes))
    engagement.consent_until = step.data.get("consent_until", engagement.consent_until)


def withdraw_every_consent(step: Step) -> None:
    """Withdrawing a demand withdraws each bank's consent at once (each step audited)."""
    from zjtx.core.workflow import run

    for engagement in step.obj.engagements.exclude(status=E.WITHDRAWN):
        run(engagement_workflow(), engagement, "withdraw", actor=step.actor, role=Role.ENTERPRISE)


def stamp_decided(step: Step) -> None:
    step.obj.decided_at = step.now


def stamp_published(step: Step) -> None:
    step.obj.published_at = step.now


# ------------------------------------------------------------------ scope, clocks


def engagement_in_scope(actor: User, engagement: Engagement) -> bool:
    from .selectors import engagement_list_for

    return engagement_list_for(user=actor).filter(pk=engagement.pk).exists()


def demand_in_scope(actor: User, demand: Demand) -> bool:
    from .selectors import demand_list_for

    return demand_list_for(user=actor).filter(pk=demand.pk).exists()


def product_in_scope(actor: User, product: Product) -> bool:
    from .selectors import product_list_for

    return product_list_for(user=actor).filter(pk=product.pk).exists()


def receivable_in_scope(actor: User, receivable: Receivable) -> bool:
    from .selectors import receivable_list_for

    return receivable_list_for(user=actor).filter(pk=receivable.pk).exists()


def listing_in_scope(actor: User, candidate: ListingCandidate) -> bool:
    from .selectors import listing_list_for

    return listing_list_for(user=actor).filter(pk=candidate.pk).exists()


def engagement_clock_scope(engagement: Engagement) -> dict[str, Any]:
    demand = engagement.demand
    return {"unit_id": demand.enterprise.unit_id, "enterprise_id": demand.enterprise_id}


def notify_engagement(step: Step) -> None:
    """Tell the bank's users of a new or renewed consent, the enterprise of every bank step."""
    from django.urls import reverse
    from django.utils.translation import gettext as _g

    from zjtx.accounts.models import User
    from zjtx.core.notifications import notify

    engagement = step.obj
    if step.transition.target in (E.CONSENTED, E.WITHDRAWN):
        recipients = User.objects.filter(
            is_active=True, role=Role.BANK, institution_id=engagement.institution_id
        )
    else:
        recipients = User.objects.filter(
            is_active=True, role=Role.ENTERPRISE, enterprise_id=engagement.demand.enterprise_id
        )
    notify(
        recipients=list(recipients),
        title=_g("Financing demand #%(id)s: %(status)s")
        % {"id": engagement.demand_id, "status": engagement.get_status_display()},
        body=step.reason,
        url=reverse("financing:demand", args=[engagement.demand_id]),
    )


TAKEUP_CLOCK = Clock(
    "take_up",
    _("Bank take-up"),
    DEFAULT_TAKEUP_DAYS,
    runs_in=frozenset({E.CONSENTED}),
    role=Role.BANK,
)

_ANY_LIVE = frozenset({E.CONSENTED, E.TAKEN_UP, E.GRANTED, E.DISBURSED, E.DECLINED})

ENGAGEMENT = Workflow(
    name="financing.engagement",
    model=Engagement,
    states=dict(E.choices),
    transitions={
        "take_up": Transition(
            frozenset({E.CONSENTED}),
            E.TAKEN_UP,
            frozenset({Role.BANK}),
            _("Take up (受理)"),
            guards=(consent_in_force,),
            effects=(keep_reason, stamp_take_up),
        ),
        # Offered by the outcome form (amount and rate), not as a plain button.
        "grant": Transition(
            frozenset({E.TAKEN_UP}),
            E.GRANTED,
            frozenset({Role.BANK}),
            _("Record credit granted"),
            guards=(consent_in_force, valid_grant),
            effects=(keep_reason, stamp_grant),
            style="success",
        ),
        "disburse": Transition(
            frozenset({E.GRANTED}),
            E.DISBURSED,
            frozenset({Role.BANK}),
            _("Record disbursement"),
            guards=(valid_disbursement,),
            effects=(keep_reason, stamp_disbursement),
            style="success",
        ),
        "decline": Transition(
            frozenset({E.CONSENTED, E.TAKEN_UP}),
            E.DECLINED,
            frozenset({Role.BANK}),
            pgettext_lazy("credit", "Decline"),
            needs_reason=True,
            reasons=DECLINE_REASONS,
            effects=(stamp_decline,),
            style="outline-danger",
        ),
        "withdraw": Transition(
            _ANY_LIVE,
            E.WITHDRAWN,
            frozenset({Role.ENTERPRISE}),
            _("Withdraw consent"),
            effects=(stamp_withdrawal,),
            manual=False,
        ),
        "reconsent": Transition(
            frozenset({E.WITHDRAWN}),
            E.CONSENTED,
            frozenset({Role.ENTERPRISE}),
            _("Consent again"),
            effects=(stamp_reconsent,),
            manual=False,
        ),
    },
    waiting_for={E.CONSENTED: Role.BANK, E.TAKEN_UP: Role.BANK, E.GRANTED: Role.BANK},
    clocks=(TAKEUP_CLOCK,),
    in_scope=engagement_in_scope,
    notify=notify_engagement,
    clock_scope=engagement_clock_scope,
    audited_fields=(
        "last_reason",
        "granted_yuan",
        "rate_pct",
        "disbursed_yuan",
        "disbursed_on",
        "decline_code",
    ),
)


def engagement_workflow(days: int | None = None) -> Workflow:
    """The engagement table with the take-up clock the city has set (default 2 working days)."""
    if days is None:
        from .models import FinancingSetting

        row = FinancingSetting.objects.filter(pk=1).values_list("takeup_working_days", flat=True)
        days = row.first() or DEFAULT_TAKEUP_DAYS
    if days == TAKEUP_CLOCK.working_days:
        return ENGAGEMENT
    return dataclasses.replace(
        ENGAGEMENT, clocks=(dataclasses.replace(TAKEUP_CLOCK, working_days=days),)
    )


DEMAND = Workflow(
    name="financing.demand",
    model=Demand,
    states=dict(D.choices),
    transitions={
        "close": Transition(
            frozenset({D.PUBLISHED}),
            D.CLOSED,
            frozenset({Role.ENTERPRISE}),
            _("Close: the need is met"),
            effects=(keep_reason,),
            style="outline-secondary",
        ),
        "withdraw": Transition(
            frozenset({D.PUBLISHED, D.CLOSED}),
            D.WITHDRAWN,
            frozenset({Role.ENTERPRISE}),
            _("Withdraw the demand"),
            effects=(keep_reason, withdraw_every_consent),
            style="outline-danger",
        ),
    },
    waiting_for={D.PUBLISHED: Role.BANK},
    in_scope=demand_in_scope,
    audited_fields=("last_reason",),
)

PRODUCT = Workflow(
    name="financing.product",
    model=Product,
    states=dict(P.choices),
    transitions={
        "submit": Transition(
            frozenset({P.DRAFT, P.RETURNED}),
            P.SUBMITTED,
            frozenset({Role.BANK}),
            _("Submit for bureau review"),
            guards=(has_eligibility_rules,),
            effects=(keep_reason,),
        ),
        "publish": Transition(
            frozenset({P.SUBMITTED}),
            P.PUBLISHED,
            frozenset({Role.CITY_OFFICER}),
            _("Publish"),
            guards=(has_eligibility_rules,),
            effects=(keep_reason, stamp_published),
            style="success",
        ),
        "return": Transition(
            frozenset({P.SUBMITTED}),
            P.RETURNED,
            frozenset({Role.CITY_OFFICER}),
            _("Return for correction"),
            needs_reason=True,
            effects=(keep_reason,),
            style="outline-warning",
        ),
        "retire": Transition(
            frozenset({P.PUBLISHED}),
            P.RETIRED,
            frozenset({Role.BANK, Role.CITY_OFFICER}),
            _("Retire the product"),
            needs_reason=True,
            effects=(keep_reason,),
            style="outline-danger",
        ),
    },
    waiting_for={
        P.DRAFT: Role.BANK,
        P.RETURNED: Role.BANK,
        P.SUBMITTED: Role.CITY_OFFICER,
    },
    in_scope=product_in_scope,
    audited_fields=("last_reason",),
)

RECEIVABLE = Workflow(
    name="financing.receivable",
    model=Receivable,
    states=dict(R.choices),
    transitions={
        "confirm": Transition(
            frozenset({R.RECORDED}),
            R.CONFIRMED,
            frozenset({Role.ENTERPRISE}),
            _("Confirm the receivable"),
            guards=(debtor_only,),
            effects=(keep_reason, stamp_decided),
            style="success",
        ),
        "dispute": Transition(
            frozenset({R.RECORDED}),
            R.DISPUTED,
            frozenset({Role.ENTERPRISE}),
            _("Dispute the receivable"),
            needs_reason=True,
            guards=(debtor_only,),
            effects=(keep_reason, stamp_decided),
            style="outline-danger",
        ),
    },
    waiting_for={R.RECORDED: Role.ENTERPRISE},
    in_scope=receivable_in_scope,
    audited_fields=("last_reason",),
)

LISTING = Workflow(
    name="financing.listing",
    model=ListingCandidate,
    states=dict(L.choices),
    transitions={
        "coach": Transition(
            frozenset({L.CULTIVATING}),
            L.COACHING,
            frozenset({Role.CITY_OFFICER}),
            _("Start coaching"),
            effects=(keep_reason,),
        ),
        "file": Transition(
            frozenset({L.COACHING}),
            L.FILING,
            frozenset({Role.CITY_OFFICER}),
            _("Filed for listing"),
            effects=(keep_reason,),
        ),
        "list": Transition(
            frozenset({L.FILING}),
            L.LISTED,
            frozenset({Role.CITY_OFFICER}),
            _("Listed"),
            effects=(keep_reason,),
            style="success",
        ),
        "drop": Transition(
            frozenset({L.CULTIVATING, L.COACHING, L.FILING}),
            L.DROPPED,
            frozenset({Role.CITY_OFFICER}),
            _("Drop from the pipeline"),
            needs_reason=True,
            effects=(keep_reason,),
            style="outline-danger",
        ),
    },
    in_scope=listing_in_scope,
    audited_fields=("last_reason", "recommended_year", "recommendation_reason"),
)
