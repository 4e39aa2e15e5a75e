"""Candidate runs: gaps at the criteria's edges, tiers held, scope and the bulk move."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from zjtx.cultivation.candidates import candidate_run
from zjtx.cultivation.models import CandidateHit, Pool, Tier, TierRecord
from zjtx.cultivation.services import pool_changes_from_run, tier_write

pytestmark = pytest.mark.django_db


def _innovative(firm, city):
    tier_write(
        enterprise=firm,
        track="certified",
        tier=Tier.INNOVATIVE,
        action="grant",
        on=date(2025, 1, 10),
        reason="创新型中小企业公告",
        actor=city,
        source="recorded",
    )


def _hits(run, tier=Tier.PROVINCIAL):
    return {h.enterprise_id: h for h in CandidateHit.objects.filter(run=run, tier=tier)}


def test_rd_ratio_just_below_the_line_is_a_gap_at_and_above_it_is_not(policies, people, make_firm):
    city = people["city"]
    below = make_firm(name="芜湖低一点科技有限公司", rd_ratio="2.99")
    at = make_firm(name="芜湖正好科技有限公司", rd_ratio="3")
    above = make_firm(name="芜湖高一点科技有限公司", rd_ratio="3.01")
    for firm in (below, at, above):
        _innovative(firm, city)
    run = candidate_run(actor=city, tiers=[Tier.PROVINCIAL], max_gaps=2)
    hits = _hits(run)
    assert hits[below.pk].gap_count == 1
    text = hits[below.pk].gaps[0]["text"]
    assert "2.99 %" in text and "0.01" in text and "3 %" in text
    assert hits[at.pk].gap_count == 0
    assert hits[above.pk].gap_count == 0
    # no fact ids in what people read
    for hit in hits.values():
        for line in [g["text"] for g in hit.gaps] + hit.to_verify:
            assert "_yuan" not in line and "_pct" not in line
    # what the registry cannot know is listed to verify, not counted
    assert any("发展评价得分" in v for v in hits[at.pk].to_verify)


def test_missing_prerequisite_tier_is_a_gap_and_held_tier_is_left_out(policies, people, make_firm):
    city = people["city"]
    without = make_firm(name="芜湖未评价科技有限公司")
    holder = make_firm(name="芜湖已认定科技有限公司")
    _innovative(holder, city)
    tier_write(
        enterprise=holder,
        track="certified",
        tier=Tier.PROVINCIAL,
        action="grant",
        on=date(2025, 3, 1),
        reason="省级专精特新",
        actor=city,
        source="recorded",
    )
    run = candidate_run(actor=city, tiers=[Tier.PROVINCIAL, Tier.INNOVATIVE], max_gaps=2)
    hits = _hits(run)
    assert holder.pk not in hits
    assert hits[without.pk].gap_count == 1
    assert "创新型中小企业" in hits[without.pk].gaps[0]["text"]
    assert holder.pk not in _hits(run, Tier.INNOVATIVE)


def test_too_many_gaps_is_not_a_candidate(policies, people, make_firm):
    city = people["city"]
    far = make_firm(name="芜湖差很多科技有限公司", rd_ratio="1", revenue="10000000", ip=0)
    run = candidate_run(actor=city, tiers=[Tier.PROVINCIAL], max_gaps=2)
    assert far.pk not in _hits(run)
    run = candidate_run(actor=city, tiers=[Tier.PROVINCIAL], max_gaps=5)
    assert _hits(run)[far.pk].gap_count > 2


def test_unit_run_sees_only_its_firms(policies, people, make_firm, units):
    mine = make_firm(name="芜湖镜湖候选有限公司")
    theirs = make_firm(name="无为候选有限公司", unit=units["无为市"])
    run = candidate_run(actor=people["unit"], tiers=[Tier.PROVINCIAL], max_gaps=3)
    hits = _hits(run)
    assert mine.pk in hits and theirs.pk not in hits
    assert run.scope_unit_id == units["镜湖区"].pk


def test_city_moves_candidates_into_a_pool_in_one_step(policies, people, make_firm):
    city = people["city"]
    firms = [make_firm(name=f"芜湖入库{n}科技有限公司") for n in range(3)]
    run = candidate_run(actor=city, tiers=[Tier.PROVINCIAL], max_gaps=3)
    hit_ids = [h.pk for h in CandidateHit.objects.filter(run=run, enterprise__in=firms)]
    report = pool_changes_from_run(
        run=run, hit_ids=hit_ids, to_pool=Pool.CULTIVATE, reason="候选筛查：差距小", actor=city
    )
    assert len(report.changes) == 3 and not report.skipped
    assert all(c.status == "confirmed" for c in report.changes)
    records = TierRecord.objects.filter(enterprise__in=firms, track="pool")
    assert {r.tier for r in records} == {Pool.CULTIVATE}
    assert all(r.on == timezone.localdate() and r.decided_by == city for r in records)
    # moving them again is skipped with a reason, nothing half-written
    again = pool_changes_from_run(
        run=run, hit_ids=hit_ids, to_pool=Pool.CULTIVATE, reason="再次", actor=city
    )
    assert not again.changes and len(again.skipped) == 3


def test_unit_bulk_move_makes_proposals_for_the_city(policies, people, make_firm):
    firm = make_firm(name="芜湖待确认科技有限公司")
    run = candidate_run(actor=people["unit"], tiers=[Tier.PROVINCIAL], max_gaps=3)
    hit = CandidateHit.objects.get(run=run, enterprise=firm)
    report = pool_changes_from_run(
        run=run, hit_ids=[hit.pk], to_pool=Pool.RESERVE, reason="拟纳入储备库", actor=people["unit"]
    )
    assert [c.status for c in report.changes] == ["proposed"]
    assert not TierRecord.objects.filter(enterprise=firm, track="pool").exists()
