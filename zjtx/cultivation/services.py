"""Writes: tier history, pool changes (propose, confirm/return through the engine, bulk moves
from a candidate run), certified tiers written by certification, targets and talent.

Every write is atomic and audited; a pool status moves only through `run` on POOL_CHANGE.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zjtx.accounts.models import Role
from zjtx.accounts.scoping import require_role
from zjtx.core.audit import audit_record
from zjtx.core.crypto import blind_index, mask_id_number, normalise
from zjtx.core.errors import ErrorCode, NotFound
from zjtx.core.workflow import run as workflow_run

from .errors import CultivationConflict, CultivationError, CultivationErrorCode
from .models import (
    CandidateRun,
    Mark,
    MasterStudio,
    Metric,
    Pool,
    PoolChange,
    StudioLevel,
    TalentKind,
    TalentRecord,
    TargetItem,
    TargetSet,
    TargetShare,
    Tier,
    TierRecord,
)
from .selectors import open_change_of, tier_state_of
from .workflow import POOL_CHANGE

if TYPE_CHECKING:
    from zjtx.accounts.models import User


OFFICERS = (Role.CITY_OFFICER, Role.UNIT_OFFICER)
MAX_REASON = 500
CERTIFICATE_YEARS = 3


def _user(actor: User | None) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _may_act_for(actor: User, enterprise: Any) -> bool:
    role = getattr(actor, "role", "")
    if role == Role.CITY_OFFICER:
        return True
    if role == Role.UNIT_OFFICER:
        return bool(actor.unit_id and actor.unit_id == enterprise.unit_id)
    if role == Role.ENTERPRISE:
        return bool(actor.enterprise_id == enterprise.pk)
    return False


def _reason(text: str, field_name: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("A written reason is required."),
            {field_name: _("Required")},
        )
    if len(text) > MAX_REASON:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("The reason is longer than %(n)s characters.") % {"n": MAX_REASON},
            {field_name: _("Too long")},
        )
    return text


# ------------------------------------------------------------------ tier history


def tier_write(
    *,
    enterprise: Any,
    track: str,
    tier: str,
    action: str,
    on: date,
    reason: str,
    actor: User | None,
    source: str,
    source_ref: str = "",
    valid_until: date | None = None,
    unit_id: int | None = None,
) -> TierRecord:
    """Append one record to an enterprise's tier history (callers have checked the input)."""
    record = TierRecord.objects.create(
        enterprise=enterprise,
        unit_id=unit_id if unit_id is not None else enterprise.unit_id,
        track=track,
        tier=tier,
        action=action,
        on=on,
        valid_until=valid_until,
        reason=reason[:MAX_REASON],
        decided_by=_user(actor),
        source=source,
        source_ref=source_ref,
    )
    audit_record(
        actor=actor,
        action="cultivation.tier_record",
        obj=record,
        after={
            "enterprise": enterprise.pk,
            "track": track,
            "tier": tier,
            "action": action,
            "on": on,
            "valid_until": valid_until,
            "reason": reason,
            "source": source,
            "source_ref": source_ref,
        },
    )
    if track == TierRecord.Track.CERTIFIED:
        # The portal's certified lists are cached whole; drop them once this is committed.
        from zjtx.portal.cache import pages_changed

        transaction.on_commit(pages_changed)
    return record


VALID_TIERS: dict[str, frozenset[str]] = {
    TierRecord.Track.CERTIFIED: frozenset(Tier.values),
    TierRecord.Track.MARK: frozenset(Mark.values),
}
VALID_ACTIONS: dict[str, frozenset[str]] = {
    TierRecord.Track.CERTIFIED: frozenset(
        {
            TierRecord.Action.GRANT,
            TierRecord.Action.REVOKE,
            TierRecord.Action.EXPIRE,
            TierRecord.Action.RECOMMEND,
        }
    ),
    TierRecord.Track.MARK: frozenset({TierRecord.Action.GRANT, TierRecord.Action.REVOKE}),
}


@transaction.atomic
def tier_record_by_city(
    *,
    enterprise: Any,
    track: str,
    tier: str,
    action: str,
    on: date,
    reason: str,
    actor: User,
    valid_until: date | None = None,
) -> TierRecord:
    """The city records a tier decided elsewhere (省专精特新, 小巨人, 单项冠军 by the province or
    the ministry; 配套专家 and 安徽工业精品 marks; a recommendation to the province). Pools move
    only through pool changes; the municipal tier is written by certification."""
    require_role(actor, Role.CITY_OFFICER, message=_("Only the city officer records tiers."))
    fields: dict[str, str] = {}
    if track not in VALID_TIERS:
        fields["track"] = _("Choose a certified tier or a mark.")
    elif tier not in VALID_TIERS[track]:
        fields["tier"] = _("Choose one of the listed tiers.")
    elif action not in VALID_ACTIONS[track]:
        fields["action"] = _("Choose one of the listed actions.")
    if on > timezone.localdate():
        fields["on"] = _("The date cannot be in the future.")
    if valid_until is not None and valid_until < on:
        fields["valid_until"] = _("The end of validity is before the date.")
    if fields:
        raise CultivationError(
            CultivationErrorCode.INVALID_TIER, _("The tier record has invalid fields."), fields
        )
    return tier_write(
        enterprise=enterprise,
        track=track,
        tier=tier,
        action=action,
        on=on,
        reason=_reason(reason),
        actor=actor,
        source=TierRecord.Source.RECORDED,
        valid_until=valid_until,
    )


def record_certified_tier(
    *, application: Any, action: str, actor: User | None
) -> TierRecord | None:
    """Certification writes the municipal tier: certified → granted (valid as the certificate),
    revoked → revoked. Called by certification's application_transition; other steps pass."""
    if action not in ("certify", "revoke"):
        return None
    on = getattr(application, "certified_on", None) or timezone.localdate()
    if action == "certify":
        return tier_write(
            enterprise=application.enterprise,
            track=TierRecord.Track.CERTIFIED,
            tier=Tier.MUNICIPAL,
            action=TierRecord.Action.GRANT,
            on=on,
            valid_until=getattr(application, "valid_until", None)
            or _years_after(on, CERTIFICATE_YEARS),
            reason=_("Certified in the %(year)s municipal SRDI round")
            % {"year": application.round.year},
            actor=actor,
            source=TierRecord.Source.CERTIFICATION,
            source_ref=f"application:{application.pk}",
            unit_id=application.unit_id,
        )
    return tier_write(
        enterprise=application.enterprise,
        track=TierRecord.Track.CERTIFIED,
        tier=Tier.MUNICIPAL,
        action=TierRecord.Action.REVOKE,
        on=getattr(application, "revoked_on", None) or timezone.localdate(),
        reason=_("Municipal SRDI certification revoked (%(reason)s)")
        % {"reason": getattr(application, "revocation_reason", "") or "—"},
        actor=actor,
        source=TierRecord.Source.CERTIFICATION,
        source_ref=f"application:{application.pk}",
        unit_id=application.unit_id,
    )


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28) - timedelta(days=1)


@transaction.atomic
def tiers_backfill_from_certification(*, actor: User | None = None) -> int:
    """Write the municipal tier of every certified or revoked application that has no record
    yet (data certified before this module existed). Returns how many records were written."""
    from zjtx.certification.models import Application

    done = set(
        TierRecord.objects.filter(source=TierRecord.Source.CERTIFICATION).values_list(
            "source_ref", flat=True
        )
    )
    written = 0
    apps = (
        Application.objects.filter(
            status__in=(Application.Status.CERTIFIED, Application.Status.REVOKED),
            certified_on__isnull=False,
        )
        .select_related("enterprise", "round")
        .order_by("certified_on", "id")
    )
    for app in apps:
        ref = f"application:{app.pk}"
        if ref in done:
            continue
        record_certified_tier(application=app, action="certify", actor=actor)
        written += 1
        if app.status == Application.Status.REVOKED:
            record_certified_tier(application=app, action="revoke", actor=actor)
            written += 1
    return written


# ------------------------------------------------------------------ pool changes


def _check_pool(to_pool: str, current: str) -> None:
    if to_pool not in Pool.values:
        raise CultivationError(
            CultivationErrorCode.INVALID_POOL,
            _("Choose the reserve, cultivation or upgrade pool, or leaving the pools."),
            {"to_pool": _("Not in the list")},
        )
    if to_pool == current:
        raise CultivationError(
            CultivationErrorCode.SAME_POOL,
            _("The enterprise is already there."),
            {"to_pool": _("Unchanged")},
        )


@transaction.atomic
def pool_change_propose(
    *,
    enterprise: Any,
    to_pool: str,
    reason: str,
    actor: User,
    candidate_run: CandidateRun | None = None,
    today: date | None = None,
) -> PoolChange:
    """A unit officer proposes an entry, move or exit for a firm of its unit, with a reason
    (梯次培育、动态管理, 芜湖实施意见 二(一)); the city's confirmation clock starts. A change the
    city proposes itself is confirmed at once (the city is the decider)."""
    require_role(actor, *OFFICERS, hide=True)
    if not _may_act_for(actor, enterprise):
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    today = today or timezone.localdate()
    reason = _reason(reason)
    current = tier_state_of(enterprise_id=enterprise.pk, on=today).pool
    _check_pool(to_pool, current)
    if open_change_of(enterprise.pk) is not None:
        raise CultivationConflict(
            CultivationErrorCode.CHANGE_PENDING,
            _("A pool change for this enterprise is already waiting."),
            {"enterprise": enterprise.credit_code},
        )
    change = PoolChange.objects.create(
        enterprise=enterprise,
        unit_id=enterprise.unit_id,
        from_pool=current,
        to_pool=to_pool,
        reason=reason,
        proposed_by=_user(actor),
        proposed_on=today,
        candidate_run=candidate_run,
    )
    from zjtx.core.workflow import clocks_after_move

    clocks_after_move(POOL_CHANGE, change, "", change.status, today)
    audit_record(
        actor=actor,
        action="cultivation.pool_change.propose",
        obj=change,
        after={
            "enterprise": enterprise.pk,
            "from_pool": current,
            "to_pool": to_pool,
            "reason": reason,
            "candidate_run": getattr(candidate_run, "pk", None),
        },
    )
    if actor.role == Role.CITY_OFFICER:
        change = pool_change_transition(change=change, action="confirm", actor=actor, today=today)
    else:
        from .workflow import notify_next

        notify_next_step = _ProposedStep(change)
        transaction.on_commit(lambda: notify_next(notify_next_step))  # type: ignore[arg-type]
    return change


@dataclass
class _ProposedStep:
    """What notify_next reads of a step, for a proposal (created, not moved)."""

    obj: PoolChange
    reason: str = ""


def pool_change_transition(
    *,
    change: PoolChange,
    action: str,
    actor: User,
    reason: str = "",
    new_reason: str = "",
    today: date | None = None,
) -> PoolChange:
    """Confirm or return (city), resubmit or withdraw (unit), through the one engine."""
    result: PoolChange = workflow_run(
        POOL_CHANGE,
        change,
        action,
        actor=actor,
        reason=reason,
        data={"new_reason": new_reason},
        today=today,
    )
    return result


@dataclass
class BulkReport:
    changes: list[PoolChange] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # enterprise name -> why


def pool_changes_from_run(
    *,
    run: CandidateRun,
    hit_ids: Sequence[int],
    to_pool: str,
    reason: str,
    actor: User,
) -> BulkReport:
    """Move the chosen candidates of a run into a pool in one step: a proposal per firm (the
    city's are confirmed at once). Firms already there or with a change waiting are skipped
    and named; the rest are written together."""
    from .selectors import candidate_hits

    require_role(actor, *OFFICERS, hide=True)
    reason = _reason(reason)
    if to_pool not in Pool.values or to_pool == Pool.NONE:
        raise CultivationError(
            CultivationErrorCode.INVALID_POOL,
            _("Choose the reserve, cultivation or upgrade pool."),
            {"to_pool": _("Not in the list")},
        )
    hits = list(candidate_hits(run=run, user=actor).filter(pk__in=list(hit_ids)[:5000]))
    if not hits:
        raise CultivationError(
            CultivationErrorCode.NO_CANDIDATES,
            _("Choose at least one candidate."),
            {"hits": _("Required")},
        )
    report = BulkReport()
    seen: set[int] = set()
    with transaction.atomic():
        for hit in hits:
            if hit.enterprise_id in seen:
                continue
            seen.add(hit.enterprise_id)
            try:
                with transaction.atomic():
                    report.changes.append(
                        pool_change_propose(
                            enterprise=hit.enterprise,
                            to_pool=to_pool,
                            reason=reason,
                            actor=actor,
                            candidate_run=run,
                        )
                    )
            except (CultivationError, NotFound) as error:
                report.skipped[hit.enterprise.name] = error.message
        audit_record(
            actor=actor,
            action="cultivation.pool_change.bulk",
            obj=run,
            after={
                "to_pool": to_pool,
                "changes": [c.pk for c in report.changes],
                "skipped": len(report.skipped),
            },
        )
    return report


# ------------------------------------------------------------------ targets


@dataclass
class TargetItemIn:
    metric: str
    label: str
    target: int
    params: Mapping[str, Any] = field(default_factory=dict)
    shares: Mapping[str, int] = field(default_factory=dict)  # unit code -> share


def target_set_check(
    title: str, period_start: date, period_end: date, items: list[TargetItemIn]
) -> dict[str, Any]:
    """Refuse a target set with invalid fields (all of them named at once); the units by code."""
    from zjtx.reference.models import AssessmentUnit

    fields: dict[str, str] = {}
    if not (title or "").strip():
        fields["title"] = _("Required")
    elif len(title.strip()) > 200:
        fields["title"] = _("Too long")
    if period_end < period_start:
        fields["period_end"] = _("The period ends before it starts.")
    if not items:
        fields["items"] = _("Add at least one target.")
    units = {u.code: u for u in AssessmentUnit.objects.all()}
    for i, item in enumerate(items):
        if item.metric not in Metric.values:
            fields[f"items.{i}.metric"] = _("Not in the list")
        if item.target <= 0:
            fields[f"items.{i}.target"] = _("Must be a positive number.")
        if not (item.label or "").strip():
            fields[f"items.{i}.label"] = _("Required")
        tier = item.params.get("tier")
        if tier is not None and tier not in Tier.values:
            fields[f"items.{i}.params.tier"] = _("Not in the list")
        pools = item.params.get("pools")
        if pools is not None and (
            not isinstance(pools, list) or not pools or any(p not in POOL_VALUES for p in pools)
        ):
            fields[f"items.{i}.params.pools"] = _("Not in the list")
        if "min_revenue_yuan" in item.params:
            try:
                line = Decimal(str(item.params["min_revenue_yuan"]))
            except InvalidOperation:
                fields[f"items.{i}.params.min_revenue_yuan"] = _("Not a number")
            else:
                if not line.is_finite() or line <= 0:
                    fields[f"items.{i}.params.min_revenue_yuan"] = _("Must be a positive number.")
        for code, share in item.shares.items():
            if code not in units:
                fields[f"items.{i}.shares.{code}"] = _("Unknown unit")
            elif share < 0:
                fields[f"items.{i}.shares.{code}"] = _("Must not be negative.")
    if fields:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT, _("The targets have invalid fields."), fields
        )
    return units


POOL_VALUES = frozenset({Pool.RESERVE, Pool.CULTIVATE, Pool.UPGRADE})


def _write_items(tset: TargetSet, items: list[TargetItemIn], units: Mapping[str, Any]) -> None:
    for n, item in enumerate(items):
        row = TargetItem.objects.create(
            target_set=tset,
            metric=item.metric,
            params=dict(item.params),
            label=item.label.strip()[:200],
            target=item.target,
            sort_order=n,
        )
        TargetShare.objects.bulk_create(
            TargetShare(item=row, unit=units[code], target=share)
            for code, share in item.shares.items()
        )


def target_set_snapshot(tset: TargetSet) -> dict[str, Any]:
    """What an audit event keeps of a target set (before and after an edit)."""
    return {
        "title": tset.title,
        "basis": tset.basis,
        "period": [tset.period_start, tset.period_end],
        "items": [
            {
                "metric": i.metric,
                "label": i.label,
                "target": i.target,
                "params": i.params,
                "shares": {s.unit.code: s.target for s in i.shares.all()},
            }
            for i in tset.items.all()
        ],
    }


@transaction.atomic
def target_set_create(
    *,
    actor: User,
    title: str,
    period_start: date,
    period_end: date,
    items: Iterable[TargetItemIn],
    basis: str = "",
    note: str = "",
) -> TargetSet:
    """The city sets dated targets (芜湖实施意见 一(三) 主要目标, 二(八)) with unit shares."""
    require_role(actor, Role.CITY_OFFICER, message=_("Only the city officer sets targets."))
    items = list(items)
    units = target_set_check(title, period_start, period_end, items)
    tset = TargetSet.objects.create(
        title=title.strip()[:200],
        basis=(basis or "").strip()[:200],
        period_start=period_start,
        period_end=period_end,
        note=(note or "")[:2000],
        created_by=_user(actor),
    )
    _write_items(tset, items, units)
    audit_record(
        actor=actor,
        action="cultivation.target_set.create",
        obj=tset,
        after={
            "period": [period_start, period_end],
            "items": [{"metric": i.metric, "target": i.target} for i in items],
        },
    )
    return tset


@transaction.atomic
def target_set_update(
    *,
    actor: User,
    target_set: TargetSet,
    title: str,
    period_start: date,
    period_end: date,
    items: Iterable[TargetItemIn],
    reason: str,
    basis: str = "",
    note: str = "",
) -> TargetSet:
    """The city revises a target set (a new document, a corrected share): the items and shares
    are replaced as a whole, with a written reason and the before/after in the audit trail."""
    require_role(actor, Role.CITY_OFFICER, message=_("Only the city officer sets targets."))
    why = _reason(reason)
    items = list(items)
    units = target_set_check(title, period_start, period_end, items)
    tset = TargetSet.objects.select_for_update().get(pk=target_set.pk)
    before = target_set_snapshot(tset)
    tset.title = title.strip()[:200]
    tset.basis = (basis or "").strip()[:200]
    tset.period_start = period_start
    tset.period_end = period_end
    tset.note = (note or "")[:2000]
    tset.save(update_fields=["title", "basis", "period_start", "period_end", "note"])
    tset.items.all().delete()
    _write_items(tset, items, units)
    tset = TargetSet.objects.prefetch_related("items__shares__unit").get(pk=tset.pk)
    audit_record(
        actor=actor,
        action="cultivation.target_set.update",
        obj=tset,
        before=before,
        after={**target_set_snapshot(tset), "reason": why},
    )
    return tset


# ------------------------------------------------------------------ talent

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """GB 11643-1999: 17 digits and a check character (0-9 or X)."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def _id_number(raw: str) -> str:
    value = normalise(raw or "", "id_number")
    if not id_number_valid(value):
        raise CultivationError(
            CultivationErrorCode.INVALID_ID_NUMBER,
            _("The ID number is not a valid 18-character resident ID number."),
            {"id_number": _("Check the digits and the last character.")},
        )
    return value


def _talent_scope(actor: User, enterprise: Any, unit: Any) -> Any:
    """The unit the record belongs to; an enterprise enters for itself, a unit for its own."""
    role = getattr(actor, "role", "")
    require_role(actor, Role.CITY_OFFICER, Role.UNIT_OFFICER, Role.ENTERPRISE, hide=True)
    if enterprise is not None:
        if not _may_act_for(actor, enterprise):
            raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
        return enterprise.unit
    if role == Role.ENTERPRISE:
        raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
    if role == Role.UNIT_OFFICER:
        if unit is not None and unit.pk != actor.unit_id:
            raise NotFound(ErrorCode.NOT_FOUND, _("Not found."))
        return actor.unit
    if unit is None:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT,
            _("Name the enterprise or the unit."),
            {"enterprise": _("Required")},
        )
    return unit


@transaction.atomic
def talent_add(
    *,
    actor: User,
    kind: str,
    person_name: str,
    id_number: str,
    awarded_on: date,
    certificate_number: str = "",
    enterprise: Any = None,
    unit: Any = None,
) -> TalentRecord:
    """Record a 技师/高级技师 trained or a 首席技师 selected (芜湖实施意见 二(八)); one record per
    person and kind, checked by the ID number's blind index (the number is stored encrypted)."""
    unit = _talent_scope(actor, enterprise, unit)
    fields: dict[str, str] = {}
    if kind not in TalentKind.values:
        fields["kind"] = _("Not in the list")
    name = (person_name or "").strip()
    if not name or len(name) > 50:
        fields["person_name"] = _("Give the person's name (at most 50 characters).")
    certificate = (certificate_number or "").strip()
    if len(certificate) > 50:
        fields["certificate_number"] = _("Too long")
    if kind in (TalentKind.TECHNICIAN, TalentKind.SENIOR_TECHNICIAN) and not certificate:
        fields["certificate_number"] = _("Required")
    if awarded_on > timezone.localdate():
        fields["awarded_on"] = _("The date cannot be in the future.")
    if fields:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT, _("The record has invalid fields."), fields
        )
    value = _id_number(id_number)
    index = blind_index(value, "id_number")
    existing = TalentRecord.objects.filter(kind=kind, id_index=index).first()
    if existing is not None:
        raise CultivationConflict(
            CultivationErrorCode.DUPLICATE_PERSON,
            _("This person is already recorded as %(kind)s (%(date)s).")
            % {"kind": existing.get_kind_display(), "date": existing.awarded_on.isoformat()},
            {"id_number": mask_id_number(value)},
        )
    try:
        with transaction.atomic():
            record = TalentRecord.objects.create(
                kind=kind,
                person_name=name,
                id_number=value,
                id_masked=mask_id_number(value),
                certificate_number=certificate,
                awarded_on=awarded_on,
                enterprise=enterprise,
                unit=unit,
                entered_by=_user(actor),
            )
    except IntegrityError as exc:  # a concurrent entry of the same person
        raise CultivationConflict(
            CultivationErrorCode.DUPLICATE_PERSON,
            _("This person is already recorded."),
            {"id_number": mask_id_number(value)},
        ) from exc
    audit_record(
        actor=actor,
        action="cultivation.talent.add",
        obj=record,
        object_repr=f"{record.get_kind_display()} {record.id_masked}",
        after={
            "kind": kind,
            "id_masked": record.id_masked,
            "certificate_number": certificate,
            "awarded_on": awarded_on,
            "enterprise": getattr(enterprise, "pk", None),
            "unit": unit.pk,
        },
    )
    return record


@transaction.atomic
def studio_add(
    *,
    actor: User,
    enterprise: Any,
    name: str,
    master_name: str,
    level: str,
    established_on: date,
) -> MasterStudio:
    """Record a 技能大师工作室 built at an enterprise (芜湖实施意见 二(八))."""
    unit = _talent_scope(actor, enterprise, None)
    fields: dict[str, str] = {}
    if not (name or "").strip() or len(name.strip()) > 200:
        fields["name"] = _("Required")
    if not (master_name or "").strip() or len(master_name.strip()) > 50:
        fields["master_name"] = _("Required")
    if level not in StudioLevel.values:
        fields["level"] = _("Not in the list")
    if established_on > timezone.localdate():
        fields["established_on"] = _("The date cannot be in the future.")
    if fields:
        raise CultivationError(
            CultivationErrorCode.INVALID_INPUT, _("The studio has invalid fields."), fields
        )
    if MasterStudio.objects.filter(enterprise=enterprise, name=name.strip()).exists():
        raise CultivationConflict(
            CultivationErrorCode.DUPLICATE_STUDIO,
            _("This enterprise already has a studio of that name."),
            {"name": _("Duplicate")},
        )
    studio = MasterStudio.objects.create(
        name=name.strip(),
        master_name=master_name.strip(),
        level=level,
        enterprise=enterprise,
        unit=unit,
        established_on=established_on,
        entered_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="cultivation.studio.add",
        obj=studio,
        after={"enterprise": enterprise.pk, "level": level, "established_on": established_on},
    )
    return studio
