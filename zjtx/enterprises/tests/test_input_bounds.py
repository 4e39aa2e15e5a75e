"""Registry input beyond what the columns hold is a 400 naming the field, never a 500."""

import json

import pytest
from django.urls import reverse

from zjtx.enterprises.models import AnnualFinancial

from .test_api import API, bearer

BIG = str(10**23)


def test_a_huge_page_number_is_400_not_500(client, world):
    r = bearer(client, world.city).get(f"{API}/enterprises", {"page": BIG})
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_input"
    assert "page" in r.json()["fields"]


@pytest.mark.parametrize("employees", ["1e30", 1e30, 10**20, -1])
def test_headcounts_beyond_the_column_are_refused_naming_the_field(client, world, employees):
    url = f"{API}/enterprises/{world.a.credit_code}/financials/2024"
    r = bearer(client, world.city).put(url, {"employees": employees})
    assert r.status_code == 400, r.content
    assert "employees" in r.json()["fields"]
    assert not AnnualFinancial.objects.filter(enterprise=world.a).exists()


@pytest.mark.parametrize(
    "amount", ["NaN", "Infinity", "-Infinity", "1e999999", "99999999999999999999.99", "0.001"]
)
def test_amounts_that_cannot_be_stored_exactly_are_refused(client, world, amount):
    url = f"{API}/enterprises/{world.a.credit_code}/financials/2024"
    r = bearer(client, world.city).put(url, {"operating_revenue": amount})
    assert r.status_code == 400, r.content
    assert "operating_revenue" in r.json()["fields"]
    assert not AnnualFinancial.objects.filter(enterprise=world.a).exists()


def test_unknown_fields_in_a_patch_are_refused_naming_them(client, world):
    r = bearer(client, world.city).patch(
        f"{API}/enterprises/{world.a.credit_code}", {"contact_nmae": "张三"}
    )
    assert r.status_code == 400
    assert "contact_nmae" in r.json()["fields"]


@pytest.mark.parametrize(
    "data",
    [
        {"employees": "1" * 20},
        {"operating_revenue": "99999999999999999999.999999"},
        {"operating_revenue": "1e999999"},
    ],
)
def test_financial_form_refuses_what_the_columns_cannot_hold(client, login, world, data):
    login(world.city)
    client.raise_request_exception = False
    url = reverse("enterprises:financial-add", args=[world.a.credit_code])
    response = client.post(url, {"year": "2024", **data})
    assert response.status_code in (200, 400)
    assert not AnnualFinancial.objects.filter(enterprise=world.a).exists()


def test_json_body_of_a_financial_put_round_trips_a_maximal_amount(client, world):
    url = f"{API}/enterprises/{world.a.credit_code}/financials/2024"
    r = bearer(client, world.city).put(url, {"operating_revenue": "9999999999999.99"})
    assert r.status_code == 200, r.content
    listed = bearer(client, world.city).get(f"{API}/enterprises/{world.a.credit_code}/financials")
    assert json.loads(listed.content)[0]["operating_revenue"] == "9999999999999.99"
