"""size_class_for and the lists: unknown codes, coarse codes, standard versions, search."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from zjtx.core.errors import DomainError
from zjtx.reference.models import IndustryCode, SizeStandard
from zjtx.reference.selectors import (
    division_list,
    industry_search,
    size_class_for,
    size_standard_in_force,
    unit_list,
)
from zjtx.reference.sizing import SizeInputMissing

pytestmark = pytest.mark.django_db


def test_size_class_for_uses_the_standard_in_the_database(reference_data):
    result = size_class_for(
        industry_code="C3670",
        employees=1200,
        revenue_yuan=Decimal("300000000"),
        total_assets_yuan=None,
    )
    assert (result.size, result.is_sme, result.sector_name) == ("medium", True, "工业")


def test_missing_input_raises_with_the_input_names(reference_data):
    with pytest.raises(SizeInputMissing) as caught:
        size_class_for(
            industry_code="E4710", employees=10, revenue_yuan=None, total_assets_yuan=None
        )
    assert caught.value.missing == ["revenue_yuan", "total_assets_yuan"]


@pytest.mark.parametrize("code", ["Z9999", "C9999", "", "C36701"])
def test_unknown_industry(reference_data, code):
    with pytest.raises(DomainError) as caught:
        size_class_for(
            industry_code=code, employees=1, revenue_yuan=Decimal(1), total_assets_yuan=None
        )
    assert caught.value.code == "unknown_industry"
    assert "industry_code" in caught.value.fields


def test_section_spanning_sectors_is_too_coarse(reference_data):
    with pytest.raises(DomainError) as caught:
        size_class_for(
            industry_code="F", employees=1, revenue_yuan=Decimal(1), total_assets_yuan=None
        )
    assert caught.value.code == "industry_too_coarse"


def test_negative_input_is_a_domain_error(reference_data):
    with pytest.raises(DomainError) as caught:
        size_class_for(
            industry_code="C36", employees=-1, revenue_yuan=Decimal(1), total_assets_yuan=None
        )
    assert caught.value.code == "invalid_input"
    assert "employees" in caught.value.fields


def test_packaged_data_is_used_before_load_reference_runs():
    assert not IndustryCode.objects.exists()
    result = size_class_for(
        industry_code="3670",
        employees=250,
        revenue_yuan=Decimal("500000000"),
        total_assets_yuan=None,
    )
    assert result.size == "small"


def test_the_version_in_force_on_the_date_is_used(reference_data):
    current = SizeStandard.objects.get()
    rules = dict(current.rules)
    sectors = {
        **rules["sectors"],
        "other": {**rules["sectors"]["other"], "medium": {"employees": 200}},
    }
    SizeStandard.objects.filter(pk=current.pk).update(effective_to=datetime.date(2030, 1, 1))
    SizeStandard.objects.create(
        code="TEST-2030",
        title="测试修订版",
        document="测试〔2030〕1号",
        effective_from=datetime.date(2030, 1, 1),
        rules={**rules, "document": "测试〔2030〕1号", "sectors": sectors},
    )
    before = size_class_for(
        industry_code="M73",
        employees=150,
        revenue_yuan=None,
        total_assets_yuan=None,
        as_of=datetime.date(2029, 12, 31),
    )
    after = size_class_for(
        industry_code="M73",
        employees=150,
        revenue_yuan=None,
        total_assets_yuan=None,
        as_of=datetime.date(2030, 1, 1),
    )
    assert (before.size, before.standard) == ("medium", "工信部联企业〔2011〕300号")
    assert (after.size, after.standard) == ("small", "测试〔2030〕1号")


def test_no_standard_before_2011(reference_data):
    with pytest.raises(DomainError) as caught:
        size_standard_in_force(as_of=datetime.date(2010, 1, 1))
    assert caught.value.code == "size_standard_missing"


def test_lists(reference_data):
    assert [u.code for u in unit_list()][:2] == ["340202", "340207"]
    codes = [d.code for d in division_list()]
    assert "340225" in codes and "340281" in codes


@pytest.mark.parametrize(
    ("q", "level", "expected"),
    [
        ("C367", None, {"C367", "C3670"}),
        ("汽车零部件", None, {"C367", "C3670"}),
        ("3670", None, {"C3670"}),
        ("电气机械及器材", "division", {"C38"}),
        ("", "section", None),
    ],
)
def test_industry_search(reference_data, q, level, expected):
    found = {i.code for i in industry_search(q=q, level=level)}
    if expected is None:
        assert len(found) == 20
    else:
        assert found == expected
