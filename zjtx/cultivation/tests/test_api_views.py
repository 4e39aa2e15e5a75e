"""API and pages: tiers, pool changes and transitions, candidate runs, targets, talent; scope
404s; the Chinese pages render; certification writes the tier history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zjtx.cultivation import services
from zjtx.cultivation.models import CandidateRun, Metric, PoolChange, Tier, TierRecord

pytestmark = pytest.mark.django_db
API = "/api/v1/cultivation"
ID_A = "11010519491231002X"


def _client(client, login, user):
    return login(user)


def test_tiers_api_scoped(client, login, people):
    services.tier_write(
        enterprise=people["firm"],
        track="pool",
        tier="reserve",
        action="enter",
        on=date(2026, 1, 5),
        reason="入库",
        actor=people["city"],
        source="recorded",
    )
    code = people["firm"].credit_code
    c = login(people["unit"])
    body = c.get(f"{API}/enterprises/{code}/tiers").json()
    assert body["pool"] == "reserve" and body["history"][0]["reason"] == "入库"
    assert c.get(f"{API}/enterprises/{people['other_firm'].credit_code}/tiers").status_code == 404
    c = login(people["ent"])
    assert c.get(f"{API}/enterprises/{code}/tiers").status_code == 200
    assert c.get(f"{API}/enterprises/{people['other_firm'].credit_code}/tiers").status_code == 404


def test_pool_change_api_propose_and_transition(client, login, people):
    c = login(people["unit"])
    r = c.post(
        f"{API}/pool-changes",
        {"credit_code": people["firm"].credit_code, "to_pool": "cultivate", "reason": "拟培育"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    change_id = r.json()["id"]
    assert r.json()["status"] == "proposed"
    # another unit's firm: 404; bad pool: 400 with the field
    r = c.post(
        f"{API}/pool-changes",
        {"credit_code": people["other_firm"].credit_code, "to_pool": "reserve", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = c.post(
        f"{API}/pool-changes",
        {"credit_code": people["firm"].credit_code, "to_pool": "vip", "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "to_pool" in str(r.json()["fields"])
    # the unit cannot confirm its own proposal; the other unit cannot see it
    r = c.post(
        f"{API}/pool-changes/{change_id}/transitions",
        {"action": "confirm"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "role_not_allowed"
    other = login(people["other_unit"])
    assert other.get(f"{API}/pool-changes/{change_id}").status_code == 404
    city = login(people["city"])
    r = city.post(
        f"{API}/pool-changes/{change_id}/transitions",
        {"action": "confirm"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = city.post(
        f"{API}/pool-changes/{change_id}/transitions",
        {"action": "confirm"},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"


def test_candidate_run_api_has_gaps_per_firm_and_unit_scope(
    client, login, policies, people, make_firm, units
):
    make_firm(name="芜湖接近科技有限公司", rd_ratio="2.6")
    make_firm(name="无为接近科技有限公司", unit=units["无为市"], rd_ratio="2.6")
    c = login(people["city"])
    r = c.post(
        f"{API}/candidate-runs",
        {"tiers": ["provincial"], "max_gaps": 2},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    run = r.json()
    assert run["status"] == "done" and run["job_url"]
    detail = c.get(f"{API}/candidate-runs/{run['id']}?tier=provincial").json()
    near = next(h for h in detail["hits"] if h["enterprise"] == "芜湖接近科技有限公司")
    texts = " ".join(g["text"] for g in near["gaps"])
    assert "2.6 %" in texts and "0.4 个百分点" in texts
    # a unit officer cannot open the city's run; its own run holds only its firms
    u = login(people["unit"])
    assert u.get(f"{API}/candidate-runs/{run['id']}").status_code == 404
    own = u.post(
        f"{API}/candidate-runs", {"tiers": ["provincial"]}, content_type="application/json"
    ).json()
    names = {h["enterprise"] for h in u.get(f"{API}/candidate-runs/{own['id']}").json()["hits"]}
    assert "芜湖接近科技有限公司" in names and "无为接近科技有限公司" not in names
    r = u.post(f"{API}/candidate-runs", {"tiers": ["emperor"]}, content_type="application/json")
    assert r.status_code == 400
    e = login(people["ent"])
    assert e.post(f"{API}/candidate-runs", {}, content_type="application/json").status_code in (
        403,
        404,
    )
    # bulk move through the API (the test client is one browser: log the city in again)
    c = login(people["city"])
    hit = next(h for h in detail["hits"] if h["enterprise"] == "芜湖接近科技有限公司")
    r = c.post(
        f"{API}/candidate-runs/{run['id']}/pool-changes",
        {"hits": [hit["id"]], "to_pool": "reserve", "reason": "筛查入库"},
        content_type="application/json",
    )
    assert r.status_code == 201 and len(r.json()["changes"]) == 1


def test_targets_api_unit_sees_its_share(client, login, people, units):
    today = timezone.localdate()
    services.target_set_create(
        actor=people["city"],
        title="年度目标",
        period_start=date(today.year, 1, 1),
        period_end=date(today.year, 12, 31),
        items=[
            services.TargetItemIn(
                Metric.CERTIFIED_NEW,
                "新认定市级专精特新",
                50,
                {"tier": "municipal"},
                {"340202": 8, "340281": 6},
            )
        ],
    )
    u = login(people["unit"])
    body = u.get(f"{API}/targets").json()
    assert body[0]["unit"] == "340202" and body[0]["items"][0]["target"] == 8
    assert u.get(f"{API}/targets?unit=340281").status_code == 404
    c = login(people["city"])
    assert c.get(f"{API}/targets").json()[0]["items"][0]["target"] == 50
    assert c.get(f"{API}/targets?unit=340281").json()[0]["items"][0]["target"] == 6
    assert login(people["ent"]).get(f"{API}/targets").status_code == 404


def test_talent_api_masked_and_scoped(client, login, people):
    e = login(people["ent"])
    r = e.post(
        f"{API}/talent",
        {
            "kind": "technician",
            "person_name": "王工",
            "id_number": ID_A,
            "certificate_number": "JS-1",
            "awarded_on": "2025-05-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["id_number"] == "1101**********002X"
    r = e.post(
        f"{API}/talent",
        {
            "kind": "technician",
            "person_name": "王工",
            "id_number": ID_A,
            "certificate_number": "JS-2",
            "awarded_on": "2025-05-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "duplicate_person"
    assert len(login(people["unit"]).get(f"{API}/talent").json()) == 1
    assert login(people["other_unit"]).get(f"{API}/talent").json() == []
    assert login(people["other_ent"]).get(f"{API}/talent").json() == []
    r = login(people["other_unit"]).post(
        f"{API}/talent",
        {
            "kind": "technician",
            "person_name": "x",
            "id_number": ID_A,
            "certificate_number": "1",
            "awarded_on": "2025-05-01",
            "credit_code": people["firm"].credit_code,
        },
        content_type="application/json",
    )
    assert r.status_code == 404


def test_pages_render_in_chinese(client, login, policies, people, make_firm):
    firm = make_firm(name="芜湖页面科技有限公司")
    city = login(people["city"])
    for name, args in (
        ("pools", []),
        ("changes", []),
        ("candidates", []),
        ("targets", []),
        ("talent", []),
        ("enterprise", [firm.credit_code]),
    ):
        r = city.get(reverse(f"cultivation:{name}", args=args))
        assert r.status_code == 200, name
        text = r.content.decode()
        assert "梯度" in text or "目标" in text or "人才" in text or "筛查" in text
    r = city.post(reverse("cultivation:candidates"), {"tiers": ["provincial"], "max_gaps": "2"})
    assert r.status_code == 302
    run = CandidateRun.objects.latest("id")
    r = city.get(reverse("cultivation:run", args=[run.pk]))
    assert r.status_code == 200 and "差距及补齐所需" in r.content.decode()
    ent = login(people["ent"])
    r = ent.get(reverse("cultivation:mine"))
    assert r.status_code == 200 and "梯度培育历程" in r.content.decode()
    assert ent.get(reverse("cultivation:pools")).status_code == 404
    unit = login(people["unit"])
    assert (
        unit.get(
            reverse("cultivation:enterprise", args=[people["other_firm"].credit_code])
        ).status_code
        == 404
    )
    assert unit.get(reverse("cultivation:run", args=[run.pk])).status_code == 404


def test_change_page_decide_and_home_work_list(client, login, people):
    from zjtx.core.worklist import home_work_for

    unit = login(people["unit"])
    r = unit.post(
        reverse("cultivation:change-create", args=[people["firm"].credit_code]),
        {"to_pool": "reserve", "reason": "拟入储备库"},
    )
    change = PoolChange.objects.get()
    assert r.status_code == 302
    work = home_work_for(people["city"])
    assert any(
        "培育库调整" in str(g.kind) or "pool change" in str(g.kind).lower() for g in work.waiting
    )
    city = login(people["city"])
    r = city.get(reverse("cultivation:change", args=[change.pk]))
    assert r.status_code == 200 and 'data-action="confirm"' in r.content.decode()
    city.post(reverse("cultivation:change-transition", args=[change.pk, "confirm"]))
    change.refresh_from_db()
    assert change.status == "confirmed"


def test_certification_revoke_writes_the_tier_history(people, policies):
    from zjtx.certification.models import Application, Round
    from zjtx.certification.services.transitions import application_transition

    today = timezone.localdate()
    rnd = Round.objects.create(
        year=today.year - 1,
        title="认定",
        program_id="miit2026.zjtx_sme",
        opens_on=today - timedelta(days=400),
        closes_on=today - timedelta(days=300),
        status="closed",
    )
    app = Application.objects.create(
        round=rnd,
        enterprise=people["firm"],
        unit=people["firm"].unit,
        status="certified",
        certified_on=today - timedelta(days=200),
        valid_until=today + timedelta(days=800),
        certificate_number="ZJTX20250001",
    )
    assert services.tiers_backfill_from_certification() == 1
    assert services.tiers_backfill_from_certification() == 0
    application_transition(
        application=app, action="revoke", actor=people["city"], reason_code="fraud", reason=""
    )
    records = list(TierRecord.objects.filter(enterprise=people["firm"]).order_by("id"))
    assert [(r.tier, r.action, r.source) for r in records] == [
        (Tier.MUNICIPAL, "grant", "certification"),
        (Tier.MUNICIPAL, "revoke", "certification"),
    ]
    assert records[1].decided_by == people["city"]
