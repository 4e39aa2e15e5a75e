"""Programs with their facts and dated parameters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema

from .. import selectors
from ._router import router


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


class ProgramIndicatorOut(Schema):
    id: str
    title: str
    dimension: str
    max_points: str
    source: str


class ProgramDetailOut(ProgramOut):
    notes: list[str]
    facts: list[FactOut]
    parameters: list[ParameterOut]
    indicators: list[ProgramIndicatorOut]


@router.get("/policy/programs", response=ProgramListOut, url_name="policy-programs")
def program_list(request: HttpRequest) -> dict[str, Any]:
    packages = selectors.packages_current()
    return {"programs": [packages[pid].describe() for pid in sorted(packages)]}


@router.get("/policy/programs/{program_id}", response=ProgramDetailOut, url_name="policy-program")
def program_detail(request: HttpRequest, program_id: str) -> dict[str, Any]:
    program = selectors.program_get(program_id=program_id)
    assert program.current_version is not None
    return selectors.package_for(version=program.current_version).describe()
