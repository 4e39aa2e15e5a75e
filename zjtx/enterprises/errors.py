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
    ID_NUMBER_INVALID = "id_number_invalid"
    DUPLICATE_CREDIT_CODE = "duplicate_credit_code"
    FIELD_NOT_EDITABLE = "field_not_editable"
    ENTERPRISE_NOT_VERIFIED = "enterprise_not_verified"


class EnterpriseError(DomainError):
    """A rule of the registry refused the change (HTTP 400)."""


class EnterpriseConflict(Conflict):
    """The change would duplicate something that must be unique (HTTP 409)."""


class EnterpriseNotFound(NotFound):
    """Outside the user's jurisdiction or role: always reported as not found, never forbidden."""

    def __init__(self) -> None:
        from django.utils.translation import gettext

        super().__init__(EnterpriseErrorCode.NOT_FOUND, gettext("Not found."))
