"""The default indicator catalogue: the monthly indicators of DOMAIN.md §8.

Names and units are data (Chinese allowed): they are the column headers of the bureau's
template. Ranges are in the template unit and catch slips such as 元 typed into a 万元 column.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

WAN_MAX = Decimal("10000000")  # 1,000 亿元 in 万元: no SME reports more in a month

# code, name, unit, kind, accumulation, decimal_places, min, max
DEFAULT_INDICATORS: list[tuple[str, str, str, str, str, int, Decimal | None, Decimal | None]] = [
    ("operating_revenue", "营业收入", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    (
        "main_business_revenue",
        "主营业务收入",
        "万元",
        "numeric",
        "current_month",
        2,
        Decimal(0),
        WAN_MAX,
    ),
    ("total_profit", "利润总额", "万元", "numeric", "current_month", 2, -WAN_MAX, WAN_MAX),
    ("taxes", "税金总额", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    ("export_delivery", "出口交货值", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    (
        "electricity",
        "用电量",
        "千瓦时",
        "numeric",
        "current_month",
        0,
        Decimal(0),
        Decimal("10000000000"),
    ),
    ("employees", "从业人员", "人", "numeric", "period_end", 0, Decimal(0), Decimal(200000)),
    ("rd_spending", "研发投入", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    ("receivables", "应收账款", "万元", "numeric", "period_end", 2, Decimal(0), WAN_MAX),
    (
        "finished_inventory",
        "产成品库存",
        "万元",
        "numeric",
        "period_end",
        2,
        Decimal(0),
        WAN_MAX,
    ),
    ("new_orders", "新增订单", "万元", "numeric", "current_month", 2, Decimal(0), WAN_MAX),
    ("total_assets", "资产总计", "万元", "numeric", "period_end", 2, Decimal(0), WAN_MAX * 10),
    (
        "total_liabilities",
        "负债合计",
        "万元",
        "numeric",
        "period_end",
        2,
        Decimal(0),
        WAN_MAX * 10,
    ),
    ("problems_and_demands", "存在问题和诉求", "文本", "text", "current_month", 0, None, None),
]


def load_default_indicators(indicator_model: Any) -> tuple[int, int]:
    """Create missing catalogue rows; never overwrite what the city officer changed."""
    created = existing = 0
    for order, (code, name, unit, kind, accumulation, places, low, high) in enumerate(
        DEFAULT_INDICATORS, start=1
    ):
        _obj, was_created = indicator_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "kind": kind,
                "frequency": "monthly",
                "accumulation": accumulation,
                "decimal_places": places,
                "min_value": low,
                "max_value": high,
                "sort_order": order * 10,
                "active": True,
            },
        )
        if was_created:
            created += 1
        else:
            existing += 1
    return created, existing


# Quarterly (季报) and annual (年报) forms (DOMAIN.md §8 "quarterly and annual reports exist
# as well"): figures the monthly form does not carry. code, name, unit, kind, frequency,
# accumulation, decimal_places, min, max.
PERIODIC_INDICATORS: list[
    tuple[str, str, str, str, str, str, int, Decimal | None, Decimal | None]
] = [
    ("gross_output", "工业总产值", "万元", "numeric", "quarterly", "current_month", 2, Decimal(0),
     WAN_MAX * 3),
    ("value_added", "工业增加值", "万元", "numeric", "quarterly", "current_month", 2, -WAN_MAX,
     WAN_MAX * 3),
    ("rd_staff", "研发人员", "人", "numeric", "quarterly", "period_end", 0, Decimal(0),
     Decimal(200000)),
    ("annual_rd_expense", "全年研发费用", "万元", "numeric", "annual", "current_month", 2,
     Decimal(0), WAN_MAX * 12),
    ("invention_patents", "有效发明专利", "件", "numeric", "annual", "period_end", 0, Decimal(0),
     Decimal(100000)),
    ("main_product_share", "主导产品国内市场占有率", "%", "numeric", "annual", "period_end", 2,
     Decimal(0), Decimal(100)),
    ("annual_summary", "年度经营情况和下年计划", "文本", "text", "annual", "current_month", 0, None,
     None),
]  # fmt: skip


def load_periodic_indicators(indicator_model: Any) -> int:
    """Create the quarterly and annual catalogue rows that are missing; never overwrite."""
    created = 0
    for order, (code, name, unit, kind, frequency, accumulation, places, low, high) in enumerate(
        PERIODIC_INDICATORS, start=1
    ):
        if indicator_model.objects.filter(name=name).exclude(code=code).exists():
            continue  # the city already uses this name for an indicator of its own
        _obj, was_created = indicator_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "kind": kind,
                "frequency": frequency,
                "accumulation": accumulation,
                "decimal_places": places,
                "min_value": low,
                "max_value": high,
                "sort_order": 500 + order * 10,
                "active": True,
            },
        )
        created += int(was_created)
    return created
