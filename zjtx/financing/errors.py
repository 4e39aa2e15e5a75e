"""Financing error codes (stable, snake_case); messages are translated."""

from enum import StrEnum

from zjtx.core.errors import DomainError


class FinancingErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_RATE = "invalid_rate"
    INVALID_DATE = "invalid_date"
    UNKNOWN_INSTITUTION = "unknown_institution"
    CONSENT_EXPIRED = "consent_expired"
    CONSENT_CLOSED = "consent_closed"
    DEMAND_NOT_OPEN = "demand_not_open"
    RECEIVABLE_NOT_CONFIRMED = "receivable_not_confirmed"
    DISBURSED_EXCEEDS_GRANTED = "disbursed_exceeds_granted"
    OUTCOME_EXISTS = "outcome_exists"
    NOT_ELIGIBLE_PACKAGE = "not_an_eligibility_package"
    RECOMMENDATION_REASON_REQUIRED = "recommendation_reason_required"
    ALREADY_LISTED = "already_listed"
    NOT_EDITABLE = "not_editable"
    UNKNOWN_ACTION = "unknown_action"


class FinancingError(DomainError):
    status = 400


class FinancingConflict(FinancingError):
    """The action is not allowed in the object's current state (HTTP 409)."""

    status = 409
