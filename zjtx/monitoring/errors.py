"""Monitoring errors: stable snake_case codes with Chinese messages (via the zh_Hans catalogue)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from zjtx.core.errors import Conflict, DomainError, Forbidden, NotFound


class MonitoringErrorCode(StrEnum):
    """The codes the monitoring API answers with itself (the import pipeline's row and file
    codes are listed in its own modules)."""

    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    FILE_TOO_LARGE = "file_too_large"
    INVALID_PERIOD = "invalid_period"


class MonitoringError(DomainError):
    """400: the request or the uploaded file cannot be used."""


class MonitoringNotFound(NotFound):
    """404: outside the caller's scope or absent (the two are not told apart)."""


class MonitoringForbidden(Forbidden):
    """403: the caller's role may not do this."""


class MonitoringConflict(Conflict):
    """409: the state changed underneath (period locked meanwhile, concurrent upload)."""


def error_fields(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
