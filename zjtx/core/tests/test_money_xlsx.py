from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from zjtx.core.money import format_wan, wan_to_yuan, yuan_to_wan
from zjtx.core.xlsx import build_table_xlsx


def test_yuan_to_wan_rounds_half_up_to_two_places():
    assert yuan_to_wan(Decimal("12345")) == Decimal("1.23")
    assert yuan_to_wan(Decimal("12350")) == Decimal("1.24")
    assert yuan_to_wan(None) is None


def test_format_wan_groups_thousands_and_marks_unknown():
    assert format_wan(Decimal("123456789.00")) == "12,345.68"
    assert format_wan(None) == "—"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_wan_round_trip_is_exact_for_two_decimal_wan(value):
    assert yuan_to_wan(wan_to_yuan(value)) == value.quantize(Decimal("0.01"))


def test_xlsx_has_title_unit_row_and_chinese_headers():
    data = build_table_xlsx(
        title="企业名录",
        unit_note="单位：万元",
        headers=["企业名称", "营业收入（万元）"],
        rows=[["甲公司", Decimal("12.34")], ['=HYPERLINK("x")', None]],
    )
    wb = CalamineWorkbook.from_filelike(__import__("io").BytesIO(data))
    rows = wb.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "企业名录"
    assert "单位：万元" in rows[1][0]
    assert rows[2][:3] == ["序号", "企业名称", "营业收入（万元）"]
    assert rows[3][2] == 12.34
    # Formula injection is neutralised: the text is stored, never a formula.
    assert rows[4][1].startswith("'=")
