"""The calculator, scan and governance through the API: scoped, same services, stable codes."""

import json

import pytest

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken
from zjtx.enterprises.models import AnnualFinancial
from zjtx.policy.models import DeclaredFact

API = "/api/v1/policy"


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


@pytest.fixture
def firm(make_enterprise, loaded_policies):
    ent = make_enterprise(name="甲")
    AnnualFinancial.objects.create(enterprise=ent, year=2025, employees=80)
    DeclaredFact.objects.create(
        enterprise=ent,
        name="tech_upgrade_equipment_investment_yuan",
        value="3500000.00",
        source="t",
    )
    DeclaredFact.objects.create(
        enterprise=ent, name="tech_upgrade_completed_year", value=2025, source="t"
    )
    return ent


def test_calculator_api_gives_facts_with_sources_and_results(client, make_user, firm, units):
    me = caller(client, make_user("enterprise", enterprise=firm))
    url = f"{API}/enterprises/{firm.credit_code}/calculator"
    body = me.get(url, {"as_of": "2026-06-01"}).json()
    facts = {f["name"]: f for f in body["facts"]}
    assert facts["employees"]["value"] == 80 and "2025" in facts["employees"]["source"]
    results = {r["program"]: r for r in body["results"]}
    assert results["wuhu.tech_upgrade"]["amount_yuan"] == "350000.00"
    tried = me.post(
        url,
        {"as_of": "2026-06-01", "facts": {"tech_upgrade_equipment_investment_yuan": "4000000.10"}},
    ).json()
    assert {r["program"]: r for r in tried["results"]}["wuhu.tech_upgrade"]["amount_yuan"] == (
        "400000.01"
    )
    bad = me.post(url, {"facts": {"tech_upgrade_completed_year": "soon"}})
    assert bad.status_code == 400 and "facts.tech_upgrade_completed_year" in bad.json()["fields"]
    other = caller(client, make_user("unit_officer", unit=units["无为市"]))
    assert other.get(url).status_code == 404


def test_scan_api_runs_lists_and_notifies(client, make_user, firm, units):
    city = caller(client, make_user("city_officer"))
    r = city.post(f"{API}/scans", {"as_of": "2026-06-01"})
    assert r.status_code == 201 and r.json()["eligible_count"] == 1
    scan_id = r.json()["id"]
    hits = city.get(f"{API}/scans/{scan_id}").json()["hits"]
    assert hits[0]["amount_yuan"] == "350000.00" and hits[0]["trace"]
    assert city.post(f"{API}/scans/{scan_id}/notify").json()["notified_count"] == 1
    again = city.post(f"{API}/scans/{scan_id}/notify")
    assert again.status_code == 409 and again.json()["code"] == "already_notified"
    unit = caller(client, make_user("unit_officer", unit=units["镜湖区"]))
    assert unit.post(f"{API}/scans", {"as_of": "2026-06-01"}).status_code == 403
    assert unit.get(f"{API}/scans/{scan_id}").status_code == 404


def test_governance_api_maker_checker(client, make_user, firm):
    maker, checker = (caller(client, make_user("city_officer")) for _ in range(2))
    r = maker.post(
        f"{API}/changes",
        {
            "program": "wuhu.tech_upgrade",
            "parameter": "award_rate",
            "value": "0.12",
            "effective_from": "2027-01-01",
            "reason": "假设的新文件",
            "whatif_as_of": "2026-06-01",
        },
    )
    assert r.status_code == 201, r.content
    change = r.json()
    assert change["whatif"]["budget_effect_yuan"] == "70000.00"
    assert maker.post(f"{API}/changes/{change['id']}/approve").json()["code"] == "same_officer"
    done = checker.post(f"{API}/changes/{change['id']}/approve").json()
    assert done["status"] == "approved" and done["new_version"] == 2
    broken = maker.post(
        f"{API}/changes",
        {
            "program": "wuhu.tech_upgrade",
            "parameter": "award_rate",
            "value": "0.2",
            "effective_from": "2019-01-01",
            "reason": "x",
        },
    )
    assert broken.status_code == 400 and broken.json()["code"] == "cases_failed"
