"""Early-warning rules (DOMAIN.md §8): pure functions over the figures of one enterprise.

Each rule returns (level, explanation, facts) or None. Thresholds come from the dated
WarningRule rows; the explanation states the numbers that triggered it, in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from .models import Level, WarningRule

HUNDRED = Decimal(100)
WAN = Decimal(10000)


@dataclass(frozen=True)
class Finding:
    level: str
    explanation: str
    facts: dict[str, Any]


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _wan(value: Decimal) -> str:
    return f"{(value / WAN).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def threshold_of(rule: WarningRule, level: str) -> Decimal:
    return {"red": rule.red, "orange": rule.orange, "yellow": rule.yellow}[level]


def level_at_or_below(change: Decimal, rule: WarningRule) -> str | None:
    """For drops: the change (negative %) at or below a threshold (also negative %)."""
    if change <= rule.red:
        return Level.RED
    if change <= rule.orange:
        return Level.ORANGE
    if change <= rule.yellow:
        return Level.YELLOW
    return None


def level_above(value: Decimal, rule: WarningRule) -> str | None:
    if value > rule.red:
        return Level.RED
    if value > rule.orange:
        return Level.ORANGE
    if value > rule.yellow:
        return Level.YELLOW
    return None


def yoy_drop(
    rule: WarningRule,
    current: Decimal | None,
    previous: Decimal | None,
    *,
    money: bool,
    name: str,
    unit: str,
) -> Finding | None:
    """Year-on-year change at or below the thresholds (revenue −20 %, electricity −30 %)."""
    if current is None or previous is None or previous <= 0:
        return None
    change = _pct((current - previous) / previous * HUNDRED)
    level = level_at_or_below(change, rule)
    if level is None:
        return None
    show = _wan if money else (lambda v: f"{v:,.0f}")
    explanation = _(
        "%(name)s %(current)s %(unit)s against %(previous)s %(unit)s in the same month last year: "
        "%(change)s%%, at or below the %(threshold)s%% warning line."
    ) % {
        "name": name,
        "unit": unit,
        "current": show(current),
        "previous": show(previous),
        "change": change,
        "threshold": threshold_of(rule, level),
    }
    return Finding(
        level, explanation, {"current": current, "previous": previous, "change_pct": change}
    )


def debt_ratio(
    rule: WarningRule, liabilities: Decimal | None, assets: Decimal | None
) -> Finding | None:
    """资产负债率 = 负债合计 / 资产总计 above the thresholds (80 % by default)."""
    if liabilities is None or assets is None or assets <= 0:
        return None
    ratio = _pct(liabilities / assets * HUNDRED)
    level = level_above(ratio, rule)
    if level is None:
        return None
    explanation = _(
        "Debt ratio %(ratio)s%% (total liabilities %(liabilities)s / total assets %(assets)s, "
        "10,000 yuan), above the %(threshold)s%% warning line."
    ) % {
        "ratio": ratio,
        "liabilities": _wan(liabilities),
        "assets": _wan(assets),
        "threshold": threshold_of(rule, level),
    }
    return Finding(
        level, explanation, {"ratio_pct": ratio, "liabilities": liabilities, "assets": assets}
    )


def missing_report(
    rule: WarningRule, missed_in_a_row: int, period: str, due: str
) -> Finding | None:
    """No report after the due date; the level rises with consecutive missed months."""
    level = level_above(Decimal(missed_in_a_row), rule) if missed_in_a_row else None
    if level is None:
        return None
    explanation = _(
        "No report for %(period)s (due %(due)s); %(count)s month(s) missed in a row."
    ) % {"period": period, "due": due, "count": missed_in_a_row}
    return Finding(level, explanation, {"missed_in_a_row": missed_in_a_row})


def decline_streak(rule: WarningRule, series: list[Decimal | None], name: str) -> Finding | None:
    """Month-on-month declines in a row, ending with the period (oldest value first)."""
    streak = 0
    for before, after in zip(reversed(series[:-1]), reversed(series[1:]), strict=True):
        if before is None or after is None or not after < before:
            break
        streak += 1
    level = level_above(Decimal(streak), rule) if streak else None
    if level is None:
        return None
    shown = "→".join(_wan(v) for v in series[-(streak + 1) :] if v is not None)
    explanation = _("%(name)s fell %(count)s months in a row (10,000 yuan: %(series)s).") % {
        "name": name,
        "count": streak,
        "series": shown,
    }
    return Finding(level, explanation, {"months": streak})


def outlier(
    rule: WarningRule, value: Decimal | None, history: list[Decimal], name: str
) -> Finding | None:
    """A value more than k standard deviations from the firm's own last 12 months (data quality)."""
    if value is None or len(history) < 6:
        return None
    floats = [float(v) for v in history]
    mean = sum(floats) / len(floats)
    sigma = (sum((x - mean) ** 2 for x in floats) / len(floats)) ** 0.5
    if sigma == 0:
        return None
    sigmas = _pct(Decimal(abs(float(value) - mean) / sigma))
    level = level_above(sigmas, rule)
    if level is None:
        return None
    explanation = _(
        "%(name)s %(value)s is %(sigmas)s standard deviations from this firm's average of "
        "%(mean)s over %(n)s months (10,000 yuan); check the figure."
    ) % {
        "name": name,
        "value": _wan(value),
        "sigmas": sigmas,
        "mean": _wan(Decimal(str(round(mean, 2)))),
        "n": len(history),
    }
    return Finding(level, explanation, {"sigmas": sigmas, "mean": round(mean, 2)})


def cert_expiry(
    rule: WarningRule, days_left: int, valid_until: str, certificate: str
) -> Finding | None:
    """A 市专精特新 certificate ends within 90/60/30 days (yellow/orange/red by default)."""
    level = level_at_or_below(Decimal(days_left), rule) if days_left >= 0 else None
    if level is None:
        return None
    explanation = _(
        "Certificate %(number)s expires on %(date)s, in %(days)s days: prepare the re-review "
        "(复核) and the annual information update."
    ) % {"number": certificate, "date": valid_until, "days": days_left}
    return Finding(level, explanation, {"days_left": days_left, "valid_until": valid_until})


def rd_ratio_low(
    rule: WarningRule, rd_expense: Decimal | None, revenue: Decimal | None, year: int
) -> Finding | None:
    """R&D expense / operating revenue below the re-review line (3 % by default): the firm
    risks failing 复核. Missing figures raise nothing (they are not zero)."""
    if rd_expense is None or revenue is None or revenue <= 0:
        return None
    ratio = _pct(rd_expense / revenue * HUNDRED)
    level = None
    for name in (Level.RED, Level.ORANGE, Level.YELLOW):
        if ratio < threshold_of(rule, name):
            level = name
            break
    if level is None:
        return None
    explanation = _(
        "R&D ratio %(ratio)s%% in %(year)s (R&D expense %(rd)s / operating revenue %(revenue)s, "
        "10,000 yuan), below the %(threshold)s%% line that re-review requires."
    ) % {
        "ratio": ratio,
        "year": year,
        "rd": _wan(rd_expense),
        "revenue": _wan(revenue),
        "threshold": threshold_of(rule, level),
    }
    return Finding(level, explanation, {"ratio_pct": ratio, "year": year})
