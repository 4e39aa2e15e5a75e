"""Tier history, pool changes on the workflow engine, certification's tiers, talent, targets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from zjtx.core.models import AuditEvent, WorkflowClock
from zjtx.core.workflow import WorkflowError, check
from zjtx.cultivation import selectors, services
from zjtx.cultivation.errors import CultivationError
from zjtx.cultivation.models import (
    Metric,
    Pool,
    PoolChange,
    TalentRecord,
    Tier,
    TierRecord,
)
from zjtx.cultivation.workflow import POOL_CHANGE

pytestmark = pytest.mark.django_db

ID_A = "11010519491231002X"
ID_B = "110105194912310029"  # wrong check character


def test_workflow_table_city_confirms_unit_proposes():
    assert check(POOL_CHANGE, state="proposed", action="confirm", role="city_officer")
    with pytest.raises(WorkflowError) as err:
        check(POOL_CHANGE, state="proposed", action="confirm", role="unit_officer")
    assert err.value.code == "role_not_allowed"
    with pytest.raises(WorkflowError) as err:
        check(POOL_CHANGE, state="proposed", action="return", role="city_officer")
    assert err.value.code == "reason_required"
    with pytest.raises(WorkflowError) as err:
        check(POOL_CHANGE, state="confirmed", action="confirm", role="city_officer")
    assert err.value.code == "transition_not_allowed"


def test_unit_proposal_waits_with_a_clock_then_city_confirms_and_history_records_it(people):
    firm, unit, city = people["firm"], people["unit"], people["city"]
    change = services.pool_change_propose(
        enterprise=firm, to_pool=Pool.RESERVE, reason="研发投入持续增长", actor=unit
    )
    assert change.status == PoolChange.Status.PROPOSED
    clock = WorkflowClock.objects.get(workflow=POOL_CHANGE.name, object_id=str(change.pk))
    assert clock.state == "running" and clock.unit_id == firm.unit_id
    assert not TierRecord.objects.filter(enterprise=firm).exists()
    services.pool_change_transition(change=change, action="confirm", actor=city)
    record = TierRecord.objects.get(enterprise=firm)
    assert (record.track, record.tier, record.action) == ("pool", "reserve", "enter")
    assert record.reason == "研发投入持续增长" and record.decided_by == city
    assert selectors.tier_state_of(enterprise_id=firm.pk, on=timezone.localdate()).pool == "reserve"
    clock.refresh_from_db()
    assert clock.state == "met"
    assert AuditEvent.objects.filter(action="cultivation.pool_change.confirm").exists()


def test_return_needs_a_reason_and_resubmit_goes_back_to_the_city(people):
    change = services.pool_change_propose(
        enterprise=people["firm"], to_pool=Pool.CULTIVATE, reason="拟培育", actor=people["unit"]
    )
    with pytest.raises(WorkflowError) as err:
        services.pool_change_transition(change=change, action="return", actor=people["city"])
    assert err.value.code == "reason_required"
    services.pool_change_transition(
        change=change, action="return", actor=people["city"], reason="请补充研发数据"
    )
    change.refresh_from_db()
    assert change.status == "returned" and change.last_reason == "请补充研发数据"
    services.pool_change_transition(
        change=change, action="resubmit", actor=people["unit"], reason="已补充", new_reason="新理由"
    )
    change.refresh_from_db()
    assert change.status == "proposed" and change.reason == "新理由"


def test_unit_cannot_propose_for_another_units_firm_and_duplicates_wait(people):
    from zjtx.core.errors import NotFound

    with pytest.raises(NotFound):
        services.pool_change_propose(
            enterprise=people["other_firm"], to_pool="reserve", reason="x", actor=people["unit"]
        )
    services.pool_change_propose(
        enterprise=people["firm"], to_pool="reserve", reason="x", actor=people["unit"]
    )
    with pytest.raises(CultivationError) as err:
        services.pool_change_propose(
            enterprise=people["firm"], to_pool="upgrade", reason="y", actor=people["unit"]
        )
    assert err.value.code == "change_pending"


def test_confirm_refused_when_the_pool_moved_meanwhile(people):
    change = services.pool_change_propose(
        enterprise=people["firm"], to_pool="reserve", reason="x", actor=people["unit"]
    )
    services.tier_write(
        enterprise=people["firm"],
        track="pool",
        tier="cultivate",
        action="enter",
        on=timezone.localdate(),
        reason="直接调整",
        actor=people["city"],
        source="recorded",
    )
    with pytest.raises(WorkflowError) as err:
        services.pool_change_transition(change=change, action="confirm", actor=people["city"])
    assert err.value.code == "pool_moved"


def test_pool_counts_and_growth_per_unit_and_date(people, units):
    city = people["city"]
    for firm, day in ((people["firm"], date(2025, 3, 1)), (people["other_firm"], date(2026, 2, 1))):
        services.tier_write(
            enterprise=firm,
            track="pool",
            tier="reserve",
            action="enter",
            on=day,
            reason="入库",
            actor=city,
            source="recorded",
        )
    services.tier_write(
        enterprise=people["firm"],
        track="pool",
        tier="none",
        action="exit",
        on=date(2026, 5, 1),
        reason="出库",
        actor=city,
        source="recorded",
    )
    assert selectors.pool_counts(on=date(2025, 12, 31))["total"] == 1
    assert selectors.pool_counts(on=date(2026, 3, 1))["reserve"] == 2
    assert selectors.pool_counts(on=date(2026, 6, 1), unit=units["镜湖区"])["total"] == 0
    assert selectors.pool_counts_by_unit(on=date(2026, 3, 1)) == {
        units["镜湖区"].pk: {"reserve": 1, "cultivate": 0, "upgrade": 0, "total": 1},
        units["无为市"].pk: {"reserve": 1, "cultivate": 0, "upgrade": 0, "total": 1},
    }
    growth = selectors.pool_growth(year=2026)
    assert growth == {"start": 1, "end": 1, "growth": 0, "entries": 1, "exits": 1}


def test_certification_writes_and_revokes_the_municipal_tier(people):
    """Certification's application_transition calls record_certified_tier."""
    from types import SimpleNamespace

    firm = people["firm"]
    app = SimpleNamespace(
        pk=991,
        enterprise=firm,
        unit_id=firm.unit_id,
        round=SimpleNamespace(year=2026),
        certified_on=date(2026, 3, 2),
        valid_until=date(2029, 3, 1),
        revoked_on=None,
        revocation_reason="",
    )
    services.record_certified_tier(application=app, action="certify", actor=people["city"])
    assert selectors.certified_counts(on=date(2026, 3, 2)) == 1
    assert selectors.certified_counts(on=date(2026, 3, 1)) == 0
    assert selectors.certified_counts(on=date(2026, 3, 2), tier=Tier.PROVINCIAL) == 0
    assert selectors.certified_new_counts(start=date(2026, 1, 1), end=date(2026, 12, 31)) == 1
    assert selectors.certified_counts(on=date(2029, 3, 2)) == 0  # expired
    app.revoked_on = date(2026, 9, 1)
    app.revocation_reason = "fraud"
    services.record_certified_tier(application=app, action="revoke", actor=people["city"])
    assert selectors.certified_counts(on=date(2026, 9, 1)) == 0
    assert selectors.certified_counts(on=date(2026, 8, 31)) == 1
    assert services.record_certified_tier(application=app, action="renew", actor=None) is None


def test_talent_duplicates_by_id_number_and_encrypted_storage(people):
    from django.db import connection

    rec = services.talent_add(
        actor=people["ent"],
        kind="technician",
        person_name="张师傅",
        id_number=ID_A.lower(),
        certificate_number="JS2025001",
        awarded_on=date(2025, 6, 1),
        enterprise=people["firm"],
    )
    assert rec.id_masked == "1101**********002X"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM cultivation_talentrecord WHERE id=%s", [rec.pk])
        raw = cursor.fetchone()[0]
    assert ID_A not in raw and raw.startswith("SM4.")
    assert TalentRecord.objects.get(pk=rec.pk).id_number == ID_A
    with pytest.raises(CultivationError) as err:
        services.talent_add(
            actor=people["unit"],
            kind="technician",
            person_name="张师傅",
            id_number=ID_A,
            certificate_number="JS2025002",
            awarded_on=date(2025, 7, 1),
            enterprise=people["firm"],
        )
    assert err.value.code == "duplicate_person"
    with pytest.raises(CultivationError) as err:
        services.talent_add(
            actor=people["unit"],
            kind="technician",
            person_name="李",
            id_number=ID_B,
            certificate_number="X",
            awarded_on=date(2025, 7, 1),
            enterprise=people["firm"],
        )
    assert err.value.code == "invalid_id_number"
    # the same person may later become a senior technician, counted once in the 5-year target
    services.talent_add(
        actor=people["unit"],
        kind="senior_technician",
        person_name="张师傅",
        id_number=ID_A,
        certificate_number="GJ2026001",
        awarded_on=date(2026, 6, 1),
        enterprise=people["firm"],
    )
    counts = selectors.talent_counts(start=date(2025, 1, 1), end=date(2026, 12, 31))
    assert counts["technicians"] == 1


def _target(people, metric, target, start, end, shares=None, params=None):
    from zjtx.cultivation.services import TargetItemIn, target_set_create

    return target_set_create(
        actor=people["city"],
        title="测试目标",
        period_start=start,
        period_end=end,
        items=[TargetItemIn(metric, "标签", target, params or {}, shares or {})],
    ).items.get()


def test_target_progress_counts_within_the_dated_period_against_the_straight_line(people):
    city = people["city"]
    for firm, day in (
        (people["firm"], date(2025, 12, 31)),
        (people["other_firm"], date(2026, 3, 1)),
    ):
        services.tier_write(
            enterprise=firm,
            track="certified",
            tier="municipal",
            action="grant",
            on=day,
            valid_until=day + timedelta(days=1000),
            reason="认定",
            actor=city,
            source="recorded",
        )
    item = _target(
        people,
        Metric.CERTIFIED_NEW,
        50,
        date(2026, 1, 1),
        date(2026, 12, 31),
        shares={"340202": 10, "340281": 5},
    )
    mid = date(2026, 7, 2)  # day 183 of 365
    p = selectors.target_progress(item=item, on=mid)
    assert p.value == 1  # the 2025 certification is outside the period
    assert p.expected == 25 and not p.on_track
    unit = people["other_firm"].unit
    pu = selectors.target_progress(item=item, on=mid, unit=unit)
    assert (pu.target, pu.value, pu.expected) == (5, 1, 3)
    assert selectors.target_progress(item=item, on=date(2027, 6, 1)).expected == 50
    assert selectors.target_progress(item=item, on=date(2025, 6, 1)).expected == 0
    stock = _target(people, Metric.CERTIFIED_HELD, 3, date(2026, 1, 1), date(2026, 12, 31))
    ps = selectors.target_progress(item=stock, on=date(2026, 12, 31))
    assert (ps.baseline, ps.value, ps.expected) == (1, 2, 3)
    shares = selectors.target_shares(unit=unit, on=mid)
    assert [(s["share"], s["city_target"]) for s in shares if s["item"] == item.pk] == [(5, 50)]


def test_target_set_validation(people):
    from zjtx.cultivation.services import TargetItemIn, target_set_create

    with pytest.raises(CultivationError) as err:
        target_set_create(
            actor=people["city"],
            title="x",
            period_start=date(2026, 1, 1),
            period_end=date(2025, 1, 1),
            items=[TargetItemIn("nonsense", "x", 0, {}, {"NOPE": 1})],
        )
    assert {"period_end", "items.0.metric", "items.0.target", "items.0.shares.NOPE"} <= set(
        err.value.fields
    )


def test_a_recorded_certified_tier_clears_the_cached_public_pages(
    people, django_capture_on_commit_callbacks
):
    """The portal's certified lists show provincial and higher tiers from the tier history."""
    from zjtx.cultivation.services import tier_record_by_city
    from zjtx.portal.cache import pages_version

    before = pages_version()
    with django_capture_on_commit_callbacks(execute=True):
        tier_record_by_city(
            enterprise=people["firm"],
            track="certified",
            tier="provincial",
            action="grant",
            on=date(2026, 3, 1),
            reason="安徽省经信厅公告",
            actor=people["city"],
        )
    assert pages_version() == before + 1
