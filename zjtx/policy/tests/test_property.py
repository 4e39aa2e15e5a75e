"""Property tests: every award is exact to the fen for random inputs, and missing is never zero."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from zjtx.policy.engine import evaluate, read_package_file

POLICIES = Path(__file__).resolve().parents[3] / "policies"
TECH = read_package_file(POLICIES / "wuhu.tech_upgrade.yaml").package
FIRST = read_package_file(POLICIES / "wuhu.first_set.yaml").package
PROVINCIAL = read_package_file(POLICIES / "wuhu.provincial_zjtx.yaml").package
AS_OF = date(2026, 3, 1)
CAPS_FEN = {"complete_set": 100_000_000, "single_unit": 50_000_000, "key_component": 20_000_000}

fen = st.integers(min_value=0, max_value=10**12)  # up to 100亿元


def yuan(amount_fen: int) -> str:
    return f"{amount_fen // 100}.{amount_fen % 100:02d}"


def share_half_up(numerator: int, denominator: int) -> int:
    """Exact integer ROUND_HALF_UP of numerator / denominator (both non-negative)."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


@settings(max_examples=400, deadline=None)
@given(investment=fen, year=st.integers(min_value=2018, max_value=2027))
def test_tech_upgrade_award_is_exact(investment, year):
    facts = {
        "tech_upgrade_equipment_investment_yuan": yuan(investment),
        "tech_upgrade_completed_year": year,
    }
    result = evaluate(TECH, facts, AS_OF)
    if year == 2025 and investment >= 300_000_000:
        assert result.eligible is True
        assert result.amount_yuan == Decimal(yuan(share_half_up(investment, 10)))
        assert str(result.amount_yuan) == yuan(share_half_up(investment, 10))
    else:
        assert result.eligible is False
        assert result.amount_yuan is None


@settings(max_examples=400, deadline=None)
@given(
    price=fen,
    category=st.sampled_from(sorted(CAPS_FEN)),
    certified=st.booleans(),
    in_city=st.booleans(),
)
def test_first_set_award_is_exact_and_capped(price, category, certified, in_city):
    facts = {
        "first_set_province_certified": certified,
        "first_set_category": category,
        "first_set_sale_price_yuan": yuan(price),
        "developer_in_city": in_city,
    }
    result = evaluate(FIRST, facts, AS_OF)
    if certified and in_city:
        expected = min(share_half_up(price, 10), CAPS_FEN[category])
        assert str(result.amount_yuan) == yuan(expected)
    else:
        assert result.eligible is False and result.amount_yuan is None


@settings(max_examples=400, deadline=None)
@given(award=fen)
def test_provincial_top_up_is_exact(award):
    facts = {"provincial_zjtx_newly_certified": True, "provincial_zjtx_award_yuan": yuan(award)}
    result = evaluate(PROVINCIAL, facts, AS_OF)
    if award > 0:
        assert str(result.amount_yuan) == yuan(share_half_up(award * 2, 10))
    else:
        assert result.eligible is False


@settings(max_examples=300, deadline=None)
@given(
    data=st.fixed_dictionaries(
        {
            "first_set_province_certified": st.one_of(st.none(), st.booleans()),
            "first_set_category": st.one_of(st.none(), st.sampled_from(sorted(CAPS_FEN))),
            "first_set_sale_price_yuan": st.one_of(st.none(), fen.map(yuan)),
            "developer_in_city": st.one_of(st.none(), st.booleans()),
        }
    )
)
def test_a_missing_fact_never_becomes_zero(data):
    result = evaluate(FIRST, data, AS_OF)
    given_none = {k for k, v in data.items() if v is None}
    assert set(result.missing) <= given_none
    assert (result.eligible is None) == bool(result.missing)
    if result.amount_yuan is not None:
        assert result.eligible is True
        assert {"first_set_sale_price_yuan", "first_set_category"}.isdisjoint(given_none)
    if result.eligible is None:
        assert result.amount_yuan is None
