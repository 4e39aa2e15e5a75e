"""Subsidy API: scoped list/detail, create, transitions with 409 + code, ledger and budgets."""

import json

import pytest
from django.utils import timezone

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken
from zjtx.subsidies.services import evidence_add

from .conftest import PDF

API = "/api/v1/subsidies"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def caller(client, user):
    raw = token_generate()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], digest=token_digest(raw))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    class Caller:
        def get(self, url, data=None):
            return client.get(url, data, **headers)

        def post(self, url, body=None):
            return client.post(
                url, json.dumps(body or {}), content_type="application/json", **headers
            )

    return Caller()


def test_full_flow_through_the_api(client, people):
    ent, unit, city = (caller(client, people[k]) for k in ("ent", "unit", "city"))
    year = timezone.localdate().year
    r = ent.post(
        f"{API}/applications",
        {
            "program": "wuhu.tech_upgrade",
            "facts": {
                "tech_upgrade_equipment_investment_yuan": "3000000.00",
                "tech_upgrade_completed_year": year - 1,
            },
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["computed_amount_yuan"] == "300000.00"
    pk = body["id"]
    r = ent.post(f"{API}/applications/{pk}/submit")
    assert r.status_code == 400 and r.json()["code"] == "evidence_required"
    from zjtx.subsidies.models import Application

    evidence_add(
        application=Application.objects.get(pk=pk), name="a.pdf", data=PDF, actor=people["ent"]
    )
    assert ent.post(f"{API}/applications/{pk}/submit").json()["status"] == "submitted"
    r = city.post(f"{API}/applications/{pk}/approve")
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    r = unit.post(f"{API}/applications/{pk}/unit_return")
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    assert unit.post(f"{API}/applications/{pk}/forward").json()["status"] == "forwarded"
    r = city.post(f"{API}/applications/{pk}/approve", {"amount_yuan": "200000.00"})
    assert r.json()["code"] == "override_reason_required"
    r = city.post(
        f"{API}/applications/{pk}/approve", {"amount_yuan": "200000.00", "override_reason": "核减"}
    )
    assert r.status_code == 200 and r.json()["approved_amount_yuan"] == "200000.00"
    assert [h["action"] for h in ent.get(f"{API}/applications/{pk}").json()["history"]][
        -1
    ] == "approve"
    ledger = city.get(f"{API}/ledger").json()
    assert ledger[0]["amount_yuan"] == "200000.00"
    budgets = {b["program"]: b for b in city.get(f"{API}/budgets").json()}
    assert budgets["wuhu.tech_upgrade"]["remaining_yuan"] == "800000.00"


def test_api_scoping_and_bad_input(client, people, make_application):
    application = make_application()
    other = caller(client, people["other_ent"])
    assert other.get(f"{API}/applications/{application.pk}").status_code == 404
    assert other.get(f"{API}/applications").json() == []
    assert (
        caller(client, people["other_unit"])
        .post(f"{API}/applications/{application.pk}/forward")
        .status_code
        == 404
    )
    assert other.get(f"{API}/ledger").status_code == 404
    r = caller(client, people["ent"]).post(
        f"{API}/applications",
        {"program": "wuhu.tech_upgrade", "facts": {"tech_upgrade_completed_year": "abc"}},
    )
    assert r.status_code == 400 and "facts.tech_upgrade_completed_year" in r.json()["fields"]
    r = caller(client, people["ent"]).post(f"{API}/applications", {"program": "gov.sme_size"})
    assert r.status_code == 400 and r.json()["code"] == "not_an_award"
    assert (
        caller(client, people["unit"])
        .post(f"{API}/applications", {"program": "wuhu.tech_upgrade"})
        .status_code
        == 404
    )
