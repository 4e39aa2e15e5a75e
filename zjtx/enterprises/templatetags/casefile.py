"""``{% case_file_of enterprise as case_file %}``: the enterprise's case file for the reader."""

from __future__ import annotations

from typing import Any

from django import template

from ..casefile import CaseFile, case_file_for

register = template.Library()


@register.simple_tag(takes_context=True)
def case_file_of(context: Any, enterprise: Any) -> CaseFile:
    """Certification history, tiers, subsidies received and cases in progress, as the page's
    reader may see them (each read scoped to `request.user`)."""
    return case_file_for(enterprise=enterprise, user=context["request"].user)
