"""Assessment API: schemes, runs with traces, transitions, adjustments, objections, bulletins,
scoping (a unit sees its own trace and the ranking; other units' detail and drafts are 404)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken
from zjtx.assessment import services
from zjtx.assessment.models import AssessmentRun

pytestmark = pytest.mark.django_db
API = "/api/v1/assessment"


def caller(client, user):
    raw = token_generate()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], digest=token_digest(raw))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    class Caller:
        def get(self, url):
            return client.get(url, **headers)

        def post(self, url, body=None):
            return client.post(
                url, json.dumps(body or {}), content_type="application/json", **headers
            )

    return Caller()


def test_schemes_list_the_indicators_weights_and_targets(client, scheme_loaded, people):
    r = caller(client, people["city"]).get(f"{API}/schemes")
    assert r.status_code == 200
    scheme = r.json()[0]
    assert scheme["id"] == "wuhu.unit_assessment" and scheme["total_weight"] == "100"
    by_id = {i["id"]: i for i in scheme["indicators"]}
    assert by_id["certifications"]["weight"] == "25"
    assert by_id["reporting_rate"]["target_pct"] == "95"
    assert caller(client, people["expert"]).get(f"{API}/schemes").status_code == 404


def test_city_runs_publishes_and_reads_every_trace(client, scheme_loaded, people, data, units):
    city = caller(client, people["city"])
    r = city.post(f"{API}/runs", {"year": 2025})
    assert r.status_code == 201, r.content
    run = r.json()
    assert run["status"] == "draft" and len(run["scores"]) == 3
    for score in run["scores"]:
        points = sum(float(e["points"] or 0) for e in score["trace"])
        adjustments = sum(float(a["points"]) for a in score["adjustments"])
        assert round(points + adjustments, 2) == float(score["score"])
    assert {a["action"] for a in run["actions"]} == {"publish"}
    r = city.post(f"{API}/runs/{run['id']}/transitions", {"action": "publish"})
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert r.json()["window_ends_on"]
    r = city.post(f"{API}/runs/{run['id']}/transitions", {"action": "finalize"})
    assert r.status_code == 400 and r.json()["code"] == "window_open"


def test_a_unit_sees_the_ranking_and_only_its_own_trace(client, computed, people, units):
    unit = caller(client, people["wuwei"])
    # A draft is not the units' business.
    assert unit.get(f"{API}/runs/{computed.pk}").status_code == 404
    services.run_transition(run=computed, action="publish", actor=people["city"])
    r = unit.get(f"{API}/runs/{computed.pk}")
    assert r.status_code == 200
    rows = {s["unit"]: s for s in r.json()["scores"]}
    assert rows[units["无为市"].pk]["trace"] is not None
    other = rows[units["镜湖区"].pk]
    assert other["trace"] is None and other["adjustments"] is None and other["score"]
    own = unit.get(f"{API}/runs/{computed.pk}/units/{units['无为市'].pk}")
    assert own.status_code == 200 and own.json()["trace"]
    wrong = unit.get(f"{API}/runs/{computed.pk}/units/{units['镜湖区'].pk}")
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
    assert caller(client, people["expert"]).get(f"{API}/runs/{computed.pk}").status_code == 404
    assert unit.get(f"{API}/runs").json()[0]["year"] == 2025


def test_objection_through_the_api_changes_the_result(client, computed, people, units):
    services.run_transition(run=computed, action="publish", actor=people["city"])
    unit, city = caller(client, people["wuwei"]), caller(client, people["city"])
    r = unit.post(
        f"{API}/runs/{computed.pk}/objections",
        {"reason": "12月数据已报送", "indicator": "reporting_rate"},
    )
    assert r.status_code == 201, r.content
    objection = r.json()
    # The other unit cannot see or decide it; nor can the objecting unit decide it.
    assert (
        caller(client, people["jinghu"])
        .get(f"{API}/objections/{objection['id']}/actions")
        .status_code
        == 404
    )
    r = unit.post(
        f"{API}/objections/{objection['id']}/transitions",
        {"action": "accept", "reason": "x", "points": "1"},
    )
    assert r.status_code == 404
    before = next(
        s
        for s in city.get(f"{API}/runs/{computed.pk}").json()["scores"]
        if s["unit"] == units["无为市"].pk
    )
    r = city.post(
        f"{API}/objections/{objection['id']}/transitions",
        {"action": "accept", "reason": "经核实属实", "points": "2.00"},
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    after = next(
        s
        for s in city.get(f"{API}/runs/{computed.pk}").json()["scores"]
        if s["unit"] == units["无为市"].pk
    )
    assert float(after["score"]) == float(before["score"]) + 2
    assert after["adjustments"][0]["source"] == "objection"
    r = city.post(
        f"{API}/objections/{objection['id']}/transitions", {"action": "reject", "reason": "再议"}
    )
    assert r.status_code == 409


def test_adjustments_and_bad_input(client, computed, people, units):
    city = caller(client, people["city"])
    r = city.post(
        f"{API}/runs/{computed.pk}/adjustments",
        {"unit": units["镜湖区"].pk, "points": "-1.5", "reason": "材料不实"},
    )
    assert r.status_code == 201 and r.json()["points"] == "-1.50"
    r = city.post(
        f"{API}/runs/{computed.pk}/adjustments",
        {"unit": units["镜湖区"].pk, "points": "0", "reason": "x"},
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_points"
    r = city.post(f"{API}/runs", {"year": 1800})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    r = city.post(f"{API}/runs", {"year": 2025, "extra": 1})
    assert r.status_code == 400
    unit = caller(client, people["jinghu"])
    r = unit.post(
        f"{API}/runs/{computed.pk}/adjustments",
        {"unit": units["镜湖区"].pk, "points": "5", "reason": "x"},
    )
    assert r.status_code == 404  # a draft does not exist for the unit


def test_bulletins_are_issued_and_downloadable_by_the_units(client, computed, people, units):
    from docx import Document

    city = caller(client, people["city"])
    services.run_transition(
        run=computed, action="publish", actor=people["city"], today=date(2026, 3, 2)
    )
    computed.refresh_from_db()
    services.run_transition(
        run=computed,
        action="finalize",
        actor=people["city"],
        today=computed.window_ends_on + timedelta(days=1),
    )
    r = city.post(f"{API}/runs/{computed.pk}/bulletin", {})
    assert r.status_code == 201, r.content
    bulletin = r.json()
    assert bulletin["number"].startswith(f"芜经信〔{timezone.localdate().year}〕")
    unit = caller(client, people["wuwei"])
    assert [b["id"] for b in unit.get(f"{API}/bulletins").json()] == [bulletin["id"]]
    doc = unit.get(bulletin["document_url"])
    assert doc.status_code == 200
    assert bulletin["number"] in "\n".join(
        p.text for p in Document(io.BytesIO(doc.content)).paragraphs
    )
    assert caller(client, people["expert"]).get(bulletin["document_url"]).status_code == 404
    r = city.post(
        f"{API}/bulletins",
        {"year": 2025, "units": [units["无为市"].pk], "title": "督查通报", "text": "落实不到位"},
    )
    assert r.status_code == 201 and r.json()["kind"] == "supervision"
    assert AssessmentRun.objects.get().status == "final"
