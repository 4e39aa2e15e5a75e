import json

import pytest

from zjtx.accounts.auth import token_digest, token_generate
from zjtx.accounts.models import ApiToken
from zjtx.enterprises.models import AnnualFinancial, Enterprise

API = "/api/v1"


def bearer(client, user):
    raw = token_generate()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], digest=token_digest(raw))

    class Caller:
        def _h(self):
            return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, url, data=None):
            return client.get(url, data, **self._h())

        def post(self, url, body):
            return client.post(url, json.dumps(body), content_type="application/json", **self._h())

        def patch(self, url, body):
            return client.patch(url, json.dumps(body), content_type="application/json", **self._h())

        def put(self, url, body):
            return client.put(url, json.dumps(body), content_type="application/json", **self._h())

    return Caller()


def test_credit_code_check_is_public(client):
    r = client.get(f"{API}/credit-codes/check", {"code": "９１３４０２０２ma2w000180"})
    assert r.status_code == 200
    body = r.json()
    assert body["normalized"] == "91340202MA2W000180"
    assert body["valid"] is False
    assert body["errors"] == ["checksum_mismatch"]
    assert (
        client.get(f"{API}/credit-codes/check", {"code": "91340202MA2W000181"}).json()["valid"]
        is True
    )


def test_anonymous_gets_401(db, client, world):
    r = client.get(f"{API}/enterprises")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_list_is_scoped_and_filtered(client, world):
    api = bearer(client, world.unit_a)
    body = api.get(f"{API}/enterprises").json()
    assert [i["credit_code"] for i in body["items"]] == [world.a.credit_code]
    assert body["count"] == 1
    city = bearer(client, world.city)
    assert (
        city.get(f"{API}/enterprises", {"unit": "340281"}).json()["items"][0]["name"]
        == "无为电缆有限公司"
    )
    assert bearer(client, world.bank).get(f"{API}/enterprises").status_code == 404


def test_detail_includes_unit_and_size(client, world):
    body = bearer(client, world.user_a).get(f"{API}/enterprises/{world.a.credit_code}").json()
    assert body["unit"] == {"code": "340202", "name": "镜湖区"}
    assert body["size_class"]["size"] is None
    assert "financials" in body["size_class"]["missing"]


@pytest.mark.parametrize("who", ["unit_b", "user_b", "bank", "sysadmin"])
def test_every_object_endpoint_is_404_outside_scope(client, world, who):
    api = bearer(client, getattr(world, who))
    code = world.a.credit_code
    responses = [
        api.get(f"{API}/enterprises/{code}"),
        api.patch(f"{API}/enterprises/{code}", {"contact_phone": "1"}),
        api.get(f"{API}/enterprises/{code}/financials"),
        api.put(f"{API}/enterprises/{code}/financials/2024", {"operating_revenue": "1"}),
    ]
    for r in responses:
        assert r.status_code == 404
        assert r.json()["code"] == "not_found"
    assert not AnnualFinancial.objects.filter(enterprise=world.a).exists()


def test_create_and_error_shapes(client, world):
    api = bearer(client, world.city)
    r = api.post(
        f"{API}/enterprises", {"credit_code": "91340202MA2W000180", "name": "甲", "unit": "340202"}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "checksum_mismatch"
    assert "credit_code" in r.json()["fields"]
    r = api.post(f"{API}/enterprises", {"name": "甲", "unit": "340202"})
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_input"
    assert "credit_code" in r.json()["fields"]
    r = api.post(
        f"{API}/enterprises",
        {"credit_code": "91340202MA2W000181", "name": "芜湖甲乙科技", "unit": "340202"},
    )
    assert r.status_code == 201
    assert r.json()["name_initials"] == "whjykj"
    r = api.post(
        f"{API}/enterprises",
        {"credit_code": "91340202MA2W000181", "name": "重复", "unit": "340202"},
    )
    assert r.status_code == 409
    assert r.json()["code"] == "duplicate_credit_code"


def test_enterprise_user_cannot_create(client, world):
    r = bearer(client, world.user_a).post(
        f"{API}/enterprises", {"credit_code": "91340202MA2W000181", "name": "甲", "unit": "340202"}
    )
    assert r.status_code == 404


def test_patch_updates_and_restricts_enterprise_users(client, world):
    r = bearer(client, world.unit_a).patch(
        f"{API}/enterprises/{world.a.credit_code}", {"legal_representative": "尹同跃"}
    )
    assert r.status_code == 200
    assert r.json()["legal_representative"] == "尹同跃"
    r = bearer(client, world.user_a).patch(
        f"{API}/enterprises/{world.a.credit_code}", {"name": "改名"}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "field_not_editable"
    assert "name" in r.json()["fields"]


def test_financial_put_uses_decimal_strings(client, world):
    api = bearer(client, world.user_a)
    url = f"{API}/enterprises/{world.a.credit_code}/financials/2024"
    r = api.put(url, {"operating_revenue": "123456789.12", "rd_expense": 500000, "employees": 90})
    assert r.status_code == 200, r.content
    assert r.json()["operating_revenue"] == "123456789.12"
    assert r.json()["rd_expense"] == "500000"
    assert r.json()["net_profit"] is None
    listed = api.get(f"{API}/enterprises/{world.a.credit_code}/financials").json()
    assert listed[0]["year"] == 2024 and listed[0]["operating_revenue"] == "123456789.12"


def test_financial_put_rejects_floats_and_names_fields(client, world):
    api = bearer(client, world.city)
    url = f"{API}/enterprises/{world.a.credit_code}/financials/2024"
    r = api.put(url, {"operating_revenue": 1.5})
    assert r.status_code == 400
    assert "operating_revenue" in r.json()["fields"]
    r = api.put(url, {"operating_revenue": "10", "main_business_revenue": "20"})
    assert r.status_code == 400
    assert r.json()["code"] == "main_revenue_exceeds_operating"
    assert "main_business_revenue" in r.json()["fields"]


def test_pending_enterprise_user_gets_not_verified(client, world):
    Enterprise.objects.filter(pk=world.a.pk).update(status="pending")
    r = bearer(client, world.user_a).put(
        f"{API}/enterprises/{world.a.credit_code}/financials/2024", {}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "enterprise_not_verified"


def test_bad_token_is_401(client, world):
    r = client.get(f"{API}/enterprises/{world.a.credit_code}", HTTP_AUTHORIZATION="Bearer nope")
    assert r.status_code == 401


def test_too_long_text_is_400_with_field(client, world):
    r = bearer(client, world.city).patch(
        f"{API}/enterprises/{world.a.credit_code}", {"registered_address": "长" * 300}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "too_long"
    assert "registered_address" in r.json()["fields"]


def test_enterprise_user_lists_only_itself(client, world):
    body = bearer(client, world.user_a).get(f"{API}/enterprises").json()
    assert [i["credit_code"] for i in body["items"]] == [world.a.credit_code]


def test_session_auth_works_for_unit_officer(client, world):
    client.force_login(world.unit_a)
    assert client.get(f"{API}/enterprises/{world.a.credit_code}").status_code == 200
    assert client.get(f"{API}/enterprises/{world.b.credit_code}").status_code == 404
