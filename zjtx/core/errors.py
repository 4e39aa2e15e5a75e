"""Domain errors carry a stable snake_case code, a Chinese message and the fields at fault."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.http import Http404


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: Any, fields: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class NotFound(DomainError, Http404):
    """Out of scope or absent: a 404 in the API (JSON, with the code) and on pages alike."""

    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class ErrorCode(StrEnum):
    """Codes shared by every app: the edge, the API's catch-all handlers, scoping."""

    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    HTTP_ERROR = "http_error"
    INTERNAL_ERROR = "internal_error"
    NUL_BYTE = "nul_byte"
    BAD_MULTIPART = "bad_multipart"
    FILE_NAME_TOO_LONG = "file_name_too_long"
    INVALID_AMOUNT = "invalid_amount"
    NUMBER_OUT_OF_RANGE = "number_out_of_range"
    AMOUNT_TOO_LARGE = "amount_too_large"
    INVALID_KIND = "invalid_kind"
    NEGATIVE_AMOUNT = "negative_amount"
