"""Request and response schemas of the certification API, and the output helpers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from zjtx.core.workflow import actions_for

from .. import selectors
from ..models import Application, ExpertAssignment, Notice, Round
from ..workflow import ROUND

# Bounds carried from the models (field lengths, positive small integers) and the domain, so a
# bad value fails validation with a field name instead of failing the INSERT.
YEAR = Field(ge=2000, le=2100)
QUOTA_MAX = 100_000
Count = Annotated[int, Field(ge=0, le=QUOTA_MAX)]
UnitCode = Annotated[str, Field(min_length=1, max_length=20)]
# Database ids in paths and queries: a 64-bit key at most (10^23 is a 400, not a 500).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Status = Annotated[str, Field(max_length=15)]


class MaterialSpec(Schema):
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=200)
    required: bool = False


class RubricItem(Schema):
    id: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    max_points: Decimal = Field(gt=0, le=1000, max_digits=6, decimal_places=2)


class RoundIn(Schema):
    year: int = YEAR
    title: str = Field(min_length=1, max_length=200)
    program_id: str = Field(min_length=1, max_length=64)
    quota: int = Field(50, ge=0, le=QUOTA_MAX)
    unit_quotas: dict[UnitCode, Count] = Field(default_factory=dict, max_length=200)
    opens_on: date
    closes_on: date
    required_materials: list[MaterialSpec] | None = Field(None, max_length=50)
    announcement: str = Field("", max_length=20_000)
    # 50 indicators of at most 1000 points keep every total within the score column.
    rubric: list[RubricItem] | None = Field(None, min_length=1, max_length=50)
    experts_per_application: int = Field(3, ge=1, le=15)
    aggregation: Literal["mean", "trimmed_mean"] = "mean"
    notice_working_days: int = Field(5, ge=1, le=30)
    issuer_code: str = Field("芜经信", min_length=1, max_length=20)
    open: bool = False


class RoundStepOut(Schema):
    op: str
    label: str
    possible: bool
    why: str


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
    # The status moves the caller may make now (workflow.ROUND): announce, close, reopen.
    actions: list[str] = []
    # Where the round stands (its stepper) and, for the city officer, each round-level step
    # with whether it is possible now and why not (the round page's guidance); detail only.
    stage: str = ""
    stage_label: str = ""
    steps: list[RoundStepOut] = []


class MaterialOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class CertificationEventOut(Schema):
    action: str
    source: str
    target: str
    reason_code: str
    reason: str
    created_at: datetime


class CertificationApplicationOut(Schema):
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
    events: list[CertificationEventOut]


class CertificationApplicationPatchIn(Schema):
    data: dict[Annotated[str, Field(max_length=100)], Any] = Field(max_length=200)


class ActionOut(Schema):
    action: str
    label: str
    target: str
    needs_reason: bool
    reasons: dict[str, str]


ReasonCode = Annotated[str, Field(min_length=1, max_length=30)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class ReasonedTransitionIn(Schema):
    """Return, reject, revoke or remove: a reason from the action's list and an explanation."""

    action: Literal["return", "reject", "revoke", "remove"]
    reason_code: ReasonCode
    reason: Reason


class RecommendIn(Schema):
    """The unit's recommendation with its ranking among the unit's applications."""

    action: Literal["recommend"]
    rank: int = Field(ge=1, le=32767)
    opinion: str = Field("", max_length=5000)


class ApproveIn(Schema):
    """Approval; beyond the round's quota `reason` (the over-quota reason) is required."""

    action: Literal["approve"]
    reason: str = Field("", max_length=2000)


class PlainTransitionIn(Schema):
    action: Literal[
        "submit",
        "resubmit",
        "withdraw",
        "start_review",
        "complete_review",
        "publish",
        "certify",
        "renew",
    ]


TransitionIn = Annotated[
    ReasonedTransitionIn | RecommendIn | ApproveIn | PlainTransitionIn,
    Field(discriminator="action"),
]


class ScoreItemIn(Schema):
    indicator: str = Field(min_length=1, max_length=40)
    # The rubric's precision (2 places); the service checks the indicator's maximum.
    score: Decimal = Field(ge=0, le=1000, max_digits=6, decimal_places=2)
    comment: str = Field("", max_length=5000)
    justification: str = Field("", max_length=5000)


class ScoresIn(Schema):
    scores: list[ScoreItemIn] = Field(min_length=1, max_length=50)
    undertaking: bool


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


def _round_out(rnd: Round, user: Any = None) -> dict[str, Any]:
    out = {f: getattr(rnd, f) for f in RoundOut.model_fields if hasattr(rnd, f)}
    role = getattr(user, "role", "")
    out["actions"] = [name for name, _t in actions_for(ROUND, state=rnd.status, role=role)]
    return out | {"id": rnd.pk}


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
        "events": list(selectors.application_events(application=app)),
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
        "remaining_working_days": selectors.notice_remaining_working_days(
            notice=notice, today=today
        ),
        "open": selectors.notice_is_open(notice=notice, today=today),
        "contact": notice.contact,
        "entries": [
            {
                "application_id": a.pk,
                "enterprise_name": a.enterprise.name,
                "credit_code": a.enterprise.credit_code,
                "unit": a.unit.name,
                "status": a.status,
            }
            for a in selectors.notice_applications(notice=notice)
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
