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


def test_exports_carry_a_total_row_and_whole_headcounts():
    from decimal import Decimal
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    from zjtx.core.xlsx import build_table_xlsx

    data = build_table_xlsx(
        title="台账",
        unit_note="单位：万元",
        headers=["企业", "年度", "金额", "从业人员"],
        rows=[["甲", 2025, Decimal("12.34"), 28], ["乙", 2025, Decimal("0.66"), 12]],
        total_columns=(2, 3),
        integer_columns=(1, 3),
    )
    rows = CalamineWorkbook.from_filelike(BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[-1][0] == "合计"
    assert rows[-1][3] == 13.0 and rows[-1][4] == 40
    assert rows[-1][2] == ""  # no total for the year


def test_formatting_reads_as_people_write_numbers():
    from decimal import Decimal

    from zjtx.core import formatting

    assert formatting.percent(Decimal("36.815104235818560668066539")) == "36.82%"
    assert formatting.percent(Decimal("0.368151"), ratio=True) == "36.82%"
    assert formatting.headcount(Decimal("28.00")) == "28"
    assert formatting.headcount(1208) == "1,208"
    assert formatting.percent(None) == "—"
    # The shown figures never contradict the comparison: 9,999,999.99 元 is below 1,000 万元.
    below = formatting.wan_against(Decimal("9999999.99"), Decimal("10000000"))
    assert below == ("999.999999", "1,000.000000")
    assert formatting.wan_against(Decimal("22926888"), Decimal("10000000")) == (
        "2,292.69",
        "1,000.00",
    )
    assert formatting.wan_against(Decimal("10000000"), Decimal("10000000")) == (
        "1,000.00",
        "1,000.00",
    )


def test_a_figure_keeps_two_decimals_unless_rounding_would_contradict_a_threshold():
    from decimal import Decimal

    from zjtx.core.formatting import figure

    assert figure(Decimal("2292.6888")) == "2,292.69"
    assert figure(Decimal("1999.999999")) == "1,999.999"
    assert figure(Decimal("2000")) == "2,000.00"
    assert figure(Decimal("5.999"), grouping=False) == "5.999"
