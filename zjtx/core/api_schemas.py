"""Schemas shared by every app's API."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every API error: a stable snake_case code, a message for people, and per-field messages."""

    code: str
    message: str
    fields: dict[str, Any]


# The usual error responses of a route that validates input, scopes objects and guards states.
ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut}
