"""The expert pool, declared relations, hand assignment and declines."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zjtx.core.api_schemas import ERRORS
from zjtx.core.audit import audit_export
from zjtx.core.credit_code import normalize as normalize_credit_code
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.core.http import AuthedRequest

from .. import permissions, selectors, services
from ..models import ExpertProfile
from ._router import router
from .schemas import (
    AssignmentOut,
    Id,
    _assignment_out,
)
from .steps import (
    AssignExpertIn,
    DeclineIn,
    ExpertIn,
    ExpertOut,
    ExpertUserOut,
    RelationIn,
    _expert_out,
)


@router.get("/certification/experts", response={200: list[ExpertOut], **ERRORS})
def experts_list(request: AuthedRequest) -> list[dict[str, Any]]:
    if not permissions.is_city(request.user):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    out = [_expert_out(e) for e in selectors.expert_pool()]
    audit_export(
        actor=request.user,
        action="certification.api_expert_list",
        object_type="certification.expertprofile",
        count=len(out),
    )
    return out


@router.get("/certification/expert-users", response={200: list[ExpertUserOut], **ERRORS})
def expert_users_list(request: AuthedRequest) -> list[dict[str, Any]]:
    """The users with the expert role (city officer only), to register them in the pool."""
    if not permissions.is_city(request.user):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    out = [_expert_user_out(u) for u in selectors.expert_users()]
    audit_export(
        actor=request.user,
        action="certification.api_expert_user_list",
        object_type="accounts.user",
        count=len(out),
    )
    return out


def _expert_user_out(user: Any) -> dict[str, Any]:
    profile = getattr(user, "expert_profile", None)
    return {
        "user_id": user.pk,
        "username": user.username,
        "name": str(user),
        "active": user.is_active,
        "profile_id": profile.pk if profile else None,
        "fields": list(profile.fields or []) if profile else [],
    }


@router.post("/certification/experts", response={201: ExpertOut, **ERRORS})
def experts_save(request: AuthedRequest, payload: ExpertIn) -> tuple[int, dict[str, Any]]:
    from zjtx.accounts.models import User
    from zjtx.reference.models import AssessmentUnit

    if not permissions.is_city(request.user):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    user = User.objects.filter(pk=payload.user_id).first()
    if user is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    unit = (
        AssessmentUnit.objects.filter(code=payload.unit_code).first() if payload.unit_code else None
    )
    profile = services.expert_profile_save(
        user=user,
        actor=request.user,
        employer_name=payload.employer_name,
        employer_credit_code=payload.employer_credit_code,
        unit=unit,
        fields=payload.fields,
    )
    return 201, _expert_out(profile)


@router.post(
    "/certification/experts/{expert_id}/relations", response={201: dict[str, Any], **ERRORS}
)
def experts_relation(
    request: AuthedRequest, expert_id: Id, payload: RelationIn
) -> tuple[int, dict[str, Any]]:
    """The expert (for themselves) or the city officer declares a relation with an enterprise."""
    from zjtx.enterprises.models import Enterprise

    expert = ExpertProfile.objects.filter(pk=expert_id).first()
    if expert is None or not (
        permissions.is_city(request.user) or expert.user_id == request.user.pk
    ):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    enterprise = Enterprise.objects.filter(
        credit_code=normalize_credit_code(payload.credit_code)
    ).first()
    if enterprise is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    relation = services.expert_relation_declare(
        expert=expert,
        enterprise=enterprise,
        kind=payload.kind,
        note=payload.note,
        actor=request.user,
    )
    return 201, {"id": relation.pk, "kind": relation.kind, "enterprise": enterprise.credit_code}


@router.post(
    "/certification/applications/{application_id}/experts", response={201: AssignmentOut, **ERRORS}
)
def applications_assign(
    request: AuthedRequest, application_id: Id, payload: AssignExpertIn
) -> tuple[int, dict[str, Any]]:
    if not permissions.is_city(request.user):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    app = selectors.application_get(pk=application_id, user=request.user)
    expert = ExpertProfile.objects.filter(pk=payload.expert).first()
    if expert is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    assignment = services.expert_assign(application=app, expert=expert, actor=request.user)
    return 201, _assignment_out(assignment)


@router.post(
    "/certification/applications/{application_id}/decline", response={200: AssignmentOut, **ERRORS}
)
def applications_decline(
    request: AuthedRequest, application_id: Id, payload: DeclineIn
) -> dict[str, Any]:
    app = selectors.application_get(pk=application_id, user=request.user)
    assignment = selectors.assignment_for(user=request.user, application=app)
    if assignment is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    row = services.assignment_decline(
        assignment=assignment,
        reason_code=payload.reason_code,
        note=payload.note,
        actor=request.user,
    )
    return _assignment_out(row)
