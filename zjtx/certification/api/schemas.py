"""Request and response schemas of the certification API, and the output helpers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Schema

from .. import selectors
from ..models import Application, ExpertAssignment, Notice, Round


class MaterialSpec(Schema):
    code: str
    label: str
    required: bool = False


class RubricItem(Schema):
    id: str
    title: str
    max_points: Decimal


class RoundIn(Schema):
    year: int
    title: str
    program_id: str
    quota: int = 50
    unit_quotas: dict[str, int] = {}
    opens_on: date
    closes_on: date
    required_materials: list[MaterialSpec] | None = None
    announcement: str = ""
    rubric: list[RubricItem] | None = None
    experts_per_application: int = 3
    aggregation: str = "mean"
    notice_working_days: int = 5
    issuer_code: str = "芜经信"
    open: bool = False


class RoundOut(Schema):
    id: int
    year: int
    title: str
    program_id: str
    quota: int
    unit_quotas: dict[str, Any]
    opens_on: date
    closes_on: date
    required_materials: list[dict[str, Any]]
    announcement: str
    rubric: list[dict[str, Any]]
    experts_per_application: int
    aggregation: str
    notice_working_days: int
    issuer_code: str
    status: str


class MaterialOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class EventOut(Schema):
    action: str
    source: str
    target: str
    reason_code: str
    reason: str
    created_at: datetime


class ApplicationOut(Schema):
    id: int
    round_id: int
    enterprise: dict[str, str]
    unit: dict[str, str]
    status: str
    status_label: str
    form_schema: dict[str, Any]
    data: dict[str, Any]
    self_assessment: dict[str, Any]
    unit_rank: int | None
    expert_score: Decimal | None
    decision_reason: str
    submitted_at: datetime | None
    certificate_number: str | None
    valid_until: date | None
    materials: list[MaterialOut]
    events: list[EventOut]


class ApplicationPatchIn(Schema):
    data: dict[str, Any]


class ActionOut(Schema):
    action: str
    label: str
    target: str
    needs_reason: bool
    reasons: dict[str, str]


class TransitionIn(Schema):
    action: str
    reason_code: str = ""
    reason: str = ""
    rank: int | None = None
    opinion: str = ""


class ScoreItemIn(Schema):
    indicator: str
    score: Decimal
    comment: str = ""
    justification: str = ""


class ScoresIn(Schema):
    scores: list[ScoreItemIn]
    undertaking: bool = False


class ScoreOut(Schema):
    indicator: str
    score: Decimal
    comment: str
    justification: str


class AssignmentOut(Schema):
    id: int
    application_id: int
    status: str
    total: Decimal | None
    scores: list[ScoreOut]


class NoticeEntryOut(Schema):
    application_id: int
    enterprise_name: str
    credit_code: str
    unit: str
    status: str


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    round_year: int
    starts_on: date
    ends_on: date
    working_days: int
    remaining_working_days: int
    open: bool
    contact: str
    entries: list[NoticeEntryOut]


class ObjectionOut(Schema):
    id: int
    status: str
    created_at: datetime


class CertificateOut(Schema):
    number: str
    enterprise_name: str
    credit_code: str
    unit: str
    certified_on: date | None
    valid_until: date | None
    decision_document: str | None
    state: str


def _round_out(rnd: Round) -> dict[str, Any]:
    return {f: getattr(rnd, f) for f in RoundOut.model_fields if hasattr(rnd, f)} | {"id": rnd.pk}


def _application_out(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "round_id": app.round_id,
        "enterprise": {"name": app.enterprise.name, "credit_code": app.enterprise.credit_code},
        "unit": {"code": app.unit.code, "name": app.unit.name},
        "status": app.status,
        "status_label": app.get_status_display(),
        "form_schema": app.form_schema,
        "data": app.data,
        "self_assessment": app.self_assessment,
        "unit_rank": app.unit_rank,
        "expert_score": app.expert_score,
        "decision_reason": app.decision_reason,
        "submitted_at": app.submitted_at,
        "certificate_number": app.certificate_number,
        "valid_until": app.valid_until,
        "materials": list(app.materials.all()),
        "events": list(selectors.application_events(app)),
    }


def _notice_out(notice: Notice) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": notice.pk,
        "title": notice.title,
        "body": notice.body,
        "round_year": notice.round.year,
        "starts_on": notice.starts_on,
        "ends_on": notice.ends_on,
        "working_days": notice.working_days,
        "remaining_working_days": selectors.notice_remaining_working_days(notice, today),
        "open": selectors.notice_is_open(notice, today),
        "contact": notice.contact,
        "entries": [
            {
                "application_id": a.pk,
                "enterprise_name": a.enterprise.name,
                "credit_code": a.enterprise.credit_code,
                "unit": a.unit.name,
                "status": a.status,
            }
            for a in selectors.notice_applications(notice)
        ],
    }


def _assignment_out(a: ExpertAssignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "application_id": a.application_id,
        "status": a.status,
        "total": a.total,
        "scores": list(a.scores.all()),
    }
