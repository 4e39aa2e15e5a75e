"""Enterprise registry API. Money travels as decimal strings in 元; outside scope is 404."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, PlainSerializer

from zjtx.core import credit_code as uscc
from zjtx.core.audit import audit_export
from zjtx.core.crypto import masked
from zjtx.core.money import SignedMoneyYuan
from zjtx.core.pagination import BoundedPageNumberPagination

from . import selectors, services
from .models import AnnualFinancial, Enterprise

router = Router(tags=["enterprises"])

MAX_HEADCOUNT = 2147483647
FORBID_EXTRA = ConfigDict(extra="forbid")


# Amounts: decimal strings or integers in 元, finite and storable (zjtx.core.money); the
# service refuses negatives field by field (net profit may be a loss).
Money = SignedMoneyYuan
# Headcounts: the PositiveIntegerField column's range.
Headcount = Annotated[int, Field(ge=0, le=MAX_HEADCOUNT)]
MoneyOut = Annotated[
    Decimal, PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="always")
]


# ---------------------------------------------------------------- schemas


class CreditCodeCheckOut(Schema):
    input: str
    normalized: str
    valid: bool
    errors: list[str]
    messages: list[str]


class UnitOut(Schema):
    code: str
    name: str


class EnterpriseListOut(Schema):
    credit_code: str
    name: str
    unit: UnitOut
    industry_code: str | None
    size_class: str
    status: str
    latest_year: int | None = None
    latest_operating_revenue: MoneyOut | None = None

    @staticmethod
    def resolve_unit(obj: Enterprise) -> dict[str, str]:
        return {"code": obj.unit.code, "name": obj.unit.name}

    @staticmethod
    def resolve_industry_code(obj: Enterprise) -> str | None:
        return obj.industry_id

    @staticmethod
    def resolve_latest_operating_revenue(obj: Any) -> Decimal | None:
        return getattr(obj, "latest_revenue", None)


class SizeClassOut(Schema):
    size: str | None
    size_label: str | None
    is_sme: bool | None
    year: int | None
    missing: list[str]
    trace: list[dict[str, str]]


class EnterpriseOut(Schema):
    credit_code: str
    checksum_override_reason: str
    name: str
    name_pinyin: str
    name_initials: str
    unit: UnitOut
    industry_code: str | None
    industry_name: str | None
    registered_address: str
    established_on: date | None
    legal_representative: str
    legal_rep_id_number: str = Field(description="masked (ADR 0017)")
    contact_name: str
    contact_phone: str = Field(description="masked (ADR 0017)")
    contact_email: str
    main_products: str
    status: str
    status_label: str
    status_reason: str
    verified_at: datetime | None
    size_class: SizeClassOut


class EnterpriseCreateIn(Schema):
    model_config = FORBID_EXTRA

    credit_code: str
    name: str
    unit: str = Field(description="assessment unit code, e.g. 340202 or ZONE-JK")
    industry: str | None = None
    registered_address: str = ""
    established_on: date | None = None
    legal_representative: str = ""
    legal_rep_id_number: str = Field("", max_length=40)
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    main_products: str = ""
    checksum_override_reason: str = ""


class EnterpriseUpdateIn(Schema):
    model_config = FORBID_EXTRA

    credit_code: str | None = None
    checksum_override_reason: str | None = None
    name: str | None = None
    industry: str | None = None
    registered_address: str | None = None
    established_on: date | None = None
    legal_representative: str | None = None
    legal_rep_id_number: str | None = Field(None, max_length=40)
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    main_products: str | None = None


class FinancialOut(Schema):
    year: int
    operating_revenue: MoneyOut | None
    main_business_revenue: MoneyOut | None
    rd_expense: MoneyOut | None
    net_profit: MoneyOut | None
    total_assets: MoneyOut | None
    total_liabilities: MoneyOut | None
    export_value: MoneyOut | None
    employees: int | None
    rd_staff: int | None
    declared_by_enterprise: bool = False
    verified_at: datetime | None = None


class FinancialUpsertIn(Schema):
    model_config = FORBID_EXTRA

    operating_revenue: Money | None = None
    main_business_revenue: Money | None = None
    rd_expense: Money | None = None
    net_profit: Money | None = None
    total_assets: Money | None = None
    total_liabilities: Money | None = None
    export_value: Money | None = None
    employees: Headcount | None = None
    rd_staff: Headcount | None = None
    confirm_clear: bool = Field(
        False, description="needed when the body would blank figures on file (else 409)"
    )


class EnterpriseFilters(Schema):
    q: str | None = None
    unit: str | None = None
    industry: str | None = None
    size: str | None = None


# ---------------------------------------------------------------- output helpers


def _size_out(enterprise: Enterprise) -> dict[str, Any]:
    result = selectors.enterprise_size_class(enterprise=enterprise)
    if isinstance(result, selectors.SizeClassResult):
        return {
            "size": result.size,
            "size_label": result.size_label,
            "is_sme": result.is_sme,
            "year": result.year,
            "missing": result.missing,
            "trace": result.trace,
        }
    return {
        "size": None,
        "size_label": None,
        "is_sme": None,
        "year": result.year,
        "missing": result.missing,
        "trace": [],
    }


def _enterprise_out(enterprise: Enterprise) -> dict[str, Any]:
    return {
        "credit_code": enterprise.credit_code,
        "checksum_override_reason": enterprise.checksum_override_reason,
        "name": enterprise.name,
        "name_pinyin": enterprise.name_pinyin,
        "name_initials": enterprise.name_initials,
        "unit": {"code": enterprise.unit.code, "name": enterprise.unit.name},
        "industry_code": enterprise.industry_id,
        "industry_name": enterprise.industry.name if enterprise.industry else None,
        "registered_address": enterprise.registered_address,
        "established_on": enterprise.established_on,
        "legal_representative": enterprise.legal_representative,
        # Personal data leaves the API masked; the full value only on the page, audited.
        "legal_rep_id_number": masked(enterprise, "legal_rep_id_number"),
        "contact_name": enterprise.contact_name,
        "contact_phone": masked(enterprise, "contact_phone"),
        "contact_email": enterprise.contact_email,
        "main_products": enterprise.main_products,
        "status": enterprise.status,
        "status_label": str(enterprise.get_status_display()),
        "status_reason": enterprise.status_reason,
        "verified_at": enterprise.verified_at,
        "size_class": _size_out(enterprise),
    }


def _financial_out(f: AnnualFinancial) -> dict[str, Any]:
    return {name: getattr(f, name) for name in FinancialOut.model_fields}


def _require_business_role(request: HttpRequest) -> None:
    if request.auth.role not in selectors.BUSINESS_ROLES:  # type: ignore[attr-defined]
        raise Http404


# ---------------------------------------------------------------- endpoints


@router.get(
    "/credit-codes/check", response=CreditCodeCheckOut, auth=None, url_name="credit-code-check"
)
def credit_code_check(request: HttpRequest, code: str = "") -> dict[str, Any]:
    result = uscc.check(code)
    return {
        "input": result.input,
        "normalized": result.normalized,
        "valid": result.valid,
        "errors": result.errors,
        "messages": [uscc.ERROR_MESSAGES[e] for e in result.errors],
    }


@router.get("/enterprises", response=list[EnterpriseListOut], url_name="enterprise-list")
@paginate(BoundedPageNumberPagination, page_size=50)
def enterprise_list(request: HttpRequest, filters: Query[EnterpriseFilters]) -> Any:
    _require_business_role(request)
    qs = selectors.enterprise_list_for(
        user=request.auth,  # type: ignore[attr-defined]
        q=filters.q,
        unit=filters.unit,
        industry=filters.industry,
        size=filters.size,
    )
    audit_export(
        actor=request.auth,  # type: ignore[attr-defined]
        action="enterprise.api_list",
        object_type="enterprises.enterprise",
        count=qs.count(),
        filters=filters.dict(),
    )
    return qs


@router.post("/enterprises", response={201: EnterpriseOut}, url_name="enterprise-create")
def enterprise_create(
    request: HttpRequest, payload: EnterpriseCreateIn
) -> tuple[int, dict[str, Any]]:
    enterprise = services.enterprise_create(actor=request.auth, **payload.dict())  # type: ignore[attr-defined]
    return 201, _enterprise_out(enterprise)


@router.get("/enterprises/{credit_code}", response=EnterpriseOut, url_name="enterprise-detail")
def enterprise_detail(request: HttpRequest, credit_code: str) -> dict[str, Any]:
    enterprise = selectors.enterprise_get_for(user=request.auth, credit_code=credit_code)  # type: ignore[attr-defined]
    return _enterprise_out(enterprise)


@router.patch("/enterprises/{credit_code}", response=EnterpriseOut, url_name="enterprise-update")
def enterprise_update(
    request: HttpRequest, credit_code: str, payload: EnterpriseUpdateIn
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    enterprise = selectors.enterprise_get_for(user=user, credit_code=credit_code)
    changes = payload.dict(exclude_unset=True)
    enterprise = services.enterprise_update(actor=user, enterprise=enterprise, changes=changes)
    enterprise = selectors.enterprise_get_for(user=user, credit_code=enterprise.credit_code)
    return _enterprise_out(enterprise)


@router.get(
    "/enterprises/{credit_code}/financials",
    response=list[FinancialOut],
    url_name="enterprise-financials",
)
def financial_list(request: HttpRequest, credit_code: str) -> list[dict[str, Any]]:
    enterprise = selectors.enterprise_get_for(user=request.auth, credit_code=credit_code)  # type: ignore[attr-defined]
    return [
        _financial_out(row.financial) for row in selectors.financial_rows(enterprise=enterprise)
    ]


@router.put(
    "/enterprises/{credit_code}/financials/{year}",
    response=FinancialOut,
    url_name="enterprise-financial-upsert",
)
def financial_upsert(
    request: HttpRequest, credit_code: str, year: int, payload: FinancialUpsertIn
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    enterprise = selectors.enterprise_get_for(user=user, credit_code=credit_code)
    financial = services.financial_upsert(
        actor=user, enterprise=enterprise, year=year, **payload.dict()
    )
    return _financial_out(financial)


@router.post(
    "/enterprises/{credit_code}/financials/{year}/verify",
    response=FinancialOut,
    url_name="enterprise-financial-verify",
)
def financial_verify(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    enterprise = selectors.enterprise_get_for(user=user, credit_code=credit_code)
    financial = selectors.financial_get(enterprise=enterprise, year=year)
    if financial is None:
        raise Http404
    return _financial_out(services.financial_verify(actor=user, financial=financial))
