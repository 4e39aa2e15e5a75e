from typing import Any

from django import template

from zjtx.core import formatting
from zjtx.core.money import format_wan

register = template.Library()


@register.filter
def wan(value, places: int = 2) -> str:  # type: ignore[no-untyped-def]
    """Render a 元 amount in 万元."""
    return format_wan(value, int(places))


@register.filter
def percent(value, places: int = 2) -> str:  # type: ignore[no-untyped-def]
    """A ratio (0.3682) as '36.82%', at most two decimals."""
    return formatting.percent(value, int(places), ratio=True)


@register.filter
def pct(value, places: int = 2) -> str:  # type: ignore[no-untyped-def]
    """A value already in percent (36.8151…) as '36.82%'."""
    return formatting.percent(value, int(places))


@register.filter
def headcount(value) -> str:  # type: ignore[no-untyped-def]
    """People and counts as integers: 28.00 -> '28'."""
    return formatting.headcount(value)


@register.filter
def num(value, places: int = 2) -> str:  # type: ignore[no-untyped-def]
    """A grouped number with at most `places` decimals."""
    return formatting.number(value, int(places))


@register.filter
def program_title(program_id: str) -> str:
    """A policy programme's Chinese title for its id (miit2026.zjtx_sme -> 专精特新中小企业…);
    the id never reaches the page."""
    return formatting.program_title(program_id)


@register.filter
def choice_labels(values, choices_path: str) -> str:  # type: ignore[no-untyped-def]
    """Stored choice codes (a list or one code) as their Chinese labels, joined by 、:
    `{{ l.platforms|choice_labels:"partners.ServiceProvider.Platform" }}` (app, then attributes
    of the app's models module)."""
    import importlib

    app, _sep, path = choices_path.partition(".")
    target: Any = importlib.import_module(f"zjtx.{app}.models")
    for attr in path.split("."):
        target = getattr(target, attr)
    labels = dict(target.choices)
    items = values if isinstance(values, list | tuple) else [values]
    return "、".join(str(labels.get(v, v)) for v in items if v not in (None, "")) or "—"


@register.filter
def fact_labels(names, program_id: str = "") -> str:  # type: ignore[no-untyped-def]
    """Fact ids of a policy programme as their descriptions, joined by 、 (never the ids)."""
    from zjtx.policy.selectors import packages_current

    package = packages_current().get(str(program_id)) if program_id else None
    if package is None:
        facts: dict[str, Any] = {}
        for p in packages_current().values():
            facts = {**p.facts, **facts}
    else:
        facts = package.facts
    out = []
    for name in names or []:
        spec = facts.get(name)
        out.append(str(spec.description) if spec is not None and spec.description else "—")
    return "、".join(out) or "—"


@register.filter
def without_codes(text) -> str:  # type: ignore[no-untyped-def]
    """A stored description without a leading programme id ("wuhu.first_set 首台（套）奖励" ->
    "首台（套）奖励"), as audit rows keep an object's text from when it was written."""
    import re

    return re.sub(r"^[a-z][a-z0-9]*\.[a-z0-9_]+\s*", "", str(text or "")) or "—"


@register.filter
def field_unit(unit) -> str:  # type: ignore[no-untyped-def]
    """The unit a form field's value is shown in: amounts kept in 元 are shown in 万元."""
    return "万元" if unit == "元" else str(unit or "")


@register.filter
def field_value(value, unit="") -> Any:  # type: ignore[no-untyped-def]
    """A form field's value as people read it, by the field's unit: 元 -> 万元 with separators,
    人/户/项/个/年 -> integers, % -> at most two decimals; other values unchanged."""
    if value is None or isinstance(value, bool):
        return value
    if unit == "元":
        return format_wan(value)
    if unit in ("人", "户", "项", "个", "件", "家", "年"):
        return formatting.headcount(value)
    if unit in ("%", "％"):
        return formatting.number(value, 2)
    if isinstance(value, int | float) or (
        isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit()
    ):
        return formatting.number(value, 2) if "." in str(value) else str(value)
    return value


@register.filter
def lookup(mapping, key):  # type: ignore[no-untyped-def]
    """`{{ titles|lookup:code }}`: the mapping's value for a code, the code itself when absent."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
