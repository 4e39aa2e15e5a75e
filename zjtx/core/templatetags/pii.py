"""Personal data on pages (ADR 0017): masks, and the masked value with a 查看 form."""

from typing import Any

from django import template

from zjtx.core import crypto

register = template.Library()


@register.filter
def mask_phone(value: Any) -> str:
    return crypto.mask_phone(value) or "—"


@register.filter
def mask_id_number(value: Any) -> str:
    return crypto.mask_id_number(value) or "—"


@register.inclusion_tag("core/_pii.html", takes_context=True)
def pii(context: Any, obj: Any, field: str, reveal_url: str = "") -> dict[str, Any]:
    """The masked value; a reveal form when the user's role may see it and a URL is given."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    value = getattr(obj, field) or ""
    return {
        "obj": obj,
        "field": field,
        "masked": crypto.masked(obj, field) if value else "",
        "reveal_url": reveal_url,
        "can_reveal": bool(value and reveal_url and crypto.can_reveal(user, obj, field)),
        "csrf_token": context.get("csrf_token"),
    }
