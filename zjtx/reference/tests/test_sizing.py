"""The pure classifier: every sector of 300号 第四条, band edges, missing inputs, monotonicity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zjtx.reference.sizing import (
    IndustryTooCoarse,
    SizeInputInvalid,
    SizeInputMissing,
    classify,
    format_wan,
    normalize_industry_code,
    sector_for_industry,
    size_rank,
)

from .conftest import wan

# (sector, employees, revenue 万元, total assets 万元, expected size)
CASES = [
    # DOMAIN.md §3 examples
    ("industry", 1200, 30000, None, "medium"),
    ("industry", 250, 50000, None, "small"),
    ("industry", 1500, 50000, None, "large"),
    # industry edges: "以下" excludes the limit, "及以上" includes it
    ("industry", 1000, 40000, None, "large"),
    ("industry", 999, 40000, None, "medium"),
    ("industry", 1000, "39999.99", None, "medium"),
    ("industry", 300, 2000, None, "medium"),
    ("industry", 299, 2000, None, "small"),
    ("industry", 300, "1999.99", None, "small"),
    ("industry", 20, 300, None, "small"),
    ("industry", 19, 300, None, "micro"),
    ("industry", 20, "299.99", None, "micro"),
    ("industry", 0, 0, None, "micro"),
    ("agriculture", None, 20000, None, "large"),
    ("agriculture", None, "19999.99", None, "medium"),
    ("agriculture", None, 500, None, "medium"),
    ("agriculture", None, "499.99", None, "small"),
    ("agriculture", None, 50, None, "small"),
    ("agriculture", None, "49.99", None, "micro"),
    ("construction", None, 80000, 80000, "large"),
    ("construction", None, 80000, 79999, "medium"),
    ("construction", None, 6000, 5000, "medium"),
    ("construction", None, 6000, 4999, "small"),
    ("construction", None, 300, 300, "small"),
    ("construction", None, 300, 299, "micro"),
    ("wholesale", 200, 40000, None, "large"),
    ("wholesale", 20, 5000, None, "medium"),
    ("wholesale", 19, 5000, None, "small"),
    ("wholesale", 5, 1000, None, "small"),
    ("wholesale", 4, 1000, None, "micro"),
    ("wholesale", 5, 999, None, "micro"),
    ("retail", 300, 20000, None, "large"),
    ("retail", 50, 500, None, "medium"),
    ("retail", 10, 100, None, "small"),
    ("retail", 9, 100, None, "micro"),
    ("transport", 1000, 30000, None, "large"),
    ("transport", 300, 3000, None, "medium"),
    ("transport", 20, 200, None, "small"),
    ("transport", 20, 199, None, "micro"),
    ("warehousing", 200, 30000, None, "large"),
    ("warehousing", 100, 1000, None, "medium"),
    ("warehousing", 20, 100, None, "small"),
    ("warehousing", 19, 100, None, "micro"),
    ("postal", 1000, 30000, None, "large"),
    ("postal", 300, 2000, None, "medium"),
    ("postal", 20, 100, None, "small"),
    ("postal", 20, 99, None, "micro"),
    ("accommodation", 300, 10000, None, "large"),
    ("accommodation", 100, 2000, None, "medium"),
    ("accommodation", 10, 100, None, "small"),
    ("accommodation", 9, 100, None, "micro"),
    ("catering", 300, 10000, None, "large"),
    ("catering", 100, 2000, None, "medium"),
    ("catering", 99, 2000, None, "small"),
    ("catering", 10, 99, None, "micro"),
    ("information_transmission", 2000, 100000, None, "large"),
    ("information_transmission", 1999, 100000, None, "medium"),
    ("information_transmission", 100, 1000, None, "medium"),
    ("information_transmission", 10, 100, None, "small"),
    ("information_transmission", 10, 99, None, "micro"),
    ("software_it", 300, 10000, None, "large"),
    ("software_it", 100, 1000, None, "medium"),
    ("software_it", 10, 50, None, "small"),
    ("software_it", 10, 49, None, "micro"),
    ("real_estate_development", None, 200000, 10000, "large"),
    ("real_estate_development", None, 200000, 9999, "medium"),
    ("real_estate_development", None, 1000, 5000, "medium"),
    ("real_estate_development", None, 100, 2000, "small"),
    ("real_estate_development", None, 99, 2000, "micro"),
    ("property_management", 1000, 5000, None, "large"),
    ("property_management", 300, 1000, None, "medium"),
    ("property_management", 100, 500, None, "small"),
    ("property_management", 99, 500, None, "micro"),
    ("leasing_business", 300, None, 120000, "large"),
    ("leasing_business", 100, None, 8000, "medium"),
    ("leasing_business", 10, None, 100, "small"),
    ("leasing_business", 9, None, 100, "micro"),
    ("other", 300, None, None, "large"),
    ("other", 299, None, None, "medium"),
    ("other", 100, None, None, "medium"),
    ("other", 10, None, None, "small"),
    ("other", 9, None, None, "micro"),
]


@pytest.mark.parametrize(("sector", "employees", "revenue", "assets", "expected"), CASES)
def test_classify_follows_the_standard(rules, sector, employees, revenue, assets, expected):
    result = classify(rules, sector, employees, wan(revenue), wan(assets))
    assert result.size == expected
    assert result.is_sme is (expected != "large")
    assert result.sector == sector
    assert result.standard == "工信部联企业〔2011〕300号"


def test_every_sector_of_the_standard_has_cases(rules):
    assert {case[0] for case in CASES} == set(rules["sectors"])


def test_trace_explains_in_chinese_and_cites_the_clause(rules):
    result = classify(rules, "industry", 350, wan(5000), None)
    assert result.size == "medium"
    assert result.sector_name == "工业"
    last = result.trace[-1]
    assert "从业人员 350 人 ≥ 300 人" in last["text"]
    assert "营业收入 5000.00 万元 ≥ 2000 万元" in last["text"]
    assert "中型企业" in last["text"]
    assert last["source"] == "工信部联企业〔2011〕300号 第四条（二）"


def test_large_trace_cites_article_seven(rules):
    result = classify(rules, "industry", 1500, wan(50000), None)
    assert result.trace[-1]["source"].endswith("第七条")


@pytest.mark.parametrize(
    ("sector", "employees", "revenue", "assets", "missing"),
    [
        ("industry", 100, None, None, ["revenue_yuan"]),
        ("industry", None, 100, None, ["employees"]),
        ("industry", None, None, 100, ["employees", "revenue_yuan"]),
        ("construction", 100, None, None, ["revenue_yuan", "total_assets_yuan"]),
        ("agriculture", 100, None, 100, ["revenue_yuan"]),
        ("leasing_business", 5, 100, None, ["total_assets_yuan"]),
        ("other", None, 100, 100, ["employees"]),
    ],
)
def test_missing_input_is_never_read_as_zero(rules, sector, employees, revenue, assets, missing):
    with pytest.raises(SizeInputMissing) as caught:
        classify(rules, sector, employees, wan(revenue), wan(assets))
    assert caught.value.missing == missing


def test_inputs_the_sector_does_not_use_may_be_missing(rules):
    assert classify(rules, "agriculture", None, wan(600), None).size == "medium"
    assert classify(rules, "other", 150, None, None).size == "medium"


def test_zero_is_a_value_not_a_missing_input(rules):
    assert classify(rules, "industry", 0, Decimal(0), None).size == "micro"


def test_money_is_compared_exactly_in_decimal(rules):
    # One fen below 2000 万元: a float round trip would make this 2000 万元 and "medium".
    result = classify(rules, "industry", 300, Decimal("19999999.99"), None)
    assert result.size == "small"
    assert "营业收入 1999.999 万元 < 2000 万元" in result.trace[-2]["text"]
    assert classify(rules, "industry", 300, Decimal("20000000.00"), None).size == "medium"


@pytest.mark.parametrize(
    ("employees", "revenue"), [(-1, Decimal(1)), (1, Decimal(-1)), (1, Decimal("NaN"))]
)
def test_negative_or_non_finite_inputs_are_invalid(rules, employees, revenue):
    with pytest.raises(SizeInputInvalid):
        classify(rules, "industry", employees, revenue, None)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("30000"), "30000.00"),
        (Decimal("0.5"), "0.50"),
        # Just enough decimals to stay below the limit; two where rounding contradicts nothing.
        (Decimal("1999.999999"), "1999.999"),
        (Decimal("1234567.891"), "1234567.89"),
    ],
)
def test_format_wan_never_rounds_across_a_limit(value, text):
    assert format_wan(value) == text


def test_float_money_is_refused(rules):
    with pytest.raises(SizeInputInvalid):
        classify(rules, "industry", 10, 1.5, None)  # type: ignore[arg-type]


SECTOR_CODES = [
    ("A", "agriculture"),
    ("A0111", "agriculture"),
    ("B06", "industry"),
    ("C", "industry"),
    ("C36", "industry"),
    ("C367", "industry"),
    ("C3670", "industry"),
    ("3670", "industry"),
    ("c3670", "industry"),
    ("D4411", "industry"),
    ("E47", "construction"),
    ("F51", "wholesale"),
    ("F5191", "wholesale"),
    ("F52", "retail"),
    ("G53", "transport"),
    ("G54", "transport"),
    ("G58", "transport"),
    ("G5910", "transport"),
    ("G59", "warehousing"),
    ("G5920", "warehousing"),
    ("G60", "postal"),
    ("H61", "accommodation"),
    ("H62", "catering"),
    ("I63", "information_transmission"),
    ("I64", "information_transmission"),
    ("I65", "software_it"),
    ("I6513", "software_it"),
    ("K7010", "real_estate_development"),
    ("K701", "real_estate_development"),
    ("K7020", "property_management"),
    ("K7030", "other"),
    ("K7090", "other"),
    ("L", "leasing_business"),
    ("L71", "leasing_business"),
    ("L7212", "leasing_business"),
    ("J66", "other"),
    ("M73", "other"),
    ("O81", "other"),
    ("T97", "other"),
]


@pytest.mark.parametrize(("code", "sector"), SECTOR_CODES)
def test_sector_for_industry(code, sector):
    assert sector_for_industry(code) == sector


@pytest.mark.parametrize("code", ["F", "G", "H", "I", "K", "K70"])
def test_codes_spanning_several_sectors_are_too_coarse(code):
    with pytest.raises(IndustryTooCoarse):
        sector_for_industry(code)


@pytest.mark.parametrize("code", ["", "Z99", "C99", "A36", "C36701", "X", "36-70"])
def test_malformed_codes_are_rejected(code):
    with pytest.raises(ValueError):
        sector_for_industry(code)


def test_bare_numbers_get_their_section():
    assert normalize_industry_code(" 3670 ") == "C3670"
    assert normalize_industry_code("51") == "F51"
    assert normalize_industry_code("7010") == "K7010"


_headcount = st.integers(min_value=0, max_value=5000)
_wan = st.decimals(min_value=0, max_value=300000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(
    sector=st.sampled_from(sorted({case[0] for case in CASES})),
    employees=_headcount,
    revenue=_wan,
    assets=_wan,
    which=st.sampled_from(["employees", "revenue", "assets"]),
    step=st.integers(min_value=1, max_value=100000),
)
def test_raising_an_input_never_lowers_the_size(
    rules, sector, employees, revenue, assets, which, step
):
    before = classify(rules, sector, employees, wan(revenue), wan(assets))
    if which == "employees":
        employees += step
    elif which == "revenue":
        revenue += step
    else:
        assets += step
    after = classify(rules, sector, employees, wan(revenue), wan(assets))
    assert size_rank(after.size) >= size_rank(before.size)
    assert after.trace and all(step["source"].startswith("工信部联企业") for step in after.trace)
