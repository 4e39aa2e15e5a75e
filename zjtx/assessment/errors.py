"""Assessment error codes (stable, snake_case); messages are translated."""

from enum import StrEnum

from zjtx.core.errors import DomainError


class AssessmentErrorCode(StrEnum):
    INVALID_YEAR = "invalid_year"
    SCHEME_MISSING = "scheme_missing"
    SCHEME_NOT_IN_FORCE = "scheme_not_in_force"
    RUN_EXISTS = "run_exists"
    RUN_NOT_DRAFT = "run_not_draft"
    RUN_FINAL = "run_final"
    NO_UNITS = "no_units"
    INVALID_POINTS = "invalid_points"
    REASON_REQUIRED = "reason_required"
    UNKNOWN_INDICATOR = "unknown_indicator"
    UNKNOWN_UNIT = "unknown_unit"
    WINDOW_CLOSED = "window_closed"
    WINDOW_OPEN = "window_open"
    OBJECTION_PENDING = "objection_pending"
    RUN_NOT_FINAL = "run_not_final"
    BULLETIN_EXISTS = "bulletin_exists"
    TEXT_REQUIRED = "text_required"
    INVALID_DATE = "invalid_date"


class AssessmentError(DomainError):
    status = 400


class AssessmentConflict(AssessmentError):
    """The run's state forbids the action (HTTP 409)."""

    status = 409
