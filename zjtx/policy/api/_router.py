"""The policy router and what its endpoint modules share."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from ninja import Router
from pydantic import ConfigDict

from zjtx.core.errors import DomainError

from ..errors import PolicyErrorCode

router = Router(tags=["policy"])

# Input bodies name every field they take; an unknown one is a 400 naming it.
FORBID_EXTRA = ConfigDict(extra="forbid")


def _parse_date(text: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise DomainError(
            PolicyErrorCode.INVALID_INPUT,
            _("The request has invalid fields."),
            {"as_of": _("Expected a date in the form YYYY-MM-DD.")},
        ) from exc
