"""Dynamic management: annual updates and major-change reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from zjtx.core.api_schemas import ERRORS
from zjtx.core.audit import audit_export
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.core.http import AuthedRequest

from .. import selectors, services
from ._router import router
from .schemas import Id


class AnnualUpdateOut(Schema):
    id: int
    year: int
    data: dict[str, Any]
    assessment: dict[str, Any]


class ChangeReportIn(Schema):
    kind: str = Field(max_length=10)
    occurred_on: date
    description: str = Field(min_length=1, max_length=5000)


class ChangeReportOut(Schema):
    id: int
    application_id: Id
    kind: str
    occurred_on: date
    description: str
    late: bool
    status: str
    outcome: str


class ChangeOutcomeIn(Schema):
    needs_review: bool
    outcome: str = Field(min_length=1, max_length=5000)


@router.post(
    "/certification/applications/{application_id}/annual-updates", response={201: AnnualUpdateOut}
)
def annual_updates_create(request: AuthedRequest, application_id: Id) -> tuple[int, Any]:
    app = selectors.application_get(pk=application_id, user=request.user)
    return 201, services.annual_update_submit(application=app, actor=request.user)


@router.post(
    "/certification/applications/{application_id}/change-reports", response={201: ChangeReportOut}
)
def change_reports_create(
    request: AuthedRequest, application_id: Id, payload: ChangeReportIn
) -> tuple[int, Any]:
    app = selectors.application_get(pk=application_id, user=request.user)
    report = services.change_report_submit(
        application=app,
        actor=request.user,
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        description=payload.description,
    )
    return 201, report


@router.get("/certification/change-reports", response={200: list[ChangeReportOut], **ERRORS})
def change_reports_list(request: AuthedRequest) -> Any:
    out = list(selectors.change_reports_for(user=request.user)[:500])
    audit_export(
        actor=request.user,
        action="certification.api_change_report_list",
        object_type="certification.changereport",
        count=len(out),
    )
    return out


@router.post(
    "/certification/change-reports/{report_id}/outcome", response={200: ChangeReportOut, **ERRORS}
)
def change_reports_outcome(request: AuthedRequest, report_id: Id, payload: ChangeOutcomeIn) -> Any:
    report = selectors.change_reports_for(user=request.user).filter(pk=report_id).first()
    if report is None:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    return services.change_report_handle(
        report=report,
        actor=request.user,
        needs_review=payload.needs_review,
        outcome=payload.outcome,
    )
