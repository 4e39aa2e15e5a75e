"""Reference-data error codes (stable, snake_case); messages are translated."""

from __future__ import annotations

from enum import StrEnum


class ReferenceErrorCode(StrEnum):
    """Stable error codes of this app (the API's `code`)."""

    INDUSTRY_TOO_COARSE = "industry_too_coarse"
    MISSING_INPUT = "missing_input"
    UNKNOWN_INDUSTRY = "unknown_industry"
    SIZE_STANDARD_MISSING = "size_standard_missing"
