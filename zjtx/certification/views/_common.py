"""Helpers shared by the certification pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest

from zjtx.accounts.models import Role
from zjtx.core.errors import DomainError, NotFound

BUSINESS = (Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE, Role.EXPERT)


def _get_or_404(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404 from exc


def _error(request: HttpRequest, error: DomainError) -> None:
    detail = "；".join(f"{k}: {v}" for k, v in error.fields.items())
    messages.error(request, f"{error.message} {detail}".strip())


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
