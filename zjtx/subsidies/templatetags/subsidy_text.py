"""Subsidy pages in words: one fact's label, an evidence file's kind."""

from __future__ import annotations

from django import template

from zjtx.core.templatetags.zjtx import fact_labels

register = template.Library()

FILE_KINDS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


@register.filter
def fact_label(name: object, program_id: str = "") -> str:
    """One fact id of a programme as its Chinese description (never the id)."""
    return fact_labels([str(name)], program_id)


@register.filter
def file_kind(content_type: object) -> str:
    """'application/pdf' -> 'PDF': the kind of an evidence file, not its MIME type."""
    return FILE_KINDS.get(str(content_type or ""), "—")
