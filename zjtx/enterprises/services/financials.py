"""Annual financial figures in 元 (DOMAIN §9: calendar years, unknown stays unknown)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.core.audit import audit_record, model_snapshot

from ..errors import EnterpriseError
from ..models import AnnualFinancial, Enterprise
from ._common import (
    FINANCIAL_FIELDS,
    FIRST_YEAR,
    MAX_AMOUNT,
    NON_NEGATIVE_MONEY,
    _refresh_size_class,
    _require_content_editor,
)

# ---------------------------------------------------------------- financials


def _amount(field: str, value: Decimal | int | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise EnterpriseError(
            "amount_invalid", _("Amounts must be exact decimals."), {field: _("Not a decimal.")}
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
        raise EnterpriseError("amount_invalid", message, {field: message})
    return amount


@transaction.atomic
def financial_upsert(
    *,
    actor: Any,
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
) -> AnnualFinancial:
    """Record one calendar year's figures in 元; unknown stays None (DOMAIN §9 amounts and years)."""
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
    before = model_snapshot(existing, FINANCIAL_FIELDS) if existing else None
    financial = existing or AnnualFinancial(enterprise=enterprise, year=year)
    for field, value in amounts.items():
        setattr(financial, field, value)
    financial.employees = employees
    financial.rd_staff = rd_staff
    financial.save()
    after = model_snapshot(financial, FINANCIAL_FIELDS)
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
def financial_delete(*, actor: Any, financial: AnnualFinancial) -> None:
    """Remove one year's figures (entered by mistake)."""
    enterprise = financial.enterprise
    _require_content_editor(actor, enterprise)
    before = model_snapshot(financial, FINANCIAL_FIELDS)
    audit_record(actor=actor, action="enterprise.financial_delete", obj=financial, before=before)
    financial.delete()
    _refresh_size_class(enterprise)
