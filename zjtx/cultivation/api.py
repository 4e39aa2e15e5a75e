"""Cultivation API: an enterprise's tiers, pool changes and their transitions, candidate runs
with the gaps per firm, targets with progress, talent.

Anything outside the caller's scope is a 404; a step the present state forbids is a 409.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.api_schemas import ERRORS
from zjtx.core.audit import audit_export
from zjtx.core.http import AuthedRequest
from zjtx.core.workflow import actions_for
from zjtx.enterprises import selectors as enterprise_selectors
from zjtx.reference.models import AssessmentUnit

from . import selectors, services, talent_import
from .candidates import job_url_of, start_candidate_run
from .errors import CultivationError, CultivationErrorCode
from .models import CandidateRun, PoolChange, TalentRecord, tier_label
from .workflow import POOL_CHANGE

router = Router(tags=["cultivation"])
FORBID_EXTRA = ConfigDict(extra="forbid")
Id = Annotated[int, Field(ge=1, le=2147483647)]
Reason = Annotated[str, Field(max_length=500)]
PoolCode = Literal["none", "reserve", "cultivate", "upgrade"]
TierCode = Literal["innovative", "municipal", "provincial", "little_giant"]


class TierRecordOut(Schema):
    id: int
    track: str
    tier: str
    tier_label: str
    action: str
    on: date
    valid_until: date | None
    reason: str
    decided_by: str | None
    source: str


class EnterpriseTiersOut(Schema):
    credit_code: str
    enterprise: str
    unit: str
    pool: str
    pool_label: str
    tiers: list[str]
    marks: list[str]
    history: list[TierRecordOut]


class PoolChangeIn(Schema):
    model_config = FORBID_EXTRA
    credit_code: str = Field(max_length=18)
    to_pool: PoolCode
    reason: Reason


class PoolChangeTransitionIn(Schema):
    model_config = FORBID_EXTRA
    action: Literal["confirm", "return", "resubmit", "withdraw"]
    reason: Reason = ""
    new_reason: Reason = ""


class PoolChangeActionOut(Schema):
    action: str
    label: str
    needs_reason: bool


class PoolChangeOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    unit: str
    from_pool: str
    to_pool: str
    reason: str
    status: str
    decision_note: str
    proposed_on: date
    decided_on: date | None
    candidate_run: int | None
    actions: list[PoolChangeActionOut]


class CandidateRunIn(Schema):
    model_config = FORBID_EXTRA
    as_of: date | None = None
    tiers: list[TierCode] = Field(default_factory=list, max_length=4)
    max_gaps: int = Field(2, ge=0, le=5)


class CandidateGapOut(Schema):
    text: str
    value: str | None = None
    threshold: str | None = None
    gap: str | None = None
    unit: str | None = None


class CandidateHitOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    unit: str | None
    tier: str
    tier_label: str
    gap_count: int
    gaps: list[CandidateGapOut]
    to_verify: list[str]
    pool: str


class CandidateRunOut(Schema):
    id: int
    status: str
    as_of: date
    tiers: list[str]
    programs: dict[str, str]
    max_gaps: int
    enterprise_count: int
    candidate_count: int
    seconds: str | None
    job_url: str | None
    hits: list[CandidateHitOut]


class CandidateMoveIn(Schema):
    model_config = FORBID_EXTRA
    hits: list[Id] = Field(max_length=5000)
    to_pool: Literal["reserve", "cultivate", "upgrade"]
    reason: Reason


class CandidateMoveOut(Schema):
    changes: list[int]
    skipped: dict[str, str]


class TargetProgressOut(Schema):
    item: int
    metric: str
    label: str
    target: int
    value: int
    baseline: int
    expected: int
    percent: int
    expected_percent: int
    on_track: bool
    on: str


class TargetSetOut(Schema):
    id: int
    title: str
    basis: str
    period_start: date
    period_end: date
    unit: str | None
    items: list[TargetProgressOut]


MetricCode = Literal[
    "certified_held",
    "certified_new",
    "certified_large",
    "province_recommended",
    "listing_recommended",
    "pool_size",
    "technicians",
    "chief_technicians",
    "master_studios",
]


class TargetParamsIn(Schema):
    model_config = FORBID_EXTRA
    tier: Literal["innovative", "municipal", "provincial", "little_giant", "champion"] | None = None
    pools: list[Literal["reserve", "cultivate", "upgrade"]] | None = Field(None, max_length=3)
    min_revenue_yuan: Annotated[int, Field(ge=1, le=10**15)] | None = None


class TargetItemIn(Schema):
    model_config = FORBID_EXTRA
    metric: MetricCode
    label: str = Field(max_length=200)
    target: int = Field(ge=1, le=10**9)
    params: TargetParamsIn | None = None
    shares: dict[Annotated[str, Field(max_length=20)], Annotated[int, Field(ge=0, le=10**9)]] = (
        Field(default_factory=dict, max_length=100)
    )


class TargetSetIn(Schema):
    model_config = FORBID_EXTRA
    title: str = Field(max_length=200)
    basis: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
    period_start: date
    period_end: date
    items: list[TargetItemIn] = Field(max_length=40)


class TargetSetUpdateIn(TargetSetIn):
    reason: Reason


class TargetSetSavedOut(Schema):
    id: int
    title: str
    basis: str
    note: str
    period_start: date
    period_end: date
    items: list[dict[str, Any]]


class TalentIn(Schema):
    model_config = FORBID_EXTRA
    kind: Literal["technician", "senior_technician", "chief_technician"]
    person_name: str = Field(max_length=50)
    id_number: str = Field(max_length=30)
    certificate_number: str = Field("", max_length=50)
    awarded_on: date
    credit_code: str | None = Field(None, max_length=18)
    unit_code: str | None = Field(None, max_length=20)


class TalentOut(Schema):
    id: int
    kind: str
    person_name: str
    id_number: str  # masked
    certificate_number: str
    awarded_on: date
    credit_code: str | None
    enterprise: str | None
    unit: str


def _tiers_out(enterprise: Any) -> dict[str, Any]:
    state = selectors.tier_state_of(enterprise_id=enterprise.pk, on=timezone.localdate())
    history = [
        {
            "id": r.pk,
            "track": r.track,
            "tier": r.tier,
            "tier_label": r.tier_label,
            "action": r.action,
            "on": r.on,
            "valid_until": r.valid_until,
            "reason": r.reason,
            "decided_by": (r.decided_by.full_name or r.decided_by.username)
            if r.decided_by
            else None,
            "source": r.source,
        }
        for r in selectors.tier_history(enterprise_id=enterprise.pk)
    ]
    return {
        "credit_code": enterprise.credit_code,
        "enterprise": enterprise.name,
        "unit": enterprise.unit.name if enterprise.unit else "",
        "pool": state.pool,
        "pool_label": tier_label("pool", state.pool),
        "tiers": sorted(state.tiers),
        "marks": sorted(state.marks),
        "history": history,
    }


def _enterprise(user: Any, credit_code: str) -> Any:
    if getattr(user, "role", "") == Role.ENTERPRISE:
        own = enterprise_selectors.enterprise_for_user(user=user)
        if own.credit_code != credit_code.strip().upper():
            raise Http404
        return own
    return enterprise_selectors.enterprise_get_for(user=user, credit_code=credit_code)


@router.get(
    "/cultivation/enterprises/{credit_code}/tiers",
    response={200: EnterpriseTiersOut, **ERRORS},
    url_name="cultivation-enterprise-tiers",
)
def enterprise_tiers(request: AuthedRequest, credit_code: str) -> dict[str, Any]:
    return _tiers_out(_enterprise(request.user, credit_code[:40]))


def _change_out(change: PoolChange, user: Any) -> dict[str, Any]:
    role = str(getattr(user, "role", ""))
    return {
        "id": change.pk,
        "credit_code": change.enterprise.credit_code,
        "enterprise": change.enterprise.name,
        "unit": change.unit.name,
        "from_pool": change.from_pool,
        "to_pool": change.to_pool,
        "reason": change.reason,
        "status": change.status,
        "decision_note": change.last_reason,
        "proposed_on": change.proposed_on,
        "decided_on": change.decided_on,
        "candidate_run": change.candidate_run_id,
        "actions": [
            {"action": name, "label": str(t.label), "needs_reason": t.needs_reason}
            for name, t in actions_for(POOL_CHANGE, state=change.status, role=role)
        ],
    }


@router.get(
    "/cultivation/pool-changes",
    response=list[PoolChangeOut],
    url_name="cultivation-pool-changes",
)
def pool_change_list(
    request: AuthedRequest,
    status: Literal["", "proposed", "returned", "confirmed", "withdrawn"] = "",
) -> list[dict[str, Any]]:
    rows = selectors.pool_change_list_for(user=request.user, status=status or None)[:500]
    return [_change_out(c, request.user) for c in rows]


@router.post(
    "/cultivation/pool-changes",
    response={201: PoolChangeOut, **ERRORS},
    url_name="cultivation-pool-change-create",
)
def pool_change_create(request: AuthedRequest, payload: PoolChangeIn) -> tuple[int, Any]:
    require_role(request.user, Role.CITY_OFFICER, Role.UNIT_OFFICER, hide=True)
    enterprise = enterprise_selectors.enterprise_get_for(
        user=request.user, credit_code=payload.credit_code
    )
    change = services.pool_change_propose(
        enterprise=enterprise, to_pool=payload.to_pool, reason=payload.reason, actor=request.user
    )
    return 201, _change_out(
        selectors.pool_change_get(user=request.user, pk=change.pk), request.user
    )


@router.get(
    "/cultivation/pool-changes/{change_id}",
    response={200: PoolChangeOut, **ERRORS},
    url_name="cultivation-pool-change-detail",
)
def pool_change_detail(request: AuthedRequest, change_id: int) -> dict[str, Any]:
    return _change_out(selectors.pool_change_get(user=request.user, pk=change_id), request.user)


@router.post(
    "/cultivation/pool-changes/{change_id}/transitions",
    response={200: PoolChangeOut, **ERRORS},
    url_name="cultivation-pool-change-transition",
)
def pool_change_transition(
    request: AuthedRequest, change_id: int, payload: PoolChangeTransitionIn
) -> dict[str, Any]:
    change = selectors.pool_change_get(user=request.user, pk=change_id)
    services.pool_change_transition(
        change=change,
        action=payload.action,
        actor=request.user,
        reason=payload.reason,
        new_reason=payload.new_reason,
    )
    return _change_out(selectors.pool_change_get(user=request.user, pk=change_id), request.user)


def _run_out(run: CandidateRun, user: Any, tier: str = "", limit: int = 200) -> dict[str, Any]:
    hits = selectors.candidate_hits(run=run, user=user, tier=tier or None)[:limit]
    return {
        "id": run.pk,
        "status": run.status,
        "as_of": run.as_of,
        "tiers": list(run.tiers),
        "programs": dict(run.programs),
        "max_gaps": run.max_gaps,
        "enterprise_count": run.enterprise_count,
        "candidate_count": run.candidate_count,
        "seconds": None if run.seconds is None else str(run.seconds),
        "job_url": job_url_of(run),
        "hits": [
            {
                "id": h.pk,
                "credit_code": h.enterprise.credit_code,
                "enterprise": h.enterprise.name,
                "unit": h.unit.name if h.unit else None,
                "tier": h.tier,
                "tier_label": tier_label("certified", h.tier),
                "gap_count": h.gap_count,
                "gaps": h.gaps,
                "to_verify": h.to_verify,
                "pool": h.pool,
            }
            for h in hits
        ],
    }


@router.post(
    "/cultivation/candidate-runs",
    response={201: CandidateRunOut, 202: CandidateRunOut, **ERRORS},
    url_name="cultivation-candidate-run-create",
)
def candidate_run_create(request: AuthedRequest, payload: CandidateRunIn) -> tuple[int, Any]:
    run = start_candidate_run(
        actor=request.user,
        as_of=payload.as_of,
        tiers=list(payload.tiers) or None,
        max_gaps=payload.max_gaps,
    )
    run.refresh_from_db()
    status = 201 if run.status != CandidateRun.Status.RUNNING else 202
    return status, _run_out(run, request.user)


@router.get(
    "/cultivation/candidate-runs/{run_id}",
    response={200: CandidateRunOut, **ERRORS},
    url_name="cultivation-candidate-run-detail",
)
def candidate_run_detail(
    request: AuthedRequest,
    run_id: int,
    tier: Literal["", "innovative", "municipal", "provincial", "little_giant"] = "",
    limit: int = Query(200, ge=1, le=1000),
) -> dict[str, Any]:
    run = selectors.candidate_run_get(user=request.user, pk=run_id)
    out = _run_out(run, request.user, tier=tier, limit=limit)
    audit_export(
        actor=request.user,
        action="cultivation.api_candidate_run",
        obj=run,
        count=len(out["hits"]),
        filters={"tier": tier},
    )
    return out


@router.post(
    "/cultivation/candidate-runs/{run_id}/pool-changes",
    response={201: CandidateMoveOut, **ERRORS},
    url_name="cultivation-candidate-move",
)
def candidate_move(
    request: AuthedRequest, run_id: int, payload: CandidateMoveIn
) -> tuple[int, Any]:
    run = selectors.candidate_run_get(user=request.user, pk=run_id)
    report = services.pool_changes_from_run(
        run=run,
        hit_ids=payload.hits,
        to_pool=payload.to_pool,
        reason=payload.reason,
        actor=request.user,
    )
    return 201, {"changes": [c.pk for c in report.changes], "skipped": report.skipped}


@router.get(
    "/cultivation/targets",
    response={200: list[TargetSetOut], **ERRORS},
    url_name="cultivation-targets",
)
def target_list(
    request: AuthedRequest, on: date | None = None, unit: str = Query("", max_length=20)
) -> list[dict[str, Any]]:
    user: Any = request.user
    require_role(user, Role.CITY_OFFICER, Role.UNIT_OFFICER, hide=True)
    day = on or timezone.localdate()
    unit_obj = None
    if user.role == Role.UNIT_OFFICER:
        unit_obj = user.unit
        if unit and unit != unit_obj.code:
            raise Http404
    elif unit:
        unit_obj = AssessmentUnit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise Http404
    out = []
    for tset in selectors.target_sets():
        out.append(
            {
                "id": tset.pk,
                "title": tset.title,
                "basis": tset.basis,
                "period_start": tset.period_start,
                "period_end": tset.period_end,
                "unit": unit_obj.code if unit_obj else None,
                "items": [
                    selectors.target_progress(item=item, on=day, unit=unit_obj).as_dict()
                    for item in tset.items.all()
                ],
            }
        )
    return out


def _target_values(payload: TargetSetIn) -> dict[str, Any]:
    return {
        "title": payload.title,
        "basis": payload.basis,
        "note": payload.note,
        "period_start": payload.period_start,
        "period_end": payload.period_end,
        "items": [
            services.TargetItemIn(
                metric=i.metric,
                label=i.label,
                target=i.target,
                params=i.params.model_dump(exclude_none=True) if i.params else {},
                shares=dict(i.shares),
            )
            for i in payload.items
        ],
    }


def _target_saved(tset: Any) -> dict[str, Any]:
    snapshot = services.target_set_snapshot(selectors.target_set_get(pk=tset.pk))
    return {
        "id": tset.pk,
        "title": snapshot["title"],
        "basis": snapshot["basis"],
        "note": tset.note,
        "period_start": tset.period_start,
        "period_end": tset.period_end,
        "items": snapshot["items"],
    }


@router.post(
    "/cultivation/targets",
    response={201: TargetSetSavedOut, **ERRORS},
    url_name="cultivation-target-create",
)
def target_create(request: AuthedRequest, payload: TargetSetIn) -> tuple[int, Any]:
    require_role(request.user, Role.CITY_OFFICER, hide=True)
    tset = services.target_set_create(actor=request.user, **_target_values(payload))
    return 201, _target_saved(tset)


@router.put(
    "/cultivation/targets/{set_id}",
    response={200: TargetSetSavedOut, **ERRORS},
    url_name="cultivation-target-update",
)
def target_update(request: AuthedRequest, set_id: Id, payload: TargetSetUpdateIn) -> Any:
    require_role(request.user, Role.CITY_OFFICER, hide=True)
    tset = services.target_set_update(
        actor=request.user,
        target_set=selectors.target_set_get(pk=set_id),
        reason=payload.reason,
        **_target_values(payload),
    )
    return _target_saved(tset)


def _talent_out(r: TalentRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "kind": r.kind,
        "person_name": r.person_name,
        "id_number": r.id_masked,
        "certificate_number": r.certificate_number,
        "awarded_on": r.awarded_on,
        "credit_code": r.enterprise.credit_code if r.enterprise else None,
        "enterprise": r.enterprise.name if r.enterprise else None,
        "unit": r.unit.name,
    }


@router.get("/cultivation/talent", response=list[TalentOut], url_name="cultivation-talent")
def talent_list(
    request: AuthedRequest,
    kind: Literal["", "technician", "senior_technician", "chief_technician"] = "",
    limit: int = Query(200, ge=1, le=1000),
) -> list[dict[str, Any]]:
    rows = [_talent_out(r) for r in selectors.talent_list_for(user=request.user, kind=kind)[:limit]]
    audit_export(
        actor=request.user,
        action="cultivation.api_talent_list",
        object_type="cultivation.talentrecord",
        count=len(rows),
        filters={"kind": kind},
    )
    return rows


@router.post(
    "/cultivation/talent",
    response={201: TalentOut, **ERRORS},
    url_name="cultivation-talent-create",
)
def talent_create(request: AuthedRequest, payload: TalentIn) -> tuple[int, Any]:
    user: Any = request.user
    require_role(user, Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE, hide=True)
    enterprise = None
    unit = None
    if user.role == Role.ENTERPRISE:
        enterprise = enterprise_selectors.enterprise_for_user(user=user)
        if payload.credit_code and payload.credit_code.strip().upper() != enterprise.credit_code:
            raise Http404
    elif payload.credit_code:
        enterprise = enterprise_selectors.enterprise_get_for(
            user=user, credit_code=payload.credit_code
        )
    elif payload.unit_code:
        unit = AssessmentUnit.objects.filter(code=payload.unit_code).first()
        if unit is None:
            raise CultivationError(
                CultivationErrorCode.INVALID_INPUT,
                _("Unknown assessment unit."),
                {"unit_code": _("Not in the list")},
            )
    record = services.talent_add(
        actor=user,
        kind=payload.kind,
        person_name=payload.person_name,
        id_number=payload.id_number,
        certificate_number=payload.certificate_number,
        awarded_on=payload.awarded_on,
        enterprise=enterprise,
        unit=unit,
    )
    return 201, _talent_out(selectors.talent_get(user=user, pk=record.pk))


class TalentImportOut(Schema):
    created: int


@router.post(
    "/cultivation/talent/import",
    response={201: TalentImportOut, **ERRORS},
    url_name="cultivation-talent-import",
)
def talent_import_create(request: AuthedRequest, file: File[UploadedFile]) -> tuple[int, Any]:
    """An Excel file of talent records (the template at /cultivation/talent/template.xlsx):
    all rows or none; a refused file answers 400 with every faulty row in `fields`."""
    require_role(request.user, Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE, hide=True)
    if file.size is not None and file.size > talent_import.MAX_BYTES:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("The file is larger than 5 MB."),
            {"file": _("Too large")},
        )
    report = talent_import.talent_import(actor=request.user, data=file.read())
    return 201, {"created": report.created}
