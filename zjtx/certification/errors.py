"""Certification errors with stable snake_case codes (API: {"code", "message", "fields"})."""

from __future__ import annotations

from typing import Any

from zjtx.core.errors import Conflict, DomainError


class CertificationError(DomainError):
    """A request the rules refuse (400)."""


class TransitionNotAllowed(Conflict):
    """The action is not possible from the application's current state or for this user (409)."""


def error(code: str, message: Any, fields: dict[str, Any] | None = None) -> CertificationError:
    return CertificationError(code, message, fields)
