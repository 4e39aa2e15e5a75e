"""Every rule package under policies/ loads, and every one of its YAML test cases passes."""

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from zjtx.policy.engine import (
    PackageError,
    evaluate,
    load_yaml,
    package_from_dict,
    read_directory,
    read_package_file,
)
from zjtx.policy.engine.yamlio import check_case

ROOT = Path(__file__).resolve().parents[3]
POLICIES = ROOT / "policies"
ENGINE = ROOT / "zjtx" / "policy" / "engine"

REQUIRED = {
    "wuhu.tech_upgrade": {"tech_upgrade_equipment_investment_yuan", "tech_upgrade_completed_year"},
    "wuhu.first_set": {
        "first_set_province_certified",
        "first_set_category",
        "first_set_sale_price_yuan",
        "developer_in_city",
    },
    "wuhu.integration_pilot": {"integration_pilot_level", "integration_pilot_new"},
    "wuhu.municipal_zjtx": {"municipal_zjtx_newly_certified", "municipal_zjtx_award_received"},
    "wuhu.provincial_zjtx": {"provincial_zjtx_newly_certified", "provincial_zjtx_award_yuan"},
    "gov.sme_size": set(),
    "miit2022.innovative_sme": set(),
    "miit2022.zjtx_sme": set(),
    "miit2022.little_giant": set(),
    "miit2026.zjtx_sme": set(),
    "miit2026.little_giant": set(),
}
PACKAGE_FILES = read_directory(POLICIES)
CASES = [
    pytest.param(pf.package, case, id=f"{pf.package.id}:{case.name}")
    for pf in PACKAGE_FILES
    for case in pf.cases
]


def test_every_required_program_exists_with_its_facts():
    by_id = {pf.package.id: pf.package for pf in PACKAGE_FILES}
    assert set(REQUIRED) <= set(by_id)
    for pid, facts in REQUIRED.items():
        assert facts <= set(by_id[pid].facts), pid


def test_first_set_category_values_are_the_contract():
    package = read_package_file(POLICIES / "wuhu.first_set.yaml").package
    assert set(package.facts["first_set_category"].values) == {
        "complete_set",
        "single_unit",
        "key_component",
    }
    level = read_package_file(POLICIES / "wuhu.integration_pilot.yaml").package
    assert set(level.facts["integration_pilot_level"].values) == {"national", "provincial"}


def test_every_package_has_cases_and_notes():
    for pf in PACKAGE_FILES:
        assert len(pf.cases) >= 4, pf.package.id
        assert pf.package.notes, pf.package.id


def test_a_fact_name_has_one_type_across_packages():
    seen = {}
    for pf in PACKAGE_FILES:
        for name, spec in pf.package.facts.items():
            shape = (spec.type, tuple(sorted(spec.values)))
            assert seen.setdefault(name, shape) == shape, name


@pytest.mark.parametrize(("package", "case"), CASES)
def test_package_case(package, case):
    assert check_case(package, case) == []


def test_criteria_results_carry_score_and_points_per_indicator():
    pf = read_package_file(POLICIES / "miit2022.zjtx_sme.yaml")
    result = evaluate(pf.package, pf.cases[0].facts, pf.cases[0].as_of)
    assert result.value["score"] == Decimal(100)
    assert len(result.points) == 13
    assert {p.dimension for p in result.points} == {"专业化", "精细化", "特色化", "创新能力"}
    data = result.as_dict()
    assert data["points"][0] == {
        "id": "main_business_share",
        "title": "上年度主营业务收入占营业收入比重（%）",
        "dimension": "专业化",
        "points": "5",
        "max_points": "5",
    }


def test_band_edges_are_configurable():
    text = (POLICIES / "miit2022.innovative_sme.yaml").read_text(encoding="utf-8")
    data = load_yaml(text.replace("band_edges: inclusive", "band_edges: exclusive"))
    exclusive = package_from_dict(data)
    inclusive = package_from_dict(load_yaml(text))
    facts = next(
        c.facts for c in read_package_file(POLICIES / "miit2022.innovative_sme.yaml").cases
    )
    facts = {**facts, "rd_expense_y1_yuan": "300000"}  # exactly 3 %
    on = date(2025, 6, 1)
    points = {p.id: p.points for p in evaluate(inclusive, facts, on).points}
    assert points["rd_ratio"] == 15
    points = {p.id: p.points for p in evaluate(exclusive, facts, on).points}
    assert points["rd_ratio"] == 10  # the lower band when edges are exclusive
    # at_most bands too: 55 % debt is the 10-point band only when inclusive.
    assert {p.id: p.points for p in evaluate(exclusive, facts, on).points}["debt_ratio"] == 5


def test_parameters_take_the_value_in_force_on_the_date():
    pf = read_package_file(POLICIES / "wuhu.tech_upgrade.yaml")
    vat = pf.package.parameters["vat_rate"]
    assert vat.at(date(2019, 3, 31)).value == Decimal("0.16")
    assert vat.at(date(2019, 4, 1)).value == Decimal("0.13")
    assert vat.at(date(2018, 12, 31)) is None


def test_tax_exclusive_reading_is_a_parameter_switch():
    data = load_yaml((POLICIES / "wuhu.tech_upgrade.yaml").read_text(encoding="utf-8"))
    data["parameters"]["investment_tax_basis"]["values"][0]["value"] = "exclude_vat"
    package = package_from_dict(data)
    facts = {
        "tech_upgrade_equipment_investment_yuan": "3390000",
        "tech_upgrade_completed_year": 2025,
    }
    result = evaluate(package, facts, date(2026, 3, 1))
    assert result.eligible is True
    assert result.amount_yuan == Decimal("300000.00")  # 3,390,000 / 1.13 × 10 %


def test_a_cap_parameter_limits_the_tech_upgrade_award():
    data = load_yaml((POLICIES / "wuhu.tech_upgrade.yaml").read_text(encoding="utf-8"))
    data["parameters"]["cap_yuan"]["values"].append(
        {"from": date(2027, 1, 1), "value": Decimal(500000), "source": "假设的新规定"}
    )
    package = package_from_dict(data)
    facts = {
        "tech_upgrade_equipment_investment_yuan": "9000000",
        "tech_upgrade_completed_year": 2026,
    }
    assert evaluate(package, facts, date(2027, 3, 1)).amount_yuan == Decimal("500000.00")
    facts["tech_upgrade_completed_year"] = 2025
    assert evaluate(package, facts, date(2026, 3, 1)).amount_yuan == Decimal("900000.00")


def test_stacking_switch_refuses_the_top_up_after_a_municipal_award():
    data = load_yaml((POLICIES / "wuhu.provincial_zjtx.yaml").read_text(encoding="utf-8"))
    data["parameters"]["stack_with_municipal"]["values"][0]["value"] = False
    package = package_from_dict(data)
    facts = {"provincial_zjtx_newly_certified": True, "provincial_zjtx_award_yuan": "500000"}
    on = date(2026, 3, 1)
    assert evaluate(package, facts, on).missing == ["municipal_zjtx_award_received"]
    assert evaluate(package, {**facts, "municipal_zjtx_award_received": True}, on).eligible is False
    result = evaluate(package, {**facts, "municipal_zjtx_award_received": False}, on)
    assert result.amount_yuan == Decimal("100000.00")


def test_every_trace_step_is_chinese_and_cites_a_source():
    for pf in PACKAGE_FILES:
        for case in pf.cases:
            result = evaluate(pf.package, case.facts, case.as_of)
            assert result.trace, (pf.package.id, case.name)
            for step in result.trace:
                assert step.source
                assert any("\u4e00" <= ch <= "\u9fff" for ch in step.text), step.text


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d.pop("title"), "title"),
        (lambda d: d.update(kind="gift"), "kind"),
        (
            lambda d: d["facts"]["tech_upgrade_completed_year"].update(type="float"),
            "facts.tech_upgrade_completed_year.type",
        ),
        (lambda d: d["conditions"][0].update(when="__import__('os')"), "conditions[0].when"),
        (lambda d: d["conditions"][0].update(when="no_such_fact > 1"), "conditions[0].when"),
        (lambda d: d["amount"].update(formula="counted_investment ** 2"), "amount.formula"),
        (
            lambda d: d["parameters"]["award_rate"]["values"][0].update(value="ten"),
            "parameters.award_rate.values[0].value",
        ),
        (
            lambda d: d["parameters"]["award_rate"]["values"][0].update(
                **{"from": date(2020, 1, 1)}
            ),
            "parameters.award_rate.values",
        ),
        (lambda d: d.update(effective_to=date(2000, 1, 1)), "effective_to"),
        (lambda d: d["facts"].update(score={"type": "int", "description": "x"}), "facts.score"),
        (lambda d: d["conditions"][0].update(**{"pass": "年份{x.y}"}), "conditions[0].pass"),
    ],
)
def test_malformed_packages_are_refused_naming_the_path(mutate, path):
    data = load_yaml((POLICIES / "wuhu.tech_upgrade.yaml").read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(PackageError) as info:
        package_from_dict(data)
    assert path in [p for p, _ in info.value.problems], info.value.problems


def test_duplicate_yaml_keys_are_refused():
    import yaml

    with pytest.raises(yaml.YAMLError):
        load_yaml("a: 1\na: 2\n")


def test_a_failing_case_is_reported():
    pf = read_package_file(POLICIES / "wuhu.municipal_zjtx.yaml")
    case = pf.cases[0]
    wrong = type(case)(case.name, case.as_of, case.facts, {"eligible": True, "amount_yuan": "1"})
    assert check_case(pf.package, wrong) == ["amount_yuan: expected 1, got 100000.00"]


def test_the_engine_imports_nothing_from_django():
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] in ("django", "zjtx") for n in names), path
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile", "__import__"), path


def test_sme_size_package_agrees_with_the_reference_classifier():
    sizing = pytest.importorskip("zjtx.reference.sizing")
    yaml_path = ROOT / "zjtx" / "reference" / "data" / "size_standard.yaml"
    if not yaml_path.exists():
        pytest.skip("reference size standard not present")
    rules = load_yaml(yaml_path.read_text(encoding="utf-8"))["standards"][0]["rules"]
    package = read_package_file(POLICIES / "gov.sme_size.yaml").package
    on = date(2026, 3, 1)
    employees_grid = [
        0,
        4,
        5,
        9,
        10,
        19,
        20,
        49,
        50,
        99,
        100,
        199,
        200,
        299,
        300,
        999,
        1000,
        1999,
        2000,
        5000,
    ]
    money_grid_wan = [
        0,
        49,
        50,
        99,
        100,
        200,
        299,
        300,
        500,
        999,
        1000,
        2000,
        3000,
        5000,
        6000,
        8000,
        10000,
        20000,
        30000,
        40000,
        80000,
        100000,
        120000,
        200000,
        300000,
    ]
    checked = 0
    for sector in rules["sectors"]:
        for emp in employees_grid:
            for rev in money_grid_wan:
                for assets in (0, 100, 2000, 5000, 8000, 10000, 80000, 120000):
                    expected = sizing.classify(
                        rules, sector, emp, Decimal(rev) * 10000, Decimal(assets) * 10000
                    )
                    facts = {
                        "size_sector": sector,
                        "employees": emp,
                        "operating_revenue_y1_yuan": str(rev * 10000),
                        "total_assets_yuan": str(assets * 10000),
                    }
                    result = evaluate(package, facts, on)
                    assert result.value == expected.size, (sector, emp, rev, assets)
                    assert result.eligible is expected.is_sme
                    checked += 1
    assert checked > 10000


@pytest.mark.parametrize(("package", "case"), CASES)
def test_deciding_without_explaining_gives_the_same_answer(package, case):
    full = evaluate(package, case.facts, case.as_of)
    quick = evaluate(package, case.facts, case.as_of, explain=False)
    assert quick.trace == [] or not quick.in_force
    assert (quick.eligible, quick.amount_yuan, quick.missing, quick.value) == (
        full.eligible,
        full.amount_yuan,
        full.missing,
        full.value,
    )
    assert [p.as_dict() for p in quick.points or []] == [p.as_dict() for p in full.points or []]


def test_prepared_facts_are_shared_across_packages():
    from zjtx.policy.engine import prepare_facts

    specs = {}
    for pf in PACKAGE_FILES:
        specs.update(pf.package.facts)
    raw = {"tech_upgrade_equipment_investment_yuan": "3000000", "tech_upgrade_completed_year": 2025}
    prepared = prepare_facts(specs, raw)
    package = read_package_file(POLICIES / "wuhu.tech_upgrade.yaml").package
    on = date(2026, 3, 1)
    assert evaluate(package, prepared, on).as_dict() == evaluate(package, raw, on).as_dict()


def test_cases_may_live_inline_in_the_package(tmp_path):
    text = (POLICIES / "wuhu.municipal_zjtx.yaml").read_text(encoding="utf-8")
    text += """
cases:
  - name: 内联用例
    as_of: 2026-03-01
    facts: {municipal_zjtx_newly_certified: true, municipal_zjtx_award_received: false}
    expect: {eligible: true, amount_yuan: "100000.00"}
"""
    path = tmp_path / "wuhu.municipal_zjtx.yaml"
    path.write_text(text, encoding="utf-8")
    package_file = read_package_file(path)
    assert [c.name for c in package_file.cases] == ["内联用例"]
    assert "cases" not in package_file.package.content
    assert check_case(package_file.package, package_file.cases[0]) == []


def test_a_package_needs_test_cases(tmp_path):
    path = tmp_path / "wuhu.municipal_zjtx.yaml"
    path.write_text((POLICIES / "wuhu.municipal_zjtx.yaml").read_text(encoding="utf-8"))
    with pytest.raises(PackageError) as info:
        read_package_file(path)
    assert info.value.problems == [("cases", "at least one test case is required")]
