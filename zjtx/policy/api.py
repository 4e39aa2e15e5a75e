"""Policy API: programs with their facts and dated parameters, and stateless evaluation.

Amounts travel as decimal strings in 元. Bad input is a 400 naming the field, e.g.
{"facts.first_set_category": "..."}. Evaluation and the calculator write nothing; scans and
parameter changes go through the same services as the pages (scoped, audited).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ConfigDict

from zjtx.core.errors import DomainError

from . import selectors
from .errors import PolicyErrorCode

router = Router(tags=["policy"])
# Input bodies name every field they take; an unknown one is a 400 naming it.
FORBID_EXTRA = ConfigDict(extra="forbid")


class SourceOut(Schema):
    document: str
    clause: str
    url: str = ""


class ProgramOut(Schema):
    id: str
    kind: str
    title: str
    version: int | None
    source: SourceOut
    effective_from: str
    effective_to: str | None
    once_only: bool


class ProgramListOut(Schema):
    programs: list[ProgramOut]


class EnumValueOut(Schema):
    value: str
    label: str


class FactOut(Schema):
    name: str
    type: str
    unit: str
    description: str
    values: list[EnumValueOut] | None = None
    signed: bool = False
    note: str = ""


class ParameterValueOut(Schema):
    effective_from: str
    value: Any
    source: str
    note: str = ""


class ParameterOut(Schema):
    name: str
    type: str
    unit: str
    description: str
    values: list[ParameterValueOut]


class IndicatorOut(Schema):
    id: str
    title: str
    dimension: str
    max_points: str
    source: str


class ProgramDetailOut(ProgramOut):
    notes: list[str]
    facts: list[FactOut]
    parameters: list[ParameterOut]
    indicators: list[IndicatorOut]


class EvaluateIn(Schema):
    model_config = FORBID_EXTRA

    as_of: str
    programs: list[str] | None = None
    facts: dict[str, Any] = {}


class TraceStepOut(Schema):
    text: str
    source: str


class IndicatorPointsOut(Schema):
    id: str
    title: str
    dimension: str
    points: str | None
    max_points: str


class ResultOut(Schema):
    program: str
    version: int | None
    in_force: bool
    eligible: bool | None
    amount_yuan: str | None
    value: Any = None
    missing: list[str]
    trace: list[TraceStepOut]
    conditions: dict[str, bool | None] = {}
    points: list[IndicatorPointsOut] | None = None


class EvaluateOut(Schema):
    as_of: str
    results: list[ResultOut]


def _parse_date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise DomainError(
            PolicyErrorCode.INVALID_INPUT,
            _("The request has invalid fields."),
            {"as_of": _("Expected a date in the form YYYY-MM-DD.")},
        ) from exc


@router.get("/policy/programs", response=ProgramListOut, url_name="policy-programs")
def program_list(request: HttpRequest) -> dict[str, Any]:
    packages = selectors.packages_current()
    return {"programs": [packages[pid].describe() for pid in sorted(packages)]}


@router.get("/policy/programs/{program_id}", response=ProgramDetailOut, url_name="policy-program")
def program_detail(request: HttpRequest, program_id: str) -> dict[str, Any]:
    program = selectors.program_get(program_id=program_id)
    assert program.current_version is not None
    return selectors.package_for(program.current_version).describe()


@router.post("/policy/evaluate", response=EvaluateOut, url_name="policy-evaluate")
def evaluate(request: HttpRequest, payload: EvaluateIn) -> dict[str, Any]:
    as_of = _parse_date(payload.as_of)
    results = selectors.programs_evaluate(
        as_of=as_of, facts=payload.facts, program_ids=payload.programs
    )
    return {"as_of": as_of.isoformat(), "results": [r.as_dict() for r in results]}


# ------------------------------------------------------------------ calculator, scan, governance


class FactSourceOut(Schema):
    name: str
    value: Any
    source: str


class CalculatorIn(Schema):
    model_config = FORBID_EXTRA

    as_of: str | None = None
    facts: dict[str, Any] = {}


class CalculatorOut(Schema):
    as_of: str
    credit_code: str
    facts: list[FactSourceOut]
    results: list[ResultOut]


def _enterprise(request: HttpRequest, credit_code: str) -> Any:
    from zjtx.enterprises.selectors import enterprise_get_for

    return enterprise_get_for(user=request.user, credit_code=credit_code)


def _calculator_out(report: Any) -> dict[str, Any]:
    from zjtx.core.audit import to_jsonable

    sheet = report.sheet
    merged = {**sheet.values, **report.tried}
    return {
        "as_of": report.as_of.isoformat(),
        "credit_code": report.enterprise.credit_code,
        "facts": [
            {
                "name": name,
                "value": to_jsonable(value),
                "source": _("Entered in the calculator (records unchanged)")
                if name in report.tried
                else sheet.sources.get(name, ""),
            }
            for name, value in sorted(merged.items())
        ],
        "results": [row.result.as_dict() for row in report.rows],
    }


@router.get(
    "/policy/enterprises/{credit_code}/calculator",
    response=CalculatorOut,
    url_name="policy-calculator",
)
def calculator(request: HttpRequest, credit_code: str, as_of: str = "") -> dict[str, Any]:
    """Every program in force for an enterprise in scope, on its registry facts (no writes)."""
    from .calculator import calculator_run

    day = _parse_date(as_of) if as_of else timezone.localdate()
    return _calculator_out(calculator_run(enterprise=_enterprise(request, credit_code), as_of=day))


@router.post(
    "/policy/enterprises/{credit_code}/calculator",
    response=CalculatorOut,
    url_name="policy-calculator-try",
)
def calculator_try(request: HttpRequest, credit_code: str, payload: CalculatorIn) -> dict[str, Any]:
    """The same with figures tried on top of the records (records unchanged)."""
    from .calculator import calculator_run

    day = _parse_date(payload.as_of) if payload.as_of else timezone.localdate()
    report = calculator_run(
        enterprise=_enterprise(request, credit_code), as_of=day, tried=payload.facts
    )
    return _calculator_out(report)


class ScanIn(Schema):
    model_config = FORBID_EXTRA

    as_of: str
    programs: list[str] | None = None


class ScanHitOut(Schema):
    enterprise: str
    credit_code: str
    program: str
    version: int
    amount_yuan: str | None
    trace: list[dict[str, Any]]
    sources: dict[str, str]


class ScanOut(Schema):
    id: int
    as_of: str
    programs: list[str]
    status: str
    enterprise_count: int
    evaluation_count: int
    eligible_count: int
    insufficient_count: int
    total_amount_yuan: str
    seconds: str
    notified_count: int
    hits: list[ScanHitOut] = []


def _scan_out(run: Any, with_hits: bool = False) -> dict[str, Any]:
    from . import scan as scans

    data = {
        "id": run.pk,
        "as_of": run.as_of.isoformat(),
        "programs": run.programs,
        "status": run.status,
        "enterprise_count": run.enterprise_count,
        "evaluation_count": run.evaluation_count,
        "eligible_count": run.eligible_count,
        "insufficient_count": run.insufficient_count,
        "total_amount_yuan": str(run.total_amount_yuan),
        "seconds": str(run.seconds),
        "notified_count": run.notified_count,
        "hits": [],
    }
    if with_hits:
        data["hits"] = [
            {
                "enterprise": h.enterprise.name,
                "credit_code": h.enterprise.credit_code,
                "program": h.program_id,
                "version": h.version,
                "amount_yuan": None if h.amount_yuan is None else str(h.amount_yuan),
                "trace": h.trace,
                "sources": h.sources,
            }
            for h in scans.scan_hits(run=run)[:5000]
        ]
    return data


@router.post("/policy/scans", response={201: ScanOut}, url_name="policy-scan-run")
def scan_run(request: HttpRequest, payload: ScanIn) -> tuple[int, dict[str, Any]]:
    from . import scan as scans

    run = scans.scan_run(
        actor=request.user, as_of=_parse_date(payload.as_of), program_ids=payload.programs
    )
    return 201, _scan_out(run)


@router.get("/policy/scans/{scan_id}", response=ScanOut, url_name="policy-scan")
def scan_detail(request: HttpRequest, scan_id: int) -> dict[str, Any]:
    from . import scan as scans

    return _scan_out(scans.scan_get(user=request.user, pk=scan_id), with_hits=True)


@router.post("/policy/scans/{scan_id}/notify", response=ScanOut, url_name="policy-scan-notify")
def scan_notify(request: HttpRequest, scan_id: int) -> dict[str, Any]:
    from . import scan as scans

    run = scans.scan_get(user=request.user, pk=scan_id)
    scans.scan_notify(run=run, actor=request.user)
    return _scan_out(scans.scan_get(user=request.user, pk=scan_id))


class ChangeIn(Schema):
    model_config = FORBID_EXTRA

    program: str
    parameter: str
    value: Any
    effective_from: str
    reason: str
    whatif_as_of: str | None = None


class ChangeDecisionIn(Schema):
    model_config = FORBID_EXTRA

    reason: str = ""


class ChangeOut(Schema):
    id: int
    program: str
    parameter: str
    value: Any
    effective_from: str
    reason: str
    status: str
    case_count: int
    whatif: dict[str, Any]
    new_version: int | None


def _change_out(change: Any) -> dict[str, Any]:
    return {
        "id": change.pk,
        "program": change.program_id,
        "parameter": change.parameter,
        "value": change.value,
        "effective_from": change.effective_from.isoformat(),
        "reason": change.reason,
        "status": change.status,
        "case_count": change.case_count,
        "whatif": change.whatif,
        "new_version": change.new_version.version if change.new_version else None,
    }


@router.post("/policy/changes", response={201: ChangeOut}, url_name="policy-change-propose")
def change_propose(request: HttpRequest, payload: ChangeIn) -> tuple[int, dict[str, Any]]:
    """Propose a parameter value (JSON form: amounts in 元 as decimal strings)."""
    from . import governance

    program = selectors.program_get(program_id=payload.program)
    assert program.current_version is not None
    param = selectors.package_for(program.current_version).parameters.get(payload.parameter)
    if param is None:
        raise DomainError(
            PolicyErrorCode.UNKNOWN_PARAMETER,
            _("The program has no such parameter."),
            {"parameter": payload.parameter},
        )
    raw = payload.value
    if isinstance(raw, dict):
        text = json.dumps(raw)
    elif isinstance(raw, bool):
        text = "true" if raw else "false"
    else:
        text = str(raw)
    change = governance.change_propose(
        program_id=payload.program,
        parameter=payload.parameter,
        value=governance.parse_value(param.type, text),
        effective_from=_parse_date(payload.effective_from),
        reason=payload.reason,
        actor=request.user,
        whatif_as_of=_parse_date(payload.whatif_as_of) if payload.whatif_as_of else None,
    )
    return 201, _change_out(change)


@router.get("/policy/changes/{change_id}", response=ChangeOut, url_name="policy-change")
def change_detail(request: HttpRequest, change_id: int) -> dict[str, Any]:
    from . import governance

    return _change_out(governance.change_get(user=request.user, pk=change_id))


@router.post(
    "/policy/changes/{change_id}/{decision}", response=ChangeOut, url_name="policy-change-decide"
)
def change_decide(
    request: HttpRequest, change_id: int, decision: str, payload: ChangeDecisionIn
) -> dict[str, Any]:
    from . import governance

    change = governance.change_get(user=request.user, pk=change_id)
    if decision == "approve":
        governance.change_approve(change=change, actor=request.user)
    elif decision == "reject":
        governance.change_reject(change=change, actor=request.user, reason=payload.reason)
    else:
        raise Http404
    return _change_out(governance.change_get(user=request.user, pk=change_id))
