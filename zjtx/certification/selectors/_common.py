# mypy: disallow-untyped-defs
"""Shared by the certification selectors."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from zjtx.core.errors import ErrorCode, NotFound

CENT = Decimal("0.01")


def _not_found() -> NotFound:
    return NotFound(ErrorCode.NOT_FOUND, _("Not found."))
