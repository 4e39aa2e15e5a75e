"""The target-set form: a grid of targets (one row each) with a column per assessment unit for
its share. Reads the posted grid into `TargetItemIn` rows and names each cell it cannot read;
every rule about what a valid target is stays in `services._check_target_set`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .models import Metric, Pool, TargetSet, Tier
from .services import TargetItemIn

YUAN_PER_YI = Decimal(100_000_000)  # 亿元
BLANK_ROWS = 3
MAX_ROWS = 40
# Metrics that count a tier, the pools, or certified firms above a revenue line.
TIER_METRICS = frozenset(
    {
        Metric.CERTIFIED_HELD,
        Metric.CERTIFIED_NEW,
        Metric.CERTIFIED_LARGE,
        Metric.PROVINCE_RECOMMENDED,
    }
)
POOLS = (Pool.RESERVE, Pool.CULTIVATE, Pool.UPGRADE)


@dataclass
class Row:
    """One row of the grid as shown (posted text kept so that a refused form is not lost)."""

    metric: str = ""
    label: str = ""
    target: str = ""
    tier: str = ""
    pool: str = ""
    min_revenue_yi: str = ""
    shares: dict[str, str] = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not (self.metric or self.label.strip() or self.target.strip()) and not any(
            v.strip() for v in self.shares.values()
        )

    @property
    def share_total(self) -> int:
        total = 0
        for value in self.shares.values():
            try:
                total += int(value)
            except ValueError:
                continue
        return total


@dataclass
class Grid:
    title: str = ""
    basis: str = ""
    note: str = ""
    period_start: str = ""
    period_end: str = ""
    reason: str = ""
    rows: list[Row] = field(default_factory=list)


def grid_of(tset: TargetSet | None, unit_codes: Sequence[str]) -> Grid:
    """The grid for a new set (blank rows) or an existing one (its rows, then blank rows)."""
    grid = Grid()
    if tset is not None:
        grid.title, grid.basis, grid.note = tset.title, tset.basis, tset.note
        grid.period_start = tset.period_start.isoformat()
        grid.period_end = tset.period_end.isoformat()
        for item in tset.items.all():
            params = item.params or {}
            pools = params.get("pools") or []
            line = params.get("min_revenue_yuan")
            shares = {s.unit.code: str(s.target) for s in item.shares.all()}
            grid.rows.append(
                Row(
                    metric=item.metric,
                    label=item.label,
                    target=str(item.target),
                    tier=str(params.get("tier") or ""),
                    pool=str(pools[0]) if len(pools) == 1 else "",
                    min_revenue_yi=_yi(line) if line is not None else "",
                    shares={c: shares.get(c, "") for c in unit_codes},
                )
            )
    grid.rows += [Row(shares=dict.fromkeys(unit_codes, "")) for _ in range(BLANK_ROWS)]
    return grid


def _yi(yuan: Any) -> str:
    try:
        value = Decimal(str(yuan)) / YUAN_PER_YI
    except InvalidOperation:
        return ""
    return format(value.normalize(), "f")


def read_grid(post: Mapping[str, Any], unit_codes: Sequence[str]) -> Grid:
    """The posted grid as text, row by row (rows numbered from 0 as `item-N-…`)."""
    grid = Grid(
        title=str(post.get("title", "")),
        basis=str(post.get("basis", "")),
        note=str(post.get("note", "")),
        period_start=str(post.get("period_start", "")),
        period_end=str(post.get("period_end", "")),
        reason=str(post.get("reason", "")),
    )
    try:
        count = min(MAX_ROWS, max(0, int(post.get("rows", 0))))
    except (TypeError, ValueError):
        count = 0
    for i in range(count):
        grid.rows.append(
            Row(
                metric=str(post.get(f"item-{i}-metric", "")),
                label=str(post.get(f"item-{i}-label", "")),
                target=str(post.get(f"item-{i}-target", "")).strip(),
                tier=str(post.get(f"item-{i}-tier", "")),
                pool=str(post.get(f"item-{i}-pool", "")),
                min_revenue_yi=str(post.get(f"item-{i}-min_revenue", "")).strip(),
                shares={c: str(post.get(f"share-{i}-{c}", "")).strip() for c in unit_codes},
            )
        )
    return grid


def _int(text: str) -> int | None:
    try:
        return int(text.replace(",", ""))
    except ValueError:
        return None


@dataclass
class Parsed:
    items: list[TargetItemIn]
    positions: list[int]  # the grid row of each item
    errors: dict[str, str]  # the service's field names: items.N.… with N counted among items
    start: date | None
    end: date | None

    def by_row(
        self, errors: Mapping[str, str], unit_names: Mapping[str, str]
    ) -> tuple[dict[str, str], dict[int, list[str]]]:
        """Split field errors into the form's own fields and those of each grid row."""
        top: dict[str, str] = {}
        rows: dict[int, list[str]] = {}
        for name, message in errors.items():
            parts = name.split(".")
            if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit():
                n = int(parts[1])
                where = self.positions[n] if n < len(self.positions) else 0
                rows.setdefault(where, []).append(f"{_cell_name(parts[2:], unit_names)}：{message}")
            else:
                top[name] = str(message)
        return top, rows


def _cell_name(parts: list[str], unit_names: Mapping[str, str]) -> str:
    names = {
        "metric": _("What is counted"),
        "label": _("Name of the target"),
        "target": _("City target"),
        "tier": _("Tier"),
        "pools": _("Pool"),
        "min_revenue_yuan": _("Revenue line"),
    }
    if parts and parts[0] == "shares" and len(parts) > 1:
        return _("Share of %(unit)s") % {"unit": unit_names.get(parts[1], parts[1])}
    if parts and parts[0] == "params" and len(parts) > 1:
        return str(names.get(parts[1], parts[1]))
    return str(names.get(parts[0], parts[0])) if parts else ""


def items_of(grid: Grid) -> Parsed:
    """The grid's non-blank rows as targets, the cells that are not numbers or dates (by the
    same field names the service uses, rows numbered among the non-blank ones), and the
    period's days."""
    errors: dict[str, str] = {}
    positions: list[int] = []
    start = _day(grid.period_start)
    end = _day(grid.period_end)
    if start is None:
        errors["period_start"] = _("Give a date as YYYY-MM-DD.")
    if end is None:
        errors["period_end"] = _("Give a date as YYYY-MM-DD.")
    items: list[TargetItemIn] = []
    for i, row in enumerate(grid.rows):
        if row.blank:
            continue
        n = len(items)
        positions.append(i)
        target = _int(row.target)
        if target is None:
            errors[f"items.{n}.target"] = _("Give a whole number.")
        params: dict[str, Any] = {}
        if row.metric in TIER_METRICS and row.tier:
            params["tier"] = row.tier
        if row.metric == Metric.POOL_SIZE and row.pool:
            params["pools"] = [row.pool]
        if row.metric == Metric.CERTIFIED_LARGE and row.min_revenue_yi:
            try:
                params["min_revenue_yuan"] = str(
                    (Decimal(row.min_revenue_yi) * YUAN_PER_YI).quantize(Decimal(1))
                )
            except InvalidOperation:
                errors[f"items.{n}.params.min_revenue_yuan"] = _("Not a number")
        shares: dict[str, int] = {}
        for code, text in row.shares.items():
            if not text:
                continue
            value = _int(text)
            if value is None:
                errors[f"items.{n}.shares.{code}"] = _("Give a whole number.")
            else:
                shares[code] = value
        items.append(TargetItemIn(row.metric, row.label, target or 0, params, shares))
    return Parsed(items, positions, errors, start, end)


def _day(text: str) -> date | None:
    try:
        return parse_date(text.strip())
    except ValueError:
        return None


def tier_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Tier.choices]
