"""Service-centre error codes (stable, snake_case); messages are translated."""

from enum import StrEnum

from zjtx.core.errors import DomainError


class ServiceErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_CATEGORY = "invalid_category"
    TEXT_REQUIRED = "text_required"
    NOT_HANDLER = "not_handler"
    INVALID_ROUTE = "invalid_route"
    INVALID_RATING = "invalid_rating"
    ALREADY_RATED = "already_rated"
    EXTENSION_PENDING = "extension_pending"
    EXTENSION_NOT_POSSIBLE = "extension_not_possible"
    NOT_RATED = "not_rated"
    PROVIDER_EXISTS = "provider_exists"
    EVENT_FULL = "event_full"
    ALREADY_REGISTERED = "already_registered"
    NOT_REGISTERED = "not_registered"
    FORBIDDEN = "forbidden"
    GUIDE_EXISTS = "guide_exists"
    EVENT_ALREADY_RATED = "event_already_rated"
    ALREADY_DECIDED = "already_decided"
    EVENT_PAST = "event_past"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"
    NO_ANSWER = "no_answer"
    NOT_EDITABLE = "not_editable"
    REASON_REQUIRED = "reason_required"
    REQUEST_CLOSED = "request_closed"
    REQUEST_OPEN = "request_open"


class ServiceError(DomainError):
    status = 400


class ServiceConflict(ServiceError):
    """The object's state forbids the action (HTTP 409)."""

    status = 409
