"""Facts built from the registry: relative years, sources, missing never zero, bulk queries."""

from datetime import date
from decimal import Decimal

import pytest

from zjtx.enterprises.models import AnnualFinancial, Enterprise, Honour, IPAsset
from zjtx.policy.facts_from_registry import enterprise_facts, registry_facts
from zjtx.policy.models import DeclaredFact

AS_OF = date(2026, 6, 1)


@pytest.fixture
def firm(make_enterprise):
    ent = make_enterprise(size_class="small")
    for year, revenue in ((2025, "30000000.00"), (2024, "25000000.00"), (2023, "20000000.00")):
        AnnualFinancial.objects.create(
            enterprise=ent,
            year=year,
            operating_revenue=Decimal(revenue),
            main_business_revenue=Decimal(revenue) * Decimal("0.9"),
            rd_expense=Decimal("1200000.00"),
            total_assets=Decimal("40000000.00"),
            total_liabilities=Decimal("14000000.00"),
            employees=120,
            rd_staff=20,
        )
    return ent


def test_years_are_relative_to_as_of_and_carry_their_source(firm):
    sheet = enterprise_facts(firm, as_of=AS_OF)
    assert sheet.values["operating_revenue_y1_yuan"] == Decimal("30000000.00")
    assert sheet.values["operating_revenue_y3_yuan"] == Decimal("20000000.00")
    assert "2025" in sheet.sources["operating_revenue_y1_yuan"]
    assert sheet.values["debt_asset_ratio_pct"] == Decimal(35)
    assert sheet.values["employees"] == 120
    assert sheet.values["is_sme"] is True
    assert sheet.values["developer_in_city"] is True
    later = enterprise_facts(firm, as_of=date(2027, 3, 1))
    assert later.values["operating_revenue_y2_yuan"] == Decimal("30000000.00")
    assert "operating_revenue_y1_yuan" not in later.values


def test_unknown_figures_stay_missing_never_zero(make_enterprise):
    ent = make_enterprise()
    AnnualFinancial.objects.create(enterprise=ent, year=2025, operating_revenue=None)
    sheet = enterprise_facts(ent, as_of=AS_OF)
    for name in (
        "operating_revenue_y1_yuan",
        "rd_expense_y1_yuan",
        "is_sme",
        "debt_asset_ratio_pct",
        "ip_best_class",
        "class1_ip_count",
        "tech_upgrade_equipment_investment_yuan",
        "first_set_province_certified",
    ):
        assert name not in sheet.values


def test_ip_and_honours_map_to_facts(firm):
    IPAsset.objects.create(
        enterprise=firm, ip_class="I", kind="invention", number="ZL1", high_value=False
    )
    IPAsset.objects.create(enterprise=firm, ip_class="II", kind="utility", number="ZL2")
    Honour.objects.create(
        enterprise=firm, kind="tech_centre", level="municipal", name="市级技术中心"
    )
    Honour.objects.create(
        enterprise=firm, kind="tech_centre", level="provincial", name="省级技术中心"
    )
    Honour.objects.create(
        enterprise=firm,
        kind="integration_pilot",
        level="provincial",
        name="两化融合",
        awarded_on=date(2025, 9, 1),
    )
    Honour.objects.create(
        enterprise=firm,
        kind="high_tech",
        level="national",
        name="高新技术企业",
        awarded_on=date(2020, 1, 1),
        valid_until=date(2022, 12, 31),
    )
    sheet = enterprise_facts(firm, as_of=AS_OF)
    assert sheet.values["ip_best_class"] == "self_developed_class1"
    assert sheet.values["class1_ip_count"] == 1
    assert sheet.values["rd_institution_level"] == "provincial"
    assert sheet.values["integration_pilot_level"] == "provincial"
    assert sheet.values["integration_pilot_new"] is True
    assert "innovation_title_valid" not in sheet.values  # expired honour proves nothing
    assert "两化融合" in sheet.sources["integration_pilot_level"]


def test_declarations_fill_gaps_but_never_override_the_registry(firm):
    DeclaredFact.objects.create(
        enterprise=firm, name="tech_upgrade_equipment_investment_yuan", value="100", source="旧"
    )
    DeclaredFact.objects.create(
        enterprise=firm,
        name="tech_upgrade_equipment_investment_yuan",
        value="5000000.00",
        source="技改申请",
    )
    DeclaredFact.objects.create(
        enterprise=firm, name="operating_revenue_y1_yuan", value="1.00", source="申报"
    )
    sheet = enterprise_facts(firm, as_of=AS_OF)
    assert sheet.values["tech_upgrade_equipment_investment_yuan"] == "5000000.00"
    assert "技改申请" in sheet.sources["tech_upgrade_equipment_investment_yuan"]
    assert sheet.values["operating_revenue_y1_yuan"] == Decimal("30000000.00")


def test_bulk_uses_a_fixed_number_of_queries(firm, make_enterprise, django_assert_max_num_queries):
    for _ in range(5):
        make_enterprise()
    with django_assert_max_num_queries(5):
        sheets = registry_facts(Enterprise.objects.all(), as_of=AS_OF)
    assert len(sheets) == 6


def test_names_limit_the_facts_returned(firm):
    sheets = registry_facts(
        Enterprise.objects.filter(pk=firm.pk), as_of=AS_OF, names={"developer_in_city"}
    )
    assert sheets[firm.pk].values == {"developer_in_city": True}
