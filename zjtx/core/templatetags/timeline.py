"""``{% case_timeline obj %}``: the 办件进度 card of one case (zjtx/core/timeline.py)."""

from __future__ import annotations

from typing import Any

from django import template

from ..timeline import timeline_build

register = template.Library()


@register.inclusion_tag("core/_timeline.html")
def case_timeline(
    obj: Any, related: Any = (), related_name: str = "", events: Any = None
) -> dict[str, Any]:
    """The timeline of `obj` (and of `related`, already scoped by the view, labelled by the
    attribute `related_name`, e.g. "institution" for a bank's engagement). `events`: the case's
    own history rows, where its app keeps one (see `timeline_build`)."""

    def name(other: Any) -> str:
        return str(getattr(other, related_name, other)) if related_name else str(other)

    return {
        "timeline": timeline_build(obj, related=related or (), related_name=name, events=events)
    }
