"""The policy API: programs, program detail, evaluation, and 400s that name the field."""

import pytest

URL = "/api/v1/policy"


def post(client, body):
    return client.post(f"{URL}/evaluate", body, content_type="application/json")


def test_endpoints_need_login(client, loaded_policies):
    assert client.get(f"{URL}/programs").status_code == 401
    assert post(client, {"as_of": "2026-03-01", "facts": {}}).status_code == 401


def test_program_list(officer_client, loaded_policies):
    response = officer_client.get(f"{URL}/programs")
    assert response.status_code == 200
    programs = {p["id"]: p for p in response.json()["programs"]}
    assert len(programs) == 13
    assert programs["wuhu.unit_assessment"]["kind"] == "parameters"
    assert programs["wuhu.monitoring_warnings"]["kind"] == "parameters"
    assert programs["wuhu.first_set"] == {
        "id": "wuhu.first_set",
        "kind": "award",
        "title": "首台（套）重大技术装备奖励",
        "version": 1,
        "source": {
            "document": "《芜湖市人民政府关于进一步推进中小企业“专精特新”发展的实施意见》",
            "clause": "芜湖实施意见 三(二)",
            "url": "",
        },
        "effective_from": "2019-01-01",
        "effective_to": None,
        "once_only": False,
    }
    assert programs["miit2022.zjtx_sme"]["effective_to"] == "2026-03-31"


def test_program_detail_publishes_facts_and_dated_parameters(officer_client, loaded_policies):
    response = officer_client.get(f"{URL}/programs/wuhu.first_set")
    assert response.status_code == 200
    data = response.json()
    facts = {f["name"]: f for f in data["facts"]}
    assert facts["first_set_category"]["values"] == [
        {"value": "complete_set", "label": "成套装备"},
        {"value": "single_unit", "label": "单台设备"},
        {"value": "key_component", "label": "关键部件"},
    ]
    assert facts["first_set_sale_price_yuan"] == {
        "name": "first_set_sale_price_yuan",
        "type": "decimal_yuan",
        "unit": "元",
        "description": "首台（套）设备售价",
        "values": None,
        "signed": False,
        "note": "",
    }
    params = {p["name"]: p for p in data["parameters"]}
    assert params["caps_yuan"]["values"][0]["value"] == {
        "complete_set": "1000000",
        "single_unit": "500000",
        "key_component": "200000",
    }
    assert [v["effective_from"] for v in params["vat_rate"]["values"]] == [
        "2019-01-01",
        "2019-04-01",
    ]
    assert data["notes"]


def test_program_detail_of_criteria_lists_indicators(officer_client, loaded_policies):
    data = officer_client.get(f"{URL}/programs/miit2022.zjtx_sme").json()
    assert len(data["indicators"]) == 13
    assert data["indicators"][0]["dimension"] == "专业化"


def test_unknown_program_detail_is_404(officer_client, loaded_policies):
    response = officer_client.get(f"{URL}/programs/wuhu.nothing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_evaluate_one_program(officer_client, loaded_policies):
    response = post(
        officer_client,
        {
            "as_of": "2026-03-01",
            "programs": ["wuhu.first_set"],
            "facts": {
                "first_set_province_certified": True,
                "first_set_category": "complete_set",
                "first_set_sale_price_yuan": "12345678.90",
                "developer_in_city": True,
            },
        },
    )
    assert response.status_code == 200
    (result,) = response.json()["results"]
    assert result["program"] == "wuhu.first_set"
    assert result["version"] == 1
    assert result["in_force"] is True
    assert result["eligible"] is True
    assert result["amount_yuan"] == "1000000.00"
    assert result["value"] is None
    assert result["missing"] == []
    assert result["trace"][-2] == {
        "text": "超过该类别装备的奖励上限，按上限1,000,000.00元核定",
        "source": "芜湖实施意见 三(二)",
    }


def test_evaluate_defaults_to_every_program_in_force(officer_client, loaded_policies):
    body = {"as_of": "2026-06-01", "facts": {"tech_upgrade_completed_year": 2025}}
    results = {r["program"]: r for r in post(officer_client, body).json()["results"]}
    # The 2022 zjtx and little-giant standards ended on 2026-03-31.
    assert "miit2022.zjtx_sme" not in results
    assert "miit2026.zjtx_sme" in results
    assert len(results) == 9
    tech = results["wuhu.tech_upgrade"]
    assert tech["eligible"] is None
    assert tech["amount_yuan"] is None
    assert tech["missing"] == ["tech_upgrade_equipment_investment_yuan"]


def test_evaluate_criteria_returns_score_and_points(officer_client, loaded_policies):
    facts = {
        "is_sme": True,
        "credit_compliant": True,
        "tech_award_3y": False,
        "innovation_title_valid": False,
        "rd_institution_level": "none",
        "equity_financing_3y_yuan": "0",
        "ip_best_class": "class1",
        "rd_expense_y1_yuan": "300000",
        "operating_revenue_y1_yuan": "10000000",
        "main_business_revenue_y1_yuan": "7000000",
        "main_business_revenue_y2_yuan": "6000000",
        "debt_asset_ratio_pct": "60",
        "strategic_emerging_industry": True,
    }
    body = {"as_of": "2025-06-01", "programs": ["miit2022.innovative_sme"], "facts": facts}
    (result,) = post(officer_client, body).json()["results"]
    assert result["eligible"] is True
    assert result["value"]["score"] == "80"
    points = {p["id"]: p["points"] for p in result["points"]}
    assert points == {
        "ip": "10",
        "rd_ratio": "15",
        "revenue_growth": "20",
        "debt_ratio": "5",
        "product_field": "10",
        "main_business_share": "20",
    }


def test_evaluate_an_explicit_program_out_of_force(officer_client, loaded_policies):
    body = {"as_of": "2026-06-01", "programs": ["miit2022.zjtx_sme"], "facts": {}}
    (result,) = post(officer_client, body).json()["results"]
    assert result["in_force"] is False
    assert result["eligible"] is False


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"as_of": "2026-13-01", "facts": {}}, "as_of", "invalid_input"),
        ({"as_of": "01/03/2026", "facts": {}}, "as_of", "invalid_input"),
        ({"facts": {}}, "as_of", "invalid_input"),
        (
            {"as_of": "2026-03-01", "programs": ["wuhu.nothing"], "facts": {}},
            "programs",
            "unknown_program",
        ),
        (
            {"as_of": "2026-03-01", "facts": {"first_set_category": "big"}},
            "facts.first_set_category",
            "invalid_facts",
        ),
        (
            {"as_of": "2026-03-01", "facts": {"developer_in_city": "true"}},
            "facts.developer_in_city",
            "invalid_facts",
        ),
        (
            {"as_of": "2026-03-01", "facts": {"first_set_sale_price_yuan": "abc"}},
            "facts.first_set_sale_price_yuan",
            "invalid_facts",
        ),
        (
            {"as_of": "2026-03-01", "facts": {"first_set_sale_price_yuan": 1.5}},
            "facts.first_set_sale_price_yuan",
            "invalid_facts",
        ),
        (
            {"as_of": "2026-03-01", "facts": {"first_set_sale_price_yuan": "1.005"}},
            "facts.first_set_sale_price_yuan",
            "invalid_facts",
        ),
        (
            {"as_of": "2026-03-01", "facts": {"first_set_sale_price_yuan": "-1"}},
            "facts.first_set_sale_price_yuan",
            "invalid_facts",
        ),
        (
            {"as_of": "2026-03-01", "facts": {"tech_upgrade_completed_year": "20x5"}},
            "facts.tech_upgrade_completed_year",
            "invalid_facts",
        ),
        ({"as_of": "2026-03-01", "facts": {"employees": 10.5}}, "facts.employees", "invalid_facts"),
        (
            {"as_of": "2026-03-01", "facts": {"no_such_fact": 1}},
            "facts.no_such_fact",
            "invalid_facts",
        ),
        (
            {"as_of": "2026-03-01", "programs": "wuhu.first_set", "facts": {}},
            "programs",
            "invalid_input",
        ),
    ],
)
def test_bad_input_is_400_naming_the_field(officer_client, loaded_policies, body, field, code):
    response = post(officer_client, body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == code
    assert field in data["fields"], data


def test_error_messages_are_chinese(officer_client, loaded_policies):
    body = {"as_of": "2026-03-01", "facts": {"developer_in_city": "yes"}}
    data = post(officer_client, body).json()
    assert data["message"] == "部分事实数据有误。"
    assert data["fields"]["facts.developer_in_city"] == "应为“是”或“否”（true/false）。"


def test_null_facts_are_missing_not_errors(officer_client, loaded_policies):
    body = {
        "as_of": "2026-03-01",
        "programs": ["wuhu.municipal_zjtx"],
        "facts": {"municipal_zjtx_newly_certified": True, "municipal_zjtx_award_received": None},
    }
    (result,) = post(officer_client, body).json()["results"]
    assert result["eligible"] is None
    assert result["missing"] == ["municipal_zjtx_award_received"]
