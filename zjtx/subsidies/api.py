"""Subsidy API: applications (scoped list/detail, create, transitions), ledger and budgets.

Amounts are decimal strings in 元. A transition not allowed in the current state is a 409 with
a stable code; anything outside the caller's jurisdiction is a 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ConfigDict

from zjtx.core.audit import audit_export
from zjtx.core.errors import DomainError
from zjtx.core.http import AuthedRequest
from zjtx.core.money import MoneyError, parse_yuan
from zjtx.core.timeline import timeline_build
from zjtx.core.timeline_api import CaseTimelineOut
from zjtx.enterprises import selectors as enterprise_selectors

from . import selectors, services
from .errors import SubsidyErrorCode
from .models import Application, Payout
from .permissions import can_apply, can_see_ledger

router = Router(tags=["subsidies"])
# Input bodies name every field they take; an unknown one is a 400 naming it.
FORBID_EXTRA = ConfigDict(extra="forbid")


class ApplicationCreateIn(Schema):
    model_config = FORBID_EXTRA

    program: str
    facts: dict[str, Any] = {}
    as_of: str | None = None


class SubsidyApplicationPatchIn(Schema):
    """The declared facts of a draft or returned application (amounts in yuan)."""

    model_config = FORBID_EXTRA

    facts: dict[str, Any]


class ApplicationTransitionIn(Schema):
    model_config = FORBID_EXTRA

    reason: str = ""
    amount_yuan: str | None = None
    override_reason: str = ""


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    reason: str
    at: str


class ApplicationOut(Schema):
    id: int
    enterprise: str
    credit_code: str
    program: str
    status: str
    as_of: str
    facts: dict[str, Any]
    computed_eligible: bool | None
    computed_amount_yuan: str | None
    approved_amount_yuan: str | None
    override_reason: str
    reason: str
    trace: list[dict[str, Any]]
    missing: list[str]
    history: list[EventOut]


class PayoutOut(Schema):
    id: int
    application: int
    enterprise: str
    credit_code: str
    program: str
    year: int
    amount_yuan: str
    recorded_at: str


class BudgetOut(Schema):
    program: str
    year: int
    amount_yuan: str
    approved_yuan: str
    remaining_yuan: str


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _out(application: Application) -> dict[str, Any]:
    result = application.evaluation.result if application.evaluation else {}
    return {
        "id": application.pk,
        "enterprise": application.enterprise.name,
        "credit_code": application.enterprise.credit_code,
        "program": application.program_id,
        "status": application.status,
        "as_of": application.as_of.isoformat(),
        "facts": application.facts,
        "computed_eligible": application.computed_eligible,
        "computed_amount_yuan": _money(application.computed_amount_yuan),
        "approved_amount_yuan": _money(application.approved_amount_yuan),
        "override_reason": application.override_reason,
        "reason": application.last_reason,
        "trace": result.get("trace", []),
        "missing": result.get("missing", []),
        "history": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason": e.reason,
                "at": e.created_at.isoformat(),
            }
            for e in application.events.all()
        ],
    }


def _bad(field: str, message: str) -> DomainError:
    return DomainError(
        SubsidyErrorCode.INVALID_INPUT, _("The request has invalid fields."), {field: message}
    )


@router.get("/subsidies/applications", response=list[ApplicationOut], url_name="subsidy-list")
def application_list(request: AuthedRequest, status: str = "") -> list[dict[str, Any]]:
    apps = selectors.application_list_for(user=request.user, status=status or None)
    out = [_out(a) for a in apps.prefetch_related("events").select_related("evaluation")[:500]]
    audit_export(
        actor=request.user,
        action="subsidies.api_application_list",
        object_type="subsidies.application",
        count=len(out),
        filters={"status": status},
    )
    return out


@router.get(
    "/subsidies/applications/{application_id}", response=ApplicationOut, url_name="subsidy-detail"
)
def application_detail(request: AuthedRequest, application_id: int) -> dict[str, Any]:
    return _out(selectors.application_get(user=request.user, pk=application_id))


@router.get(
    "/subsidies/applications/{application_id}/timeline",
    response=CaseTimelineOut,
    url_name="subsidy-timeline",
)
def application_timeline(request: AuthedRequest, application_id: int) -> dict[str, Any]:
    """办件进度: every step with who, when and why, and the working-day deadline now running."""
    application = selectors.application_get(user=request.user, pk=application_id)
    return timeline_build(application).as_dict()


@router.patch(
    "/subsidies/applications/{application_id}",
    response=ApplicationOut,
    url_name="subsidy-update",
)
def application_update(
    request: AuthedRequest, application_id: int, payload: SubsidyApplicationPatchIn
) -> dict[str, Any]:
    """The enterprise corrects the declared facts of its draft or returned application; the
    rules run again."""
    application = selectors.application_get(user=request.user, pk=application_id)
    return _out(
        services.application_update(
            application=application, facts=payload.facts, actor=request.user
        )
    )


@router.delete(
    "/subsidies/applications/{application_id}",
    response={204: None},
    url_name="subsidy-delete",
)
def application_delete(request: AuthedRequest, application_id: int) -> tuple[int, None]:
    """The enterprise deletes its own draft (a submitted one is withdrawn first)."""
    application = selectors.application_get(user=request.user, pk=application_id)
    services.application_delete(application=application, actor=request.user)
    return 204, None


@router.post("/subsidies/applications", response={201: ApplicationOut}, url_name="subsidy-create")
def application_create(request: AuthedRequest, payload: ApplicationCreateIn) -> tuple[int, Any]:
    if not can_apply(request.user):
        raise Http404
    enterprise = enterprise_selectors.enterprise_for_user(user=request.user)
    as_of = timezone.localdate()
    if payload.as_of:
        try:
            as_of = date.fromisoformat(payload.as_of)
        except ValueError as exc:
            raise _bad("as_of", _("Expected a date in the form YYYY-MM-DD.")) from exc
    application = services.application_create(
        enterprise=enterprise,
        program_id=payload.program,
        facts=payload.facts,
        as_of=as_of,
        actor=request.user,
    )
    return 201, _out(application)


@router.post(
    "/subsidies/applications/{application_id}/{action}",
    response=ApplicationOut,
    url_name="subsidy-transition",
)
def application_transition(
    request: AuthedRequest, application_id: int, action: str, payload: ApplicationTransitionIn
) -> dict[str, Any]:
    application = selectors.application_get(user=request.user, pk=application_id)
    if action == "approve":
        amount = None
        if payload.amount_yuan not in (None, ""):
            try:
                amount = parse_yuan(payload.amount_yuan)
            except MoneyError as exc:
                raise _bad("amount_yuan", exc.message) from exc
        services.application_approve(
            application=application,
            actor=request.user,
            amount_yuan=amount,
            override_reason=payload.override_reason,
        )
    else:
        services.application_transition(
            application=application, action=action, actor=request.user, reason=payload.reason
        )
    return _out(selectors.application_get(user=request.user, pk=application_id))


def _payout_out(p: Payout) -> dict[str, Any]:
    return {
        "id": p.pk,
        "application": p.application_id,
        "enterprise": p.enterprise.name,
        "credit_code": p.enterprise.credit_code,
        "program": p.program_id,
        "year": p.year,
        "amount_yuan": str(p.amount_yuan),
        "recorded_at": p.recorded_at.isoformat(),
    }


@router.get("/subsidies/ledger", response=list[PayoutOut], url_name="subsidy-ledger")
def ledger(request: AuthedRequest, year: int | None = None) -> list[dict[str, Any]]:
    if not can_see_ledger(request.user):
        raise Http404
    out = [_payout_out(p) for p in selectors.ledger_for(user=request.user, year=year)]
    audit_export(
        actor=request.user,
        action="subsidies.api_ledger",
        object_type="subsidies.payout",
        count=len(out),
        filters={"year": year},
    )
    return out


@router.get("/subsidies/budgets", response=list[BudgetOut], url_name="subsidy-budgets")
def budgets(request: AuthedRequest) -> list[dict[str, Any]]:
    if not can_see_ledger(request.user):
        raise Http404
    out = []
    for b in selectors.budget_list():
        spent = b.spent or Decimal(0)  # type: ignore[attr-defined]
        out.append(
            {
                "program": b.program_id,
                "year": b.year,
                "amount_yuan": str(b.amount_yuan),
                "approved_yuan": str(spent),
                "remaining_yuan": str(b.amount_yuan - spent),
            }
        )
    audit_export(
        actor=request.user,
        action="subsidies.api_budgets",
        object_type="subsidies.budget",
        count=len(out),
    )
    return out
