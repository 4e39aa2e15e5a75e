"""Policy API: programs with their facts and dated parameters, and stateless evaluation.

Amounts travel as decimal strings in 元. Bad input is a 400 naming the field, e.g.
{"facts.first_set_category": "..."}; nothing here writes to the database.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from zjtx.core.errors import DomainError

from . import selectors

router = Router(tags=["policy"])


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
            "invalid_input",
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
