"""Financing API: demands and consents, bank engagements and outcomes, products, matches,
receivables and figures. Amounts are decimal strings in 元. Out of scope is 404; a transition
not allowed in the current state is 409 with a stable code."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from zjtx.core.audit import audit_export
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for

from . import selectors, services
from .errors import FinancingError, FinancingErrorCode
from .facts import shared_data
from .models import Demand, Engagement, Product, Receivable
from .workflow import DEMAND, PRODUCT, RECEIVABLE, engagement_workflow

router = Router(tags=["financing"])


class ConsentIn(Schema):
    institution_id: int
    scopes: list[str] = []
    until: str


class DemandCreateIn(Schema):
    amount_yuan: str | int
    term_months: int
    purpose: str
    guarantees: list[str]
    needed_by: str
    tax_grade: str = ""
    note: str = ""
    receivable_id: int | None = None
    consents: list[ConsentIn] = []


class DemandPatchIn(Schema):
    amount_yuan: str | int | None = None
    term_months: int | None = None
    purpose: str | None = None
    guarantees: list[str] | None = None
    needed_by: str | None = None
    tax_grade: str | None = None
    note: str | None = None
    receivable_id: int | None = None


class TransitionIn(Schema):
    action: str
    reason: str = ""
    reason_code: str = ""
    decline_reason: str = ""
    granted_yuan: str | int | None = None
    rate_pct: str | int | None = None
    disbursed_yuan: str | int | None = None
    disbursed_on: str | None = None
    product_id: int | None = None


class ProductIn(Schema):
    name: str
    kind: str
    amount_min_yuan: str | int
    amount_max_yuan: str | int
    term_min_months: int
    term_max_months: int
    rate_min_pct: str | int
    rate_max_pct: str | int
    guarantees: list[str]
    purposes: list[str] = []
    risk_split: dict[str, int] = {}
    eligibility_program: str = ""
    description: str = ""


class ReceivableIn(Schema):
    debtor_id: int
    amount_yuan: str | int
    invoice_no: str
    due_on: str


class SimpleTransitionIn(Schema):
    action: str
    reason: str = ""


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _engagement_out(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "bank": e.institution_id,
        "bank_name": e.institution.name,
        "status": e.status,
        "scopes": e.scopes,
        "consent_until": e.consent_until.isoformat(),
        "consented_on": e.consented_on.isoformat(),
        "taken_up_on": e.taken_up_on.isoformat() if e.taken_up_on else None,
        "granted_yuan": _s(e.granted_yuan),
        "rate_pct": _s(e.rate_pct),
        "granted_on": e.granted_on.isoformat() if e.granted_on else None,
        "disbursed_yuan": _s(e.disbursed_yuan),
        "disbursed_on": e.disbursed_on.isoformat() if e.disbursed_on else None,
        "decline_reason": e.decline_code,
        "reason": e.last_reason,
    }


def _demand_out(demand: Demand, user: Any, *, detail: bool = False) -> dict[str, Any]:
    engagements = selectors.engagements_of(user=user, demand=demand)
    out: dict[str, Any] = {
        "id": demand.pk,
        "enterprise": demand.enterprise.name,
        "credit_code": demand.enterprise.credit_code,
        "amount_yuan": str(demand.amount_yuan),
        "term_months": demand.term_months,
        "purpose": demand.purpose,
        "guarantees": demand.guarantees,
        "needed_by": demand.needed_by.isoformat(),
        "status": demand.status,
        "receivable_id": demand.receivable_id,
        "note": demand.note,
        "published_at": demand.published_at.isoformat(),
        "engagements": [_engagement_out(e) for e in engagements],
    }
    if selectors.is_bank(user):
        # The consent decides what the bank sees: the tax grade only when it is named.
        if detail and engagements:
            out["shared_data"] = shared_data(
                demand, engagements[0].scopes, as_of=timezone.localdate()
            )
    else:
        out["tax_grade"] = demand.tax_grade
    return out


@router.get("/financing/demands", url_name="financing-demands")
def demand_list(request: AuthedRequest, status: str = "") -> list[dict[str, Any]]:
    demands = selectors.demand_list_for(user=request.user, status=status or None)[:500]
    out = [_demand_out(d, request.user) for d in demands]
    audit_export(
        actor=request.user,
        action="financing.api_demand_list",
        object_type="financing.demand",
        count=len(out),
        filters={"status": status},
    )
    return out


@router.post("/financing/demands", response={201: dict}, url_name="financing-demand-create")
def demand_create(request: AuthedRequest, payload: DemandCreateIn) -> tuple[int, Any]:
    user = request.user
    if getattr(user, "role", "") != "enterprise":
        raise Http404
    data = payload.dict()
    consents = data.pop("consents")
    demand = services.demand_publish(
        enterprise=user.enterprise,  # type: ignore[union-attr]
        fields=data,
        consents=consents,
        actor=user,
    )
    return 201, _demand_out(selectors.demand_get(user=user, pk=demand.pk), user, detail=True)


@router.get("/financing/demands/{demand_id}", url_name="financing-demand")
def demand_detail(request: AuthedRequest, demand_id: int) -> dict[str, Any]:
    demand = selectors.demand_get(user=request.user, pk=demand_id)
    return _demand_out(demand, request.user, detail=True)


@router.patch("/financing/demands/{demand_id}", url_name="financing-demand-patch")
def demand_patch(request: AuthedRequest, demand_id: int, payload: DemandPatchIn) -> dict[str, Any]:
    demand = selectors.demand_get(user=request.user, pk=demand_id)
    services.demand_update(
        demand=demand, fields=payload.dict(exclude_unset=True), actor=request.user
    )
    return _demand_out(selectors.demand_get(user=request.user, pk=demand_id), request.user)


@router.post(
    "/financing/demands/{demand_id}/consents",
    response={201: dict},
    url_name="financing-consent",
)
def consent_give(request: AuthedRequest, demand_id: int, payload: ConsentIn) -> tuple[int, Any]:
    demand = selectors.demand_get(user=request.user, pk=demand_id)
    engagement = services.consent_give(
        demand=demand,
        institution_id=payload.institution_id,
        scopes=payload.scopes,
        until=payload.until,
        actor=request.user,
    )
    engagement.refresh_from_db()
    return 201, _engagement_out(engagement)


@router.delete(
    "/financing/demands/{demand_id}/consents/{bank}", url_name="financing-consent-withdraw"
)
def consent_withdraw(request: AuthedRequest, demand_id: int, bank: int) -> dict[str, Any]:
    demand = selectors.demand_get(user=request.user, pk=demand_id)
    engagement = services.consent_withdraw(demand=demand, institution_id=bank, actor=request.user)
    return _engagement_out(Engagement.objects.select_related("institution").get(pk=engagement.pk))


def _action_out(name: str, t: Any) -> dict[str, Any]:
    return {
        "action": name,
        "label": str(t.label),
        "target": t.target,
        "needs_reason": t.needs_reason,
        "reasons": {k: str(v) for k, v in t.reasons.items()},
    }


@router.get("/financing/demands/{demand_id}/actions", url_name="financing-demand-actions")
def demand_actions(request: AuthedRequest, demand_id: int) -> list[dict[str, Any]]:
    user = request.user
    demand = selectors.demand_get(user=user, pk=demand_id)
    role = getattr(user, "role", "")
    if selectors.is_bank(user):
        engagement = selectors.engagement_for_bank(user=user, demand=demand)
        offered = actions_for(engagement_workflow(), state=engagement.status, role=role)
    else:
        offered = actions_for(DEMAND, state=demand.status, role=role)
    return [_action_out(n, t) for n, t in offered]


@router.post("/financing/demands/{demand_id}/transitions", url_name="financing-demand-transition")
def demand_transition(
    request: AuthedRequest, demand_id: int, payload: TransitionIn
) -> dict[str, Any]:
    user = request.user
    demand = selectors.demand_get(user=user, pk=demand_id)
    if selectors.is_bank(user):
        engagement = selectors.engagement_for_bank(user=user, demand=demand)
        data = {
            "granted_yuan": payload.granted_yuan,
            "rate_pct": payload.rate_pct,
            "disbursed_yuan": payload.disbursed_yuan,
            "disbursed_on": payload.disbursed_on,
        }
        if payload.product_id:
            product = Product.objects.filter(
                pk=payload.product_id,
                institution_id=user.institution_id,  # type: ignore[union-attr]
            ).first()
            if product is None:
                raise FinancingError(
                    FinancingErrorCode.INVALID_INPUT,
                    _("The request has invalid fields."),
                    {"product_id": _("Not one of your products.")},
                )
            data["product_id"] = product.pk
        services.engagement_transition(
            engagement=engagement,
            action=payload.action,
            actor=user,
            reason_code=payload.reason_code or payload.decline_reason,
            reason=payload.reason,
            data=data,
        )
    else:
        services.demand_transition(
            demand=demand, action=payload.action, actor=user, reason=payload.reason
        )
    # After its own withdrawal nothing more is visible: answer with what the caller may see.
    return _demand_out(selectors.demand_get(user=user, pk=demand_id), user, detail=True)


# ------------------------------------------------------------------ products


def _product_out(p: Product) -> dict[str, Any]:
    return {
        "id": p.pk,
        "bank": p.institution_id,
        "bank_name": p.institution.name,
        "name": p.name,
        "kind": p.kind,
        "amount_min_yuan": str(p.amount_min_yuan),
        "amount_max_yuan": str(p.amount_max_yuan),
        "term_min_months": p.term_min_months,
        "term_max_months": p.term_max_months,
        "rate_min_pct": str(p.rate_min_pct),
        "rate_max_pct": str(p.rate_max_pct),
        "guarantees": p.guarantees,
        "purposes": p.purposes,
        "risk_split": p.risk_split,
        "eligibility_program": p.eligibility_program_id,
        "eligibility_version": p.eligibility_version.version if p.eligibility_version else None,
        "status": p.status,
        "reason": p.last_reason,
        "description": p.description,
    }


@router.get("/financing/products", url_name="financing-products")
def product_list(request: AuthedRequest, status: str = "") -> list[dict[str, Any]]:
    return [
        _product_out(p)
        for p in selectors.product_list_for(user=request.user, status=status or None)
    ]


@router.post("/financing/products", response={201: dict}, url_name="financing-product-create")
def product_create(request: AuthedRequest, payload: ProductIn) -> tuple[int, Any]:
    if not selectors.is_bank(request.user):
        raise Http404
    product = services.product_save(fields=payload.dict(), actor=request.user)
    return 201, _product_out(selectors.product_get(user=request.user, pk=product.pk))


@router.get("/financing/products/{product_id}", url_name="financing-product")
def product_detail(request: AuthedRequest, product_id: int) -> dict[str, Any]:
    return _product_out(selectors.product_get(user=request.user, pk=product_id))


@router.post(
    "/financing/products/{product_id}/transitions", url_name="financing-product-transition"
)
def product_transition(
    request: AuthedRequest, product_id: int, payload: SimpleTransitionIn
) -> dict[str, Any]:
    product = selectors.product_get(user=request.user, pk=product_id)
    services.product_transition(
        product=product, action=payload.action, actor=request.user, reason=payload.reason
    )
    return _product_out(selectors.product_get(user=request.user, pk=product_id))


@router.get("/financing/products/{product_id}/actions", url_name="financing-product-actions")
def product_actions(request: AuthedRequest, product_id: int) -> list[dict[str, Any]]:
    product = selectors.product_get(user=request.user, pk=product_id)
    role = getattr(request.user, "role", "")
    return [_action_out(n, t) for n, t in actions_for(PRODUCT, state=product.status, role=role)]


# ------------------------------------------------------------------ matches


@router.get("/financing/demands/{demand_id}/matches", url_name="financing-demand-matches")
def demand_matches(request: AuthedRequest, demand_id: int) -> list[dict[str, Any]]:
    from .matching import match_demand

    demand = selectors.demand_get(user=request.user, pk=demand_id)
    if selectors.is_bank(request.user):
        raise Http404
    return [m.as_dict() for m in match_demand(demand=demand)]


@router.get("/financing/matches", url_name="financing-matches")
def bank_matches(request: AuthedRequest) -> list[dict[str, Any]]:
    from .matching import matches_for_bank

    if not selectors.is_bank(request.user):
        raise Http404
    return [m.as_dict() for m in matches_for_bank(user=request.user)]


# ------------------------------------------------------------------ receivables


def _receivable_out(r: Receivable) -> dict[str, Any]:
    return {
        "id": r.pk,
        "creditor": r.creditor.name,
        "creditor_id": r.creditor_id,
        "debtor": r.debtor.name,
        "debtor_id": r.debtor_id,
        "amount_yuan": str(r.amount_yuan),
        "invoice_no": r.invoice_no,
        "due_on": r.due_on.isoformat(),
        "status": r.status,
        "reason": r.last_reason,
    }


@router.get("/financing/receivables", url_name="financing-receivables")
def receivable_list(request: AuthedRequest, status: str = "") -> list[dict[str, Any]]:
    return [
        _receivable_out(r)
        for r in selectors.receivable_list_for(user=request.user, status=status or None)[:500]
    ]


@router.post("/financing/receivables", response={201: dict}, url_name="financing-receivable-create")
def receivable_create(request: AuthedRequest, payload: ReceivableIn) -> tuple[int, Any]:
    user = request.user
    if getattr(user, "role", "") != "enterprise":
        raise Http404
    receivable = services.receivable_record(
        creditor=user.enterprise,  # type: ignore[union-attr]
        debtor_id=payload.debtor_id,
        amount_yuan=payload.amount_yuan,
        invoice_no=payload.invoice_no,
        due_on=payload.due_on,
        actor=user,
    )
    return 201, _receivable_out(selectors.receivable_get(user=user, pk=receivable.pk))


@router.post(
    "/financing/receivables/{receivable_id}/transitions",
    url_name="financing-receivable-transition",
)
def receivable_transition(
    request: AuthedRequest, receivable_id: int, payload: SimpleTransitionIn
) -> dict[str, Any]:
    receivable = selectors.receivable_get(user=request.user, pk=receivable_id)
    services.receivable_transition(
        receivable=receivable, action=payload.action, actor=request.user, reason=payload.reason
    )
    return _receivable_out(selectors.receivable_get(user=request.user, pk=receivable_id))


@router.get(
    "/financing/receivables/{receivable_id}/actions", url_name="financing-receivable-actions"
)
def receivable_actions(request: AuthedRequest, receivable_id: int) -> list[dict[str, Any]]:
    receivable = selectors.receivable_get(user=request.user, pk=receivable_id)
    role = getattr(request.user, "role", "")
    offered = actions_for(RECEIVABLE, state=receivable.status, role=role)
    if getattr(request.user, "enterprise_id", None) != receivable.debtor_id:
        offered = []
    return [_action_out(n, t) for n, t in offered]


# ------------------------------------------------------------------ figures


def _day(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise FinancingError(
            FinancingErrorCode.INVALID_DATE,
            _("The request has invalid fields."),
            {field: _("Expected a date in the form YYYY-MM-DD.")},
        ) from exc


@router.get("/financing/stats", url_name="financing-stats")
def stats(request: AuthedRequest, group_by: str = "bank") -> dict[str, Any]:
    from .stats import STATS_GROUPS, financing_stats

    if not selectors.is_business(request.user) or request.user.role == "enterprise":  # type: ignore[union-attr]
        raise Http404
    if group_by not in STATS_GROUPS:
        raise FinancingError(
            FinancingErrorCode.INVALID_INPUT,
            _("The request has invalid fields."),
            {"group_by": _("Use bank, unit or month.")},
        )
    start = _day(request.GET.get("from", ""), "from")
    end = _day(request.GET.get("to", ""), "to")
    return financing_stats(user=request.user, start=start, end=end, group_by=group_by)


# ------------------------------------------------------------------ listing pipeline


class ListingIn(Schema):
    credit_code: str
    board: str


def _listing_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "enterprise": c.enterprise.name,
        "credit_code": c.enterprise.credit_code,
        "board": c.board,
        "stage": c.status,
        "recommended_year": c.recommended_year,
        "recommendation_reason": c.recommendation_reason,
        "reason": c.last_reason,
    }


def _city_only(request: AuthedRequest) -> None:
    if getattr(request.user, "role", "") != "city_officer" or not selectors.is_business(
        request.user
    ):
        raise Http404


@router.get("/financing/listing", url_name="financing-listing")
def listing_list(request: AuthedRequest) -> list[dict[str, Any]]:
    """The pipeline within the caller's jurisdiction (an enterprise: its own places)."""
    return [_listing_out(c) for c in selectors.listing_list_for(user=request.user)]


@router.post("/financing/listing", response={201: dict}, url_name="financing-listing-add")
def listing_add(request: AuthedRequest, payload: ListingIn) -> tuple[int, Any]:
    from zjtx.enterprises.models import Enterprise

    _city_only(request)
    enterprise_id = selectors.debtor_id_by_credit_code(credit_code=payload.credit_code)
    if enterprise_id is None:
        raise FinancingError(
            FinancingErrorCode.INVALID_INPUT,
            _("No enterprise of the registry has this credit code."),
            {"credit_code": _("Unknown credit code.")},
        )
    candidate = services.listing_add(
        enterprise=Enterprise.objects.get(pk=enterprise_id),
        board=payload.board,
        actor=request.user,
    )
    return 201, _listing_out(selectors.listing_get(user=request.user, pk=candidate.pk))


@router.post(
    "/financing/listing/{candidate_id}/transitions", url_name="financing-listing-transition"
)
def listing_transition(
    request: AuthedRequest, candidate_id: int, payload: SimpleTransitionIn
) -> dict[str, Any]:
    """coach, file, list, drop (with reason) or recommend (this year, with reason)."""
    _city_only(request)
    candidate = selectors.listing_get(user=request.user, pk=candidate_id)
    if payload.action == "recommend":
        services.listing_recommend(
            candidate=candidate,
            year=timezone.localdate().year,
            reason=payload.reason,
            actor=request.user,
        )
    else:
        services.listing_transition(
            candidate=candidate, action=payload.action, actor=request.user, reason=payload.reason
        )
    return _listing_out(selectors.listing_get(user=request.user, pk=candidate_id))
