"""The city officer's round steps: status, copy, ranking, experts, decisions, 公示, certify, objections."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from zjtx.core.api_schemas import ERRORS
from zjtx.core.audit import audit_export
from zjtx.core.crypto import masked
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.core.http import AuthedRequest

from .. import permissions, selectors, services
from ..errors import CertificationError, CertificationErrorCode
from ..models import ExpertProfile, Round
from ._router import router
from .schemas import (
    CertificationApplicationOut,
    Id,
    NoticeOut,
    RoundOut,
    _application_out,
    _notice_out,
    _round_out,
)


class RoundStatusIn(Schema):
    status: str = Field(max_length=10)
    # Required (by the workflow) only to reopen a closed round.
    reason: str = Field("", max_length=500)


class RankRowOut(Schema):
    position: int
    application_id: int
    enterprise_name: str
    unit: str
    score: Decimal | None
    rd_ratio: Decimal | None
    within_quota: bool
    over_unit_quota: bool
    status: str


class AssignIn(Schema):
    per_application: int | None = Field(None, ge=1, le=15)


class AssignOut(Schema):
    created: int
    short: dict[str, int]


class BatchIn(Schema):
    action: str = Field(max_length=30)


class BatchOut(Schema):
    done: list[int]
    skipped: dict[str, str]


class DecisionIn(Schema):
    application: Id
    decision: str = Field(max_length=10)
    # A rejection needs both; an approval beyond the quota needs `reason` (over-quota reason).
    reason_code: str = Field("", max_length=30)
    reason: str = Field("", max_length=2000)


class DecisionsIn(Schema):
    decisions: list[DecisionIn] = Field(max_length=1000)


class NoticeIn(Schema):
    # Today (the server's date) when omitted; never in the past.
    starts_on: date | None = None
    working_days: int | None = Field(None, ge=1, le=30)
    title: str = Field("", max_length=200)
    body: str = Field("", max_length=20_000)
    contact: str = Field("", max_length=200)


class CertifyIn(Schema):
    # The document date: today when omitted; after the 公示 ended and never after today.
    issued_on: date | None = None
    title: str = Field("", max_length=200)


class DocumentOut(Schema):
    id: int
    number: str
    title: str
    issued_on: date
    certificates: list[str]


class ObjectionFullOut(Schema):
    id: int
    notice_id: int
    application_id: int
    enterprise_name: str
    name: str
    phone: str
    organisation: str
    text: str
    has_evidence: bool
    status: str
    outcome: str
    created_at: datetime


class OutcomeIn(Schema):
    upheld: bool
    outcome: str = Field(min_length=1, max_length=5000)


class ExpertIn(Schema):
    user_id: Id
    employer_name: str = Field("", max_length=200)
    employer_credit_code: str = Field("", max_length=40)
    unit_code: str | None = Field(None, max_length=20)
    fields: list[Annotated[str, Field(max_length=20)]] = Field(default_factory=list, max_length=50)


class ExpertOut(Schema):
    id: int
    user_id: int
    name: str
    employer_name: str
    employer_credit_code: str
    unit: str | None
    fields: list[str]


class ExpertUserOut(Schema):
    """A user with the expert role, and the pool profile once registered."""

    user_id: int
    username: str
    name: str
    active: bool
    profile_id: int | None
    fields: list[str]


class RelationIn(Schema):
    credit_code: str = Field(min_length=1, max_length=40)
    kind: str = Field(max_length=15)
    note: str = Field("", max_length=200)


class AssignExpertIn(Schema):
    expert: Id


class DeclineIn(Schema):
    reason_code: str = Field(min_length=1, max_length=10)
    note: str = Field(min_length=1, max_length=2000)


def _city_round(request: AuthedRequest, round_id: Id) -> Round:
    if not permissions.is_city(request.user):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return selectors.round_get(pk=round_id, user=request.user)


def _expert_out(e: ExpertProfile) -> dict[str, Any]:
    return {
        "id": e.pk,
        "user_id": e.user_id,
        "name": str(e.user),
        "employer_name": e.employer_name,
        "employer_credit_code": e.employer_credit_code,
        "unit": e.unit.code if e.unit else None,
        "fields": list(e.fields or []),
    }


@router.post("/certification/rounds/{round_id}/status", response={200: RoundOut, **ERRORS})
def rounds_status(request: AuthedRequest, round_id: Id, payload: RoundStatusIn) -> dict[str, Any]:
    rnd = _city_round(request, round_id)
    return _round_out(
        services.round_set_status(
            round=rnd, status=payload.status, actor=request.user, reason=payload.reason
        ),
        request.user,
    )


@router.post("/certification/rounds/{round_id}/copy", response={201: RoundOut, **ERRORS})
def rounds_copy(request: AuthedRequest, round_id: Id) -> tuple[int, dict[str, Any]]:
    rnd = _city_round(request, round_id)
    return 201, _round_out(services.round_copy(source=rnd, actor=request.user), request.user)


@router.get("/certification/rounds/{round_id}/ranking", response={200: list[RankRowOut], **ERRORS})
def rounds_ranking(request: AuthedRequest, round_id: Id) -> list[dict[str, Any]]:
    rnd = _city_round(request, round_id)
    out = [
        {
            "position": r.position,
            "application_id": r.application.pk,
            "enterprise_name": r.application.enterprise.name,
            "unit": r.application.unit.name,
            "score": r.score,
            "rd_ratio": r.rd_ratio,
            "within_quota": r.within_quota,
            "over_unit_quota": r.over_unit_quota,
            "status": r.application.status,
        }
        for r in selectors.round_ranking(round=rnd)
    ]
    audit_export(
        actor=request.user,
        action="certification.api_ranking",
        obj=rnd,
        object_type="certification.round",
        count=len(out),
    )
    return out


@router.post("/certification/rounds/{round_id}/assign-experts", response={200: AssignOut, **ERRORS})
def rounds_assign(request: AuthedRequest, round_id: Id, payload: AssignIn) -> dict[str, Any]:
    rnd = _city_round(request, round_id)
    report = services.experts_assign_auto(
        round=rnd, actor=request.user, per_application=payload.per_application
    )
    return {"created": report.created, "short": {str(k): v for k, v in report.short.items()}}


@router.post("/certification/rounds/{round_id}/batch", response={200: BatchOut, **ERRORS})
def rounds_batch(request: AuthedRequest, round_id: Id, payload: BatchIn) -> dict[str, Any]:
    """Take start_review or complete_review on every application it applies to."""
    rnd = _city_round(request, round_id)
    if payload.action not in ("start_review", "complete_review"):
        raise CertificationError(
            CertificationErrorCode.INVALID_ACTION, _("Unknown action."), {"action": payload.action}
        )
    report = services.applications_transition_batch(
        round=rnd, action=payload.action, actor=request.user
    )
    return {"done": report.done, "skipped": {str(k): v for k, v in report.skipped.items()}}


@router.post(
    "/certification/rounds/{round_id}/decisions",
    response={200: list[CertificationApplicationOut], **ERRORS},
)
def rounds_decide(
    request: AuthedRequest, round_id: Id, payload: DecisionsIn
) -> list[dict[str, Any]]:
    rnd = _city_round(request, round_id)
    done = services.applications_decide(
        round=rnd,
        actor=request.user,
        decisions=[
            services.Decision(d.application, d.decision, d.reason_code, d.reason)
            for d in payload.decisions
        ],
    )
    return [_application_out(a) for a in done]


@router.post("/certification/rounds/{round_id}/notices", response={201: NoticeOut, **ERRORS})
def rounds_publish(
    request: AuthedRequest, round_id: Id, payload: NoticeIn
) -> tuple[int, dict[str, Any]]:
    rnd = _city_round(request, round_id)
    notice = services.notice_publish(
        round=rnd,
        actor=request.user,
        starts_on=payload.starts_on,
        working_days=payload.working_days,
        title=payload.title,
        body=payload.body,
        contact=payload.contact,
    )
    return 201, _notice_out(notice)


@router.post("/certification/rounds/{round_id}/certify", response={201: DocumentOut, **ERRORS})
def rounds_certify(
    request: AuthedRequest, round_id: Id, payload: CertifyIn
) -> tuple[int, dict[str, Any]]:
    rnd = _city_round(request, round_id)
    doc = services.round_certify(
        round=rnd, actor=request.user, issued_on=payload.issued_on, title=payload.title
    )
    return 201, {
        "id": doc.pk,
        "number": doc.number,
        "title": doc.title,
        "issued_on": doc.issued_on,
        "certificates": list(
            doc.applications.order_by("certificate_number").values_list(
                "certificate_number", flat=True
            )
        ),
    }


@router.get("/certification/objections", response={200: list[ObjectionFullOut], **ERRORS})
def objections_list(request: AuthedRequest) -> list[dict[str, Any]]:
    out = [_objection_out(o) for o in selectors.objection_list_for(user=request.user)]
    audit_export(
        actor=request.user,
        action="certification.api_objection_list",
        object_type="certification.objection",
        count=len(out),
    )
    return out


def _objection_out(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "notice_id": o.notice_id,
        "application_id": o.application_id,
        "enterprise_name": o.application.enterprise.name,
        "name": o.name,
        "phone": masked(o, "phone"),  # personal data leaves the API masked (ADR 0017)
        "organisation": o.organisation,
        "text": o.text,
        "has_evidence": bool(o.evidence),
        "status": o.status,
        "outcome": o.outcome,
        "created_at": o.created_at,
    }


@router.post(
    "/certification/objections/{objection_id}/outcome", response={200: ObjectionFullOut, **ERRORS}
)
def objections_outcome(
    request: AuthedRequest, objection_id: Id, payload: OutcomeIn
) -> dict[str, Any]:
    objection = selectors.objection_get_for(user=request.user, pk=objection_id)
    services.objection_handle(
        objection=objection, upheld=payload.upheld, outcome=payload.outcome, actor=request.user
    )
    return _objection_out(selectors.objection_get_for(user=request.user, pk=objection_id))
