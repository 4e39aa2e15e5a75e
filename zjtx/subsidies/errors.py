"""Subsidy error codes (stable, snake_case); messages are translated."""

from enum import StrEnum

from zjtx.core.errors import DomainError


class SubsidyErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_AMOUNT = "invalid_amount"
    BUDGET_BELOW_SPENT = "budget_below_spent"
    ALREADY_AWARDED = "already_awarded"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    INVALID_FACTS = "invalid_facts"
    NOT_AN_AWARD = "not_an_award"
    NOT_EDITABLE = "not_editable"
    NOT_IN_FORCE = "not_in_force"
    NOT_DELETABLE = "not_deletable"


class SubsidyError(DomainError):
    status = 400


class SubsidyConflict(SubsidyError):
    """The action is not allowed in the application's current state (HTTP 409)."""

    status = 409
