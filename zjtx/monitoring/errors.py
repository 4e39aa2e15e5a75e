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
    ALREADY_COMMITTED = "already_committed"
    CATALOGUE_CONFLICT = "catalogue_conflict"
    COMBINE_ONLY_FEBRUARY = "combine_only_february"
    CONCURRENT_IMPORT = "concurrent_import"
    FIELD_NOT_EDITABLE = "field_not_editable"
    FILE_CHANGED = "file_changed"
    FILE_EMPTY = "file_empty"
    FILE_UNREADABLE = "file_unreadable"
    MACRO_ENABLED = "macro_enabled"
    NO_WORKSHEET = "no_worksheet"
    NOT_CONFIRMABLE = "not_confirmable"
    NOT_XLSX = "not_xlsx"
    PERIOD_LOCKED = "period_locked"
    XLS_NOT_SUPPORTED = "xls_not_supported"
    ZIP_BOMB = "zip_bomb"
    CODE_BUILT_IN = "code_built_in"
    CODE_TAKEN = "code_taken"
    DECIMAL_PLACES_INVALID = "decimal_places_invalid"
    INVALID_CHOICE = "invalid_choice"
    INVALID_CODE = "invalid_code"
    MAX_LENGTH_INVALID = "max_length_invalid"
    NAME_HAS_BRACKETS = "name_has_brackets"
    NAME_RESERVED = "name_reserved"
    NAME_TAKEN = "name_taken"
    NAME_TOO_LONG = "name_too_long"
    NOT_A_NUMBER = "not_a_number"
    NOT_AN_INTEGER = "not_an_integer"
    RANGE_INVALID = "range_invalid"
    REQUIRED = "required"
    SORT_ORDER_INVALID = "sort_order_invalid"
    UNIT_INVALID = "unit_invalid"
    STAGED_FILE_MISSING = "staged_file_missing"


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
