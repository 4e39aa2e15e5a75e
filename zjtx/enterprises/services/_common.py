"""Shared checks of the registry services: scope, credit code, text limits, snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.core import credit_code as uscc
from zjtx.core import idnumber
from zjtx.core.audit import model_snapshot
from zjtx.core.crypto import masked
from zjtx.core.money import MAX_YUAN
from zjtx.reference.models import AssessmentUnit, IndustryCode

from ..errors import EnterpriseConflict, EnterpriseError, EnterpriseErrorCode, EnterpriseNotFound
from ..models import Enterprise, UnitAssignment

if TYPE_CHECKING:
    from zjtx.accounts.models import User


STAFF_ROLES = frozenset({Role.CITY_OFFICER, Role.UNIT_OFFICER})

ENTERPRISE_FIELDS = (
    "credit_code",
    "checksum_override_reason",
    "name",
    "name_pinyin",
    "name_initials",
    "unit_id",
    "registered_address",
    "industry_id",
    "established_on",
    "legal_representative",
    "legal_rep_id_number",
    "contact_name",
    "contact_phone",
    "contact_email",
    "main_products",
    "status",
    "status_reason",
    "size_class",
)
# What an enterprise user may change on its own record (after verification).
SELF_EDITABLE_FIELDS = frozenset(
    {"contact_name", "contact_phone", "contact_email", "main_products"}
)
STAFF_EDITABLE_FIELDS = frozenset(
    {
        "credit_code",
        "checksum_override_reason",
        "name",
        "unit",
        "registered_address",
        "industry",
        "established_on",
        "legal_representative",
        "legal_rep_id_number",
        "contact_name",
        "contact_phone",
        "contact_email",
        "main_products",
    }
)
MONEY_FIELDS = (
    "operating_revenue",
    "main_business_revenue",
    "rd_expense",
    "net_profit",
    "total_assets",
    "total_liabilities",
    "export_value",
)
# Net profit may be a loss; every other amount cannot be below zero.
NON_NEGATIVE_MONEY = tuple(f for f in MONEY_FIELDS if f != "net_profit")
FINANCIAL_FIELDS = ("year", *MONEY_FIELDS, "employees", "rd_staff")
# What every money column stores exactly on PostgreSQL and SQLite alike (zjtx.core.money).
MAX_AMOUNT = MAX_YUAN
FIRST_YEAR = 1949


# ---------------------------------------------------------------- helpers


def _is_staff(actor: User | None) -> bool:
    return actor is not None and bool(actor.is_authenticated) and actor.role in STAFF_ROLES


def _staff_sees(actor: User, enterprise: Enterprise) -> bool:
    if not _is_staff(actor):
        return False
    return actor.role == Role.CITY_OFFICER or actor.unit_id == enterprise.unit_id


def _require_staff_in_scope(actor: User, enterprise: Enterprise) -> None:
    if not _staff_sees(actor, enterprise):
        raise EnterpriseNotFound()


def _require_content_editor(actor: User, enterprise: Enterprise) -> None:
    """Staff within jurisdiction, or the enterprise's own user once it is verified."""
    if _staff_sees(actor, enterprise):
        return
    if (
        getattr(actor, "is_authenticated", False)
        and actor.role == Role.ENTERPRISE
        and actor.enterprise_id == enterprise.pk
    ):
        if enterprise.status != Enterprise.Status.VERIFIED:
            raise EnterpriseError(
                EnterpriseErrorCode.ENTERPRISE_NOT_VERIFIED,
                _("Your enterprise has not been verified yet; it cannot be edited until then."),
            )
        return
    raise EnterpriseNotFound()


def _clean_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _validated_credit_code(
    *, raw: str, actor: User | None, override_reason: str, exclude_pk: int | None = None
) -> tuple[str, str]:
    """GB 32100 check; staff may accept a checksum-only failure with a written reason (DOMAIN §4)."""
    result = uscc.check(raw)
    reason = _clean_text(override_reason)
    if result.errors:
        if result.errors != ["checksum_mismatch"]:
            code = result.errors[0]
            message = uscc.ERROR_MESSAGES[code]
            raise EnterpriseError(code, message, {"credit_code": message})
        if not reason:
            message = uscc.ERROR_MESSAGES["checksum_mismatch"]
            raise EnterpriseError(
                EnterpriseErrorCode.CHECKSUM_MISMATCH, message, {"credit_code": message}
            )
        if not _is_staff(actor):
            message = _("Only bureau staff may accept a code that fails the check.")
            raise EnterpriseError(
                EnterpriseErrorCode.CHECKSUM_OVERRIDE_NOT_ALLOWED,
                message,
                {"checksum_override_reason": message},
            )
    else:
        reason = ""
    duplicate = Enterprise.objects.filter(credit_code=result.normalized)
    if exclude_pk is not None:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        message = _("An enterprise with this unified social credit code is already registered.")
        raise EnterpriseConflict(
            EnterpriseErrorCode.DUPLICATE_CREDIT_CODE, message, {"credit_code": message}
        )
    _check_lengths(Enterprise, {"checksum_override_reason": reason})
    return result.normalized, reason


def _require_name(name: Any) -> str:
    name = _clean_text(name)
    if not name:
        message = _("Enter the enterprise name.")
        raise EnterpriseError(EnterpriseErrorCode.NAME_REQUIRED, message, {"name": message})
    if len(name) > 200:
        message = _("The enterprise name is too long (at most 200 characters).")
        raise EnterpriseError(EnterpriseErrorCode.NAME_TOO_LONG, message, {"name": message})
    return name


def _resolve_unit(unit: AssessmentUnit | str | None) -> AssessmentUnit:
    if isinstance(unit, AssessmentUnit):
        return unit
    found = AssessmentUnit.objects.filter(code=_clean_text(unit)).first() if unit else None
    if found is None:
        message = _("Choose a valid assessment unit.")
        raise EnterpriseError(EnterpriseErrorCode.UNIT_INVALID, message, {"unit": message})
    return found


def _resolve_industry(industry: IndustryCode | str | None) -> IndustryCode | None:
    if industry is None or isinstance(industry, IndustryCode):
        return industry
    code = _clean_text(industry).upper()
    if not code:
        return None
    found = IndustryCode.objects.filter(code=code).first()
    if found is None:
        message = _("Industry code %(code)s is not in GB/T 4754-2017.") % {"code": code}
        raise EnterpriseError(EnterpriseErrorCode.INDUSTRY_INVALID, message, {"industry": message})
    return found


def _check_email(value: str, field: str) -> None:
    if not value:
        return
    try:
        validate_email(value)
    except ValidationError:
        message = _("Enter a valid e-mail address.")
        raise EnterpriseError(
            EnterpriseErrorCode.EMAIL_INVALID, message, {field: message}
        ) from None


def _check_lengths(model: Any, values: Mapping[str, Any]) -> None:
    """Text longer than its column is refused here, with the field named, not by the database."""
    for name, value in values.items():
        limit = getattr(model._meta.get_field(name), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            label = str(getattr(model._meta.get_field(name), "verbose_name", name))
            message = _("%(field)s is too long (at most %(limit)s characters).") % {
                "field": label,
                "limit": limit,
            }
            raise EnterpriseError(EnterpriseErrorCode.TOO_LONG, message, {name: message})


def _check_established(value: date | None) -> None:
    if value is not None and value > timezone.localdate():
        message = _("The date established cannot be in the future.")
        raise EnterpriseError(
            EnterpriseErrorCode.DATE_IN_FUTURE, message, {"established_on": message}
        )


def _snapshot(enterprise: Enterprise) -> dict[str, Any]:
    """Audit before/after: personal data only masked (the audit trail is not encrypted)."""
    snapshot = model_snapshot(enterprise, ENTERPRISE_FIELDS)
    for name in ("legal_rep_id_number", "contact_phone"):
        snapshot[name] = masked(enterprise, name)
    return snapshot


def _check_id_number(value: str) -> str:
    """An ID number (GB 11643), normalised; blank stays blank."""
    value = idnumber.normalize(value)
    if value and not idnumber.is_valid(value):
        message = _("Enter a valid resident ID number (18 characters, check character included).")
        raise EnterpriseError(
            EnterpriseErrorCode.ID_NUMBER_INVALID, message, {"legal_rep_id_number": message}
        )
    return value


def _refresh_size_class(enterprise: Enterprise) -> None:
    """Store the computed size class so lists can filter on it."""
    from ..selectors import enterprise_size_class

    size = enterprise_size_class(enterprise=enterprise).size or ""
    if size != enterprise.size_class:
        enterprise.size_class = size
        Enterprise.objects.filter(pk=enterprise.pk).update(size_class=size)


def _open_assignment(
    *,
    enterprise: Enterprise,
    unit: AssessmentUnit,
    actor: User | None,
    reason: str,
    valid_from: date,
) -> UnitAssignment:
    return UnitAssignment.objects.create(
        enterprise=enterprise,
        unit=unit,
        valid_from=valid_from,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
