"""Annual assessment of units: the JSON API.

The city sees every unit's score with its trace; a unit officer sees published runs, the ranking
(rank and score of every unit) and only its own unit's trace. Anything out of scope is a 404;
a step the run's state forbids is a 409.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpResponse
from django.utils import timezone
from ninja import Path, Router, Schema
from pydantic import ConfigDict, Field

from zjtx.accounts.models import Role
from zjtx.core.api_schemas import ERRORS
from zjtx.core.audit import audit_export
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for

from . import scheme, selectors, services
from .models import Adjustment, AssessmentRun, Bulletin, Objection, UnitScore
from .workflow import OBJECTION, RUN

router = Router(tags=["assessment"])
FORBID_EXTRA = ConfigDict(extra="forbid")
MAX_ID = 2_147_483_647


class AssessmentIndicatorOut(Schema):
    id: str
    title: str
    dimension: str
    weight: str
    target_pct: str | None
    formula: str


class AssessmentParameterOut(Schema):
    name: str
    description: str
    value: str | None
    since: date | None
    source: str


class AssessmentSchemeOut(Schema):
    id: str
    version: int | None
    title: str
    clause: str
    effective_from: date
    effective_to: date | None
    in_force: bool
    total_weight: str
    indicators: list[AssessmentIndicatorOut]
    parameters: list[AssessmentParameterOut]


class AssessmentRunCreateIn(Schema):
    model_config = FORBID_EXTRA
    year: int = Field(ge=1900, le=2999)


class AssessmentTraceOut(Schema):
    indicator: str
    title: str
    dimension: str
    value: str
    target: str
    formula: str
    weight: str
    points: str | None
    numerator: str | None
    denominator: str | None
    rate_pct: str | None
    records: int
    status: str
    note: str


class AssessmentAdjustmentOut(Schema):
    id: int
    unit: int
    indicator: str
    points: str
    reason: str
    source: str
    objection: int | None
    recorded_at: str


class AssessmentScoreOut(Schema):
    unit: int
    unit_name: str
    rank: int
    score: str
    # Only for the city and for the caller's own unit; null for other units.
    indicator_points: str | None
    adjustment_points: str | None
    insufficient: bool | None
    trace: list[AssessmentTraceOut] | None
    adjustments: list[AssessmentAdjustmentOut] | None


class AssessmentObjectionOut(Schema):
    id: int
    run: int
    unit: int
    indicator: str
    reason: str
    status: str
    filed_on: date
    decision: str
    decided_on: date | None


class AssessmentActionOut(Schema):
    action: str
    label: str
    needs_reason: bool


class AssessmentRunOut(Schema):
    id: int
    year: int
    status: str
    as_of: date
    scheme: str
    scheme_version: int
    objection_days: int
    published_on: date | None
    window_ends_on: date | None
    finalized_on: date | None
    actions: list[AssessmentActionOut]
    scores: list[AssessmentScoreOut]
    objections: list[AssessmentObjectionOut]


class AssessmentRunSummaryOut(Schema):
    id: int
    year: int
    status: str
    as_of: date
    published_on: date | None
    window_ends_on: date | None
    finalized_on: date | None


class AssessmentTransitionIn(Schema):
    model_config = FORBID_EXTRA
    action: str = Field(max_length=30)
    reason: str = Field("", max_length=500)


class AssessmentAdjustmentIn(Schema):
    model_config = FORBID_EXTRA
    unit: int = Field(ge=1, le=MAX_ID)
    points: str = Field(max_length=12, description='signed points, 2 decimals, e.g. "-2.50"')
    reason: str = Field(max_length=500)
    indicator: str = Field("", max_length=40)


class AssessmentObjectionIn(Schema):
    model_config = FORBID_EXTRA
    reason: str = Field(max_length=2000)
    indicator: str = Field("", max_length=40)


class AssessmentObjectionDecisionIn(Schema):
    model_config = FORBID_EXTRA
    action: str = Field(max_length=30, description="accept or reject")
    reason: str = Field(max_length=500)
    points: str | None = Field(None, max_length=12, description="for accept: the adjustment")


class AssessmentBulletinIssueIn(Schema):
    model_config = FORBID_EXTRA
    text: str = Field("", max_length=5000)


class AssessmentSupervisionIn(Schema):
    model_config = FORBID_EXTRA
    year: int = Field(ge=1900, le=2999)
    units: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(max_length=100)
    title: str = Field(max_length=200)
    text: str = Field(max_length=5000)


class AssessmentBulletinOut(Schema):
    id: int
    kind: str
    run: int | None
    year: int
    number: str
    title: str
    issued_on: date
    units: list[int]
    document_url: str


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _trace(score: UnitScore) -> list[dict[str, Any]]:
    out = []
    for line in selectors.trace_lines(score):
        e = line.entry
        out.append(
            {
                "indicator": e["indicator"],
                "title": e["title"],
                "dimension": e["dimension"],
                "value": line.value,
                "target": line.target,
                "formula": e["formula"],
                "weight": e["weight"],
                "points": e["points"],
                "numerator": e["numerator"],
                "denominator": e["denominator"],
                "rate_pct": e["rate"],
                "records": e["records"],
                "status": e["status"],
                "note": line.note,
            }
        )
    return out


def _adjustment(a: Adjustment, unit_id: int) -> dict[str, Any]:
    return {
        "id": a.pk,
        "unit": unit_id,
        "indicator": a.indicator,
        "points": str(a.points),
        "reason": a.reason,
        "source": a.source,
        "objection": a.objection_id,
        "recorded_at": a.created_at.isoformat(),
    }


def _score(score: UnitScore, detail: bool) -> dict[str, Any]:
    return {
        "unit": score.unit_id,
        "unit_name": score.unit.name,
        "rank": score.rank,
        "score": str(score.score),
        "indicator_points": str(score.computed_points) if detail else None,
        "adjustment_points": str(score.adjustment_points) if detail else None,
        "insufficient": score.insufficient if detail else None,
        "trace": _trace(score) if detail else None,
        "adjustments": [_adjustment(a, score.unit_id) for a in selectors.adjustments_of(score)]
        if detail
        else None,
    }


def _objection(o: Objection) -> dict[str, Any]:
    return {
        "id": o.pk,
        "run": o.run_id,
        "unit": o.unit_id,
        "indicator": o.indicator,
        "reason": o.reason,
        "status": o.status,
        "filed_on": o.filed_on,
        "decision": o.decision,
        "decided_on": o.decided_on,
    }


def _summary(run: AssessmentRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "year": run.year,
        "status": run.status,
        "as_of": run.as_of,
        "published_on": run.published_on,
        "window_ends_on": run.window_ends_on,
        "finalized_on": run.finalized_on,
    }


def _run_out(run: AssessmentRun, user: Any) -> dict[str, Any]:
    role = str(getattr(user, "role", ""))
    city = role == Role.CITY_OFFICER
    own = getattr(user, "unit_id", None)
    return {
        **_summary(run),
        "scheme": run.scheme_id,
        "scheme_version": run.scheme_version,
        "objection_days": run.objection_days,
        "actions": [
            {"action": name, "label": str(t.label), "needs_reason": t.needs_reason}
            for name, t in actions_for(RUN, state=run.status, role=role)
        ],
        "scores": [_score(s, city or s.unit_id == own) for s in selectors.ranking(run)],
        "objections": [_objection(o) for o in selectors.objection_list_for(run=run, user=user)],
    }


def _bulletin(b: Bulletin) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "id": b.pk,
        "kind": b.kind,
        "run": b.run_id,
        "year": b.year,
        "number": b.number,
        "title": b.title,
        "issued_on": b.issued_on,
        "units": [u.pk for u in b.units.all()],
        "document_url": reverse("api:assessment-bulletin-document", args=[b.pk]),
    }


@router.get(
    "/assessment/schemes",
    response={200: list[AssessmentSchemeOut], **ERRORS},
    url_name="assessment-schemes",
)
def scheme_list(request: AuthedRequest) -> list[dict[str, Any]]:
    """The scheme in force today (its indicators, weights, formulas and dated targets)."""
    from zjtx.accounts.scoping import require_role

    require_role(request.user, Role.CITY_OFFICER, Role.UNIT_OFFICER, hide=True)
    today = timezone.localdate()
    described = scheme.scheme_describe(scheme.scheme_package(), today)
    return [
        {
            **described,
            "total_weight": str(described["total_weight"]),
            "indicators": [
                {**i, "weight": str(i["weight"]), "target_pct": _s(i["target_pct"])}
                for i in described["indicators"]
            ],
            "parameters": [{**p, "value": _s(p["value"])} for p in described["parameters"]],
        }
    ]


@router.get("/assessment/runs", response=list[AssessmentRunSummaryOut], url_name="assessment-runs")
def run_list(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_summary(r) for r in selectors.run_list_for(user=request.user)]


@router.post(
    "/assessment/runs",
    response={201: AssessmentRunOut, **ERRORS},
    url_name="assessment-run-create",
)
def run_create(request: AuthedRequest, payload: AssessmentRunCreateIn) -> tuple[int, Any]:
    """Compute the year's assessment (a new draft, or the draft again)."""
    run = services.run_compute(year=payload.year, actor=request.user)
    return 201, _run_out(run, request.user)


@router.get(
    "/assessment/runs/{run_id}",
    response={200: AssessmentRunOut, **ERRORS},
    url_name="assessment-run",
)
def run_detail(request: AuthedRequest, run_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    run = selectors.run_get(pk=run_id, user=request.user)
    audit_export(
        actor=request.user,
        action="assessment.api_run_detail",
        object_type="assessment.assessmentrun",
        count=1,
        filters={"run": run.pk},
    )
    return _run_out(run, request.user)


@router.get(
    "/assessment/runs/{run_id}/units/{unit_id}",
    response={200: AssessmentScoreOut, **ERRORS},
    url_name="assessment-run-unit",
)
def run_unit(
    request: AuthedRequest,
    run_id: int = Path(..., ge=1, le=MAX_ID),
    unit_id: int = Path(..., ge=1, le=MAX_ID),
) -> Any:
    """One unit's score with its trace: the city, or the unit's own officer (else 404)."""
    run = selectors.run_get(pk=run_id, user=request.user)
    return _score(selectors.score_get(run=run, unit_id=unit_id, user=request.user), True)


@router.post(
    "/assessment/runs/{run_id}/transitions",
    response={200: AssessmentRunOut, **ERRORS},
    url_name="assessment-run-transition",
)
def run_transition(
    request: AuthedRequest,
    payload: AssessmentTransitionIn,
    run_id: int = Path(..., ge=1, le=MAX_ID),
) -> Any:
    """publish (objection window opens) or finalize (after the window, all objections decided)."""
    run = selectors.run_get(pk=run_id, user=request.user)
    services.run_transition(
        run=run, action=payload.action, actor=request.user, reason=payload.reason
    )
    return _run_out(selectors.run_get(pk=run_id, user=request.user), request.user)


@router.post(
    "/assessment/runs/{run_id}/adjustments",
    response={201: AssessmentAdjustmentOut, **ERRORS},
    url_name="assessment-run-adjustment",
)
def run_adjustment(
    request: AuthedRequest,
    payload: AssessmentAdjustmentIn,
    run_id: int = Path(..., ge=1, le=MAX_ID),
) -> tuple[int, Any]:
    run = selectors.run_get(pk=run_id, user=request.user)
    adjustment = services.adjustment_add(
        run=run,
        unit_id=payload.unit,
        points=payload.points,
        reason=payload.reason,
        indicator=payload.indicator,
        actor=request.user,
    )
    return 201, _adjustment(adjustment, payload.unit)


@router.post(
    "/assessment/runs/{run_id}/objections",
    response={201: AssessmentObjectionOut, **ERRORS},
    url_name="assessment-run-objection",
)
def run_objection(
    request: AuthedRequest, payload: AssessmentObjectionIn, run_id: int = Path(..., ge=1, le=MAX_ID)
) -> tuple[int, Any]:
    """The unit officer objects to the unit's result, with a reason, within the window."""
    run = selectors.run_get(pk=run_id, user=request.user)
    objection = services.objection_file(
        run=run, actor=request.user, reason=payload.reason, indicator=payload.indicator
    )
    return 201, _objection(objection)


@router.post(
    "/assessment/objections/{objection_id}/transitions",
    response={200: AssessmentObjectionOut, **ERRORS},
    url_name="assessment-objection-transition",
)
def objection_transition(
    request: AuthedRequest,
    payload: AssessmentObjectionDecisionIn,
    objection_id: int = Path(..., ge=1, le=MAX_ID),
) -> Any:
    """accept (with the points of the recorded adjustment) or reject, each with a reason."""
    objection = selectors.objection_get(pk=objection_id, user=request.user)
    decided = services.objection_decide(
        objection=objection,
        action=payload.action,
        actor=request.user,
        reason=payload.reason,
        points=payload.points,
    )
    return _objection(decided)


@router.get(
    "/assessment/objections/{objection_id}/actions",
    response={200: list[AssessmentActionOut], **ERRORS},
    url_name="assessment-objection-actions",
)
def objection_actions(
    request: AuthedRequest, objection_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    objection = selectors.objection_get(pk=objection_id, user=request.user)
    role = str(getattr(request.user, "role", ""))
    return [
        {"action": name, "label": str(t.label), "needs_reason": t.needs_reason}
        for name, t in actions_for(OBJECTION, state=objection.status, role=role)
    ]


@router.get(
    "/assessment/bulletins", response=list[AssessmentBulletinOut], url_name="assessment-bulletins"
)
def bulletin_list(request: AuthedRequest) -> list[dict[str, Any]]:
    return [
        _bulletin(b)
        for b in selectors.bulletin_list_for(user=request.user).prefetch_related("units")
    ]


@router.post(
    "/assessment/runs/{run_id}/bulletin",
    response={201: AssessmentBulletinOut, **ERRORS},
    url_name="assessment-run-bulletin",
)
def run_bulletin(
    request: AuthedRequest,
    payload: AssessmentBulletinIssueIn,
    run_id: int = Path(..., ge=1, le=MAX_ID),
) -> tuple[int, Any]:
    """Issue the yearly 通报 of a final run (numbered, Word, published to the units)."""
    run = selectors.run_get(pk=run_id, user=request.user)
    bulletin = services.bulletin_issue_annual(run=run, actor=request.user, text=payload.text)
    return 201, _bulletin(bulletin)


@router.post(
    "/assessment/bulletins",
    response={201: AssessmentBulletinOut, **ERRORS},
    url_name="assessment-bulletin-create",
)
def bulletin_create(request: AuthedRequest, payload: AssessmentSupervisionIn) -> tuple[int, Any]:
    """An ad-hoc 督查通报 naming the units that fail to carry out the policy."""
    bulletin = services.bulletin_issue_supervision(
        year=payload.year,
        unit_ids=payload.units,
        title=payload.title,
        text=payload.text,
        actor=request.user,
    )
    return 201, _bulletin(bulletin)


@router.get(
    "/assessment/bulletins/{bulletin_id}/document",
    response={200: None, **ERRORS},
    url_name="assessment-bulletin-document",
)
def bulletin_document(
    request: AuthedRequest, bulletin_id: int = Path(..., ge=1, le=MAX_ID)
) -> HttpResponse:
    """The 通报 as a Word document (.docx)."""
    bulletin, content = selectors.bulletin_document(pk=bulletin_id, user=request.user)
    audit_export(
        actor=request.user,
        action="assessment.bulletin_download",
        object_type="assessment.bulletin",
        count=1,
        filters={"bulletin": bulletin.pk},
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="bulletin-{bulletin.year}-{bulletin.pk}.docx"'
    )
    return response
