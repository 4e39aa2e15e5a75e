"""Domain errors carry a stable snake_case code, a Chinese message and the fields at fault."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: Any, fields: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403
