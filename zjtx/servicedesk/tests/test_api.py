"""Service-centre API: the request flow, scoping (404), 409 codes, providers, events, figures."""

import json
from datetime import timedelta

from django.utils import timezone

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken

API = "/api/v1/services"


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

        def patch(self, url, body=None):
            return client.patch(
                url, json.dumps(body or {}), content_type="application/json", **headers
            )

    return Caller()


def test_request_flow_from_filing_to_rating(client, people):
    ent, unit, prov, other_prov = (
        caller(client, people[k]) for k in ("ent", "unit", "provider", "other_provider")
    )
    r = ent.post(f"{API}/requests", {"category": "financing", "title": "贷款", "text": "需要贷款"})
    assert r.status_code == 201, r.content
    body = r.json()
    pk = body["id"]
    assert body["status"] == "filed" and body["handler"] == "unit_officer"
    assert {c["clock"] for c in body["clocks"]} == {"accept", "resolve"}
    r = ent.patch(f"{API}/requests/{pk}", {"title": "设备贷款"})
    assert r.status_code == 200 and r.json()["title"] == "设备贷款"
    r = ent.post(f"{API}/requests/{pk}/ratings", {"level": "satisfied"})
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    actions = [a["action"] for a in unit.get(f"{API}/requests/{pk}/actions").json()]
    assert "accept" in actions and "route" in actions
    r = unit.post(
        f"{API}/requests/{pk}/transitions",
        {"action": "route", "assignee": f"provider:{people['prov'].pk}", "reason": "对口平台"},
    )
    assert r.status_code == 200 and r.json()["handler"] == "provider"
    assert other_prov.get(f"{API}/requests/{pk}").status_code == 404
    r = other_prov.post(f"{API}/requests/{pk}/transitions", {"action": "accept"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert prov.post(f"{API}/requests/{pk}/transitions", {"action": "accept"}).status_code == 200
    r = prov.post(f"{API}/requests/{pk}/transitions", {"action": "close"})
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    r = prov.post(f"{API}/requests/{pk}/transitions", {"action": "close", "reason": "已放款"})
    assert r.status_code == 200 and r.json()["answer"] == "已放款"
    assert ent.post(f"{API}/requests/{pk}/transitions", {"action": "confirm"}).status_code == 200
    r = ent.post(f"{API}/requests/{pk}/ratings", {"level": "dissatisfied"})
    assert r.status_code == 400 and r.json()["code"] == "reason_required"
    r = ent.post(f"{API}/requests/{pk}/ratings", {"level": "satisfied"})
    assert r.status_code == 201 and r.json()["rating"] == "satisfied"
    assert [e["action"] for e in r.json()["timeline"]] == [
        "file",
        "route",
        "accept",
        "close",
        "confirm",
        "rate",
    ]
    ids = [x["id"] for x in prov.get(f"{API}/requests").json()]
    assert ids == [pk]
    assert other_prov.get(f"{API}/requests").json() == []


def test_bad_input_is_a_400_with_fields(client, people):
    ent = caller(client, people["ent"])
    r = ent.post(f"{API}/requests", {"category": "x", "title": "t", "text": "x", "bogus": 1})
    assert r.status_code == 400 and "bogus" in r.json()["fields"]
    r = ent.post(f"{API}/requests", {"category": "x", "title": "t", "text": "x"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_category"
    unit = caller(client, people["unit"])
    r = unit.post(f"{API}/requests", {"category": "ip", "title": "t", "text": "x"})
    assert r.status_code == 400 and "enterprise" in r.json()["fields"]
    r = unit.post(
        f"{API}/requests",
        {
            "category": "ip",
            "title": "t",
            "text": "x",
            "channel": "phone",
            "enterprise": people["firm"].credit_code,
        },
    )
    assert r.status_code == 201 and r.json()["channel"] == "phone"
    other = caller(client, people["other_unit"])
    r = other.post(
        f"{API}/requests",
        {"category": "ip", "title": "t", "text": "x", "enterprise": people["firm"].credit_code},
    )
    assert r.status_code == 404


def test_providers_join_and_publish(client, people):
    from zjtx.core.credit_code import make_valid_code
    from zjtx.servicedesk.models import ProviderListing
    from zjtx.servicedesk.providers import listing_review

    prov = caller(client, people["provider"])
    body = {
        "name": "芜湖科创服务中心",
        "credit_code": make_valid_code("91340200MA2W00001"),
        "platforms": ["technology"],
        "functions": ["ip", "informatization"],
        "fee_policy": "inclusive",
    }
    r = prov.post(f"{API}/providers", body)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert prov.get(f"{API}/providers/{pk}").status_code == 404  # not yet published
    assert prov.post(f"{API}/providers", body).json()["code"] == "provider_exists"
    r = prov.post(f"{API}/providers", {**body, "credit_code": "123", "platforms": ["x"]})
    assert r.status_code == 400 and {"credit_code", "platforms"} <= set(r.json()["fields"])
    listing_review(listing=ProviderListing.objects.get(pk=pk), publish=True, actor=people["city"])
    r = prov.get(f"{API}/providers/{pk}")
    assert r.status_code == 200 and r.json()["provider"] == people["prov"].pk


def test_events_capacity_and_registration(client, people, make_user):
    prov, ent = caller(client, people["provider"]), caller(client, people["ent"])
    start = (timezone.now() + timedelta(days=7)).isoformat()
    r = prov.post(
        f"{API}/events",
        {
            "title": "专利沙龙",
            "kind": "salon",
            "starts_at": start,
            "place": "服务大厅",
            "capacity": 1,
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = ent.post(f"{API}/events/{pk}/registrations", {})
    assert r.status_code == 201 and r.json()["token"]
    assert ent.post(f"{API}/events/{pk}/registrations", {}).json()["code"] == "already_registered"
    other = caller(client, people["other_ent"])
    r = other.post(f"{API}/events/{pk}/registrations", {})
    assert r.status_code == 409 and r.json()["code"] == "event_full"
    other_prov = caller(client, people["other_provider"])
    assert other_prov.get(f"{API}/events").json() == []


def test_stats_by_category_and_scope(client, people, file_request):
    file_request()
    file_request(category="ip", firm="other_firm", who="other_ent")
    city, unit = caller(client, people["city"]), caller(client, people["unit"])
    rows = city.get(f"{API}/stats", {"group_by": "category"}).json()
    assert {r["key"]: r["filed"] for r in rows} == {"financing": 1, "ip": 1}
    rows = unit.get(f"{API}/stats", {"group_by": "unit"}).json()
    assert [r["filed"] for r in rows] == [1]
    r = city.get(f"{API}/stats", {"group_by": "colour"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    r = city.get(f"{API}/stats", {"from": "2026-12-01", "to": "2026-01-01"})
    assert r.status_code == 400
    assert caller(client, people["ent"]).get(f"{API}/stats").status_code == 404
    rows = city.get(f"{API}/stats", {"group_by": "month"}).json()
    assert sum(r["filed"] for r in rows) == 2
