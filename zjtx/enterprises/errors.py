"""Enterprise-registry errors: stable snake_case codes, Chinese messages, the fields at fault."""

from __future__ import annotations

from enum import StrEnum

from zjtx.core.errors import Conflict, DomainError, NotFound


class EnterpriseErrorCode(StrEnum):
    """Registry codes, one per meaning (the services still spell most of them literally)."""

    NOT_FOUND = "not_found"
    AMOUNT_INVALID = "amount_invalid"
    NEGATIVE_AMOUNT = "negative_amount"
    NEGATIVE_COUNT = "negative_count"
    YEAR_INVALID = "year_invalid"
    YEAR_IN_FUTURE = "year_in_future"
    MAIN_REVENUE_EXCEEDS_OPERATING = "main_revenue_exceeds_operating"
    RD_STAFF_EXCEEDS_EMPLOYEES = "rd_staff_exceeds_employees"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    DUPLICATE_CREDIT_CODE = "duplicate_credit_code"
    FIELD_NOT_EDITABLE = "field_not_editable"
    ENTERPRISE_NOT_VERIFIED = "enterprise_not_verified"
    CHECKSUM_OVERRIDE_NOT_ALLOWED = "checksum_override_not_allowed"
    CLEAR_NEEDS_CONFIRMATION = "clear_needs_confirmation"
    DATE_IN_FUTURE = "date_in_future"
    DUPLICATE_IP_NUMBER = "duplicate_ip_number"
    EMAIL_INVALID = "email_invalid"
    FINANCIAL_YEAR_EXISTS = "financial_year_exists"
    HONOUR_KIND_INVALID = "honour_kind_invalid"
    HONOUR_LEVEL_INVALID = "honour_level_invalid"
    HONOUR_NAME_REQUIRED = "honour_name_required"
    ID_NUMBER_INVALID = "id_number_invalid"
    INDUSTRY_INVALID = "industry_invalid"
    IP_CLASS_INVALID = "ip_class_invalid"
    IP_KIND_INVALID = "ip_kind_invalid"
    IP_NUMBER_REQUIRED = "ip_number_required"
    NAME_REQUIRED = "name_required"
    NAME_TOO_LONG = "name_too_long"
    PASSWORD_TOO_WEAK = "password_too_weak"
    REASON_REQUIRED = "reason_required"
    SAME_UNIT = "same_unit"
    TOO_LONG = "too_long"
    UNIT_CHANGE_NEEDS_ASSIGNMENT = "unit_change_needs_assignment"
    UNIT_INVALID = "unit_invalid"
    UNIT_OUTSIDE_SCOPE = "unit_outside_scope"
    USERNAME_INVALID = "username_invalid"
    USERNAME_TAKEN = "username_taken"
    VALID_FROM_TOO_EARLY = "valid_from_too_early"
    VALIDITY_BEFORE_AWARD = "validity_before_award"


class EnterpriseError(DomainError):
    """A rule of the registry refused the change (HTTP 400)."""


class EnterpriseConflict(Conflict):
    """The change would duplicate something that must be unique (HTTP 409)."""


class EnterpriseNotFound(NotFound):
    """Outside the user's jurisdiction or role: always reported as not found, never forbidden."""

    def __init__(self) -> None:
        from django.utils.translation import gettext

        super().__init__(EnterpriseErrorCode.NOT_FOUND, gettext("Not found."))
