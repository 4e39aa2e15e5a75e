"""Reports error codes (stable, snake_case); messages are translated."""

from enum import StrEnum

from zjtx.core.errors import DomainError


class ReportErrorCode(StrEnum):
    INVALID_YEAR = "invalid_year"
    FORBIDDEN = "forbidden"
    NOT_FINISHED = "report_not_finished"
    BUILD_FAILED = "report_build_failed"
    ALREADY_RUNNING = "report_already_running"


class ReportError(DomainError):
    status = 400


class ReportConflict(ReportError):
    """The report's state forbids the action (HTTP 409)."""

    status = 409
