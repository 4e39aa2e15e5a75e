"""Rounds and applications: list, create, read, edit, materials, actions, transitions, scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Form
from ninja.files import UploadedFile

from zjtx.core.api_schemas import ERRORS
from zjtx.core.audit import audit_export
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.core.http import AuthedRequest
from zjtx.core.timeline import timeline_build
from zjtx.core.timeline_api import CaseTimelineOut

from .. import permissions, selectors, services
from ..errors import CertificationError
from ..models import Round
from ._router import router
from .schemas import (
    ActionOut,
    AssignmentOut,
    CertificationApplicationOut,
    CertificationApplicationPatchIn,
    Id,
    MaterialOut,
    RoundIn,
    RoundOut,
    ScoresIn,
    Status,
    TransitionIn,
    _application_out,
    _assignment_out,
    _round_out,
)


@router.get("/certification/rounds", response={200: list[RoundOut], **ERRORS})
def rounds_list(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_round_out(r, request.user) for r in selectors.round_list_for(user=request.user)]


@router.post("/certification/rounds", response={201: RoundOut, **ERRORS})
def rounds_create(request: AuthedRequest, payload: RoundIn) -> tuple[int, dict[str, Any]]:
    values = payload.model_dump(exclude={"open"})
    for key in ("required_materials", "rubric"):
        if values[key] is None:
            values.pop(key)
        else:
            values[key] = [
                {k: (str(v) if isinstance(v, Decimal) else v) for k, v in item.items()}
                for item in values[key]
            ]
    rnd = services.round_create(actor=request.user, **values)
    if payload.open:
        rnd = services.round_set_status(round=rnd, status=Round.Status.OPEN, actor=request.user)
    return 201, _round_out(rnd, request.user)


@router.get("/certification/rounds/{round_id}", response={200: RoundOut, **ERRORS})
def rounds_get(request: AuthedRequest, round_id: Id) -> dict[str, Any]:
    rnd = selectors.round_get(pk=round_id, user=request.user)
    stage = selectors.round_stage(round=rnd)
    steps = []
    if permissions.is_city(request.user):
        steps = [
            {"op": o.op if o.op != "status" else f"status:{o.target}", "label": o.label}
            | {"possible": o.possible, "why": o.why}
            for o in selectors.round_ops(round=rnd, user=request.user, stage=stage)
        ]
    return _round_out(rnd, request.user) | {
        "stage": stage.current,
        "stage_label": stage.current_label,
        "steps": steps,
    }


@router.post(
    "/certification/rounds/{round_id}/applications",
    response={201: CertificationApplicationOut, **ERRORS},
)
def applications_create(request: AuthedRequest, round_id: Id) -> tuple[int, dict[str, Any]]:
    rnd = selectors.round_get(pk=round_id, user=request.user)
    app = services.application_create(round=rnd, actor=request.user)
    return 201, _application_out(selectors.application_get(pk=app.pk, user=request.user))


@router.get(
    "/certification/applications", response={200: list[CertificationApplicationOut], **ERRORS}
)
def applications_list(
    request: AuthedRequest, round_id: Id | None = None, status: Status | None = None
) -> list[dict[str, Any]]:
    qs = selectors.application_list_for(user=request.user, round_id=round_id, status=status)
    out = [_application_out(a) for a in qs[:500]]
    audit_export(
        actor=request.user,
        action="certification.api_application_list",
        object_type="certification.application",
        count=len(out),
        filters={"round_id": round_id, "status": status},
    )
    return out


@router.get(
    "/certification/applications/{application_id}",
    response={200: CertificationApplicationOut, **ERRORS},
)
def applications_get(request: AuthedRequest, application_id: Id) -> dict[str, Any]:
    return _application_out(selectors.application_get(pk=application_id, user=request.user))


@router.get(
    "/certification/applications/{application_id}/timeline",
    response={200: CaseTimelineOut, **ERRORS},
)
def applications_timeline(request: AuthedRequest, application_id: Id) -> dict[str, Any]:
    """办件进度: every step with who, when and why, and the working-day deadline now running."""
    app = selectors.application_get(pk=application_id, user=request.user)
    return timeline_build(app).as_dict()


@router.delete(
    "/certification/applications/{application_id}",
    response={204: None, **ERRORS},
)
def applications_delete(request: AuthedRequest, application_id: Id) -> tuple[int, None]:
    """The enterprise deletes its own draft (a submitted one is withdrawn first)."""
    app = selectors.application_get(pk=application_id, user=request.user)
    services.application_delete(application=app, actor=request.user)
    return 204, None


@router.patch(
    "/certification/applications/{application_id}",
    response={200: CertificationApplicationOut, **ERRORS},
)
def applications_patch(
    request: AuthedRequest, application_id: Id, payload: CertificationApplicationPatchIn
) -> dict[str, Any]:
    app = selectors.application_get(pk=application_id, user=request.user)
    try:
        services.application_update_data(application=app, values=payload.data, actor=request.user)
    except CertificationError as exc:
        # The form's fields travel under `data` in this payload; name them as sent.
        if exc.code == "invalid_fields":
            exc.fields = {f"data.{k}": v for k, v in exc.fields.items()}
        raise
    return _application_out(selectors.application_get(pk=application_id, user=request.user))


@router.post(
    "/certification/applications/{application_id}/materials", response={201: MaterialOut, **ERRORS}
)
def materials_upload(
    request: AuthedRequest,
    application_id: Id,
    kind: Form[str],
    file: File[UploadedFile],
) -> tuple[int, Any]:
    app = selectors.application_get(pk=application_id, user=request.user)
    content = file.read(services.MATERIAL_MAX_BYTES + 1)
    material = services.material_upload(
        application=app, kind=kind, name=file.name or "", content=content, actor=request.user
    )
    return 201, material


@router.get(
    "/certification/applications/{application_id}/actions",
    response={200: list[ActionOut], **ERRORS},
)
def applications_actions(request: AuthedRequest, application_id: Id) -> list[dict[str, Any]]:
    app = selectors.application_get(pk=application_id, user=request.user)
    return [a.as_dict() for a in selectors.actions_for(user=request.user, application=app)]


@router.post(
    "/certification/applications/{application_id}/transitions",
    response={200: CertificationApplicationOut, **ERRORS},
)
def applications_transition(
    request: AuthedRequest, application_id: Id, payload: TransitionIn
) -> dict[str, Any]:
    app = selectors.application_get(pk=application_id, user=request.user)
    services.application_transition(
        application=app,
        action=payload.action,
        actor=request.user,
        reason_code=getattr(payload, "reason_code", ""),
        reason=getattr(payload, "reason", ""),
        rank=getattr(payload, "rank", None),
        opinion=getattr(payload, "opinion", ""),
    )
    return _application_out(selectors.application_get(pk=application_id, user=request.user))


@router.post(
    "/certification/applications/{application_id}/scores",
    response={201: AssignmentOut, **ERRORS},
)
def applications_scores(
    request: AuthedRequest, application_id: Id, payload: ScoresIn
) -> tuple[int, dict[str, Any]]:
    app = selectors.application_get(pk=application_id, user=request.user)
    assignment = selectors.assignment_for(user=request.user, application=app)
    if assignment is None or assignment.status not in permissions.ACTIVE_ASSIGNMENT:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    row = services.scores_submit(
        assignment=assignment,
        scores=[
            services.ScoreIn(s.indicator, s.score, s.comment, s.justification)
            for s in payload.scores
        ],
        actor=request.user,
        undertaking=payload.undertaking,
    )
    return 201, _assignment_out(row)
