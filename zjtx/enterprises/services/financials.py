"""Annual financial figures in 元 (DOMAIN §9: calendar years, unknown stays unknown)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core.audit import audit_record, model_snapshot
from zjtx.core.money import yuan_to_wan

from ..errors import EnterpriseConflict, EnterpriseError, EnterpriseErrorCode
from ..models import AnnualFinancial, Enterprise
from ._common import (
    FINANCIAL_FIELDS,
    FIRST_YEAR,
    MAX_AMOUNT,
    MONEY_FIELDS,
    NON_NEGATIVE_MONEY,
    _refresh_size_class,
    _require_content_editor,
    _require_staff_in_scope,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


# The audit trail also shows who vouches for the figures.
AUDIT_FIELDS = (*FINANCIAL_FIELDS, "declared_by_enterprise")
COUNT_FIELDS = ("employees", "rd_staff")


def _label(field: str) -> str:
    return str(getattr(AnnualFinancial._meta.get_field(field), "verbose_name", field))


def financial_year_to_add(enterprise: Enterprise) -> int:
    """The year a new statement most likely is for: the latest complete year not yet on file."""
    on_file = set(
        AnnualFinancial.objects.filter(enterprise=enterprise).values_list("year", flat=True)
    )
    year = timezone.localdate().year - 1
    while year in on_file and year > FIRST_YEAR:
        year -= 1
    return year


def financial_blanked(existing: AnnualFinancial | None, values: dict[str, Any]) -> dict[str, str]:
    """Stored figures the new values would turn into blanks: field -> what is lost, in 万元."""
    if existing is None:
        return {}
    lost: dict[str, str] = {}
    for field in (*MONEY_FIELDS, *COUNT_FIELDS):
        old = getattr(existing, field)
        if old is None or values.get(field) is not None:
            continue
        if field in COUNT_FIELDS:
            lost[field] = _("%(field)s: %(old)s on file, now empty") % {
                "field": _label(field),
                "old": old,
            }
        else:
            wan = yuan_to_wan(old, 6)
            text = format(wan, "f").rstrip("0").rstrip(".") if wan is not None else ""
            lost[field] = _("%(field)s: %(old)s (10k yuan) on file, now empty") % {
                "field": _label(field),
                "old": text,
            }
    return lost


# ---------------------------------------------------------------- financials


def _amount(field: str, value: Decimal | int | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise EnterpriseError(
            EnterpriseErrorCode.AMOUNT_INVALID,
            _("Amounts must be exact decimals."),
            {field: _("Not a decimal.")},
        )
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal("NaN")
    if (
        not amount.is_finite()
        or abs(amount) > MAX_AMOUNT
        or amount != amount.quantize(Decimal("0.01"))
    ):
        message = _("Enter an amount with at most two decimal places (in yuan).")
        raise EnterpriseError(EnterpriseErrorCode.AMOUNT_INVALID, message, {field: message})
    return amount


@transaction.atomic
def financial_upsert(
    *,
    actor: User,
    enterprise: Enterprise,
    year: int,
    operating_revenue: Decimal | None = None,
    main_business_revenue: Decimal | None = None,
    rd_expense: Decimal | None = None,
    net_profit: Decimal | None = None,
    total_assets: Decimal | None = None,
    total_liabilities: Decimal | None = None,
    export_value: Decimal | None = None,
    employees: int | None = None,
    rd_staff: int | None = None,
    confirm_clear: bool = False,
    create_only: bool = False,
) -> AnnualFinancial:
    """Record one calendar year's figures in 元; unknown stays None (DOMAIN §9 amounts and years).

    Adding a year that is on file is refused (create_only); a stored figure becomes blank only
    with confirm_clear. Figures an enterprise user writes are marked as its own declaration.
    """
    _require_content_editor(actor, enterprise)
    raw = {
        "operating_revenue": operating_revenue,
        "main_business_revenue": main_business_revenue,
        "rd_expense": rd_expense,
        "net_profit": net_profit,
        "total_assets": total_assets,
        "total_liabilities": total_liabilities,
        "export_value": export_value,
    }
    amounts = {field: _amount(field, value) for field, value in raw.items()}
    problems: list[tuple[str, str, str]] = []
    this_year = timezone.localdate().year
    if year > this_year:
        problems.append(
            (
                "year_in_future",
                "year",
                _("The year cannot be later than %(year)s.") % {"year": this_year},
            )
        )
    elif year < FIRST_YEAR:
        problems.append(("year_invalid", "year", _("Enter a valid year.")))
    for field in NON_NEGATIVE_MONEY:
        amount = amounts[field]
        if amount is not None and amount < 0:
            label = str(getattr(AnnualFinancial._meta.get_field(field), "verbose_name", field))
            problems.append(
                ("negative_amount", field, _("%(field)s cannot be negative.") % {"field": label})
            )
    for field, count in (("employees", employees), ("rd_staff", rd_staff)):
        if count is not None and count < 0:
            problems.append(("negative_count", field, _("A headcount cannot be negative.")))
    main, operating = amounts["main_business_revenue"], amounts["operating_revenue"]
    if main is not None and operating is not None and main > operating:
        problems.append(
            (
                "main_revenue_exceeds_operating",
                "main_business_revenue",
                _("Main-business revenue cannot exceed operating revenue."),
            )
        )
    if rd_staff is not None and employees is not None and rd_staff > employees:
        problems.append(
            ("rd_staff_exceeds_employees", "rd_staff", _("R&D staff cannot exceed employees."))
        )
    if problems:
        raise EnterpriseError(
            problems[0][0], problems[0][2], {field: message for _c, field, message in problems}
        )
    existing = (
        AnnualFinancial.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    )
    if existing is not None and create_only:
        message = _(
            "The figures for %(year)s are already on file; open that year to change them."
        ) % {"year": year}
        raise EnterpriseConflict(
            EnterpriseErrorCode.FINANCIAL_YEAR_EXISTS, message, {"year": message}
        )
    new_values: dict[str, Any] = {**amounts, "employees": employees, "rd_staff": rd_staff}
    lost = financial_blanked(existing, new_values)
    if lost and not confirm_clear:
        message = _(
            "This would clear figures on file: %(fields)s. Confirm the clearing to proceed."
        ) % {"fields": "、".join(_label(field) for field in lost)}
        raise EnterpriseConflict(EnterpriseErrorCode.CLEAR_NEEDS_CONFIRMATION, message, lost)
    before = model_snapshot(existing, AUDIT_FIELDS) if existing else None
    financial = existing or AnnualFinancial(enterprise=enterprise, year=year)
    changed = existing is None or any(
        getattr(existing, field) != value for field, value in new_values.items()
    )
    for field, value in new_values.items():
        setattr(financial, field, value)
    if changed and getattr(actor, "role", None) == Role.ENTERPRISE:
        financial.declared_by_enterprise = True
        financial.verified_by = None
        financial.verified_at = None
    financial.save()
    after = model_snapshot(financial, AUDIT_FIELDS)
    if after != before:
        audit_record(
            actor=actor,
            action="enterprise.financial_update" if existing else "enterprise.financial_create",
            obj=financial,
            before=before,
            after=after,
        )
    _refresh_size_class(enterprise)
    return financial


@transaction.atomic
def financial_verify(*, actor: User, financial: AnnualFinancial) -> AnnualFinancial:
    """An officer in jurisdiction vouches for figures the enterprise declared itself."""
    _require_staff_in_scope(actor, financial.enterprise)
    before = model_snapshot(financial, ("declared_by_enterprise", "verified_at"))
    financial.declared_by_enterprise = False
    financial.verified_by = actor
    financial.verified_at = timezone.now()
    financial.save(
        update_fields=["declared_by_enterprise", "verified_by", "verified_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="enterprise.financial_verify",
        obj=financial,
        before=before,
        after=model_snapshot(financial, ("declared_by_enterprise", "verified_at")),
    )
    return financial


@transaction.atomic
def financial_delete(*, actor: User, financial: AnnualFinancial) -> None:
    """Remove one year's figures (entered by mistake)."""
    enterprise = financial.enterprise
    _require_content_editor(actor, enterprise)
    before = model_snapshot(financial, FINANCIAL_FIELDS)
    audit_record(actor=actor, action="enterprise.financial_delete", obj=financial, before=before)
    financial.delete()
    _refresh_size_class(enterprise)
