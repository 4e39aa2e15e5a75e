"""Portal error codes (stable, snake_case); messages are translated."""

from enum import StrEnum

from zjtx.core.errors import DomainError


class PortalErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_YEAR = "invalid_year"
    INVALID_TIER = "invalid_tier"
    INVALID_TAG = "invalid_tag"
    TOO_MANY_REQUESTS = "too_many_requests"


class PortalError(DomainError):
    status = 400


class PortalRateLimited(PortalError):
    status = 429
