"""Reads from the enterprise registry, always within the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import scope_enterprise_qs
from zjtx.core import credit_code as uscc
from zjtx.core.crypto import blind_index
from zjtx.core.errors import DomainError

from .models import AnnualFinancial, Enterprise, Honour, IPAsset, UnitAssignment

if TYPE_CHECKING:
    from zjtx.accounts.models import User


STAFF_ROLES = frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER})
BUSINESS_ROLES = STAFF_ROLES | {Role.ENTERPRISE}

MISSING_LABELS = {
    "industry": gettext_lazy("industry (GB/T 4754 code)"),
    "financials": gettext_lazy("annual financial figures"),
    "employees": gettext_lazy("employees"),
    "revenue": gettext_lazy("operating revenue"),
    "revenue_yuan": gettext_lazy("operating revenue"),
    "total_assets": gettext_lazy("total assets"),
    "total_assets_yuan": gettext_lazy("total assets"),
    "size_standard": gettext_lazy("SME size standard data"),
}


def is_staff(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in STAFF_ROLES


def _latest(field: str) -> Subquery:
    return Subquery(
        AnnualFinancial.objects.filter(enterprise=OuterRef("pk"))
        .order_by("-year")
        .values(field)[:1]
    )


def enterprise_list_for(
    *,
    user: User,
    q: str | None = None,
    unit: str | None = None,
    industry: str | None = None,
    size: str | None = None,
    status: str | None = None,
) -> QuerySet[Enterprise]:
    """Enterprises the user may see, filtered; each row carries its latest year's key figures."""
    qs = scope_enterprise_qs(Enterprise.objects.all(), user)
    if unit:
        qs = qs.filter(unit__code=unit)
    if industry:
        qs = qs.filter(industry__code__startswith=industry.strip().upper())
    if size:
        qs = qs.filter(size_class=size)
    if status:
        qs = qs.filter(status=status)
    text = (q or "").strip()
    if text:
        lowered = text.lower().replace(" ", "")
        match = Q(name__icontains=text)
        if lowered.isascii():
            match |= Q(name_initials__contains=lowered) | Q(name_pinyin__contains=lowered)
        code = uscc.normalize(text)
        if code.isalnum() and code.isascii():
            match |= Q(credit_code__startswith=code)
        # A full phone or ID number finds its enterprise through the blind index (the columns
        # themselves are encrypted, ADR 0017).
        if len(code) >= 7 and code.isascii():
            for field, scope in (
                ("contact_phone_bidx", "phone"),
                ("legal_rep_id_bidx", "id_number"),
            ):
                index = blind_index(text, scope)
                if index:  # "" would match every row without a value
                    match |= Q(**{field: index})
        qs = qs.filter(match)
    return (
        qs.select_related("unit", "industry")
        .annotate(
            latest_year=_latest("year"),
            latest_revenue=_latest("operating_revenue"),
            latest_rd_expense=_latest("rd_expense"),
            latest_net_profit=_latest("net_profit"),
            latest_total_assets=_latest("total_assets"),
            latest_employees=_latest("employees"),
        )
        .order_by("unit__sort_order", "unit__code", "name")
    )


def enterprise_pending_for(*, user: User) -> QuerySet[Enterprise]:
    """Self-registrations waiting for the user's unit (the whole city for a city officer)."""
    if not is_staff(user):
        return Enterprise.objects.none()
    return (
        scope_enterprise_qs(Enterprise.objects.all(), user)
        .filter(status=Enterprise.Status.PENDING)
        .select_related("unit")
        .prefetch_related("users")
        .order_by("created_at")
    )


def enterprise_get_for(*, user: User, credit_code: str) -> Enterprise:
    """One enterprise within the user's scope; anything else is Http404, never 403."""
    if not getattr(user, "is_authenticated", False) or user.role not in BUSINESS_ROLES:
        raise Http404
    code = uscc.normalize(credit_code)
    found = (
        scope_enterprise_qs(Enterprise.objects.all(), user)
        .select_related("unit", "industry", "verified_by")
        .filter(credit_code=code)
        .first()
    )
    if found is None:
        raise Http404
    return found


def enterprise_for_user(*, user: User) -> Enterprise:
    """The enterprise an enterprise user belongs to."""
    if (
        not getattr(user, "is_authenticated", False)
        or user.role != Role.ENTERPRISE
        or user.enterprise_id is None
    ):
        raise Http404
    found = (
        Enterprise.objects.select_related("unit", "industry").filter(pk=user.enterprise_id).first()
    )
    if found is None:
        raise Http404
    return found


def assignment_history(*, enterprise: Enterprise) -> QuerySet[UnitAssignment]:
    return enterprise.unit_assignments.select_related("unit", "created_by").order_by(
        "-valid_from", "-id"
    )


def ip_assets_of(*, enterprise: Enterprise) -> QuerySet[IPAsset]:
    return enterprise.ip_assets.order_by("ip_class", "-grant_date", "number")


def honours_of(*, enterprise: Enterprise) -> QuerySet[Honour]:
    return enterprise.honours.order_by("-awarded_on", "name")


def ip_asset_get_for(*, user: User, enterprise: Enterprise, pk: int) -> IPAsset:
    found = enterprise.ip_assets.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def honour_get_for(*, user: User, enterprise: Enterprise, pk: int) -> Honour:
    found = enterprise.honours.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def financial_get(*, enterprise: Enterprise, year: int) -> AnnualFinancial | None:
    return enterprise.financials.filter(year=year).first()


@dataclass(frozen=True)
class FinancialRow:
    """One year's figures with the ratios an officer reads first (fractions; None if unknown)."""

    financial: AnnualFinancial
    rd_ratio: Decimal | None
    debt_ratio: Decimal | None
    main_share: Decimal | None
    revenue_growth: Decimal | None


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def financial_rows(*, enterprise: Enterprise) -> list[FinancialRow]:
    """Years newest first, with R&D intensity, debt ratio, main-business share and growth."""
    financials = list(enterprise.financials.order_by("-year"))
    by_year = {f.year: f for f in financials}
    rows = []
    for f in financials:
        previous = by_year.get(f.year - 1)
        growth = None
        if previous is not None:
            growth = _ratio(
                None
                if f.operating_revenue is None or previous.operating_revenue is None
                else f.operating_revenue - previous.operating_revenue,
                previous.operating_revenue,
            )
        rows.append(
            FinancialRow(
                financial=f,
                rd_ratio=_ratio(f.rd_expense, f.operating_revenue),
                debt_ratio=_ratio(f.total_liabilities, f.total_assets),
                main_share=_ratio(f.main_business_revenue, f.operating_revenue),
                revenue_growth=growth,
            )
        )
    return rows


@dataclass
class InsufficientData:
    """The size class cannot be computed yet; `missing` names what to fill in."""

    missing: list[str]
    message: str
    size: None = None
    is_sme: None = None
    year: int | None = None
    trace: list[dict[str, str]] = field(default_factory=list)

    @property
    def missing_labels(self) -> list[str]:
        return [str(MISSING_LABELS.get(m, m)) for m in self.missing]


@dataclass
class SizeClassResult:
    """The reference classifier's answer plus the year it was computed from."""

    size: str
    is_sme: bool
    sector_name: str
    standard: str
    trace: list[dict[str, str]]
    year: int
    missing: list[str] = field(default_factory=list)

    @property
    def size_label(self) -> str:
        return str(Enterprise.SizeClass(self.size).label)


def enterprise_size_class(*, enterprise: Enterprise) -> SizeClassResult | InsufficientData:
    """Classify by 工信部联企业〔2011〕300号 using the latest year with figures (DOMAIN §3)."""
    latest = enterprise.financials.order_by("-year").first()
    missing = []
    if not enterprise.industry_id:
        missing.append("industry")
    if latest is None:
        missing.append("financials")
    if missing or latest is None or not enterprise.industry_id:
        return InsufficientData(
            missing=missing, message=_("Insufficient data to classify the enterprise size.")
        )
    try:
        from zjtx.reference.selectors import size_class_for
        from zjtx.reference.sizing import SizeInputMissing
    except ImportError:
        return InsufficientData(
            missing=["size_standard"],
            message=_("The SME size standard is not available yet."),
            year=latest.year,
        )
    try:
        result = size_class_for(
            industry_code=enterprise.industry_id,
            employees=latest.employees,
            revenue_yuan=latest.operating_revenue,
            total_assets_yuan=latest.total_assets,
            as_of=None,
        )
    except SizeInputMissing as error:
        return InsufficientData(
            missing=list(getattr(error, "missing", [])),
            message=_("Insufficient data to classify the enterprise size."),
            year=latest.year,
        )
    except DomainError as error:
        return InsufficientData(
            missing=["industry"]
            if error.code in ("unknown_industry", "industry_too_coarse")
            else ["size_standard"],
            message=error.message,
            year=latest.year,
        )
    return SizeClassResult(
        size=str(result.size),
        is_sme=bool(result.is_sme),
        sector_name=str(getattr(result, "sector_name", "")),
        standard=str(getattr(result, "standard", "")),
        trace=[
            {"text": str(step.get("text", "")), "source": str(step.get("source", ""))}
            if isinstance(step, dict)
            else {"text": str(step), "source": ""}
            for step in getattr(result, "trace", [])
        ],
        year=latest.year,
        missing=list(getattr(result, "missing", []) or []),
    )
