"""Reads for reference data: units, divisions, industry codes and the SME size standard."""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core.errors import DomainError, ErrorCode, NotFound
from zjtx.reference.errors import ReferenceErrorCode

from . import sizing
from .models import AssessmentUnit, Division, IndustryCode, SizeStandard
from .sizing import SizeInputMissing, SizeResult

INDUSTRY_SEARCH_LIMIT = 200


def input_label(name: str) -> str:
    labels = {
        "employees": _("Number of employees"),
        "revenue_yuan": _("Operating revenue"),
        "total_assets_yuan": _("Total assets"),
    }
    return labels.get(name, name)


def _today() -> datetime.date:
    return timezone.localdate()


@lru_cache(maxsize=1)
def _packaged_size_standard() -> SizeStandard:
    """The standard shipped in data/, used only while the database holds none."""
    from .services import DATA_DIR, read_data_file

    _content, data = read_data_file(DATA_DIR / "size_standard.yaml")
    row = data["standards"][0]
    return SizeStandard(
        code=row["code"],
        title=row["title"],
        document=row["document"],
        effective_from=row["effective_from"],
        effective_to=row.get("effective_to"),
        rules=row["rules"],
    )


@lru_cache(maxsize=1)
def _packaged_industry_names() -> dict[str, str]:
    from .services import DATA_DIR, parse_industry_codes, read_data_file

    _content, data = read_data_file(DATA_DIR / "industries.yaml")
    return {row.code: row.name for row in parse_industry_codes(data["codes"])}


def size_standard_in_force(*, as_of: datetime.date | None = None) -> SizeStandard:
    """The version of the size standard in force on as_of (default: today)."""
    day = as_of or _today()
    standard = (
        SizeStandard.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))
        .order_by("-effective_from")
        .first()
    )
    if standard is not None:
        return standard
    if not SizeStandard.objects.exists():
        packaged = _packaged_size_standard()
        if packaged.effective_from <= day:
            return packaged
    raise NotFound(
        ReferenceErrorCode.SIZE_STANDARD_MISSING,
        _("No SME size standard is in force on %(date)s.") % {"date": day.isoformat()},
        {"as_of": _("No standard in force on this date.")},
    )


def size_standard_list() -> QuerySet[SizeStandard]:
    return SizeStandard.objects.order_by("-effective_from")


def industry_get(*, code: str) -> IndustryCode | None:
    """The industry code (normalised, e.g. '3670' -> 'C3670'), or None when unknown."""
    normalized = sizing.normalize_industry_code(code)
    if not sizing.is_well_formed(normalized):
        return None
    found = IndustryCode.objects.filter(code=normalized).first()
    if found is None and not IndustryCode.objects.exists():
        name = _packaged_industry_names().get(normalized)
        if name is not None:
            return IndustryCode(code=normalized, name=name)
    return found


def industry_name(*, code: str) -> str:
    industry = industry_get(code=code)
    return industry.name if industry else ""


def _unknown_industry(code: str) -> DomainError:
    return DomainError(
        ReferenceErrorCode.UNKNOWN_INDUSTRY,
        _("%(code)s is not a GB/T 4754-2017 industry code.") % {"code": code or "—"},
        {"industry_code": _("Enter a code such as C3670 (section letter and digits).")},
    )


def size_class_for(
    *,
    industry_code: str,
    employees: int | None,
    revenue_yuan: Decimal | None,
    total_assets_yuan: Decimal | None,
    as_of: datetime.date | None = None,
) -> SizeResult:
    """Size class under the standard in force on as_of (工信部联企业〔2011〕300号 第四条).

    Raises SizeInputMissing when an indicator the sector needs is None (never read as zero),
    DomainError(ReferenceErrorCode.UNKNOWN_INDUSTRY / "industry_too_coarse" / "invalid_input") otherwise.
    """
    industry = industry_get(code=industry_code)
    if industry is None:
        raise _unknown_industry(industry_code)
    try:
        sector = sizing.sector_for_industry(industry.code)
    except sizing.IndustryTooCoarse as error:
        raise DomainError(
            ReferenceErrorCode.INDUSTRY_TOO_COARSE,
            _(
                "%(code)s %(name)s covers several sectors of the size standard; "
                "choose a more detailed code."
            )
            % {"code": industry.code, "name": industry.name},
            {"industry_code": _("Choose a division or class code, e.g. F51 or F52.")},
        ) from error
    standard = size_standard_in_force(as_of=as_of)
    try:
        return sizing.classify(standard.rules, sector, employees, revenue_yuan, total_assets_yuan)
    except sizing.SizeInputInvalid as error:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _("%(field)s must be a number not below zero.") % {"field": input_label(error.field)},
            {error.field: _("Enter a number not below zero.")},
        ) from error


def missing_input_error(error: SizeInputMissing, *, sector_name: str = "") -> DomainError:
    """The API/form error for missing indicators, naming each one in the user's language."""
    names = "、".join(input_label(name) for name in error.missing)
    if sector_name:
        message = _("To classify an enterprise in %(sector)s, enter: %(fields)s.") % {
            "sector": sector_name,
            "fields": names,
        }
    else:
        message = _("Please provide: %(fields)s.") % {"fields": names}
    return DomainError(
        ReferenceErrorCode.MISSING_INPUT,
        message,
        {name: _("Required for this industry.") for name in error.missing},
    )


def sector_name_for(*, industry_code: str, as_of: datetime.date | None = None) -> str:
    """Chinese sector name of the standard for a code, or '' when it cannot be told."""
    try:
        sector = sizing.sector_for_industry(industry_code)
    except ValueError:
        return ""
    rules: dict[str, Any] = size_standard_in_force(as_of=as_of).rules
    return str(rules["sectors"][sector]["name"])


def unit_list() -> QuerySet[AssessmentUnit]:
    return AssessmentUnit.objects.order_by("sort_order", "code")


def division_list() -> QuerySet[Division]:
    """Every division, current and retired, in code order (history included)."""
    return Division.objects.order_by("code", "valid_from")


def division_names() -> dict[str, str]:
    """Code -> name of the current division (retired names only where no current one exists)."""
    names: dict[str, str] = {}
    for division in Division.objects.order_by("code", "-valid_to"):
        if division.valid_to is None or division.code not in names:
            names[division.code] = division.name
    return names


def _industry_filtered(q: str, level: str | None) -> QuerySet[IndustryCode]:
    qs = IndustryCode.objects.all()
    if level:
        qs = qs.filter(level=level)
    text = (q or "").strip()
    if text:
        code = sizing.normalize_industry_code(text)
        qs = qs.filter(
            Q(code__startswith=code)
            | Q(name__icontains=text)
            | Q(code__in=_codes_with_alias_containing(text))
        )
    return qs


def _codes_with_alias_containing(text: str) -> list[str]:
    # Few codes carry former names, and SQLite stores JSON with \u escapes that a LIKE cannot
    # match, so the aliases are searched here rather than in SQL.
    needle = text.casefold()
    return [
        code
        for code, aliases in IndustryCode.objects.exclude(aliases=[]).values_list("code", "aliases")
        if any(needle in alias.casefold() for alias in aliases or [])
    ]


def industry_search(
    *, q: str = "", level: str | None = None, limit: int = INDUSTRY_SEARCH_LIMIT
) -> QuerySet[IndustryCode]:
    """Industry codes whose code starts with q, or whose name or former name contains q."""
    return _industry_filtered(q, level).order_by("code")[:limit]


def industry_count(*, q: str = "", level: str | None = None) -> int:
    return _industry_filtered(q, level).count()
