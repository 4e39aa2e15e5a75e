"""Subsidy error codes (stable, snake_case); messages are translated."""

from zjtx.core.errors import DomainError


class SubsidyError(DomainError):
    status = 400


class SubsidyConflict(SubsidyError):
    """The action is not allowed in the application's current state (HTTP 409)."""

    status = 409
