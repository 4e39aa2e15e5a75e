"""Stateless evaluation of programs against given facts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema

from .. import selectors
from ._router import FORBID_EXTRA, _parse_date, router


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


@router.post("/policy/evaluate", response=EvaluateOut, url_name="policy-evaluate")
def evaluate(request: HttpRequest, payload: EvaluateIn) -> dict[str, Any]:
    as_of = _parse_date(payload.as_of)
    results = selectors.programs_evaluate(
        as_of=as_of, facts=payload.facts, program_ids=payload.programs
    )
    return {"as_of": as_of.isoformat(), "results": [r.as_dict() for r in results]}
