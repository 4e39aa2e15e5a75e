"""Financing API: scoping (404), consent withdrawal at once, outcomes by bank, matches, stats."""

import json

import pytest

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken

from .conftest import demand_fields

API = "/api/v1/financing"
pytestmark = pytest.mark.django_db


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

        def delete(self, url):
            return client.delete(url, **headers)

    return Caller()


def _publish(ent, fin, banks=("hs", "yz")):
    from datetime import timedelta

    from django.utils import timezone

    until = (timezone.localdate() + timedelta(days=60)).isoformat()
    body = {
        **demand_fields(),
        "consents": [
            {"institution_id": fin[b].pk, "scopes": ["financials", "tax_grade"], "until": until}
            for b in banks
        ],
    }
    r = ent.post(f"{API}/demands", body)
    assert r.status_code == 201, r.content
    return r.json()


def test_demand_to_disbursement_and_consent_withdrawal_is_404_on_the_next_call(client, fin):
    ent, hs, yz = (caller(client, fin[k]) for k in ("ent", "bank_hs", "bank_yz"))
    demand = _publish(ent, fin)
    pk = demand["id"]
    r = hs.get(f"{API}/demands/{pk}")
    assert r.status_code == 200
    body = r.json()
    assert [e["bank"] for e in body["engagements"]] == [fin["hs"].pk]
    assert body["shared_data"]["tax_grade"] == "A"
    assert [a["action"] for a in hs.get(f"{API}/demands/{pk}/actions").json()] == [
        "take_up",
        "decline",
    ]
    assert hs.post(f"{API}/demands/{pk}/transitions", {"action": "take_up"}).status_code == 200
    r = hs.post(
        f"{API}/demands/{pk}/transitions",
        {"action": "grant", "granted_yuan": "4000000.00", "rate_pct": "3.450"},
    )
    assert r.status_code == 200, r.content
    r = hs.post(
        f"{API}/demands/{pk}/transitions", {"action": "grant", "granted_yuan": "1", "rate_pct": "3"}
    )
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    # The other bank never sees the first bank's outcome.
    engagements = yz.get(f"{API}/demands/{pk}").json()["engagements"]
    assert [e["bank"] for e in engagements] == [fin["yz"].pk]
    assert engagements[0]["granted_yuan"] is None
    # The enterprise withdraws the consent to yz: yz's next call is 404.
    assert ent.delete(f"{API}/demands/{pk}/consents/{fin['yz'].pk}").status_code == 200
    r = yz.get(f"{API}/demands/{pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert yz.post(f"{API}/demands/{pk}/transitions", {"action": "take_up"}).status_code == 404
    assert yz.get(f"{API}/demands").json() == []


def test_other_enterprises_units_and_banks_get_404(client, fin):
    demand = _publish(caller(client, fin["ent"]), fin, banks=("hs",))
    for who in ("other_ent", "other_unit", "bank_icbc"):
        r = caller(client, fin[who]).get(f"{API}/demands/{demand['id']}")
        assert r.status_code == 404, who
    assert caller(client, fin["unit"]).get(f"{API}/demands/{demand['id']}").status_code == 200


def test_patch_and_bad_input_give_coded_errors(client, fin):
    ent = caller(client, fin["ent"])
    demand = _publish(ent, fin)
    r = ent.patch(f"{API}/demands/{demand['id']}", {"amount_yuan": "abc"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_amount"
    r = ent.patch(f"{API}/demands/{demand['id']}", {"term_months": 24})
    assert r.status_code == 200 and r.json()["term_months"] == 24
    r = ent.post(
        f"{API}/demands/{demand['id']}/consents", {"institution_id": 99999, "until": "2099-01-01"}
    )
    assert r.status_code == 400 and r.json()["code"] == "unknown_institution"


def test_receivable_confirmed_by_the_debtor_only(client, fin):
    ent, other = caller(client, fin["ent"]), caller(client, fin["other_ent"])
    r = ent.post(
        f"{API}/receivables",
        {
            "debtor_id": fin["other_firm"].pk,
            "amount_yuan": "500000",
            "invoice_no": "F-1",
            "due_on": "2027-01-31",
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert ent.get(f"{API}/receivables/{pk}/actions").json() == []
    r = ent.post(f"{API}/receivables/{pk}/transitions", {"action": "confirm"})
    assert r.status_code == 400 and r.json()["code"] == "not_the_debtor"
    r = other.post(f"{API}/receivables/{pk}/transitions", {"action": "confirm"})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = caller(client, fin["bank_hs"]).get(f"{API}/receivables")
    assert r.json() == []


def test_stats_per_bank_in_wan(client, fin):
    ent, hs = caller(client, fin["ent"]), caller(client, fin["bank_hs"])
    pk = _publish(ent, fin)["id"]
    hs.post(f"{API}/demands/{pk}/transitions", {"action": "take_up"})
    hs.post(
        f"{API}/demands/{pk}/transitions",
        {"action": "grant", "granted_yuan": "4000000", "rate_pct": "3.5"},
    )
    r = caller(client, fin["city"]).get(f"{API}/stats", {"group_by": "bank"})
    assert r.status_code == 200, r.content
    rows = {row["label"]: row for row in r.json()["rows"]}
    assert rows["徽商银行芜湖分行"]["granted_wan"] == "400.00"
    assert rows["徽商银行芜湖分行"]["take_up_rate_pct"] == "100.0"
    assert rows["芜湖扬子农商行"]["taken_up"] == 0
    assert caller(client, fin["bank_hs"]).get(f"{API}/stats").status_code == 404
    r = caller(client, fin["city"]).get(f"{API}/stats", {"group_by": "x"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
