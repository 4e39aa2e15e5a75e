from django import template

from zjtx.core.money import format_wan

register = template.Library()


@register.filter
def wan(value, places: int = 2) -> str:  # type: ignore[no-untyped-def]
    """Render a 元 amount in 万元."""
    return format_wan(value, int(places))


@register.filter
def percent(value, places: int = 2) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return "—"
    return f"{value * 100:.{int(places)}f}%"
