"""Monitoring API input: unknown fields are refused by name; numbers beyond the columns are 400."""

from __future__ import annotations

import pytest

from .test_catalogue import API, bearer


def test_unknown_fields_in_a_create_are_refused_naming_them(client, city_officer):
    payload = {"code": "new_output", "name": "新产品产值", "unit": "万元", "maxvalue": "1"}
    response = client.post(API, payload, content_type="application/json", **bearer(city_officer))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "maxvalue" in response.json()["fields"]


def test_unknown_fields_in_a_patch_are_refused_naming_them(client, city_officer):
    auth = bearer(city_officer)
    payload = {"code": "new_output", "name": "新产品产值", "unit": "万元"}
    created = client.post(API, payload, content_type="application/json", **auth).json()
    response = client.patch(
        f"{API}/{created['id']}", {"actve": False}, content_type="application/json", **auth
    )
    assert response.status_code == 400
    assert "actve" in response.json()["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_value", "NaN"),
        ("max_value", "Infinity"),
        ("max_value", "1e999999"),
        ("decimal_places", 10**20),
        ("sort_order", 10**20),
        ("max_length", 10**20),
    ],
)
def test_out_of_range_numbers_are_400_naming_the_field(client, city_officer, field, value):
    payload = {"code": "new_output", "name": "新产品产值", "unit": "万元", field: value}
    response = client.post(API, payload, content_type="application/json", **bearer(city_officer))
    assert response.status_code == 400
    assert field in response.json()["fields"]
