"""Reads: tier states on a date, pool and certified counts per unit and year, target progress,
pool changes, candidate runs and talent, always within the user's scope.

The counting functions (`pool_counts`, `pool_counts_by_unit`, `pool_growth`, `certified_counts`,
`certified_new_counts`, `metric_value`, `target_shares`) take keyword-only arguments, no user:
they are for other apps (assessment, reports) and for pages that have already scoped the unit.
A unit is an AssessmentUnit or its id; None means the whole city.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, QuerySet
from django.http import Http404

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import scope_enterprise_qs, scope_unit_qs

from .models import (
    POOL_ORDER,
    TIER_ORDER,
    CandidateHit,
    CandidateRun,
    MasterStudio,
    Metric,
    Pool,
    PoolChange,
    TalentKind,
    TalentRecord,
    TargetItem,
    TargetSet,
    Tier,
    TierRecord,
)

if TYPE_CHECKING:
    from zjtx.accounts.models import User


POOLS = tuple(p for p in POOL_ORDER if p != Pool.NONE)
CERT_ACTIONS = (TierRecord.Action.GRANT, TierRecord.Action.REVOKE, TierRecord.Action.EXPIRE)


def _unit_id(unit: Any) -> int | None:
    if unit is None:
        return None
    return int(getattr(unit, "pk", unit))


# ------------------------------------------------------------------ tier states


@dataclass
class TierState:
    """An enterprise's tiers on one day."""

    enterprise_id: int
    pool: str = Pool.NONE
    pool_since: date | None = None
    pool_unit_id: int | None = None
    tiers: dict[str, date] = field(default_factory=dict)  # held tier -> since
    tier_unit_id: int | None = None
    marks: dict[str, date] = field(default_factory=dict)

    @property
    def highest_tier(self) -> str | None:
        held = [t for t in TIER_ORDER if t in self.tiers]
        return held[-1] if held else None

    def holds(self, tier: str, or_higher: bool = True) -> bool:
        if not or_higher:
            return tier in self.tiers
        rank = TIER_ORDER.index(Tier(tier))
        return any(TIER_ORDER.index(Tier(t)) >= rank for t in self.tiers)


def tier_states(
    *, on: date, enterprise_ids: Iterable[int] | None = None, unit: Any = None
) -> dict[int, TierState]:
    """Each enterprise's pool, held certified tiers and marks on `on` (only those with any
    record up to that day). `unit` limits to records made for that unit.

    The whole city's fold is cached per day and per state of the (append-only) table, so a
    page of targets × units reads the records once."""
    if enterprise_ids is None:
        stamp = TierRecord.objects.aggregate(last=Max("id"), n=Count("id"), at=Max("created_at"))
        key = (on, stamp["last"], stamp["n"], stamp["at"])
        states = _CITY_CACHE.get(key)
        if states is None:
            states = _fold(TierRecord.objects.filter(on__lte=on), on)
            if len(_CITY_CACHE) > 32:
                _CITY_CACHE.clear()
            _CITY_CACHE[key] = states
    else:
        qs = TierRecord.objects.filter(on__lte=on, enterprise_id__in=list(enterprise_ids))
        states = _fold(qs, on)
    uid = _unit_id(unit)
    if uid is not None:
        states = {k: s for k, s in states.items() if uid in (s.pool_unit_id, s.tier_unit_id)}
    return states


_CITY_CACHE: dict[tuple[Any, ...], dict[int, TierState]] = {}


def _fold(qs: QuerySet[TierRecord], on: date) -> dict[int, TierState]:
    rows = qs.order_by("enterprise_id", "on", "id").values_list(
        "enterprise_id", "unit_id", "track", "tier", "action", "on", "valid_until"
    )
    states: dict[int, TierState] = {}
    for ent, unit_id, track, tier, action, day, valid_until in rows:
        state = states.get(ent)
        if state is None:
            state = states[ent] = TierState(ent)
        if track == TierRecord.Track.POOL:
            if state.pool != tier:
                state.pool_since = day
            state.pool = tier
            state.pool_unit_id = unit_id
        elif track == TierRecord.Track.CERTIFIED:
            if action == TierRecord.Action.RECOMMEND:
                continue
            if action == TierRecord.Action.GRANT and (valid_until is None or valid_until >= on):
                state.tiers.setdefault(tier, day)
                state.tier_unit_id = unit_id
            elif action == TierRecord.Action.GRANT:
                state.tiers.pop(tier, None)
            else:
                state.tiers.pop(tier, None)
        elif track == TierRecord.Track.MARK:
            if action == TierRecord.Action.GRANT:
                state.marks.setdefault(tier, day)
            else:
                state.marks.pop(tier, None)
    return states


def tier_state_of(*, enterprise_id: int, on: date) -> TierState:
    return tier_states(on=on, enterprise_ids=[enterprise_id]).get(
        enterprise_id, TierState(enterprise_id)
    )


def pool_counts(*, unit: Any = None, on: date) -> dict[str, int]:
    """How many enterprises are in each pool on `on` ("reserve", "cultivate", "upgrade",
    "total"), for the whole city or one unit (the unit the last pool change was made for)."""
    uid = _unit_id(unit)
    counts = {p.value: 0 for p in POOLS}
    for state in tier_states(on=on).values():
        if state.pool == Pool.NONE or (uid is not None and state.pool_unit_id != uid):
            continue
        counts[state.pool] = counts.get(state.pool, 0) + 1
    counts["total"] = sum(counts[p.value] for p in POOLS)
    return counts


def pool_counts_by_unit(*, on: date) -> dict[int, dict[str, int]]:
    """{unit id: pool counts as `pool_counts`} for every unit with pooled enterprises on `on`."""
    out: dict[int, dict[str, int]] = {}
    for state in tier_states(on=on).values():
        if state.pool == Pool.NONE or state.pool_unit_id is None:
            continue
        row = out.setdefault(state.pool_unit_id, {p.value: 0 for p in POOLS} | {"total": 0})
        row[state.pool] += 1
        row["total"] += 1
    return out


def pool_growth(*, unit: Any = None, year: int) -> dict[str, int]:
    """Pool size at the end of `year` against the end of the year before, and the entries
    (none → a pool) and exits (a pool → none) confirmed during `year`."""
    end = date(year, 12, 31)
    before = date(year - 1, 12, 31)
    now = pool_counts(unit=unit, on=end)["total"]
    then = pool_counts(unit=unit, on=before)["total"]
    uid = _unit_id(unit)
    qs = TierRecord.objects.filter(
        track=TierRecord.Track.POOL, on__gte=date(year, 1, 1), on__lte=end
    )
    if uid is not None:
        qs = qs.filter(unit_id=uid)
    entries = qs.filter(action=TierRecord.Action.ENTER).count()
    exits = qs.filter(action=TierRecord.Action.EXIT).count()
    return {"start": then, "end": now, "growth": now - then, "entries": entries, "exits": exits}


def certified_counts(
    *, unit: Any = None, on: date, tier: str = Tier.MUNICIPAL, or_higher: bool = True
) -> int:
    """Enterprises holding `tier` (or a higher one) on `on`, city-wide or for one unit."""
    uid = _unit_id(unit)
    return sum(
        1
        for state in tier_states(on=on).values()
        if state.tiers
        and state.holds(tier, or_higher)
        and (uid is None or state.tier_unit_id == uid)
    )


def certified_new_counts(
    *, unit: Any = None, start: date, end: date, tier: str = Tier.MUNICIPAL
) -> int:
    """Enterprises newly granted `tier` between `start` and `end` (inclusive)."""
    qs = TierRecord.objects.filter(
        track=TierRecord.Track.CERTIFIED,
        tier=tier,
        action=TierRecord.Action.GRANT,
        on__gte=start,
        on__lte=end,
    )
    uid = _unit_id(unit)
    if uid is not None:
        qs = qs.filter(unit_id=uid)
    return qs.values("enterprise_id").distinct().count()


def certified_new_by_unit(*, start: date, end: date, tier: str = Tier.MUNICIPAL) -> dict[int, int]:
    """{unit id: enterprises newly granted `tier` in the period}."""
    out: dict[int, set[int]] = {}
    for unit_id, ent in TierRecord.objects.filter(
        track=TierRecord.Track.CERTIFIED,
        tier=tier,
        action=TierRecord.Action.GRANT,
        on__gte=start,
        on__lte=end,
        unit_id__isnull=False,
    ).values_list("unit_id", "enterprise_id"):
        out.setdefault(unit_id, set()).add(ent)
    return {k: len(v) for k, v in out.items()}


# ------------------------------------------------------------------ metrics and targets


def _large_certified(unit_id: int | None, on: date, tier: str, min_revenue: Decimal) -> int:
    from zjtx.enterprises.models import AnnualFinancial

    held = {
        e
        for e, s in tier_states(on=on).items()
        if s.tiers and s.holds(tier) and (unit_id is None or s.tier_unit_id == unit_id)
    }
    if not held:
        return 0
    latest: dict[int, tuple[int, Decimal | None]] = {}
    for ent, year, revenue in AnnualFinancial.objects.filter(
        enterprise_id__in=held, year__lt=on.year + 1
    ).values_list("enterprise_id", "year", "main_business_revenue"):
        if ent not in latest or year > latest[ent][0]:
            latest[ent] = (year, revenue)
    return sum(1 for _y, rev in latest.values() if rev is not None and rev >= min_revenue)


def _talent(unit_id: int | None, start: date, end: date, kinds: Iterable[str]) -> int:
    qs = TalentRecord.objects.filter(kind__in=list(kinds), awarded_on__range=(start, end))
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    # A person trained as 技师 and later as 高级技师 counts once.
    return qs.values("id_index").distinct().count()


def _listing(unit_id: int | None, start: date, end: date) -> int:
    from zjtx.financing.models import ListingCandidate

    qs = ListingCandidate.objects.filter(
        recommended_year__gte=start.year, recommended_year__lte=end.year
    )
    if unit_id is not None:
        qs = qs.filter(enterprise__unit_id=unit_id)
    return qs.values("enterprise_id").distinct().count()


# Stock metrics count what holds on a day; flow metrics count what happened in the period.
STOCK_METRICS = frozenset({Metric.CERTIFIED_HELD, Metric.CERTIFIED_LARGE, Metric.POOL_SIZE})


def metric_value(
    *, metric: str, params: dict[str, Any] | None = None, unit: Any = None, start: date, on: date
) -> int:
    """The value of `metric` for the city or one unit: on `on` for stock metrics, counted from
    `start` to `on` for flow metrics."""
    params = params or {}
    uid = _unit_id(unit)
    tier = str(params.get("tier") or Tier.MUNICIPAL)
    if metric == Metric.CERTIFIED_HELD:
        return certified_counts(unit=uid, on=on, tier=tier)
    if metric == Metric.CERTIFIED_NEW:
        return certified_new_counts(unit=uid, start=start, end=on, tier=tier)
    if metric == Metric.CERTIFIED_LARGE:
        line = Decimal(str(params.get("min_revenue_yuan") or "1000000000"))
        return _large_certified(uid, on, tier, line)
    if metric == Metric.PROVINCE_RECOMMENDED:
        qs = TierRecord.objects.filter(
            track=TierRecord.Track.CERTIFIED,
            action=TierRecord.Action.RECOMMEND,
            tier=str(params.get("tier") or Tier.PROVINCIAL),
            on__range=(start, on),
        )
        if uid is not None:
            qs = qs.filter(unit_id=uid)
        return qs.values("enterprise_id").distinct().count()
    if metric == Metric.LISTING_RECOMMENDED:
        return _listing(uid, start, on)
    if metric == Metric.POOL_SIZE:
        counts = pool_counts(unit=uid, on=on)
        pools = params.get("pools") or [p.value for p in POOLS]
        return sum(counts.get(p, 0) for p in pools)
    if metric == Metric.TECHNICIANS:
        return _talent(uid, start, on, (TalentKind.TECHNICIAN, TalentKind.SENIOR_TECHNICIAN))
    if metric == Metric.CHIEF_TECHNICIANS:
        return _talent(uid, start, on, (TalentKind.CHIEF_TECHNICIAN,))
    if metric == Metric.MASTER_STUDIOS:
        studios = MasterStudio.objects.filter(established_on__range=(start, on))
        if uid is not None:
            studios = studios.filter(unit_id=uid)
        return studios.count()
    raise ValueError(f"unknown metric {metric}")


@dataclass
class Progress:
    """A target's progress on a day against the straight line from the period's start."""

    item: TargetItem
    target: int
    value: int
    baseline: int
    expected: int
    on: date
    unit_id: int | None = None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.value / self.target)) if self.target else 0

    @property
    def expected_percent(self) -> int:
        return min(100, round(100 * self.expected / self.target)) if self.target else 0

    @property
    def on_track(self) -> bool:
        return self.value >= self.expected

    @property
    def gap(self) -> int:
        return max(0, self.expected - self.value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item.pk,
            "metric": self.item.metric,
            "label": self.item.label,
            "target": self.target,
            "value": self.value,
            "baseline": self.baseline,
            "expected": self.expected,
            "percent": self.percent,
            "expected_percent": self.expected_percent,
            "on_track": self.on_track,
            "on": self.on.isoformat(),
        }


def _elapsed(target_set: TargetSet, on: date) -> Decimal:
    start, end = target_set.period_start, target_set.period_end
    if on < start:
        return Decimal(0)
    if on >= end:
        return Decimal(1)
    return Decimal((on - start).days + 1) / Decimal((end - start).days + 1)


def target_progress(*, item: TargetItem, on: date, unit: Any = None) -> Progress:
    """Progress of one target for the city or (with `unit`) for that unit's share.

    Flow metrics start from zero; stock metrics from their value the day before the period
    starts. The straight-line value on `on` is baseline + (target − baseline) × elapsed share
    of the period (days, both ends included); after the period the day counted is its end."""
    tset = item.target_set
    day = min(on, tset.period_end)
    uid = _unit_id(unit)
    if uid is None:
        target = item.target
    else:
        share = next((s for s in item.shares.all() if s.unit_id == uid), None)
        target = share.target if share is not None else 0
    value = metric_value(
        metric=item.metric, params=item.params, unit=uid, start=tset.period_start, on=day
    )
    baseline = 0
    if item.metric in STOCK_METRICS:
        baseline = metric_value(
            metric=item.metric,
            params=item.params,
            unit=uid,
            start=tset.period_start,
            on=tset.period_start - timedelta(days=1),
        )
    elapsed = _elapsed(tset, day)
    expected = baseline + int(
        (Decimal(max(0, target - baseline)) * elapsed).to_integral_value(rounding="ROUND_HALF_UP")
    )
    return Progress(item, target, value, baseline, min(expected, max(target, baseline)), on, uid)


def target_sets(*, on: date | None = None) -> QuerySet[TargetSet]:
    """Target sets, those whose period includes `on` first when a day is given."""
    qs = TargetSet.objects.prefetch_related("items__shares__unit")
    if on is not None:
        qs = qs.filter(period_start__lte=on, period_end__gte=on)
    return qs


def target_set_get(*, pk: int) -> TargetSet:
    found = TargetSet.objects.prefetch_related("items__shares__unit").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def target_shares(*, unit: Any, on: date) -> list[dict[str, Any]]:
    """The unit's shares of the targets in force on `on`: one dict per target with the set's
    period, what is counted, the city target and the unit's share (0 when none was set)."""
    uid = _unit_id(unit)
    out = []
    for tset in target_sets(on=on):
        for item in tset.items.all():
            share = next((s.target for s in item.shares.all() if s.unit_id == uid), 0)
            out.append(
                {
                    "target_set": tset.pk,
                    "title": tset.title,
                    "period_start": tset.period_start,
                    "period_end": tset.period_end,
                    "item": item.pk,
                    "metric": item.metric,
                    "params": dict(item.params),
                    "label": item.label,
                    "city_target": item.target,
                    "share": share,
                }
            )
    return out


def unit_shares_of(item: TargetItem) -> dict[int, int]:
    return {s.unit_id: s.target for s in item.shares.all()}


# ------------------------------------------------------------------ scoped lists


def _officer_or_city(user: User) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in (
        Role.CITY_OFFICER,
        Role.UNIT_OFFICER,
    )


def tier_history(*, enterprise_id: int) -> QuerySet[TierRecord]:
    """An enterprise's tier history, oldest first (the caller has scoped the enterprise)."""
    return (
        TierRecord.objects.filter(enterprise_id=enterprise_id)
        .select_related("decided_by", "unit")
        .order_by("on", "id")
    )


def pool_members_for(
    *, user: User, on: date, pool: str | None = None
) -> list[tuple[Any, TierState]]:
    """(enterprise, state) of the pooled enterprises the user may see, by pool then name."""
    from zjtx.enterprises.models import Enterprise

    states = {k: s for k, s in tier_states(on=on).items() if s.pool != Pool.NONE}
    if pool:
        states = {k: s for k, s in states.items() if s.pool == pool}
    firms = scope_enterprise_qs(Enterprise.objects.filter(pk__in=list(states)), user)
    rows = [(e, states[e.pk]) for e in firms.select_related("unit")]
    rows.sort(key=lambda r: (POOL_ORDER.index(Pool(r[1].pool)), r[0].name))
    return rows


def pool_change_list_for(*, user: User, status: str | None = None) -> QuerySet[PoolChange]:
    if not _officer_or_city(user):
        return PoolChange.objects.none()
    qs = scope_unit_qs(PoolChange.objects.all(), user)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("enterprise", "unit", "proposed_by", "decided_by")


def pool_change_get(*, user: User, pk: int) -> PoolChange:
    found = pool_change_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def open_change_of(enterprise_id: int) -> PoolChange | None:
    return PoolChange.objects.filter(
        enterprise_id=enterprise_id,
        status__in=(PoolChange.Status.PROPOSED, PoolChange.Status.RETURNED),
    ).first()


def candidate_run_list_for(*, user: User) -> QuerySet[CandidateRun]:
    if not _officer_or_city(user):
        return CandidateRun.objects.none()
    qs = CandidateRun.objects.select_related("started_by", "scope_unit")
    if user.role == Role.UNIT_OFFICER:
        qs = qs.filter(scope_unit_id=user.unit_id)
    return qs


def candidate_run_get(*, user: User, pk: int) -> CandidateRun:
    found = candidate_run_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def candidate_hits(
    *, run: CandidateRun, user: User, tier: str | None = None
) -> QuerySet[CandidateHit]:
    qs = scope_unit_qs(CandidateHit.objects.filter(run=run), user)
    if tier:
        qs = qs.filter(tier=tier)
    return qs.select_related("enterprise", "unit").order_by(
        "tier", "gap_count", "closeness", "enterprise__name"
    )


def talent_list_for(*, user: User, kind: str | None = None) -> QuerySet[TalentRecord]:
    if not getattr(user, "is_authenticated", False):
        return TalentRecord.objects.none()
    if user.role == Role.ENTERPRISE:
        qs = TalentRecord.objects.filter(enterprise_id=user.enterprise_id or 0)
    else:
        qs = scope_unit_qs(TalentRecord.objects.all(), user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("enterprise", "unit")


def talent_get(*, user: User, pk: int) -> TalentRecord:
    found = talent_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def studio_list_for(*, user: User) -> QuerySet[MasterStudio]:
    if not getattr(user, "is_authenticated", False):
        return MasterStudio.objects.none()
    if user.role == Role.ENTERPRISE:
        qs = MasterStudio.objects.filter(enterprise_id=user.enterprise_id or 0)
    else:
        qs = scope_unit_qs(MasterStudio.objects.all(), user)
    return qs.select_related("enterprise", "unit")


def talent_counts(*, unit: Any = None, start: date, end: date) -> dict[str, int]:
    """技师/高级技师 (distinct persons), 首席技师 and 技能大师工作室 in a period."""
    uid = _unit_id(unit)
    studios = MasterStudio.objects.filter(established_on__range=(start, end))
    if uid is not None:
        studios = studios.filter(unit_id=uid)
    return {
        "technicians": _talent(
            uid, start, end, (TalentKind.TECHNICIAN, TalentKind.SENIOR_TECHNICIAN)
        ),
        "chief_technicians": _talent(uid, start, end, (TalentKind.CHIEF_TECHNICIAN,)),
        "master_studios": studios.count(),
    }
