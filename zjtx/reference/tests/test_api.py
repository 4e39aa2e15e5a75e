"""/api/v1/reference: the open size calculator and the login-only lists."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

SIZE_URL = "/api/v1/reference/size-class"


def post(client, payload, **extra):
    return client.post(SIZE_URL, data=json.dumps(payload), content_type="application/json", **extra)


def test_size_class_without_login(client, reference_data):
    response = post(
        client, {"industry_code": "C3670", "employees": 1200, "revenue_yuan": "300000000"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["size"] == "medium"
    assert body["is_sme"] is True
    assert body["sector"] == "industry"
    assert body["sector_name"] == "工业"
    assert body["standard"] == "工信部联企业〔2011〕300号"
    assert body["trace"] and set(body["trace"][0]) == {"text", "source"}


def test_money_as_json_number_is_not_rounded_through_float(client, reference_data):
    # As a float this is 20000000.0 (2000 万元, medium); as a decimal it is just below: small.
    raw = '{"industry_code": "C36", "employees": 300, "revenue_yuan": 19999999.999999999999}'
    response = client.post(SIZE_URL, data=raw, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["size"] == "small"


def test_money_as_number_and_string_agree(client, reference_data):
    a = post(client, {"industry_code": "F5191", "employees": 20, "revenue_yuan": 50000000})
    b = post(client, {"industry_code": "F5191", "employees": 20, "revenue_yuan": "50000000.00"})
    assert a.json()["size"] == b.json()["size"] == "medium"


def test_as_of_before_the_standard_is_an_error(client, reference_data):
    response = post(
        client,
        {"industry_code": "M73", "employees": 5, "as_of": "2010-01-01"},
    )
    assert response.status_code == 404
    assert response.json()["code"] == "size_standard_missing"


def test_missing_input_names_the_field(client, reference_data):
    response = post(client, {"industry_code": "C3670", "employees": 350})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "missing_input"
    assert set(body["fields"]) == {"revenue_yuan"}
    assert "营业收入" in body["message"]


def test_null_is_missing_not_zero(client, reference_data):
    response = post(
        client,
        {"industry_code": "E47", "employees": 10, "revenue_yuan": 0, "total_assets_yuan": None},
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"total_assets_yuan"}


def test_unknown_industry(client, reference_data):
    response = post(client, {"industry_code": "Z99", "employees": 1, "revenue_yuan": 1})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_industry"
    assert "industry_code" in body["fields"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"industry_code": "C36", "employees": -1, "revenue_yuan": 1}, "employees"),
        ({"industry_code": "C36", "employees": 1.5, "revenue_yuan": 1}, "employees"),
        ({"industry_code": "C36", "employees": 1, "revenue_yuan": "abc"}, "revenue_yuan"),
        ({"industry_code": "C36", "employees": 1, "revenue_yuan": "-5"}, "revenue_yuan"),
        ({"industry_code": "C36", "employees": 1, "revenue_yuan": "NaN"}, "revenue_yuan"),
        ({"industry_code": "C36", "employees": 1, "revenue_yuan": "1e30"}, "revenue_yuan"),
        ({"industry_code": "C36", "employees": 1, "revenue_yuan": 1, "as_of": "x"}, "as_of"),
        ({"employees": 1}, "industry_code"),
    ],
)
def test_invalid_input_is_400_not_500(client, reference_data, payload, field):
    response = post(client, payload)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert field in body["fields"]


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", ""])
def test_malformed_body_is_400(client, reference_data, raw):
    response = client.post(SIZE_URL, data=raw, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/api/v1/reference/units", "/api/v1/reference/divisions", "/api/v1/reference/industries"],
)
def test_lists_need_login(client, reference_data, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_units_for_a_unit_officer(client, units, make_user, reference_data):
    client.force_login(make_user("unit_officer", unit=units["镜湖区"]))
    body = client.get("/api/v1/reference/units").json()
    names = {u["name"] for u in body}
    assert {"镜湖区", "经济技术开发区", "江北产业集中区"} <= names
    jk = next(u for u in body if u["code"] == "ZONE-JK")
    assert jk["kind"] == "zone" and jk["division_code"] == "340207"


def test_divisions_include_history(client, units, make_user, reference_data):
    client.force_login(make_user("unit_officer", unit=units["镜湖区"]))
    body = client.get("/api/v1/reference/divisions").json()
    wuwei = next(d for d in body if d["code"] == "340225")
    assert wuwei["is_current"] is False and wuwei["successor_code"] == "340281"
    assert any(d["code"] == "340281" and d["is_current"] for d in body)


def test_industries_search_and_level(client, units, make_user, reference_data):
    client.force_login(make_user("unit_officer", unit=units["镜湖区"]))
    body = client.get("/api/v1/reference/industries", {"q": "汽车", "level": "class"}).json()
    assert "C3670" in {i["code"] for i in body}
    assert all(i["level"] == "class" for i in body)
    bad = client.get("/api/v1/reference/industries", {"level": "nope"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"


def test_openapi_documents_the_calculator_body(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][SIZE_URL]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "industry_code" in body["properties"]
    assert operation.get("security") in (None, [])
