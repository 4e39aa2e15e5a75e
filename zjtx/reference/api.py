"""Reference data API: the open SME size calculator and the logged-in reference lists."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ValidationError, field_validator

from zjtx.core.errors import DomainError, ErrorCode

from . import selectors
from .models import IndustryCode
from .sizing import SIZE_NAMES, SizeInputMissing

router = Router(tags=["reference"])

# Money beyond this is a typing error, not an enterprise (10^16 元).
MAX_YUAN = Decimal("1e16")


class SizeClassIn(Schema):
    industry_code: str
    employees: int | None = None
    revenue_yuan: Decimal | None = None
    total_assets_yuan: Decimal | None = None
    as_of: datetime.date | None = None

    @field_validator("employees", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        # A JSON 12.5 arrives as Decimal (the body is parsed with parse_float=Decimal).
        if isinstance(value, Decimal):
            if value != value.to_integral_value():
                raise ValueError("whole number")
            return int(value)
        if isinstance(value, bool):
            raise ValueError("whole number")
        return value

    @field_validator("revenue_yuan", "total_assets_yuan", mode="before")
    @classmethod
    def _exact_money(cls, value: Any) -> Any:
        if isinstance(value, float | bool):
            raise ValueError("decimal string or number")
        if isinstance(value, str):
            return value.strip().replace(",", "")
        return value


class TraceStepOut(Schema):
    text: str
    source: str


class SizeClassificationOut(Schema):
    size: str
    size_name: str
    is_sme: bool
    sector: str
    sector_name: str
    standard: str
    trace: list[TraceStepOut]


class AssessmentUnitOut(Schema):
    code: str
    name: str
    short_name: str
    full_name: str
    kind: str
    kind_name: str
    division_code: str


class DivisionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    successor_code: str
    is_current: bool
    note: str


class IndustryOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str
    aliases: list[str]


def _field_message(name: str) -> str:
    messages = {
        "industry_code": _("Enter a GB/T 4754-2017 industry code."),
        "employees": _("Enter a whole number of persons not below zero."),
        "revenue_yuan": _("Enter an amount in yuan not below zero."),
        "total_assets_yuan": _("Enter an amount in yuan not below zero."),
        "as_of": _("Enter a date as YYYY-MM-DD."),
    }
    return messages.get(name, _("This value is not valid."))


def _invalid(fields: dict[str, str]) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, _("The request has invalid fields."), fields)


def _parse_size_request(body: bytes) -> SizeClassIn:
    """Parse the JSON body with every number as Decimal, so money never passes through float."""
    try:
        raw = json.loads(body or b"{}", parse_float=Decimal, parse_int=Decimal)
    except (ValueError, UnicodeDecodeError) as error:
        raise _invalid({"body": _("The body must be a JSON object.")}) from error
    if not isinstance(raw, dict):
        raise _invalid({"body": _("The body must be a JSON object.")})
    try:
        payload = SizeClassIn.model_validate(raw)
    except ValidationError as error:
        names = [str(err["loc"][0]) if err["loc"] else "body" for err in error.errors()]
        fields = {name: _field_message(name) for name in names}
        raise _invalid(fields) from error
    bad = {}
    if payload.employees is not None and payload.employees < 0:
        bad["employees"] = _field_message("employees")
    for name in ("revenue_yuan", "total_assets_yuan"):
        value: Decimal | None = getattr(payload, name)
        if value is not None and (not value.is_finite() or value < 0 or value >= MAX_YUAN):
            bad[name] = _field_message(name)
    if bad:
        raise _invalid(bad)
    return payload


@router.post(
    "/reference/size-class",
    auth=None,
    response=SizeClassificationOut,
    url_name="reference-size-class",
    summary="Classify an enterprise size (工信部联企业〔2011〕300号)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SizeClassIn.model_json_schema()}},
        }
    },
)
def size_class(request: HttpRequest) -> dict[str, Any]:
    payload = _parse_size_request(request.body)
    try:
        result = selectors.size_class_for(
            industry_code=payload.industry_code,
            employees=payload.employees,
            revenue_yuan=payload.revenue_yuan,
            total_assets_yuan=payload.total_assets_yuan,
            as_of=payload.as_of,
        )
    except SizeInputMissing as error:
        raise selectors.missing_input_error(
            error,
            sector_name=selectors.sector_name_for(
                industry_code=payload.industry_code, as_of=payload.as_of
            ),
        ) from error
    return {
        "size": result.size,
        "size_name": SIZE_NAMES[result.size],
        "is_sme": result.is_sme,
        "sector": result.sector,
        "sector_name": result.sector_name,
        "standard": result.standard,
        "trace": result.trace,
    }


@router.get("/reference/units", response=list[AssessmentUnitOut], url_name="reference-units")
def units(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "full_name": unit.full_name,
            "kind": unit.kind,
            "kind_name": str(unit.get_kind_display()),
            "division_code": unit.division_code,
        }
        for unit in selectors.unit_list()
    ]


@router.get("/reference/divisions", response=list[DivisionOut], url_name="reference-divisions")
def divisions(request: HttpRequest) -> list[Any]:
    return list(selectors.division_list())


@router.get("/reference/industries", response=list[IndustryOut], url_name="reference-industries")
def industries(request: HttpRequest, q: str = "", level: str = "") -> list[Any]:
    if level and level not in IndustryCode.Level.values:
        raise _invalid({"level": _("Choose section, division, group or class.")})
    return list(selectors.industry_search(q=q, level=level or None))
