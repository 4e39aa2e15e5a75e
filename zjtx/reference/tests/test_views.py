"""Reference pages render in Chinese for a logged-in officer and never fail on bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, units, make_user, reference_data):
    client.force_login(make_user("unit_officer", unit=units["镜湖区"]))
    return client


@pytest.mark.parametrize(
    ("name", "chinese"),
    [
        ("reference:units", ["考核单位", "经济技术开发区", "开发区"]),
        ("reference:divisions", ["行政区划", "已撤销", "无为县", "340281"]),
        ("reference:industries", ["国民经济行业分类", "农、林、牧、渔业"]),
        ("reference:size", ["中小企业划型标准", "从业人员", "40,000.00 万元", "计算"]),
    ],
)
def test_pages_render_in_chinese(officer_client, name, chinese):
    response = officer_client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    for text in chinese:
        assert text in html


@pytest.mark.parametrize(
    "name", ["reference:units", "reference:divisions", "reference:industries", "reference:size"]
)
def test_pages_need_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_industry_search_partial_for_htmx(officer_client):
    response = officer_client.get(
        reverse("reference:industries"), {"q": "汽车零部件"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="industry-results"' in html
    assert "C3670" in html and "C1311" not in html


def test_industry_level_filter(officer_client):
    html = officer_client.get(
        reverse("reference:industries"), {"level": "section"}
    ).content.decode()
    assert "C3670" not in html and "制造业" in html


def test_industry_search_ignores_a_bad_level(officer_client):
    response = officer_client.get(reverse("reference:industries"), {"level": "<x>", "q": "'%"})
    assert response.status_code == 200


def test_calculator_shows_result_and_explanation(officer_client):
    response = officer_client.post(
        reverse("reference:size"),
        {
            "industry_code": "C3670",
            "employees": "1200",
            "revenue_wan": "30000",
            "total_assets_wan": "",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="calculator"' in html
    assert "中型企业" in html and "第四条（二）" in html
    assert "30,000.00 万元" in html


def test_calculator_converts_wan_exactly(officer_client):
    # 1999.999999 万元 is 19999999.99 元: below 2000 万元, so not medium.
    response = officer_client.post(
        reverse("reference:size"),
        {"industry_code": "C36", "employees": "300", "revenue_wan": "1999.999999"},
    )
    html = response.content.decode()
    assert "小型企业" in html and "<html" in html
    # Shown with as many decimals as it takes not to round across the 2,000 万元 line.
    assert ">1,999.999 万元</dd>" in html


def test_calculator_names_the_missing_figure(officer_client):
    response = officer_client.post(
        reverse("reference:size"),
        {"industry_code": "E47", "revenue_wan": "500"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "资产总额" in html and "is-invalid" in html


@pytest.mark.parametrize(
    "data",
    [
        {"industry_code": "Z99", "employees": "1", "revenue_wan": "1"},
        {"industry_code": "F", "employees": "1", "revenue_wan": "1"},
        {"industry_code": "C36", "employees": "abc", "revenue_wan": "1"},
        {"industry_code": "C36", "employees": "-3", "revenue_wan": "1"},
        {"industry_code": "C36", "employees": "3", "revenue_wan": "1e400"},
        {"industry_code": "", "employees": "3"},
    ],
)
def test_calculator_reports_bad_input_without_failing(officer_client, data):
    response = officer_client.post(reverse("reference:size"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()
