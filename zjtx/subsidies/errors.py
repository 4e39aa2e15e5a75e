"""Subsidy error codes (stable, snake_case); messages are translated."""

from enum import StrEnum

from zjtx.core.errors import DomainError


class SubsidyErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_AMOUNT = "invalid_amount"
    BUDGET_BELOW_SPENT = "budget_below_spent"


class SubsidyError(DomainError):
    status = 400


class SubsidyConflict(SubsidyError):
    """The action is not allowed in the application's current state (HTTP 409)."""

    status = 409
