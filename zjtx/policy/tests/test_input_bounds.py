"""The engine is total: bounded numbers, coded errors, no alias bombs; the API never answers 500."""

from datetime import date
from decimal import Decimal

import pytest
import yaml

from zjtx.policy.engine import (
    ExpressionError,
    FactError,
    PackageError,
    Unknown,
    evaluate,
    load_yaml,
    package_from_dict,
)
from zjtx.policy.engine.expr import MAX_EXPRESSION_LENGTH, compile_expression
from zjtx.policy.engine.facts import FactSpec, coerce_fact

from .test_packages import POLICIES

URL = "/api/v1/policy"
TECH = (POLICIES / "wuhu.tech_upgrade.yaml").read_text(encoding="utf-8")


def post(client, body):
    return client.post(f"{URL}/evaluate", body, content_type="application/json")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tech_upgrade_equipment_investment_yuan", "1e30"),
        ("tech_upgrade_equipment_investment_yuan", "1E+999999"),
        ("tech_upgrade_equipment_investment_yuan", "9" * 200),
        ("employees", "1e30"),
        ("employees", "1E+999999"),
    ],
)
def test_evaluate_refuses_out_of_range_numbers_naming_the_fact(
    officer_client, loaded_policies, name, value
):
    r = post(officer_client, {"as_of": "2026-03-01", "facts": {name: value}})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid_facts"
    assert f"facts.{name}" in r.json()["fields"]


def test_evaluate_refuses_unknown_body_fields(officer_client, loaded_policies):
    r = post(officer_client, {"as_of": "2026-03-01", "facts": {}, "fcats": {}})
    assert r.status_code == 400
    assert "fcats" in r.json()["fields"]


def test_an_amount_beyond_the_money_columns_is_a_coded_error(officer_client, loaded_policies):
    facts = {
        "tech_upgrade_equipment_investment_yuan": "999999999999999999",
        "tech_upgrade_completed_year": 2025,
    }
    r = post(
        officer_client, {"as_of": "2026-03-01", "programs": ["wuhu.tech_upgrade"], "facts": facts}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "amount_out_of_range"


@pytest.mark.parametrize(
    ("kind", "raw", "code"),
    [
        ("int", "1e30", "out_of_range"),
        ("int", "1E+999999", "out_of_range"),
        ("decimal_yuan", "1E+999999", "out_of_range"),
        ("decimal", "1E-999999", "too_precise"),
        ("percent", "NaN", "expected_number"),
        ("percent", "-Infinity", "expected_number"),
        ("decimal", "1" * 101, "expected_number"),
    ],
)
def test_numeric_facts_are_bounded(kind, raw, code):
    with pytest.raises(FactError) as caught:
        coerce_fact(FactSpec("x", kind, "x"), raw)
    assert caught.value.code == code


def test_a_missing_fact_on_the_right_of_in_is_unknown():
    fn, _ = compile_expression("a in b", {"a", "b"})
    result = fn({"a": Decimal(1), "b": Unknown(frozenset({"b"}))})
    assert isinstance(result, Unknown) and result.missing == frozenset({"b"})


def test_in_with_a_number_on_the_right_is_an_engine_error():
    fn, _ = compile_expression("a in b", {"a", "b"})
    with pytest.raises(ExpressionError) as caught:
        fn({"a": Decimal(1), "b": Decimal(2)})
    assert caught.value.code == "evaluation_failed"


def test_expression_length_and_depth_are_capped_at_load():
    with pytest.raises(ExpressionError):
        compile_expression("a + " * MAX_EXPRESSION_LENGTH + "a", {"a"})
    with pytest.raises(ExpressionError):
        compile_expression("(" * 100 + "a" + ")" * 100 + " + -" * 50 + "a", {"a"})
    with pytest.raises(ExpressionError):
        compile_expression("-" * 60 + "a", {"a"})
    with pytest.raises(ExpressionError):
        compile_expression("a + 1e999999", {"a"})


def test_arithmetic_errors_become_a_coded_engine_error():
    data = load_yaml(
        TECH.replace("formula: counted_investment * award_rate", "formula: counted_investment / 0")
    )
    package = package_from_dict(data)
    facts = {
        "tech_upgrade_equipment_investment_yuan": "3000000",
        "tech_upgrade_completed_year": 2025,
    }
    with pytest.raises(ExpressionError) as caught:
        evaluate(package, facts, date(2026, 3, 1))
    assert caught.value.code == "arithmetic_error"


def test_yaml_aliases_are_refused_in_package_text():
    text = "a: &x {b: 1}\nc: *x\n"
    with pytest.raises(yaml.YAMLError):
        load_yaml(text)


def test_an_alias_bomb_in_a_case_file_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(yaml.YAMLError):
        load_yaml("\n".join(lines) + "\n", cases=True)


def test_every_dated_value_of_a_table_has_the_same_keys():
    text = (POLICIES / "wuhu.first_set.yaml").read_text(encoding="utf-8")
    data = load_yaml(text)
    values = data["parameters"]["caps_yuan"]["values"]
    values.append({"from": "2030-01-01", "value": {"complete_set": 1}, "source": "x"})
    with pytest.raises(PackageError) as caught:
        package_from_dict(data)
    assert "missing keys" in str(caught.value)


def test_a_caps_change_with_missing_keys_is_refused_not_500(client, make_user, loaded_policies):
    from zjtx.accounts.auth import token_digest, token_generate
    from zjtx.accounts.models import ApiToken

    user = make_user("city_officer")
    raw = token_generate()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], digest=token_digest(raw))
    r = client.post(
        f"{URL}/changes",
        {
            "program": "wuhu.first_set",
            "parameter": "caps_yuan",
            "value": {"complete_set": "1000000"},
            "effective_from": "2027-01-01",
            "reason": "调整上限",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid_value"


def test_a_scan_counts_an_uncomputable_program_as_undecided_instead_of_failing():
    from zjtx.policy.engine import prepare_facts
    from zjtx.policy.scan import UNDECIDABLE, _decide

    data = load_yaml(
        TECH.replace("formula: counted_investment * award_rate", "formula: counted_investment / 0")
    )
    package = package_from_dict(data)
    facts = {
        "tech_upgrade_equipment_investment_yuan": "3000000",
        "tech_upgrade_completed_year": 2025,
    }
    prepared = prepare_facts(package.facts, facts)
    assert _decide(package, prepared, date(2026, 3, 1)) is UNDECIDABLE
